/**
 * One headless host per spec file, as a child process on a temporary data directory, exactly as a user starts it
 * (`tsx main/host/main.ts --data-dir D --port 0`); its printed `open:` URL carries the per-run token.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { idCheckDigit } from '../../shared/domain/id-number';
import { openPtyPair, type PtyPair, startSimulator, stopSimulator } from '../helpers/pty';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export const ADMIN = { username: 'admin', displayName: '李医生', password: 'correct horse 1' };
export const CLINIC = { code: '441521101', name: '海丰县赤坑镇卫生院' };

export interface E2eHost {
  /** The printed URL, with `#token=…`. */
  url: string;
  origin: string;
  dataDir: string;
  /** Stops the host and deletes its data directory, unless `keepData` (a restart on the same data follows). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export function assertRendererBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/renderer/index.html is missing: run `npm run build:renderer` before the end-to-end tests.');
  }
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'cunyi-e2e-'));
}

/** `cunyi init` on a fresh directory: the clinic the sign-in tests use (DESIGN.md §5). */
export function initClinic(dataDir: string): void {
  const r = spawnSync(
    TSX,
    ['main/cli/index.ts', 'init', '--data-dir', dataDir, '--clinic', CLINIC.code, '--name', CLINIC.name, '--admin', ADMIN.username,
      '--admin-name', ADMIN.displayName, '--village', '441521101201=东光村'],
    { cwd: ROOT, env: { ...process.env, CUNYI_PASSWORD: ADMIN.password }, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`cunyi init failed (${r.status}): ${r.stderr}`);
  }
}

export async function startHost(dataDir: string = makeDataDir(), env: Record<string, string> = {}): Promise<E2eHost> {
  assertRendererBuilt();
  const child: ChildProcess = spawn(TSX, ['main/host/main.ts', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const printed = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not print its URL in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /^open: (\S+)$/m.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code}) before printing its URL:\n${output}`));
    });
  });
  let url: string;
  try {
    url = await printed;
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    async stop(opts?: { keepData?: boolean }) {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (!opts?.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Stops the host and starts a new one on the same data directory: what a user sees after closing and reopening. */
export async function restartHost(host: E2eHost): Promise<E2eHost> {
  await host.stop({ keepData: true });
  return startHost(host.dataDir);
}

export async function signIn(page: Page, password = ADMIN.password): Promise<void> {
  const username = page.getByLabel('用户名');
  if ((await username.inputValue()) === '') await username.fill(ADMIN.username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('密码', { exact: true }).press('Enter');
}

export const SECTION_TITLES_ZH = ['工作台', '居民档案', '随访', '体检', '签约', '设备', '同步', '报表', '设置'] as const;
export const SECTION_KEYS = ['worklist', 'residents', 'followups', 'checks', 'contracts', 'devices', 'sync', 'reports', 'settings'] as const;

export async function expectSection(page: Page, index: number): Promise<void> {
  await expect(page.locator('main h1')).toHaveText(SECTION_TITLES_ZH[index] ?? '');
  await expect(page).toHaveURL(new RegExp(`#/${SECTION_KEYS[index] ?? ''}$`));
}

/** One API call over the host's WebSocket, as the renderer makes it (token from the printed URL), for spec set-up. */
export async function apiCall<T>(host: Pick<E2eHost, 'url'>, method: string, input: unknown): Promise<T> {
  const url = new URL(host.url);
  const token = /token=([^&]+)/.exec(url.hash)?.[1] ?? '';
  const ws = new WebSocket(`ws://${url.host}/api?token=${token}`);
  try {
    await new Promise<void>((resolveOpen, reject) => {
      ws.once('open', () => resolveOpen());
      ws.once('error', reject);
    });
    const answer = await new Promise<unknown>((resolveAnswer, reject) => {
      ws.on('message', (data: WebSocket.RawData) => {
        const frame = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as { id?: number; result?: unknown };
        if (frame.id === 1) resolveAnswer(frame.result);
      });
      ws.once('error', reject);
      ws.send(JSON.stringify({ id: 1, method, input }));
    });
    const r = answer as { ok: boolean; value?: T; error?: unknown };
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.value as T;
  } finally {
    ws.close();
  }
}

/** A valid 18-digit ID number for a synthetic person born on `birth` (Haifeng county, sequence `seq`). */
export function idNumber(birth: string, seq: number): string {
  const first17 = `441521${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + (idCheckDigit(first17) ?? '');
}

/**
 * The fonts a PDF embeds that are not the bundled Noto Sans SC or the digits' monospace font (issue 16 §5): a
 * character the bundled font lacks falls back to another font, which `pdffonts` then lists, so an empty answer
 * means no tofu on paper. Also checks that the PDF embeds Noto Sans SC at all.
 */
export function foreignPdfFonts(pdf: string): string[] {
  const run = spawnSync('pdffonts', [pdf], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pdffonts ${pdf} failed: ${run.stderr}`);
  const names = run.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/)[0] ?? '');
  if (!names.some((n) => n.includes('NotoSansSC'))) return ['(no Noto Sans SC embedded)', ...names];
  return names.filter((n) => !/NotoSansSC|DejaVuSansMono/.test(n));
}

/** window.print() would open a dialog: keep a copy of the sheet instead (as `#kept-sheet`), to print to PDF ourselves. */
export async function keepPrintedSheet(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.print = () => {
      const sheet = document.querySelector('.print-sheet');
      if (sheet) document.body.appendChild(Object.assign(sheet.cloneNode(true) as HTMLElement, { id: 'kept-sheet' }));
    };
  });
}

/** A clinic served by the headless host, with a device simulator on the far end of a socat PTY pair. */
export interface DeviceBench {
  host: E2eHost;
  page: Page;
  pty: PtyPair;
  sim: ChildProcessWithoutNullStreams;
  stop(): Promise<void>;
}

/**
 * Starts the PTY pair, a fresh clinic and its host, and `npm run sim -- <simArgs> --port <device end>`; opens a
 * 1366×768 page. The app end of the pair is `pty.app` (bind it as the device's port).
 */
export async function startDeviceBench(browser: Browser, simArgs: string[]): Promise<DeviceBench> {
  const pty = await openPtyPair();
  const dataDir = makeDataDir();
  initClinic(dataDir);
  const host = await startHost(dataDir);
  const sim = await startSimulator([...simArgs, '--port', pty.dev], ROOT);
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  return {
    host,
    page,
    pty,
    sim,
    async stop() {
      await page.close();
      await stopSimulator(sim);
      await host.stop();
      await pty.kill();
    },
  };
}

/** Switches 大字模式 on or off through the header switch and waits until the page has taken it. */
export async function setLargeText(page: Page, on: boolean): Promise<void> {
  const toggle = page.getByRole('switch', { name: '大字模式' });
  if ((await toggle.getAttribute('aria-checked')) !== String(on)) await toggle.click();
  await expect(page.locator('html')).toHaveClass(on ? /large-text/ : /^(?!.*large-text)/);
}

/** Screenshots the page at normal and large text as `<dir>/<name>.png` and `<name>-large.png`; leaves normal text on. */
export async function shootBothSizes(page: Page, dir: string, name: string): Promise<void> {
  for (const large of [false, true]) {
    await setLargeText(page, large);
    await page.screenshot({ path: join(dir, `${name}${large ? '-large' : ''}.png`) });
  }
  await setLargeText(page, false);
}
