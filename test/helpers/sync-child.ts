/**
 * A clinic device in a child process for the `kill -9` fault test: opens the data directory, signs in, runs one
 * "sync now" and prints its result as one JSON line. Started as `node --import tsx test/helpers/sync-child.ts DIR`.
 */
import { createRuntime } from '../../main/services/runtime';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: sync-child.ts DATA_DIR');
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };
const rt = createRuntime({ dataDir, shell: 'headless', kdfCost: TEST_KDF_COST, logger: silent });
const ctx = { transport: 'test', connectionId: 'child' } as const;
const signedIn = await rt.dispatch('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password }, ctx);
console.log(JSON.stringify({ step: 'signedIn', ok: signedIn.ok }));
const r = await rt.dispatch('sync.now', {}, ctx);
console.log(JSON.stringify({ step: 'synced', result: r }));
await rt.close();
