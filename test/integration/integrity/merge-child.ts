/**
 * Child process for the "kill -9 mid-merge" test: signs in to the given clinic, stalls the merge's transaction at
 * the given write (after earlier writes of the same transaction have reached SQLite), tells the parent, and waits to
 * be killed. Run with tsx: `merge-child.ts <dataDir> <keepId> <mergeId> <stallAtStep>`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime } from '../../../main/services/runtime';
import { SETUP_INPUT, TEST_KDF_COST } from '../../helpers/host';

const [dataDir, keepId, mergeId, stallAt] = process.argv.slice(2) as [string, string, string, string];
const runtime = createRuntime({ dataDir, shell: 'headless', kdfCost: TEST_KDF_COST, logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
const ctx = { transport: 'test' as const, connectionId: 'child' };
const signedIn = await runtime.dispatch('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password }, ctx);
if (!signedIn.ok) throw new Error(JSON.stringify(signedIn.error));
runtime.services.clinic().ctx.uow.onWrite = (step) => {
  if (step !== Number(stallAt)) return;
  writeFileSync(join(dataDir, 'child-stalled'), String(step));
  // Block the thread inside the open transaction until the parent kills this process.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};
await runtime.dispatch('residents.merge', { keepId, mergeId, reason: '同一人重复建档' }, ctx);
