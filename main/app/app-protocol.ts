/**
 * The renderer's origin, app://cunyi/, and how its requests map to files in dist/renderer. Kept free of Electron
 * imports so the path rules can be tested in plain Node; main.ts registers the scheme and hands requests here.
 * A request never reaches a file outside the renderer folder, whatever its encoding (%2e%2e, backslashes, NUL).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicy, htmlWithNonce, newCspNonce } from '../host/csp';
import { contentTypeOf } from '../host/mime-types';

export const APP_SCHEME = 'app';
export const APP_HOST = 'cunyi';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/`;


/** True for URLs of our own origin: the only pages allowed to call the API or to be navigated to. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file an app:// URL names inside `rootDir`, or null when the URL is not ours or would leave the folder. */
export function resolveAppPath(rootDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = resolve(rootDir);
  // resolve() also drops the trailing separator of 'app://cunyi/', so the root compares equal to itself.
  const candidate = resolve(join(root, pathname));
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  return candidate;
}

function securityHeaders(nonce?: string): Record<string, string> {
  return {
    // No connect-src beyond 'self': in the shell the API travels over IPC, never over the network.
    'Content-Security-Policy': contentSecurityPolicy([], nonce),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && info.isFile();
}

/** Answers one app:// request from `rendererDir`; client-side routes fall back to index.html (as main/host does). */
export async function serveAppRequest(rendererDir: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
  }
  const candidate = resolveAppPath(rendererDir, request.url);
  if (candidate === null) return new Response(null, { status: 403, headers: securityHeaders() });
  let file = candidate;
  if (!(await isFile(file))) {
    const pathname = new URL(request.url).pathname;
    // Missing assets (with an extension) are real 404s; anything else is a route of the single-page app.
    if (extname(pathname) && pathname !== '/') return new Response(null, { status: 404, headers: securityHeaders() });
    file = join(resolve(rendererDir), 'index.html');
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return new Response('Renderer not built: run `npm run build`.', {
      status: 503,
      headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const isHtml = file.endsWith('.html');
  const nonce = isHtml ? newCspNonce() : undefined;
  if (nonce) body = htmlWithNonce(body, nonce);
  const headers = {
    ...securityHeaders(nonce),
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(body.length),
    'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
  };
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}
