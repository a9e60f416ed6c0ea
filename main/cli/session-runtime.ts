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

export function open(dataDir: string): Runtime {
  return createRuntime({
    dataDir: resolve(dataDir),
    shell: 'headless',
    logger: { error: (m, meta) => console.error(m, meta ?? ''), warn: () => undefined, info: () => undefined },
  });
}

export async function call<T>(rt: Runtime, method: string, input: unknown): Promise<T> {
  const r = (await rt.dispatch(method, input, { transport: 'test', connectionId: 'cli' })) as ApiResult<T>;
  if (!r.ok) throw new CommandFailed(r.error);
  return r.value;
}

export async function withRuntime<T>(dataDir: string, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = open(dataDir);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export async function signIn(rt: Runtime, username: string, password: string): Promise<void> {
  await call(rt, 'session.signIn', { username, password });
}
