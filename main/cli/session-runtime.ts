/** How CLI commands open a clinic and call the API door as a signed-in user (the same door and audit as the UI). */
import { resolve } from 'node:path';
import type { ApiResult } from '../../shared/api';
import type { ErrorPayload } from '../../shared/api/errors';
import { createRuntime, type Runtime } from '../services/runtime';

export class CommandFailed extends Error {
  constructor(readonly error: ErrorPayload) {
    super(error.message);
  }
}

export interface OpenOptions {
  /** False for bulk loaders (`cunyi seed`): no live services while writing. */
  clinicServices?: boolean;
  /** Documents per sync pull request (`cunyi sync --pull-batch`). */
  syncPullBatch?: number;
}

export function open(dataDir: string, options: OpenOptions = {}): Runtime {
  return createRuntime({
    dataDir: resolve(dataDir),
    shell: 'headless',
    ...options,
    // The CLI works on the data, never on the serial ports the running app may hold, and syncs only when asked.
    deviceIo: null,
    noAutoSync: true,
    logger: { error: (m, meta) => console.error(m, meta ?? ''), warn: () => undefined, info: () => undefined },
  });
}

export async function call<T>(rt: Runtime, method: string, input: unknown): Promise<T> {
  const r = (await rt.dispatch(method, input, { transport: 'test', connectionId: 'cli' })) as ApiResult<T>;
  if (!r.ok) throw new CommandFailed(r.error);
  return r.value;
}

export async function withRuntime<T>(dataDir: string, fn: (rt: Runtime) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  const rt = open(dataDir, options);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export async function signIn(rt: Runtime, username: string, password: string): Promise<void> {
  await call(rt, 'session.signIn', { username, password });
}
