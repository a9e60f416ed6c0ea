/**
 * The runtime's end of the link: builds the runtime when told to start, dispatches each call through the one door
 * (main/api/dispatch.ts), pushes every bus event back, and closes the services (releasing the data directory's
 * lock) when told to. Runs inside a worker thread or an Electron utility process; knows neither (see entry.ts).
 */
import { fixedClock, systemClock } from '../../shared/domain/dates';
import { AppError, type ErrorPayload } from '../../shared/api/errors';
import type { ApiResult } from '../../shared/api';
import { consoleLogger, errorToResult, type Logger } from '../api/dispatch';
import type { OsKeystore } from '../store/keys/os-keystore';
import { createRuntime, type Runtime, type RuntimeOptions } from '../services/runtime';
import { RemoteDeviceIo } from './device-link';
import { isToRuntime, type FromRuntime, type KeystoreOp, type Port, type RuntimeStartOptions, type ToRuntime } from './protocol';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined };

export interface ServeRuntimeOptions {
  port: Port<unknown, FromRuntime>;
  /** Tests replace the runtime; production builds the real one. */
  create?: (options: RuntimeOptions) => Runtime;
  /** After `closed` was sent: the entry lets its thread or process end. */
  onClosed?: () => void;
}

/** Seals through the UI side, where the OS keystore lives; availability is known when the runtime starts. */
class RemoteKeystore implements OsKeystore {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly available: boolean,
    private readonly post: (m: FromRuntime) => void,
  ) {}

  isAvailable(): boolean {
    return this.available;
  }

  encrypt(plain: Buffer): Promise<Buffer> {
    return this.request('encrypt', plain);
  }

  decrypt(sealed: Buffer): Promise<Buffer> {
    return this.request('decrypt', sealed);
  }

  settle(message: Extract<ToRuntime, { kind: 'keystoreResult' }>): void {
    const waiter = this.waiting.get(message.id);
    if (!waiter) return;
    this.waiting.delete(message.id);
    if (typeof message.data === 'string') waiter.resolve(Buffer.from(message.data, 'base64'));
    else waiter.reject(new Error(message.error ?? 'the OS keystore failed'));
  }

  private request(op: KeystoreOp, data: Buffer): Promise<Buffer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ kind: 'keystore', id, op, data: data.toString('base64') });
    });
  }
}

function failure(e: unknown): ErrorPayload {
  if (e instanceof AppError) return e.toPayload();
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export function serveRuntime(options: ServeRuntimeOptions): void {
  const { port } = options;
  const create = options.create ?? createRuntime;
  let runtime: Runtime | null = null;
  let keystore: RemoteKeystore | null = null;
  let devicePorts: RemoteDeviceIo | null = null;
  let closing: Promise<void> | null = null;
  let logger: Logger = consoleLogger;

  const post = (message: FromRuntime) => {
    try {
      port.post(message);
    } catch {
      // Not structured-clone data (a handler returned a class instance): send what JSON would have sent.
      port.post(JSON.parse(JSON.stringify(message)) as FromRuntime);
    }
  };

  const start = (o: RuntimeStartOptions) => {
    if (runtime || closing) return post({ kind: 'failed', error: { code: 'INTERNAL', message: 'the runtime was already started' } });
    keystore = o.keystore ? new RemoteKeystore(o.keystore.available, post) : null;
    devicePorts = o.devicePorts ? new RemoteDeviceIo(post) : null;
    logger = o.quiet ? silent : consoleLogger;
    try {
      runtime = create({
        dataDir: o.dataDir,
        shell: o.shell,
        clock: o.fixedNow !== undefined ? fixedClock(o.fixedNow) : systemClock,
        logger,
        ...(keystore ? { keystore } : {}),
        // Never the real serialport here: its native poller cannot run in a worker thread (device-link.ts).
        deviceIo: devicePorts,
        ...(o.checkOutputs ? { checkOutputs: true } : {}),
        ...(o.kdfCost ? { kdfCost: o.kdfCost } : {}),
        ...(o.holdRebuildWhile ? { holdRebuildWhile: o.holdRebuildWhile } : {}),
        // The app's runtime: sign-in answers at once after an upgrade and the screens show the rebuild's progress.
        deferRebuilds: true,
      });
    } catch (e) {
      return post({ kind: 'failed', error: failure(e) });
    }
    runtime.services.bus.subscribe((event, payload) => post({ kind: 'event', event, payload }));
    post({ kind: 'ready' });
  };

  // Calls that arrive together (a script's burst of saves) start one event-loop turn apart, in the order they came:
  // the port hands over every queued message at once, and without a turn between them the replication's network
  // I/O (the push of the first save, a pull) would wait behind all of them (bench/edits.ts, issue 13).
  let turn: Promise<void> = Promise.resolve();
  const nextTurn = (): Promise<void> => (turn = turn.then(() => new Promise<void>((r) => setImmediate(r))));

  const call = async (m: Extract<ToRuntime, { kind: 'call' }>) => {
    await nextTurn();
    let result: ApiResult<unknown>;
    if (!runtime || closing) result = { ok: false, error: { code: 'INTERNAL', message: 'INTERNAL', details: { reason: 'runtimeNotRunning' } } };
    else {
      try {
        result = await runtime.dispatch(m.method, m.input, m.ctx);
      } catch (e) {
        // The dispatcher answers every error itself; this is the last guard so that no call waits for ever.
        result = errorToResult(e, logger, m.method);
      }
    }
    post({ kind: 'result', id: m.id, result });
  };

  const close = () => {
    closing ??= (async () => {
      try {
        await runtime?.close();
      } finally {
        runtime = null;
        post({ kind: 'closed' });
        options.onClosed?.();
      }
    })();
    return closing;
  };

  port.onMessage((message) => {
    if (!isToRuntime(message)) return;
    switch (message.kind) {
      case 'start':
        return start(message.options);
      case 'call':
        return void call(message);
      case 'keystoreResult':
        return keystore?.settle(message);
      case 'portResult':
      case 'portData':
      case 'portClosed':
        return devicePorts?.receive(message);
      case 'close':
        return void close().catch((e: unknown) => logger.error('closing the runtime failed', { error: String(e) }));
    }
  });
}
