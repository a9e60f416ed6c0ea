import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppUrl, resolveAppPath, serveAppRequest } from '../../../../main/app/app-protocol';

const base = mkdtempSync(join(tmpdir(), 'cunyi-app-protocol-'));
const rendererDir = join(base, 'renderer');

beforeAll(() => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>村医</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('isAppUrl', () => {
  it.each([
    ['app://cunyi/', true],
    ['app://cunyi/#/worklist', true],
    ['app://cunyi/assets/app.js', true],
    ['app://other/', false],
    ['app://cunyi.evil/', false],
    ['https://cunyi/', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => expect(isAppUrl(url)).toBe(expected));
});

describe('resolveAppPath', () => {
  it.each([
    ['app://cunyi/', rendererDir],
    ['app://cunyi/index.html', join(rendererDir, 'index.html')],
    ['app://cunyi/assets/app.js?v=1', join(rendererDir, 'assets', 'app.js')],
    ['app://cunyi/assets/%E6%9D%91.png', join(rendererDir, 'assets', '村.png')],
  ])('%s stays inside the renderer folder', (url, expected) => expect(resolveAppPath(rendererDir, url)).toBe(expected));

  // The URL parser already folds %2e%2e into '..' and removes it; what is left must still land inside the folder.
  it.each([
    'app://cunyi/%2e%2e/secret.txt',
    'app://cunyi/assets/%2E%2E/%2E%2E/secret.txt',
    'app://cunyi/..%2fsecret.txt',
    'app://cunyi/assets/..%2f..%2fsecret.txt',
    'app://cunyi/..%5c..%5csecret.txt',
    'app://cunyi/%00index.html',
    'app://cunyi/%E0%A4%A',
    'app://other/index.html',
  ])('%s never leaves the renderer folder', async (url) => {
    const resolved = resolveAppPath(rendererDir, url);
    if (resolved !== null) expect(resolved.startsWith(rendererDir + sep)).toBe(true);
    const res = await serveAppRequest(rendererDir, new Request(url));
    expect(await res.text()).not.toContain('outside the renderer folder');
  });

  it.each(['app://cunyi/..%2fsecret.txt', 'app://cunyi/assets/..%2f..%2fsecret.txt', 'app://cunyi/%00x', 'app://other/'])(
    '%s is refused outright',
    (url) => expect(resolveAppPath(rendererDir, url)).toBeNull(),
  );
});

describe('serveAppRequest', () => {
  const get = (url: string, method = 'GET') => serveAppRequest(rendererDir, new Request(url, { method }));

  it('serves index.html with the CSP, no caching and the right type', async () => {
    const res = await get('app://cunyi/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('村医');
  });

  it('serves assets as immutable', async () => {
    const res = await get('app://cunyi/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('falls back to the app for client-side routes, not for missing assets', async () => {
    expect(await (await get('app://cunyi/worklist')).text()).toContain('村医');
    expect((await get('app://cunyi/assets/missing.js')).status).toBe(404);
  });

  it('refuses path escapes, other hosts and other methods', async () => {
    expect((await get('app://cunyi/..%2fsecret.txt')).status).toBe(403);
    expect((await get('app://other/index.html')).status).toBe(403);
    expect((await get('app://cunyi/index.html', 'POST')).status).toBe(405);
  });

  it('answers HEAD without a body', async () => {
    const res = await get('app://cunyi/index.html', 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('says plainly when the renderer is not built', async () => {
    const res = await serveAppRequest(join(base, 'nowhere'), new Request('app://cunyi/'));
    expect(res.status).toBe(503);
  });
});
