/**
 * Serial ports are opened on the side that serves the UI, never inside the runtime's worker thread: serialport's
 * native poller (`@serialport/bindings-cpp`, Poller::onData) runs its callback on the process's main event loop,
 * so a port opened from a worker delivered its first byte on the main thread with no V8 handle scope for the
 * worker's isolate, and the whole host aborted ("Cannot create a handle without a HandleScope", exit 134). The
 * runtime keeps the drivers, decoders and the device manager; only raw port I/O crosses the link, as base64, in
 * the same message stream as calls and events (protocol.ts). The Electron shell takes the same path.
 *
 *   runtime (RemoteDeviceIo)                        UI side (DevicePortHost, real serialport)
 *   port {id, request: list|open|write|close}   →   does it
 *                                               ←   portResult {id, value | error}
 *                                               ←   portData {handle, data}           (bytes as they arrive)
 *                                               ←   portClosed {handle, error}        (once per port)
 */
import type { PortInfo } from '../../shared/api/devices';
import type { DeviceIo } from '../devices';
import type { DevicePort } from '../devices/port';
import type { FromRuntime, PortRequest, ToRuntime } from './protocol';

type PortMessage = Extract<ToRuntime, { kind: 'portResult' | 'portData' | 'portClosed' }>;

class RemotePort implements DevicePort {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners: ((e: Error | null) => void)[] = [];
  private isClosed = false;

  constructor(
    readonly path: string,
    private readonly handle: number,
    private readonly io: RemoteDeviceIo,
  ) {}

  get isOpen(): boolean {
    return !this.isClosed;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new Error('port is closed');
    await this.io.request({ op: 'write', handle: this.handle, data: Buffer.from(bytes).toString('base64') });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error: Error | null) => void): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.io.request({ op: 'close', handle: this.handle }).catch(() => undefined);
  }

  received(data: Uint8Array): void {
    for (const l of this.dataListeners) l(data);
  }

  ended(error: Error | null): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const l of this.closeListeners) l(error);
  }
}

/** The runtime's `DeviceIo`: every port operation is a request to the UI side. */
export class RemoteDeviceIo implements DeviceIo {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly ports = new Map<number, RemotePort>();

  constructor(private readonly post: (m: FromRuntime) => void) {}

  readonly openPort = async (path: string, baudRate: number): Promise<DevicePort> => {
    const handle = (await this.request({ op: 'open', path, baudRate })) as number;
    const port = new RemotePort(path, handle, this);
    this.ports.set(handle, port);
    return port;
  };

  readonly listPorts = async (): Promise<PortInfo[]> => (await this.request({ op: 'list' })) as PortInfo[];

  request(request: PortRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ kind: 'port', id, request });
    });
  }

  /** A `portResult`, `portData` or `portClosed` message from the UI side. */
  receive(m: PortMessage): void {
    switch (m.kind) {
      case 'portResult': {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (typeof m.error === 'string') waiter?.reject(new Error(m.error));
        else waiter?.resolve(m.value);
        return;
      }
      case 'portData':
        this.ports.get(m.handle)?.received(Uint8Array.from(Buffer.from(m.data, 'base64')));
        return;
      case 'portClosed': {
        const port = this.ports.get(m.handle);
        this.ports.delete(m.handle);
        port?.ended(m.error === null ? null : new Error(m.error));
        return;
      }
    }
  }
}

/** The UI side's half: owns the real ports, answers the runtime's requests, forwards bytes and closes. */
export class DevicePortHost {
  private nextHandle = 1;
  private readonly open = new Map<number, DevicePort>();

  constructor(
    private readonly io: DeviceIo,
    private readonly post: (m: ToRuntime) => void,
  ) {}

  handle(id: number, request: PortRequest): void {
    this.run(request).then(
      (value) => this.post({ kind: 'portResult', id, value }),
      (e: unknown) => this.post({ kind: 'portResult', id, error: e instanceof Error ? e.message : String(e) }),
    );
  }

  /** The runtime has gone (closed or crashed): no port stays open behind it. */
  async closeAll(): Promise<void> {
    const ports = [...this.open.values()];
    this.open.clear();
    await Promise.all(ports.map((p) => p.close().catch(() => undefined)));
  }

  private async run(request: PortRequest): Promise<unknown> {
    switch (request.op) {
      case 'list':
        return this.io.listPorts();
      case 'open': {
        const port = await this.io.openPort(request.path, request.baudRate);
        const handle = this.nextHandle++;
        this.open.set(handle, port);
        port.onData((chunk) => this.post({ kind: 'portData', handle, data: Buffer.from(chunk).toString('base64') }));
        port.onClose((error) => {
          this.open.delete(handle);
          this.post({ kind: 'portClosed', handle, error: error ? error.message : null });
        });
        return handle;
      }
      case 'write':
        return this.port(request.handle).write(Buffer.from(request.data, 'base64'));
      case 'close':
        return this.port(request.handle).close();
    }
  }

  private port(handle: number): DevicePort {
    const port = this.open.get(handle);
    if (!port) throw new Error('port is closed');
    return port;
  }
}
