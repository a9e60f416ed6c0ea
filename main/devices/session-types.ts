/**
 * What a device session reports to the manager. Readings carry the raw frame bytes for audit; identities carry
 * the card's text (ID numbers never reach a log whole: see `maskIdNumber`).
 */
import type { CardIdentity } from './idcard/frame';
import type { GlucoseRecord } from './glucose-record';
import type { DeviceErrorKind } from './link';

/** A single measurement as a form can take it (the screening rules count it like a typed value). */
export type { Measurement } from '../../shared/api/devices';
import type { Measurement } from '../../shared/api/devices';

export type SessionEvent =
  | { type: 'identity'; identity: CardIdentity; photo: Uint8Array; raw: Uint8Array }
  /** `measuredAt` is the device's wall clock when it sent one, else null (the manager stamps receive time). */
  | { type: 'measurement'; measurement: Measurement; measuredAt: string | null; raw: Uint8Array }
  | { type: 'memory'; serial: string; records: GlucoseRecord[]; raw: Uint8Array }
  | { type: 'problem'; kind: DeviceErrorKind; message: string; raw: Uint8Array };

export type Emit = (e: SessionEvent) => void;

/** A session runs until `signal` aborts (resolves) or the port fails (rejects with `DeviceError`). */
export interface DeviceSession {
  run(emit: Emit, signal: AbortSignal): Promise<void>;
}

export interface SessionOptions {
  /** Polling interval for readers and meters that only answer when asked. */
  pollMs?: number;
  timeoutMs?: number;
}

export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Waits `ms` unless the signal aborts first; returns false when aborted. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), aborted(signal)]);
  clearTimeout(timer);
  return !signal.aborted;
}
