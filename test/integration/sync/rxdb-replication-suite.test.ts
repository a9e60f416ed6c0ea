/**
 * RxDB's own replication test suite (`runReplicationBaseTestSuite` from rxdb/plugins/test-utils) against our
 * platform server and our replication client (`main/sync/replication.ts`, the same code the runtime uses). The suite
 * uses RxDB's `humans` schema, which is no clinic document: it runs on a test-only collection `humans` that the
 * platform serves with scope 'none', i.e. exempt from jurisdiction scoping (only tests can register such a
 * collection; `npm run platform` never does). The client side uses RxDB's memory storage behind the ajv validator.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { addRxPlugin, type RxCollection, type RxJsonSchema } from 'rxdb';
import { RxDBDevModePlugin } from 'rxdb/plugins/dev-mode';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { runReplicationBaseTestSuite, schemas, setConfig } from 'rxdb/plugins/test-utils';
import { wireSchemaFor, type WireDocument } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { replicateWithPlatform } from '../../../main/sync/replication';
import { CLINIC_A, enrolDevice, startTestPlatform, type TestPlatform } from '../../helpers/platform';

// The suite is written for mocha's globals.
Object.assign(globalThis, { describe, it });
addRxPlugin(RxDBDevModePlugin);
setConfig({
  storage: {
    name: 'memory',
    getStorage: () => wrappedValidateAjvStorage({ storage: getRxStorageMemory() }),
    getPerformanceStorage: () => ({ storage: getRxStorageMemory(), description: 'memory' }),
    hasPersistence: false,
    hasMultiInstance: false,
    hasAttachments: false,
    hasReplication: true,
  },
});

let platform: TestPlatform;
let http: PlatformHttp;

beforeAll(async () => {
  platform = await startTestPlatform({
    extraCollections: {
      humans: { rule: { primaryKey: 'passportId', scope: 'none' }, schema: wireSchemaFor(schemas.human as RxJsonSchema<unknown>) },
    },
  });
  http = (await enrolDevice(platform, CLINIC_A, 'rxdb-suite')).http;
});
afterAll(async () => {
  await http.close();
  await platform.dispose();
});

function start(collection: RxCollection, live: boolean) {
  // One identifier per client collection, so a second syncOnce resumes from the checkpoints of the first.
  return replicateWithPlatform({
    http,
    collection: collection,
    name: 'humans',
    identifier: `suite-${collection.database.name}-${collection.name}`,
    live,
    retryTime: 100,
    accept: (d: WireDocument) => d,
  });
}

describe('RxDB replication base suite against the platform', () => {
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
