import { vi } from 'vitest';
import { main } from '../../main/cli/index';

/** Runs the CLI in-process with extra environment variables, capturing what it prints. */
export async function cli(argv: string[], envVars: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const saved = { ...process.env };
  Object.assign(process.env, envVars);
  try {
    return { code: await main(argv), stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    process.env = saved;
    log.mockRestore();
    error.mockRestore();
  }
}
