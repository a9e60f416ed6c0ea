/**
 * A clinic device in a child process for the `kill -9` fault test: opens the data directory, signs in, runs one
 * "sync now" and prints its result as one JSON line. While it syncs it prints, as JSON lines, each stored pull
 * checkpoint of the residents (`{"step":"pulled","seq":N}`, the first one before the round), so the test can kill it
 * only after at least one batch was stored. Started as `node --import tsx test/helpers/sync-child.ts DIR [PULL_BATCH]`.
 */
import { createRuntime } from '../../main/services/runtime';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: sync-child.ts DATA_DIR [PULL_BATCH]');
const pullBatch = process.argv[3] ? Number(process.argv[3]) : undefined;
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };
const rt = createRuntime({ dataDir, shell: 'headless', kdfCost: TEST_KDF_COST, logger: silent, noAutoSync: true, ...(pullBatch === undefined ? {} : { syncPullBatch: pullBatch }) });
const ctx = { transport: 'test', connectionId: 'child' } as const;
const signedIn = await rt.dispatch('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password }, ctx);
console.log(JSON.stringify({ step: 'signedIn', ok: signedIn.ok }));
const engine = rt.services.sync();
// Started without its live pulls: the first checkpoint printed is the one the round resumes from.
engine.start();
let last = -1;
const report = async (): Promise<void> => {
  const seq = (await engine.pulledUpTo()).residents ?? 0;
  if (seq !== last) console.log(JSON.stringify({ step: 'pulled', seq }));
  last = seq;
};
await report();
let syncing = true;
const watching = (async () => {
  while (syncing) {
    await report();
    await new Promise((r) => setTimeout(r, 5));
  }
})();
const r = await rt.dispatch('sync.now', {}, ctx);
syncing = false;
await watching;
console.log(JSON.stringify({ step: 'synced', result: r }));
await rt.close();
