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

export const app = {
  /** Version, shell and data directory. Errors: none. */
  info: method({ input: z.object({}).strict(), output: AppInfo, access: 'public' }),
  /** The status bar's snapshot; later changes arrive as `status.changed`. Errors: none. */
  status: method({ input: z.object({}).strict(), output: StatusSnapshot, access: 'public' }),
  /** The renderer is ready for events; events raised before this wait for it. Errors: none. */
  ready: method({ input: z.object({}).strict(), output: z.object({ ok: z.literal(true) }), access: 'public' }),
};
