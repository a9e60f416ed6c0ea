// Issue 11 §5: the headless host must not leak a file descriptor per aborted download, must not grow an unbounded
// event queue for a connection that never says ready, and serves index.html with a fresh CSP nonce and no
// 'unsafe-inline'.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../main/api/context';
import type { Dispatch } from '../../../main/api/dispatch';
import { CSP_NONCE_PLACEHOLDER } from '../../../main/host/csp';
import { startHost, type RunningHost } from '../../../main/host/server';
import { MAX_PENDING_EVENTS } from '../../../main/host/ws';
import { EventBus } from '../../../main/services/event-bus';
import { TestClient } from '../../helpers/host';

const ready: Dispatch<CallContext> = async (method) =>
  (method === 'app.ready' ? { ok: true, value: { ok: true } } : { ok: false, error: { code: 'UNKNOWN_METHOD', message: '' } });

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

async function waitFor(condition: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Starts a download, takes its first chunk, then drops the connection. */
function abortedDownload(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
    req.end();
  });
}

function get(port: number, path: string): Promise<{ headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end();
  });
}

describe('headless host hardening', () => {
  let dir: string;
  let host: RunningHost;
  const bus = new EventBus();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cunyi-static-'));
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 7));
    writeFileSync(
      join(dir, 'index.html'),
      `<html><head><meta http-equiv="Content-Security-Policy" content="style-src 'self' 'nonce-${CSP_NONCE_PLACEHOLDER}'"><meta property="csp-nonce" nonce="${CSP_NONCE_PLACEHOLDER}"></head></html>`,
    );
    host = await startHost({ dispatch: ready, bus, rendererDir: dir });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(process.platform !== 'linux')('closes the file of every aborted download (200 aborts, descriptors counted in /proc/self/fd)', async () => {
    const before = openDescriptors();
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => abortedDownload(host.port, '/big.bin')));
    }
    // Sockets close asynchronously; a leak would leave ~200 file descriptors behind for good.
    expect(await waitFor(() => openDescriptors() <= before + 5)).toBe(true);
  });

  it('serves index.html with a fresh nonce in the header and the page, and no unsafe-inline for <style>', async () => {
    const a = await get(host.port, '/');
    const b = await get(host.port, '/some/route');
    const nonceOf = (csp: unknown) => /'nonce-([^']+)'/.exec(String(csp))?.[1];
    const na = nonceOf(a.headers['content-security-policy']);
    const nb = nonceOf(b.headers['content-security-policy']);
    expect(na).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(nb).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(na).not.toBe(nb);
    const directives = String(a.headers['content-security-policy']).split('; ');
    // <style> elements need the nonce; only style="" attributes (style-src-attr) stay inline-capable.
    expect(directives.find((d) => d.startsWith('style-src '))).toBe(`style-src 'self' 'nonce-${na}'`);
    expect(directives.filter((d) => d.includes('unsafe-inline'))).toEqual(["style-src-attr 'unsafe-inline'"]);
    expect(a.body).toContain(`nonce="${na}"`);
    expect(a.body).toContain(`'nonce-${na}'`);
    expect(a.body).not.toContain(CSP_NONCE_PLACEHOLDER);
  });

  it(`keeps at most ${MAX_PENDING_EVENTS} events for a connection that has not said ready, the newest`, async () => {
    const client = await TestClient.connect(host);
    for (let i = 0; i < MAX_PENDING_EVENTS + 300; i++) {
      bus.publish('status.changed', { online: false, lastSyncAt: i, devices: [], user: null });
    }
    await client.ok('app.ready');
    expect(await waitFor(() => client.events.length >= MAX_PENDING_EVENTS)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(client.events).toHaveLength(MAX_PENDING_EVENTS);
    const last = client.events.at(-1)?.payload as { lastSyncAt: number };
    expect(last.lastSyncAt).toBe(MAX_PENDING_EVENTS + 299);
    await client.close();
  });
});
