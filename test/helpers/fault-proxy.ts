/**
 * A fault-injecting TCP proxy on loopback between a device and the platform (issue 13 item 9). It forwards bytes
 * both ways (TLS passes through untouched, so the device still sees the pinned certificate) and, once armed, acts
 * after a number of bytes in one direction since arming: cuts that connection, stalls it for a while, or only
 * reports the moment (the test then restarts the platform or kills a client). `upstreamPort` can be switched to
 * another server, such as a hostile one holding the platform's certificate.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** `up`: device → platform (pushes); `down`: platform → device (pulls). */
export type Direction = 'up' | 'down';
export type FaultAction = { kind: 'cut' } | { kind: 'stall'; ms: number } | { kind: 'notify' };

interface Armed {
  dir: Direction;
  afterBytes: number;
  action: FaultAction;
  seen: number;
  fired: () => void;
}

export class FaultProxy {
  readonly connections = new Set<Socket>();
  private armed: Armed | null = null;

  private constructor(
    private readonly server: Server,
    public upstreamPort: number,
  ) {}

  static async start(upstreamPort: number): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, upstreamPort);
    server.on('connection', (client) => proxy.pipe(client));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Acts once after `afterBytes` more bytes flow in `dir`; resolves when it has acted. */
  arm(dir: Direction, afterBytes: number, action: FaultAction): Promise<void> {
    return new Promise((fired) => {
      this.armed = { dir, afterBytes, action, seen: 0, fired };
    });
  }

  disarm(): void {
    this.armed = null;
  }

  /** Drops every open connection, as a link that goes away does. */
  cutAll(): void {
    for (const s of this.connections) s.destroy();
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    this.connections.add(client);
    this.connections.add(upstream);
    const held: Record<Direction, Buffer[] | null> = { up: null, down: null };
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    const forward = (dir: Direction, to: Socket) => (chunk: Buffer) => {
      const a = this.armed;
      if (a && a.dir === dir && a.seen + chunk.length > a.afterBytes) {
        const head = chunk.subarray(0, Math.max(0, a.afterBytes - a.seen));
        const tail = chunk.subarray(head.length);
        this.armed = null;
        if (a.action.kind === 'cut') {
          if (head.length > 0) to.write(head);
          kill();
          a.fired();
          return;
        }
        if (a.action.kind === 'stall') {
          if (head.length > 0) to.write(head);
          held[dir] = [tail];
          setTimeout(() => {
            const chunks = held[dir] ?? [];
            held[dir] = null;
            for (const c of chunks) if (!to.destroyed) to.write(c);
            a.fired();
          }, a.action.ms).unref();
          return;
        }
        a.fired();
      } else if (a && a.dir === dir) {
        a.seen += chunk.length;
      }
      const h = held[dir];
      if (h) h.push(chunk);
      else if (!to.destroyed) to.write(chunk);
    };
    client.on('data', forward('up', upstream));
    upstream.on('data', forward('down', client));
    for (const s of [client, upstream]) {
      s.on('error', kill);
      s.on('close', () => {
        this.connections.delete(s);
        kill();
      });
    }
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
