/**
 * The renderer's only door to data: `api.<domain>.<method>(input)`, typed from the contract, and
 * `subscribe(event, cb)`, typed from `events`. In Electron the preload bridge (`window.cunyi`) carries the calls;
 * in a browser served by the headless host a WebSocket does, authenticated by the per-run token the host printed in
 * the URL fragment. Failed calls throw `ApiError`; the socket reconnects by itself and reports its state so the
 * status bar can show a disconnection instead of calls silently hanging.
 */
import { events, type ApiResult, type AppContract, type EventName, type EventPayloadOf } from '../shared/api';
import { isErrorCode, type ErrorCode, type ErrorPayload, type FieldIssue } from '../shared/api/errors';
import type { ClientFor } from '../shared/api/method';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldIssue[];
  readonly details: Record<string, unknown>;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'ApiError';
    this.code = payload.code;
    this.fields = payload.fields ?? [];
    this.details = payload.details ?? {};
  }

  /** The call never reached the services or its answer was lost with the connection. */
  get isDisconnected(): boolean {
    return this.details.reason === 'disconnected';
  }
}

/** `noToken`: opened without the URL the host printed, so there is nothing to authenticate with. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'noToken';

interface Bridge {
  invoke(method: string, input: unknown): Promise<ApiResult<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    cunyi?: Bridge;
  }
}

interface Transport {
  invoke(method: string, input: unknown): Promise<ApiResult<unknown>>;
  start(onEvent: (event: string, payload: unknown) => void): void;
}

const TOKEN_KEY = 'cunyi.token';

/**
 * Takes `#token=...` out of the address (so it is not bookmarked, shared or shown) and keeps it in sessionStorage,
 * which survives a reload of this tab but not a new tab or a restart, like the token itself.
 */
export function takeTokenFromLocation(): string | null {
  const hash = window.location.hash;
  const match = /(?:^#|[#&])token=([^&]+)/.exec(hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    const rest = hash.replace(/[#&]?token=[^&]+&?/, '').replace(/^#?/, '');
    const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
    window.history.replaceState(null, '', url);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const disconnected = (method: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'INTERNAL', message: `${method}: not connected`, details: { reason: 'disconnected' } },
});

class SocketTransport implements Transport {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { method: string; resolve: (r: ApiResult<unknown>) => void }>();
  private attempt = 0;
  private onEvent: (event: string, payload: unknown) => void = () => undefined;

  constructor(
    private readonly url: string,
    private readonly setState: (s: ConnectionState) => void,
  ) {}

  start(onEvent: (event: string, payload: unknown) => void): void {
    this.onEvent = onEvent;
    this.connect();
  }

  invoke(method: string, input: unknown): Promise<ApiResult<unknown>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve(disconnected(method));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { method, resolve });
      ws.send(JSON.stringify({ id, method, input }));
    });
  }

  private connect(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      // Events flow only after app.ready (main/host/ws.ts); subscribers refetch what they missed on 'open'.
      void this.invoke('app.ready', {}).then(() => this.setState('open'));
    };
    ws.onmessage = (msg: MessageEvent<unknown>) => this.receive(msg.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      // A call in flight may or may not have run; it fails rather than being sent twice.
      for (const [id, w] of this.waiting) {
        this.waiting.delete(id);
        w.resolve(disconnected(w.method));
      }
      this.setState('closed');
      const delay = Math.min(10_000, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
      this.attempt = Math.min(this.attempt + 1, 10);
      setTimeout(() => this.connect(), delay);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    if ('event' in frame && typeof frame.event === 'string') {
      this.onEvent(frame.event, 'payload' in frame ? frame.payload : undefined);
      return;
    }
    if ('id' in frame && typeof frame.id === 'number' && 'result' in frame) {
      const w = this.waiting.get(frame.id);
      if (!w) return;
      this.waiting.delete(frame.id);
      w.resolve(toResult(frame.result, w.method));
    }
  }
}

function toResult(raw: unknown, method: string): ApiResult<unknown> {
  if (typeof raw === 'object' && raw !== null && 'ok' in raw) {
    if (raw.ok === true && 'value' in raw) return { ok: true, value: raw.value };
    if (raw.ok === false && 'error' in raw && typeof raw.error === 'object' && raw.error !== null) {
      const e = raw.error as Partial<ErrorPayload>;
      if (isErrorCode(e.code)) return { ok: false, error: { ...e, code: e.code, message: String(e.message ?? e.code) } };
    }
  }
  return { ok: false, error: { code: 'INTERNAL', message: `${method}: malformed answer` } };
}

class BridgeTransport implements Transport {
  constructor(
    private readonly bridge: Bridge,
    private readonly setState: (s: ConnectionState) => void,
  ) {}

  async invoke(method: string, input: unknown): Promise<ApiResult<unknown>> {
    try {
      return toResult(await this.bridge.invoke(method, input), method);
    } catch {
      // The preload refuses malformed names and IPC fails when main is gone; both reach callers as ApiError.
      return { ok: false, error: { code: 'INTERNAL', message: `${method}: the bridge refused the call` } };
    }
  }

  start(onEvent: (event: string, payload: unknown) => void): void {
    for (const name of Object.keys(events)) this.bridge.subscribe(name, (payload) => onEvent(name, payload));
    void this.invoke('app.ready', {}).then(() => this.setState('open'));
  }
}

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const connectionListeners = new Set<(s: ConnectionState) => void>();
let connection: ConnectionState = 'connecting';
let transport: Transport | null = null;

function setConnection(s: ConnectionState): void {
  connection = s;
  for (const l of connectionListeners) l(s);
}

function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

function deliver(event: string, payload: unknown): void {
  if (!isEventName(event)) return;
  // The host is trusted, but a payload that does not match the contract must not reach components as typed data.
  const parsed = events[event].safeParse(payload);
  if (!parsed.success) return;
  for (const l of listeners.get(event) ?? []) l(parsed.data);
}

/** Picks the transport and starts it; call once before rendering. */
export function startApi(): void {
  if (transport) return;
  if (window.cunyi) {
    transport = new BridgeTransport(window.cunyi, setConnection);
  } else {
    const token = takeTokenFromLocation();
    if (!token) {
      setConnection('noToken');
      return;
    }
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    transport = new SocketTransport(`${scheme}://${window.location.host}/api?token=${encodeURIComponent(token)}`, setConnection);
  }
  transport.start(deliver);
}

export function connectionState(): ConnectionState {
  return connection;
}

export function onConnectionChange(cb: (s: ConnectionState) => void): () => void {
  connectionListeners.add(cb);
  return () => connectionListeners.delete(cb);
}

export function subscribe<E extends EventName>(event: E, cb: (payload: EventPayloadOf<E>) => void): () => void {
  const set = listeners.get(event) ?? new Set<Listener>();
  listeners.set(event, set);
  // deliver() has parsed the payload with events[event], so it has this event's type.
  const l = cb as Listener;
  set.add(l);
  return () => set.delete(l);
}

async function call(method: string, input: unknown): Promise<unknown> {
  const r = transport ? await transport.invoke(method, input ?? {}) : disconnected(method);
  if (r.ok) return r.value;
  throw new ApiError(r.error);
}

const domainProxy = (domain: string) =>
  new Proxy(
    {},
    {
      get: (_target, name) => (typeof name === 'string' ? (input: unknown) => call(`${domain}.${name}`, input) : undefined),
    },
  );

/** `await api.session.signIn({ username, password })`: method names, inputs and outputs come from the contract. */
export const api = new Proxy(
  {},
  {
    // 'then' stays undefined so `await api` or a module namespace check never mistakes the client for a promise.
    get: (_target, domain) => (typeof domain === 'string' && domain !== 'then' ? domainProxy(domain) : undefined),
  },
) as ClientFor<AppContract>;
