/**
 * The headless host: the same services as the Electron shell, served to a browser on 127.0.0.1. Used by
 * `npm start` when no Electron binary is installed, by `npm run web`, and by every end-to-end test.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatch, EventSource } from '../api/dispatch';
import type { CallContext } from '../api/context';
import { contentSecurityPolicy } from './csp';
import { staticHandler } from './static';
import { createWsTransport } from './ws';

export interface HostOptions {
  dispatch: Dispatch<CallContext>;
  /** The runtime's events: its EventBus in-process, or the RuntimeClient that relays them from its thread. */
  bus: EventSource;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** No page connected for `closedGraceMs`: the browser (or its last tab) was closed. */
  onAllClosed?: () => void;
  closedGraceMs?: number;
}

export interface RunningHost {
  /** Open this in a browser: it carries the per-run token in the fragment, which never reaches a server log. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let origin = '';
  const ws = createWsTransport({
    token,
    allowedOrigins: () => [origin, origin.replace('127.0.0.1', 'localhost')],
    dispatch: options.dispatch,
    bus: options.bus,
    ...(options.onAllClosed ? { onAllClosed: options.onAllClosed } : {}),
    ...(options.closedGraceMs !== undefined ? { closedGraceMs: options.closedGraceMs } : {}),
  });
  const headers = (nonce?: string): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy([origin.replace(/^http/, 'ws')], nonce),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  let serveStatic: ReturnType<typeof staticHandler> | undefined;
  const server = createServer((req, res) => {
    serveStatic ??= staticHandler(options.rendererDir, headers);
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => ws.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    server,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
