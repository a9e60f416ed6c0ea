/**
 * The device's only door to the platform: HTTPS through an undici Agent whose connector pins the certificate's
 * SHA-256 fingerprint (received at enrolment), the device credential on every request, a time limit, and answers
 * read with a size cap and parsed with the shared zod schemas before anything else sees them (STYLE.md §6).
 */
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch } from 'undici';
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../../shared/api/errors';
import { API_PREFIX, PlatformRefusal } from '../../shared/sync/protocol';

/** A pull page of 1,000 documents is a few MB; a hostile or broken server sending more is cut off here. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 60_000;

export interface PlatformHttpOptions {
  url: string;
  /** Null only while enrolling without a fingerprint given: the one seen is then returned and pinned. */
  fingerprint256: string | null;
  credential?: string | undefined;
  maxResponseBytes?: number;
  timeoutMs?: number;
}

function normaliseFingerprint(f: string): string {
  return f.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export class PlatformHttp {
  readonly agent: Agent;
  /** The fingerprint the last TLS handshake presented. */
  seenFingerprint: string | null = null;
  private readonly base: string;

  constructor(private readonly opts: PlatformHttpOptions) {
    const url = new URL(opts.url);
    if (url.protocol !== 'https:') throw syncError('BAD_REQUEST', { url: opts.url, message: 'The platform URL must start with https://' });
    this.base = `${url.origin}${API_PREFIX}`;
    // Our own check replaces the CA check: the pinned fingerprint is the trust anchor (self-signed platforms).
    const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
    const pinned = opts.fingerprint256 === null ? null : normaliseFingerprint(opts.fingerprint256);
    this.agent = new Agent({
      connect: (options, callback) => {
        connect(options, (err, socket) => {
          if (err || !socket) return callback(err ?? new Error('no socket'), null);
          const seen = (socket as TLSSocket).getPeerCertificate?.()?.fingerprint256 ?? '';
          this.seenFingerprint = seen;
          if (pinned !== null && normaliseFingerprint(seen) !== pinned) {
            socket.destroy();
            return callback(new CertificateMismatch(seen), null);
          }
          callback(null, socket);
        });
      },
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'accept-encoding': 'gzip, br',
      ...(this.opts.credential ? { authorization: `Bearer ${this.opts.credential}` } : {}),
      ...extra,
    };
  }

  /** One JSON request; the answer must pass `schema`. Throws AppError codes the 同步 screen explains. */
  async json<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S, signal?: AbortSignal): Promise<z.output<S>> {
    let res: Awaited<ReturnType<typeof fetch>> | undefined;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? REQUEST_TIMEOUT_MS);
    // A kept-alive connection the link dropped meanwhile fails at once with a reset; every request of the protocol
    // is idempotent (a repeated push is a no-op on the platform), so it is sent once more on a new connection.
    for (let attempt = 1; !res; attempt++) {
      try {
        res = await fetch(`${this.base}${path}`, {
          method,
          dispatcher: this.agent,
          headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (e) {
        if (attempt < 2 && isConnectionReset(e) && !timeout.aborted && !signal?.aborted) continue;
        throw transportError(e);
      }
    }
    const text = await readCapped(res.body, this.opts.maxResponseBytes ?? MAX_RESPONSE_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw syncError('PLATFORM_BAD_RESPONSE', { status: res.status, reason: 'not JSON' });
    }
    if (!res.ok) throw refusalError(res.status, parsed);
    const r = schema.safeParse(parsed);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw syncError('PLATFORM_BAD_RESPONSE', { path, reason: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' });
    }
    return r.data;
  }

  /**
   * Follows the platform's SSE stream until `signal` aborts or the stream ends; calls `onEvent` per event. Resolves
   * when the stream ends, rejects with the same codes as `json`.
   */
  async events(onEvent: (event: string, data: string) => void, signal: AbortSignal): Promise<void> {
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(`${this.base}/stream`, { dispatcher: this.agent, headers: this.headers({ accept: 'text/event-stream' }), signal });
    } catch (e) {
      throw transportError(e);
    }
    if (!res.ok || !res.body) {
      const text = await readCapped(res.body, 64 * 1024).catch(() => '');
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // refusalError explains a non-JSON refusal by its status
      }
      throw refusalError(res.status, parsed);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        // One event is a few dozen bytes; a server that never ends an event is not a platform.
        if (buffer.length > 1024 * 1024) throw syncError('PLATFORM_BAD_RESPONSE', { reason: 'event stream line too long' });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length > 0) onEvent(event, data.join('\n'));
        }
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (signal.aborted) return;
      throw transportError(e);
    }
  }
}

/** An AppError whose message is the plain reason, so it survives RxDB turning replication errors into plain JSON. */
export function syncError(code: ErrorCode, details: Record<string, unknown> = {}): AppError {
  const text = details['message'] ?? details['reason'];
  return new AppError(code, details, typeof text === 'string' ? text : code);
}

class CertificateMismatch extends Error {
  constructor(readonly seen: string) {
    super('platform certificate fingerprint does not match the pinned one');
  }
}

async function readCapped(body: AsyncIterable<Uint8Array> | null, cap: number): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > cap) throw syncError('PLATFORM_BAD_RESPONSE', { reason: `response larger than ${cap} bytes` });
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof AppError) {
      // Stop reading: leaving the rest unread would keep the socket busy with a body we will never use.
      await (body as { cancel?: () => Promise<void> }).cancel?.().catch(() => undefined);
      throw e;
    }
    throw transportError(e);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isConnectionReset(e: unknown): boolean {
  const code = (e as { cause?: { code?: unknown } }).cause?.code;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

function transportError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  let cause: unknown = e;
  for (let i = 0; i < 4 && cause; i++) {
    if (cause instanceof CertificateMismatch) return syncError('PLATFORM_CERTIFICATE_MISMATCH', { seen: cause.seen });
    cause = (cause as { cause?: unknown }).cause;
  }
  const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  return syncError('PLATFORM_UNREACHABLE', { reason: err.cause?.code ?? err.name ?? err.message ?? String(e) });
}

function refusalError(status: number, body: unknown): AppError {
  const r = PlatformRefusal.safeParse(body);
  const reason = r.success ? r.data : { error: `HTTP_${status}`, message: `The platform answered ${status}.` };
  if (status === 426) return syncError('APP_UPDATE_REQUIRED', { message: reason.message });
  if (reason.error === 'REVOKED') return syncError('DEVICE_REVOKED', { message: reason.message });
  if (reason.error === 'ENROLMENT_CODE_INVALID') return syncError('ENROLMENT_CODE_INVALID', { message: reason.message });
  if (status >= 500) return syncError('PLATFORM_UNREACHABLE', { status, reason: reason.message });
  return syncError('PLATFORM_REFUSED', { status, error: reason.error, message: reason.message });
}
