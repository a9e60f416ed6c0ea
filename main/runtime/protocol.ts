/**
 * The messages between the side that serves the UI (the headless host's main thread, the Electron main process)
 * and the runtime (services, RxDB, SQLCipher), which runs in a `worker_threads` worker or an Electron
 * `utilityProcess`. Everything here is structured-clone data: no functions, no class instances, no Buffers
 * (binary travels as base64). The API contract and the dispatcher do not change; only this transport is new.
 *
 *   UI side                                   runtime
 *   start {options}                       →   lock the data directory, build the services
 *                                         ←   ready | failed {error}
 *   call {id, method, input, ctx}         →   dispatch
 *                                         ←   result {id, result}
 *                                         ←   event {event, payload}          (pushed whenever the bus publishes)
 *                                         ←   keystore {id, op, data}         (the OS keystore lives on the UI side)
 *   keystoreResult {id, data | error}     →
 *   close                                 →   close the services, release the lock
 *                                         ←   closed
 *                                         ←   port {id, request}              (serial I/O lives on the UI side:
 *   portResult {id, value | error}        →                                    device-link.ts says why)
 *   portData {handle, data} | portClosed  →
 */
import type { ApiResult, EventName } from '../../shared/api';
import type { ErrorPayload } from '../../shared/api/errors';
import type { CallContext } from '../api/context';
import type { KdfCost } from '../store/keys';

export interface RuntimeStartOptions {
  dataDir: string;
  shell: 'electron' | 'headless';
  /** Parse handler outputs against the contract (tests only). */
  checkOutputs?: boolean;
  /** KDF cost override for tests; production always uses the defaults. */
  kdfCost?: KdfCost;
  /** Tests: the runtime's clock stands still at this instant (epoch ms). */
  fixedNow?: number;
  /** Tests: no log lines from the runtime. */
  quiet?: boolean;
  /** Tests: a deferred rebuild waits between its pages while this file exists (RuntimeOptions). */
  holdRebuildWhile?: string;
  /** The UI side answers `keystore` requests (Electron's safeStorage lives in the main process only). */
  keystore?: { available: boolean };
  /** The UI side answers `port` requests (device-link.ts); without it the runtime opens no serial port. */
  devicePorts?: boolean;
}

/** One serial-port operation the runtime asks the UI side to do; bytes travel as base64. */
export type PortRequest =
  | { op: 'list' }
  | { op: 'open'; path: string; baudRate: number }
  | { op: 'write'; handle: number; data: string }
  | { op: 'close'; handle: number };

export type KeystoreOp = 'encrypt' | 'decrypt';

export type ToRuntime =
  | { kind: 'start'; options: RuntimeStartOptions }
  | { kind: 'call'; id: number; method: string; input: unknown; ctx: CallContext }
  | { kind: 'keystoreResult'; id: number; data?: string; error?: string }
  | { kind: 'portResult'; id: number; value?: unknown; error?: string }
  | { kind: 'portData'; handle: number; data: string }
  | { kind: 'portClosed'; handle: number; error: string | null }
  | { kind: 'close' };

export type FromRuntime =
  | { kind: 'ready' }
  | { kind: 'failed'; error: ErrorPayload }
  | { kind: 'result'; id: number; result: ApiResult<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown }
  | { kind: 'keystore'; id: number; op: KeystoreOp; data: string }
  | { kind: 'port'; id: number; request: PortRequest }
  | { kind: 'closed' };

/** One end of the link, whatever carries it (a worker's parentPort, Electron's process.parentPort, a fake). */
export interface Port<In, Out> {
  post(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Messages cross a process boundary in Electron: check the shape before trusting it. */
export function isToRuntime(v: unknown): v is ToRuntime {
  if (!isObject(v)) return false;
  switch (v['kind']) {
    case 'start':
      return isObject(v['options']) && typeof v['options']['dataDir'] === 'string';
    case 'call':
      return typeof v['id'] === 'number' && typeof v['method'] === 'string' && isObject(v['ctx']);
    case 'keystoreResult':
    case 'portResult':
      return typeof v['id'] === 'number';
    case 'portData':
      return typeof v['handle'] === 'number' && typeof v['data'] === 'string';
    case 'portClosed':
      return typeof v['handle'] === 'number' && (v['error'] === null || typeof v['error'] === 'string');
    case 'close':
      return true;
    default:
      return false;
  }
}

export function isFromRuntime(v: unknown): v is FromRuntime {
  if (!isObject(v)) return false;
  switch (v['kind']) {
    case 'ready':
    case 'closed':
      return true;
    case 'failed':
      return isObject(v['error']) && typeof v['error']['code'] === 'string';
    case 'result':
      return typeof v['id'] === 'number' && isObject(v['result']);
    case 'event':
      return typeof v['event'] === 'string';
    case 'keystore':
      return typeof v['id'] === 'number' && (v['op'] === 'encrypt' || v['op'] === 'decrypt') && typeof v['data'] === 'string';
    case 'port':
      return typeof v['id'] === 'number' && isObject(v['request']) && typeof v['request']['op'] === 'string';
    default:
      return false;
  }
}
