import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/api/errors';
import { heldDataDirLocks, LOCK_FILE, lockDataDir } from '../../../main/store/data-dir-lock';
import { createRuntime } from '../../../main/services/runtime';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const root = mkdtempSync(join(tmpdir(), 'cunyi-lock-'));
let n = 0;
const freshDir = () => join(root, `clinic-${++n}`);
const children: ChildProcess[] = [];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
  return undefined;
}

/** A child process holding the lock; resolves once it said so. */
function holdInChild(dir: string): Promise<ChildProcess> {
  // node itself, not the tsx wrapper: `kill -9` must hit the process that holds the lock.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'hold-data-dir-lock.ts'), dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((res, rej) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('locked')) res(child);
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => rej(new Error(`lock holder exited (${code}): ${out}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((res) => (child.exitCode !== null || child.signalCode !== null ? res(child.exitCode) : child.once('exit', (code) => res(code))));
}

function snapshot(dir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  expect(heldDataDirLocks()).toEqual([]);
  rmSync(root, { recursive: true, force: true });
});

describe('the data-directory lock (one process per clinic)', () => {
  it('refuses a second opener in the same process with CLINIC_IN_USE, and allows it after release', () => {
    const dir = freshDir();
    const first = lockDataDir(dir);
    expect(codeOf(() => lockDataDir(dir))).toBe('CLINIC_IN_USE');
    first.release();
    const again = lockDataDir(dir);
    again.release();
  });

  it('creates a missing data directory private to the OS user', () => {
    const dir = join(freshDir(), 'nested');
    const lock = lockDataDir(dir);
    lock.release();
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    if (process.platform !== 'win32') expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a second opener in a worker thread of the same process', async () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    const worker = new Worker(
      `const { lockDataDir } = require(${JSON.stringify(join(ROOT, 'main', 'store', 'data-dir-lock.ts'))});
       try { lockDataDir(${JSON.stringify(dir)}); require('node:worker_threads').parentPort.postMessage('locked'); }
       catch (e) { require('node:worker_threads').parentPort.postMessage(e.code); }`,
      { eval: true, execArgv: ['--require', 'tsx/cjs'] },
    );
    const answer = await new Promise((res, rej) => {
      worker.once('message', res);
      worker.once('error', rej);
    });
    await worker.terminate();
    lock.release();
    expect(answer).toBe('CLINIC_IN_USE');
  });

  it('a second runtime on the same folder is refused and its close releases the lock', async () => {
    const dir = freshDir();
    const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
    const first = createRuntime({ dataDir: dir, shell: 'headless', logger: quiet });
    expect(codeOf(() => createRuntime({ dataDir: dir, shell: 'headless', logger: quiet }))).toBe('CLINIC_IN_USE');
    await first.close();
    await createRuntime({ dataDir: dir, shell: 'headless', logger: quiet }).close();
  });

  it('refuses a second process (CLI exit 5, nothing written) while the first holds it, and allows it after kill -9', async () => {
    const dir = freshDir();
    const holder = await holdInChild(dir);
    expect(codeOf(() => lockDataDir(dir))).toBe('CLINIC_IN_USE');

    const before = snapshot(dir);
    const cli = spawn(TSX, [join(ROOT, 'main', 'cli', 'index.ts'), 'init', '--data-dir', dir, '--clinic', '441521101', '--name', '赤坑镇卫生院', '--admin', 'admin'], {
      env: { ...process.env, CUNYI_PASSWORD: 'clinic admin 1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(cli);
    let stderr = '';
    cli.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await exitOf(cli)).toBe(5);
    expect(stderr).toContain('CLINIC_IN_USE');
    expect(snapshot(dir)).toEqual(before);

    holder.kill('SIGKILL');
    await exitOf(holder);
    const lock = lockDataDir(dir);
    lock.release();
  });
});
