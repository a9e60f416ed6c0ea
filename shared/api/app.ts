import { z } from 'zod';
import { method } from './method';

export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

export const AppInfo = z.object({
  version: z.string(),
  /** 'electron' in the desktop shell, 'headless' when served to a browser by the headless host. */
  shell: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  timeZone: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** What the status bar shows: network, last sync, devices, user. */
export const StatusSnapshot = z.object({
  online: z.boolean(),
  lastSyncAt: z.number().nullable(),
  devices: z.array(z.object({ id: z.string(), label: z.string(), connected: z.boolean() })),
  user: z.object({ displayName: z.string(), role: z.string() }).nullable(),
});
export type StatusSnapshot = z.infer<typeof StatusSnapshot>;

/** One piece of data work the screens wait for after sign-in (issue 10 §4). */
export const DataUpdateStep = z.object({
  /**
   * `rebuild`: derived tables rebuilt once after an upgrade (a projection's version changed); `worklist`: the work
   * list's rows brought to today (every resident on a new install, other rules or 1 January; those due otherwise).
   */
  kind: z.enum(['rebuild', 'worklist']),
  percent: z.number().int().min(0).max(100),
  /** Estimated time left, once enough has been done to tell; null before. */
  etaMs: z.number().int().nonnegative().nullable(),
});
export type DataUpdateStep = z.infer<typeof DataUpdateStep>;

/** 正在更新本机数据: what is still being brought up to date on this computer, for the 工作台 and other screens. */
export const DataUpdate = z.object({
  isUpdating: z.boolean(),
  /** Over the steps under way (the mean of their fractions); 100 when nothing is. */
  percent: z.number().int().min(0).max(100),
  /** The longest of the steps' estimates; null while one of them cannot tell yet. */
  etaMs: z.number().int().nonnegative().nullable(),
  steps: z.array(DataUpdateStep),
});
export type DataUpdate = z.infer<typeof DataUpdate>;

export const app = {
  /** Version, shell and data directory. Errors: none. */
  info: method({ input: z.object({}).strict(), output: AppInfo, access: 'public' }),
  /** The status bar's snapshot; later changes arrive as `status.changed`. Errors: none. */
  status: method({ input: z.object({}).strict(), output: StatusSnapshot, access: 'public' }),
  /** What data work the screens wait for after sign-in (an upgrade's rebuild, the day's work list), with progress. Errors: LOCKED. */
  dataUpdate: method({ input: z.object({}).strict(), output: DataUpdate, access: 'session', scope: 'self' }),
  /** The renderer is ready for events; events raised before this wait for it. Errors: none. */
  ready: method({ input: z.object({}).strict(), output: z.object({ ok: z.literal(true) }), access: 'public' }),
};
