/**
 * The UI side's end of the link to the runtime: a `Dispatch` and an event source with the same shapes the
 * transports (main/host/ws.ts, main/app/ipc.ts) used when the runtime lived on their own thread, so they only
 * forward. Whatever happens to the runtime, every call gets an answer: if it dies, waiting calls get INTERNAL.
 */
import type { ApiResult, EventName } from '../../shared/api';
import { AppError, isErrorCode } from '../../shared/api/errors';
import type { CallContext } from '../api/context';
import { consoleLogger, type Dispatch, type Logger } from '../api/dispatch';
import type { OsKeystore } from '../store/keys/os-keystore';
import type { DeviceIo } from '../devices';
import { DevicePortHost } from './device-link';
import { isFromRuntime, type FromRuntime, type RuntimeStartOptions, type ToRuntime } from './protocol';

/** What carries the messages: a Worker, an Electron UtilityProcess, or a fake in tests. */
export interface RuntimeLink {
  post(message: ToRuntime): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  /** Ends the thread or process for good. */
  terminate(): Promise<void> | void;
}

type Listener = (event: EventName, payload: unknown) => void;

export interface RuntimeClientOptions {
  logger?: Logger;
  /** Answers the runtime's seal/unseal requests (Electron's safeStorage). */
  keystore?: OsKeystore;
  /** How long `close()` waits for the runtime to close its database before ending it anyway. */
  closeTimeoutMs?: number;
  /** Real serial ports, opened on this side for the runtime's device manager (device-link.ts says why). */
  deviceIo?: DeviceIo;
  /** The runtime ended without being asked to (a crash): the host decides whether to go on. */
  onCrash?: (exitCode: number | null) => void;
}

const runtimeGone = (reason: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'INTERNAL', message: 'INTERNAL', details: { reason } },
});

export class RuntimeClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: ApiResult<unknown>) => void>();
  private readonly listeners = new Set<Listener>();
  private state: 'new' | 'starting' | 'running' | 'closing' | 'exited' = 'new';
  private started: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed: (() => void) | null = null;
  private readonly logger: Logger;
  private readonly ports: DevicePortHost | null;

  constructor(
    private readonly link: RuntimeLink,
    private readonly options: RuntimeClientOptions = {},
  ) {
    this.logger = options.logger ?? consoleLogger;
    this.ports = options.deviceIo ? new DevicePortHost(options.deviceIo, (m) => this.post(m)) : null;
    link.onMessage((m) => this.receive(m));
    link.onExit((code) => this.exited(code));
  }

  /** Resolves once the runtime holds the data directory. Errors: CLINIC_IN_USE, or INTERNAL if it failed to start. */
  start(options: RuntimeStartOptions): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new Error('RuntimeClient.start called twice'));
    this.state = 'starting';
    return new Promise<void>((resolve, reject) => {
      this.started = { resolve, reject };
      this.link.post({ kind: 'start', options: this.ports ? { ...options, devicePorts: true } : options });
    });
  }

  readonly dispatch: Dispatch<CallContext> = (method, input, ctx) => {
    if (this.state !== 'running') return Promise.resolve(runtimeGone(this.state === 'exited' ? 'runtimeExited' : 'runtimeNotRunning'));
    const id = this.nextId++;
    return new Promise<ApiResult<unknown>>((resolve) => {
      this.waiting.set(id, resolve);
      try {
        this.link.post({ kind: 'call', id, method: typeof method === 'string' ? method : '', input, ctx });
      } catch {
        this.waiting.delete(id);
        resolve({ ok: false, error: { code: 'BAD_REQUEST', message: 'BAD_REQUEST', details: { reason: 'inputNotTransferable' } } });
      }
    });
  };

  /** Events the runtime publishes, as EventBus.subscribe delivers them. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  /** Closes the services (WAL checkpointed, key wiped, lock released), then ends the thread or process. */
  async close(): Promise<void> {
    if (this.state === 'exited') return;
    if (this.state === 'running' || this.state === 'starting') {
      this.state = 'closing';
      const done = new Promise<void>((resolve) => (this.closed = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.logger.error('the runtime did not close in time; ending it');
          resolve();
        }, this.options.closeTimeoutMs ?? 15_000);
      });
      this.link.post({ kind: 'close' });
      await Promise.race([done, timeout]);
      clearTimeout(timer);
    }
    await this.link.terminate();
    this.exited(null);
  }

  private receive(raw: unknown): void {
    if (!isFromRuntime(raw)) {
      this.logger.warn('ignored a malformed message from the runtime');
      return;
    }
    const m: FromRuntime = raw;
    switch (m.kind) {
      case 'ready':
        if (this.state === 'starting') this.state = 'running';
        this.started?.resolve();
        this.started = null;
        return;
      case 'failed': {
        const code = isErrorCode(m.error.code) ? m.error.code : 'INTERNAL';
        this.started?.reject(new AppError(code, m.error.details, m.error.message));
        this.started = null;
        return;
      }
      case 'result': {
        const resolve = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        resolve?.(m.result);
        return;
      }
      case 'event':
        for (const listener of this.listeners) listener(m.event, m.payload);
        return;
      case 'keystore':
        void this.seal(m);
        return;
      case 'port':
        if (this.ports) this.ports.handle(m.id, m.request);
        else this.post({ kind: 'portResult', id: m.id, error: 'no serial ports on this side' });
        return;
      case 'closed':
        this.closed?.();
        return;
    }
  }

  private async seal(m: Extract<FromRuntime, { kind: 'keystore' }>): Promise<void> {
    const keystore = this.options.keystore;
    try {
      if (!keystore) throw new Error('no OS keystore on this side');
      const input = Buffer.from(m.data, 'base64');
      const out = m.op === 'encrypt' ? await keystore.encrypt(input) : await keystore.decrypt(input);
      this.link.post({ kind: 'keystoreResult', id: m.id, data: out.toString('base64') });
    } catch (e) {
      this.link.post({ kind: 'keystoreResult', id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** A message for a runtime that may have ended meanwhile (a port's last bytes after a crash): dropped then. */
  private post(m: ToRuntime): void {
    if (this.state === 'exited') return;
    try {
      this.link.post(m);
    } catch (e) {
      this.logger.warn('a message to the runtime was not delivered', { kind: m.kind, error: String(e) });
    }
  }

  private exited(code: number | null): void {
    if (this.state === 'exited') return;
    void this.ports?.closeAll();
    const unexpected = this.state !== 'closing';
    this.state = 'exited';
    if (unexpected) this.logger.error('the runtime stopped unexpectedly', { exitCode: code });
    if (unexpected && this.started === null) this.options.onCrash?.(code);
    this.started?.reject(new AppError('INTERNAL', { reason: 'runtimeExited', exitCode: code }));
    this.started = null;
    this.closed?.();
    for (const resolve of this.waiting.values()) resolve(runtimeGone('runtimeExited'));
    this.waiting.clear();
  }
}
