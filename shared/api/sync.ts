/** 同步: the device's link to the county platform (enrolment, status, sync now). */
import { z } from 'zod';
import { method } from './method';

export const SyncState = z.enum(['notEnrolled', 'idle', 'syncing', 'offline', 'error']);
export type SyncState = z.infer<typeof SyncState>;

export const SyncStatus = z.object({
  state: SyncState,
  platformUrl: z.string().nullable(),
  /** The platform certificate's SHA-256 fingerprint pinned at enrolment. */
  fingerprint: z.string().nullable(),
  deviceId: z.string(),
  /** Local changes not yet on the platform. */
  pending: z.number().int().min(0),
  /** Everything recorded on this device before this instant is on the platform, as the platform acknowledged. */
  ackedUpTo: z.number().nullable(),
  lastSyncAt: z.number().nullable(),
  /** During a long pull: documents received of the total the platform announced, and the estimated seconds left. */
  progress: z.object({ received: z.number(), total: z.number(), etaSeconds: z.number().nullable() }).nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const sync = {
  /** This device's sync state. Errors: LOCKED. */
  status: method({ scope: 'clinic', input: z.object({}).strict(), output: SyncStatus, access: 'session' }),
  /**
   * Syncs every collection now and waits for it (up to a few minutes). Errors: LOCKED, SYNC_NOT_ENROLLED,
   * PLATFORM_UNREACHABLE, PLATFORM_CERTIFICATE_MISMATCH, PLATFORM_REFUSED, PLATFORM_BAD_RESPONSE, DEVICE_REVOKED.
   */
  now: method({ scope: 'clinic', input: z.object({}).strict(), output: SyncStatus, access: 'session' }),
  /**
   * Enrols this device with a one-time code; pins the platform certificate (the given fingerprint, or the one seen).
   * Errors: LOCKED, FORBIDDEN, BAD_REQUEST, ENROLMENT_CODE_INVALID, PLATFORM_UNREACHABLE, PLATFORM_CERTIFICATE_MISMATCH,
   * PLATFORM_REFUSED, PLATFORM_BAD_RESPONSE, CONFLICT (already enrolled).
   */
  enroll: method({
    input: z.object({
      url: z.string().trim().url().max(200).refine((u) => u.startsWith('https://'), 'https:// only'),
      code: z.string().trim().min(8).max(64),
      fingerprint: z.string().trim().regex(/^([0-9A-Fa-f]{2}:?){32}$/).optional(),
    }),
    output: SyncStatus,
    access: 'admin',
  }),
};
