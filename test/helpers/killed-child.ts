/**
 * Shared by the kill -9 tests: runs one of the child scripts in test/helpers (which kill themselves with SIGKILL at
 * a named step) under tsx, and gives what it printed and the signal it ended with.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildEnd {
  out: string;
  err: string;
  signal: NodeJS.Signals | null;
}

export function runChild(script: string, args: readonly string[]): Promise<ChildEnd> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ out, err, signal })));
}
