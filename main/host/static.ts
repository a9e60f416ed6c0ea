/** Serves the built renderer from one folder: no directory listings, no path escapes, SPA fallback to index.html. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { contentTypeOf } from './mime-types';


export function staticHandler(rootDir: string, headers: Record<string, string>) {
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
        res.writeHead(404, headers).end();
        return;
      }
      file = join(root, 'index.html');
    }
    const size = (await stat(file).catch(() => null))?.size;
    if (size === undefined) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Renderer not built: run `npm run build`.');
      return;
    }
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeOf(file),
      'Content-Length': String(size),
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}
