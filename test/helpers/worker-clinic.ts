/**
 * A clinic app's runtime in its own worker thread on a temp data directory, set up and signed in, called through
 * the real dispatcher. RxDB refuses two open databases of one name in one process (DB8); each worker has its own
 * RxDB, so a test can run two clinics' devices side by side against one platform.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiResult } from '../../shared/api';
import { fixedClock } from '../../shared/domain/dates';
import type { RuntimeClient } from '../../main/runtime/client';
import { startRuntimeWorker } from '../../main/runtime/worker';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

export interface WorkerClinic {
  dataDir: string;
  runtime: RuntimeClient;
  call<T = unknown>(method: string, input?: unknown): Promise<ApiResult<T>>;
  ok<T = unknown>(method: string, input?: unknown): Promise<T>;
  /** Closes the runtime (the data directory stays until `dispose`). */
  close(): Promise<void>;
  /** Opens the same data directory again in a new worker and signs in. */
  reopen(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startWorkerClinic(opts: { now?: string; setup?: typeof SETUP_INPUT; dataDir?: string } = {}): Promise<WorkerClinic> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cunyi-worker-'));
  const setup = opts.setup ?? SETUP_INPUT;
  const start = () =>
    startRuntimeWorker(
      { dataDir, shell: 'headless', fixedNow: fixedClock(opts.now ?? '2026-03-02T02:00:00Z').now(), kdfCost: TEST_KDF_COST, checkOutputs: true, quiet: true },
      { logger: { error: () => undefined, warn: () => undefined, info: () => undefined } },
    );
  let closed = false;
  const c: WorkerClinic = {
    dataDir,
    runtime: await start(),
    call: <T>(method: string, input: unknown = {}) => c.runtime.dispatch(method, input, { transport: 'test', connectionId: 'w' }) as Promise<ApiResult<T>>,
    async ok<T>(method: string, input: unknown = {}) {
      const r = await c.call<T>(method, input);
      if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
      return r.value;
    },
    async close() {
      if (closed) return;
      closed = true;
      await c.runtime.close();
    },
    async reopen() {
      await c.close();
      c.runtime = await start();
      closed = false;
      await c.ok('session.signIn', { username: setup.admin.username, password: setup.admin.password });
    },
    async dispose() {
      await c.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (!opts.dataDir) await c.ok('session.setup', setup);
  else await c.ok('session.signIn', { username: setup.admin.username, password: setup.admin.password });
  return c;
}
