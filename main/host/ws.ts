/**
 * The API over a loopback WebSocket for the headless host. A connection must present the per-run token (query
 * `?token=`) and, when a browser sends an Origin, come from the host's own origin; otherwise the upgrade is refused
 * before any call. Every frame is parsed defensively: malformed JSON, wrong shapes and oversized frames get a typed
 * error (or a close with a reason) and the host stays up.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ApiResult, EventName } from '../../shared/api';
import { RESIDENT_EVENTS, type Dispatch, type EventSource } from '../api/dispatch';
import type { CallContext } from '../api/context';

/** Signatures drawn on screen travel as PNG data URLs; 4 MiB is far above any legitimate request. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Events held for a connection that has not said ready yet; the oldest go first (as MAX_PENDING_EVENTS in ipc.ts). */
export const MAX_PENDING_EVENTS = 500;

/** How long the host waits, with no page connected, before it treats the browser as closed. */
export const CLOSED_GRACE_MS = 10_000;

export type ServerFrame =
  | { id: number | null; result: ApiResult<unknown> }
  | { event: EventName; payload: unknown };

function rawText(data: RawData): string {
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

export function tokensEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface WsTransport {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
  readonly connections: number;
}

export function createWsTransport(options: {
  token: string;
  allowedOrigins: () => readonly string[];
  dispatch: Dispatch<CallContext>;
  bus: EventSource;
  /** Called once no page has been connected for `closedGraceMs` (a reload reconnects well within it). */
  onAllClosed?: () => void;
  closedGraceMs?: number;
}): WsTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let nextConnection = 1;
  let closedTimer: NodeJS.Timeout | null = null;
  const cancelClosedTimer = () => {
    if (closedTimer) clearTimeout(closedTimer);
    closedTimer = null;
  };
  const armClosedTimer = () => {
    cancelClosedTimer();
    if (!options.onAllClosed || wss.clients.size > 0) return;
    const onAllClosed = options.onAllClosed;
    closedTimer = setTimeout(() => {
      closedTimer = null;
      if (wss.clients.size === 0) onAllClosed();
    }, options.closedGraceMs ?? CLOSED_GRACE_MS);
    closedTimer.unref();
  };

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  wss.on('connection', (ws: WebSocket) => {
    cancelClosedTimer();
    const ctx: CallContext = { transport: 'ws', connectionId: `ws-${nextConnection++}` };
    let ready = false;
    const pending: ServerFrame[] = [];
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = options.bus.subscribe((event, payload) => {
      const frame: ServerFrame = { event, payload };
      if (ready) send(frame);
      else {
        if (event === 'session.changed') {
          const kept = pending.filter((p) => !('event' in p && RESIDENT_EVENTS.has(p.event)));
          pending.splice(0, pending.length, ...kept);
        }
        pending.push(frame);
        if (pending.length > MAX_PENDING_EVENTS) pending.shift();
      }
    });
    ws.on('close', () => {
      unsubscribe();
      armClosedTimer();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let id: number | null = null;
        let message: unknown;
        try {
          message = JSON.parse(isBinary ? '' : rawText(data));
        } catch {
          send({ id: null, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed JSON' } } });
          return;
        }
        if (typeof message !== 'object' || message === null || Array.isArray(message)) {
          send({ id: null, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Expected an object' } } });
          return;
        }
        const frame = message as { id?: unknown; method?: unknown; input?: unknown };
        if (typeof frame.id === 'number' && Number.isSafeInteger(frame.id)) id = frame.id;
        if (id === null || typeof frame.method !== 'string') {
          send({ id, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Expected {id, method, input}' } } });
          return;
        }
        const result = await options.dispatch(frame.method, frame.input, ctx);
        send({ id, result });
        if (frame.method === 'app.ready' && result.ok && !ready) {
          ready = true;
          for (const p of pending.splice(0)) send(p);
        }
      })();
    });
  });

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/api') return refuse(socket, 404, 'Not Found');
      const token = url.searchParams.get('token') ?? '';
      if (!tokensEqual(token, options.token)) return refuse(socket, 401, 'Unauthorized');
      const origin = req.headers.origin;
      if (origin !== undefined && !options.allowedOrigins().includes(origin)) return refuse(socket, 403, 'Forbidden');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    get connections() {
      return wss.clients.size;
    },
    close() {
      cancelClosedTimer();
      for (const client of wss.clients) client.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
