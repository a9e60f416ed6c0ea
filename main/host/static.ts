/** Serves the built renderer from one folder: no directory listings, no path escapes, SPA fallback to index.html. */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { htmlWithNonce, newCspNonce } from './csp';
import { contentTypeOf } from './mime-types';

/** `headers(nonce)`: the security headers; index.html gets a fresh CSP nonce per response (csp.ts). */
export function staticHandler(rootDir: string, headers: (nonce?: string) => Record<string, string>) {
  const root = resolve(rootDir);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const candidate = normalize(join(root, pathname));
    if (candidate !== root && !candidate.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let file = candidate;
    const info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) {
      // Client-side routes fall back to the app; missing assets (with an extension) are real 404s.
      if (extname(pathname) && pathname !== '/') {
        res.writeHead(404, headers()).end();
        return;
      }
      file = join(root, 'index.html');
    }
    const size = (await stat(file).catch(() => null))?.size;
    if (size === undefined) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Renderer not built: run `npm run build`.');
      return;
    }
    if (file.endsWith('.html')) {
      // Small, and rewritten per response for its nonce: read whole, no stream to leak.
      const nonce = newCspNonce();
      const body = htmlWithNonce(await readFile(file), nonce);
      res.writeHead(200, {
        ...headers(nonce),
        'Content-Type': contentTypeOf(file),
        'Content-Length': String(body.length),
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(200, {
      ...headers(),
      'Content-Type': contentTypeOf(file),
      'Content-Length': String(size),
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // pipeline() destroys the file stream when the client goes away mid-download; a bare pipe() left the
    // descriptor open for every aborted GET (issue 11).
    await pipeline(createReadStream(file), res).catch(() => undefined);
  };
}
