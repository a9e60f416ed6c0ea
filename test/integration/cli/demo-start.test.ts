/**
 * `npm run demo -- --data-dir D` opens the demo clinic in D (issue 16: the demo's own temporary `--data-dir` came
 * after the user's, so the host opened D empty, on the set-up wizard). Runs the real start script with `--web`; it
 * builds the renderer first if `dist/renderer` is missing (`npm test` builds it before this runs), hence the long limit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const root = mkdtempSync(join(tmpdir(), 'cunyi-dstart-'));
const running: ChildProcess[] = [];

/** Starts `node scripts/start.mjs …` and resolves with everything printed up to the host's `open:` line. */
function startUntilOpen(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  return new Promise((done, fail) => {
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      if (/^open: \S+$/m.test(output)) done(output);
    });
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => fail(new Error(`start.mjs exited (${code}) before the host opened:\n${output}`)));
  });
}

async function stopAll(): Promise<void> {
  await Promise.all(
    running.splice(0).map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null || c.signalCode !== null) return done();
          c.once('exit', () => done());
          c.kill('SIGTERM');
        }),
    ),
  );
}

afterAll(async () => {
  await stopAll();
  rmSync(root, { recursive: true, force: true });
});

describe('npm run demo -- --data-dir D', () => {
  it('makes the demo clinic in D and opens D, not a temporary folder', async () => {
    const dir = join(root, 'demo');
    const out = await startUntilOpen(['--web', '--demo', '--data-dir', dir, '--port', '0']);
    expect(existsSync(join(dir, 'cunyi.db'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'clinic.json'), 'utf8'))).toMatchObject({ clinicName: '演示乡镇卫生院' });
    expect(out).toContain(`Demo data: ${dir}`);
    expect(out).not.toContain('cunyi-demo-');
    await stopAll();
  }, 240_000);

  it('opens D again without seeding when D already holds the clinic', async () => {
    const dir = join(root, 'demo');
    const before = readFileSync(join(dir, 'clinic.json'), 'utf8');
    const out = await startUntilOpen(['--web', '--demo', '--data-dir', dir, '--port', '0']);
    expect(out).toContain(`Opening the clinic already in ${dir}`);
    expect(out).not.toContain('seeding');
    expect(readFileSync(join(dir, 'clinic.json'), 'utf8')).toBe(before);
    await stopAll();
  }, 60_000);
});
