/** A socat PTY pair with unique link names; `kill()` stops socat by its own PID (the "cable pulled" test). */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  app: string;
  dev: string;
  kill(): Promise<void>;
}

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-pty-'));
  const app = join(dir, 'app');
  const dev = join(dir, 'dev');
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${app}`, `pty,raw,echo=0,link=${dev}`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!(existsSync(app) && existsSync(dev))) {
    if (Date.now() > deadline || socat.exitCode !== null) throw new Error('socat did not create the PTY links');
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    app,
    dev,
    async kill() {
      if (socat.exitCode === null && socat.pid !== undefined) process.kill(socat.pid, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function hasSocat(): boolean {
  return ['/usr/bin/socat', '/usr/local/bin/socat', '/opt/homebrew/bin/socat'].some((p) => existsSync(p));
}

/**
 * Starts the device simulator (`npm run sim -- <args>`) as its own process, as support staff would, and resolves
 * once it prints `ready`. `stopSimulator` asks it to quit and waits for it to exit.
 */
export async function startSimulator(args: readonly string[], cwd: string = process.cwd()): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(join(cwd, 'node_modules', '.bin', 'tsx'), ['main/devices/sim-cli.ts', ...args], { cwd });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sim exited ${code}`)));
  });
  return child;
}

export async function stopSimulator(sim: ChildProcessWithoutNullStreams | undefined): Promise<void> {
  if (!sim || sim.exitCode !== null) return;
  const exited = new Promise((r) => sim.once('exit', r));
  sim.stdin.write('quit\n');
  await exited;
}
