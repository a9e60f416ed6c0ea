/**
 * RxDB's own replication test suite (`runReplicationBaseTestSuite`), as in rxdb-replication-suite.test.ts, but with the
 * client collections on our SQLCipher storage (behind the ajv validator) and each replication's meta table linked to
 * its collection before the replication starts, as the sync client does (main/sync/bootstrap.ts `openMetaStore`): so
 * the replication's meta rows are stored as references wherever the pulled or pushed state is the stored row
 * (main/store/rx-storage-sqlcipher/replication-meta.ts), and RxDB's conflict, delete and resync cases run against
 * that representation. The collection is the test-only `humans` one, exempt from jurisdiction scoping (see there).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { addRxPlugin, type RxCollection, type RxJsonSchema } from 'rxdb';
import { RxDBDevModePlugin } from 'rxdb/plugins/dev-mode';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { runReplicationBaseTestSuite, schemas, setConfig } from 'rxdb/plugins/test-utils';
import { wireSchemaFor, type WireDocument } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { openMetaStore } from '../../../main/sync/bootstrap';
import { replicateWithPlatform } from '../../../main/sync/replication';
import { getRxStorage } from '../../conformance/rx-storage';
import { CLINIC_A, enrolDevice, startTestPlatform, type TestPlatform } from '../../helpers/platform';

// The suite is written for mocha's globals.
Object.assign(globalThis, { describe, it });
addRxPlugin(RxDBDevModePlugin);
setConfig({
  storage: {
    name: 'sqlcipher',
    getStorage: () => wrappedValidateAjvStorage({ storage: getRxStorage() }),
    getPerformanceStorage: () => ({ storage: getRxStorage(), description: 'sqlcipher' }),
    hasPersistence: true,
    hasMultiInstance: true,
    hasAttachments: false,
    hasReplication: true,
  },
});

let platform: TestPlatform;
let http: PlatformHttp;
let linked = 0;

beforeAll(async () => {
  platform = await startTestPlatform({
    extraCollections: {
      humans: { rule: { primaryKey: 'passportId', scope: 'none' }, schema: wireSchemaFor(schemas.human as RxJsonSchema<unknown>) },
    },
  });
  http = (await enrolDevice(platform, CLINIC_A, 'rxdb-suite-linked')).http;
});
afterAll(async () => {
  await http.close();
  await platform.dispose();
  // Proves the suite ran with linked meta tables, not silently without them.
  if (linked === 0) throw new Error('no replication meta table was linked');
  console.log(`checked: RxDB's replication suite with ${linked} linked meta tables`);
});

function start(collection: RxCollection, live: boolean) {
  // One identifier per client collection, so a second syncOnce resumes from the checkpoints of the first.
  const state = replicateWithPlatform({
    http,
    collection: collection,
    name: 'humans',
    identifier: `suite-${collection.database.name}-${collection.name}`,
    live,
    retryTime: 100,
    autoStart: false,
    accept: (d: WireDocument) => d,
  });
  // The link is made (and its extra instance closed) before the replication opens its own meta instance.
  void openMetaStore(collection as unknown as RxCollection<Record<string, unknown>>, state as never)
    .then(async (meta) => {
      if (meta) {
        linked += 1;
        await meta.close();
      }
    })
    .then(() => state.start());
  return state;
}

describe('RxDB replication base suite against the platform, meta rows stored as references', () => {
  runReplicationBaseTestSuite({
    startReplication: (collection) => start(collection, true),
    syncOnce: async (collection) => {
      const r = start(collection, false);
      await r.awaitInitialReplication();
      await r.cancel();
    },
    getAllServerDocs: () => platform.store.allDocuments('humans'),
    cleanUpServer: () => platform.store.removeCollection('humans'),
    softDeletes: true,
    isDeleted: (d: { _deleted: boolean }) => d._deleted,
    getPrimaryOfServerDoc: (d: { passportId: string }) => d.passportId,
  });
});
