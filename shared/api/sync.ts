/** 同步: the device's link to the county platform (enrolment, status, sync now). */
import { z } from 'zod';
import { LateEditNotice } from '../sync/protocol';
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
  /**
   * This device's edits the platform parked for review: they reached it after the resident moved out of this
   * device's villages, so they were kept there, not applied (issue 13 item 6). Known after a sync round.
   */
  parked: z.number().int().min(0).optional(),
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
   * 迁出后上传的修改: this device's edits that reached the platform after the resident moved out of its villages, and
   * what became of each (forwarded to the new clinic, parked and why, settled by the county), as of the last sync
   * (`checkedAt`; null before one asked); `residentId` narrows them to one resident. Errors: LOCKED.
   */
  lateEdits: method({
    scope: 'clinic',
    input: z.object({ residentId: z.string().min(1).max(100).optional() }).strict(),
    output: z.object({ checkedAt: z.number().nullable(), edits: z.array(LateEditNotice) }),
    access: 'session',
  }),
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

/** What importing one offline bundle did. */
export const BundleImportSummary = z.object({
  bundleId: z.string(),
  from: z.object({ clinicCode: z.string(), deviceId: z.string() }),
  alreadyImported: z.boolean(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  outOfScope: z.number().int(),
  conflicts: z.number().int(),
  duplicatesQueued: z.number().int(),
});
export type BundleImportSummary = z.infer<typeof BundleImportSummary>;

/** The headless host's WebSocket takes frames up to 4 MB; larger bundles are uploaded in parts (`uploadPart`). */
export const MAX_UI_BUNDLE_BASE64 = 4_000_000;

/**
 * A bundle larger than one frame reaches the runtime in parts of at most this many base64 characters, kept under the
 * host's WebSocket frame cap; up to `MAX_UI_BUNDLE_PARTS` parts (about 280 MB of bundle) make one upload.
 */
export const MAX_UI_BUNDLE_PART_BASE64 = 3_000_000;
export const MAX_UI_BUNDLE_PARTS = 128;
const UploadId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

/** 离线数据包: encrypted, signed bundles carried on a USB stick where there is no link (issue 13 item 7). */
export const bundles = {
  /** This device's pairing code, for the receiving clinic to trust once. Audited. Errors: LOCKED, FORBIDDEN. */
  pairingCode: method({ input: z.object({}).strict(), output: z.object({ code: z.string() }), access: 'admin' }),
  /** Trust a sending device from its pairing code. Errors: LOCKED, FORBIDDEN, VALIDATION_FAILED. */
  trust: method({
    input: z.object({ code: z.string().trim().min(1).max(4_000) }).strict(),
    output: z.object({ deviceId: z.string(), clinicCode: z.string(), clinicName: z.string() }),
    access: 'admin',
  }),
  /** Every document changed since the last bundle (`all`: every document), sealed, as a file to save. Audited. Errors: LOCKED, FORBIDDEN. */
  export: method({
    input: z.object({ all: z.boolean().default(false) }).strict(),
    output: z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string(), counts: z.record(z.string(), z.number().int()) }),
    access: 'admin',
  }),
  /** Import a paired device's bundle; importing it twice changes nothing. Errors: LOCKED, FORBIDDEN, BUNDLE_UNREADABLE, BUNDLE_FOREIGN, BUNDLE_TAMPERED. */
  import: method({
    input: z.object({ base64: z.string().min(1).max(MAX_UI_BUNDLE_BASE64) }).strict(),
    output: BundleImportSummary,
    access: 'admin',
  }),
  /** One part of a bundle file too large for one call (the 同步 screen's import). Errors: LOCKED, FORBIDDEN, BAD_REQUEST, VALIDATION_FAILED. */
  uploadPart: method({
    input: z
      .object({
        uploadId: UploadId,
        index: z.number().int().min(0).max(MAX_UI_BUNDLE_PARTS - 1),
        total: z.number().int().min(1).max(MAX_UI_BUNDLE_PARTS),
        base64: z.string().min(1).max(MAX_UI_BUNDLE_PART_BASE64),
      })
      .strict(),
    output: z.object({ received: z.number().int(), total: z.number().int() }),
    access: 'admin',
  }),
  /** Import the bundle whose parts were uploaded, as `import` does; the parts are dropped afterwards. Errors: LOCKED, FORBIDDEN, NOT_FOUND, VALIDATION_FAILED, BUNDLE_UNREADABLE, BUNDLE_FOREIGN, BUNDLE_TAMPERED. */
  importUpload: method({ input: z.object({ uploadId: UploadId }).strict(), output: BundleImportSummary, access: 'admin' }),
};
