/**
 * The whole API the renderer can reach: every method with its schemas, and every event it can subscribe to.
 * `main/api/dispatch.ts` serves it over Electron IPC and over the headless host's WebSocket alike.
 */
import type { z } from 'zod';
import type { ErrorPayload } from './errors';
import { app, StatusSnapshot } from './app';
import { KeyRotationProgress, session, SessionState, users } from './session';
import { healthChecks, households, residents } from './residents';
import { audit, settings } from './settings';
import { followups, registries, worklist, WorklistChanged } from './followups';
import { contracts, packages, teams } from './contracting';
import { DeviceReading, devices, DeviceStatusChanged, IdentityRead } from './devices';
import { bundles, sync, SyncStatus } from './sync';

import { syncReview } from './sync-review';

import { denominators, indicatorRules, reports } from './reports';
import { imports } from './imports';

import { measurements, screening, tcm } from './screening';

export const contract = { app, session, users, settings, audit, residents, households, healthChecks, registries, followups, worklist, teams, packages, contracts, devices, sync, bundles, syncReview, reports, denominators, indicatorRules, imports, screening, measurements, tcm } as const;
export type AppContract = typeof contract;

export const events = {
  /** The session was locked, unlocked or set up. */
  'session.changed': SessionState,
  /** Network, last sync, devices or user changed. */
  'status.changed': StatusSnapshot,
  /** Follow-ups, checks, enrolments or contracts changed: the work list should be queried again. */
  'worklist.changed': WorklistChanged,
  /** A device binding's status changed (connected, retrying, last problem). */
  'device.status': DeviceStatusChanged,
  /** A reading arrived and waits to be accepted or discarded. */
  'device.reading': DeviceReading,
  /** A card reader read an identity document (ID numbers are not logged). */
  'device.identity': IdentityRead,
  /** The sync state with the county platform changed (state, pending, progress, errors). */
  'sync.changed': SyncStatus,
  /** A data-key rotation (removing a user, a compromised password) moved to its next step; the admin watches it. */
  'session.rotation': KeyRotationProgress,
} as const;
export type AppEvents = typeof events;
export type EventName = keyof AppEvents;
export type EventPayloadOf<E extends EventName> = z.output<AppEvents[E]>;

export { AppError, type ErrorCode, type ErrorPayload, ERROR_CODES } from './errors';

/** One wire format for both transports. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };
