/**
 * Two clinic databases on our storage (two encrypted files) replicate one collection with RxDB's replication
 * plugin. Database B plays the server: the pull and push handlers of A's replication read and write B's storage
 * instance directly, as a server would, so the checkpoints, change stream and 409 handling of our storage are
 * exercised on both ends. Free RxDB allows 13 open collections per process: every test closes its databases.
 */
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRevision, createRxDatabase, deepEqual, now, randomToken } from 'rxdb/plugins/core';
import type {
  RxCollection,
  RxDatabase,
  RxDocumentData,
  RxJsonSchema,
  RxReplicationPullStreamItem,
  RxReplicationWriteToMasterRow,
  RxStorageDefaultCheckpoint,
  WithDeleted,
} from 'rxdb/plugins/core';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { getRxStorageSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { makeTempDir, TEST_KEY } from '../../helpers/store';
import type { TempDir } from '../../helpers/store';

interface Resident {
  id: string;
  name: string;
  villageCode: string;
}

const residentSchema: RxJsonSchema<Resident> = {
  version: 0,
  type: 'object',
  primaryKey: 'id',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 40 },
    villageCode: { type: 'string', maxLength: 12 },
  },
  required: ['id', 'name', 'villageCode'],
  indexes: [['villageCode', 'name']],
};

type Residents = RxCollection<Resident>;

let temp: TempDir;
const databases: RxDatabase[] = [];
const replications: RxReplicationState<Resident, RxStorageDefaultCheckpoint>[] = [];

beforeEach(() => {
  temp = makeTempDir();
});
afterEach(async () => {
  await Promise.all(replications.splice(0).map((r) => r.cancel()));
  await Promise.all(databases.splice(0).map((db) => db.close()));
  temp.remove();
});

async function openClinic(name: string): Promise<Residents> {
  const db = await createRxDatabase({
    name,
    storage: getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY }),
    multiInstance: false,
    eventReduce: true,
  });
  databases.push(db);
  const { residents } = await db.addCollections({ residents: { schema: residentSchema } });
  if (!residents) throw new Error('collection not created');
  return residents as Residents;
}

function toWire(doc: RxDocumentData<Resident>): WithDeleted<Resident> {
  return { id: doc.id, name: doc.name, villageCode: doc.villageCode, _deleted: doc._deleted };
}

/** Replicates `client` against `server`'s storage instance, like an HTTP server would. */
function replicate(client: Residents, server: Residents): RxReplicationState<Resident, RxStorageDefaultCheckpoint> {
  const store = server.storageInstance;
  const stream$ = new Subject<RxReplicationPullStreamItem<Resident, RxStorageDefaultCheckpoint>>();
  const sub = store.changeStream().subscribe((bulk) => {
    stream$.next({
      documents: bulk.events.map((event) => toWire(event.documentData)),
      checkpoint: bulk.checkpoint as RxStorageDefaultCheckpoint,
    });
  });
  const state = replicateRxCollection<Resident, RxStorageDefaultCheckpoint>({
    replicationIdentifier: `to-${server.database.name}`,
    collection: client,
    live: true,
    waitForLeadership: false,
    retryTime: 50,
    pull: {
      batchSize: 7,
      stream$: stream$.asObservable(),
      async handler(checkpoint, batchSize) {
        const changed = store.getChangedDocumentsSince;
        if (!changed) throw new Error('storage without getChangedDocumentsSince');
        const page = await changed.call(store, batchSize, checkpoint);
        return { documents: page.documents.map(toWire), checkpoint: page.checkpoint as RxStorageDefaultCheckpoint };
      },
    },
    push: {
      batchSize: 5,
      async handler(rows: RxReplicationWriteToMasterRow<Resident>[]) {
        const current = await store.findDocumentsById(
          rows.map((row) => row.newDocumentState.id),
          true,
        );
        const byId = new Map(current.map((doc) => [doc.id, doc]));
        const conflicts: WithDeleted<Resident>[] = [];
        const writes = [];
        for (const row of rows) {
          const inDb = byId.get(row.newDocumentState.id);
          if (inDb && (!row.assumedMasterState || !deepEqual(toWire(inDb), row.assumedMasterState))) {
            conflicts.push(toWire(inDb));
            continue;
          }
          const document = {
            ...row.newDocumentState,
            _attachments: {},
            _meta: { lwt: now() },
            _rev: '',
          } as RxDocumentData<Resident>;
          document._rev = createRevision(randomToken(10), inDb);
          writes.push(inDb ? { previous: inDb, document } : { document });
        }
        if (writes.length > 0) {
          const result = await store.bulkWrite(writes, 'test-server-push');
          if (result.error.length > 0) throw new Error(`server write failed: ${JSON.stringify(result.error)}`);
        }
        return conflicts;
      },
    },
  });
  state.canceled$.subscribe((canceled: boolean) => {
    if (canceled) {
      sub.unsubscribe();
      stream$.complete();
    }
  });
  replications.push(state);
  return state;
}

async function snapshot(collection: Residents): Promise<Record<string, string>> {
  const docs = await collection.find({ sort: [{ id: 'asc' }] }).exec();
  return Object.fromEntries(docs.map((doc) => [doc.id, doc.name]));
}

describe('replication between two databases on the SQLCipher storage', () => {
  it('copies inserts both ways, then live updates and deletes', async () => {
    const a = await openClinic('clinic-a');
    const b = await openClinic('clinic-b');
    await a.bulkInsert(Array.from({ length: 40 }, (_, i) => ({ id: `a${i}`, name: `王建国${i}`, villageCode: '110101001001' })));
    await b.bulkInsert(Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, name: `𠮷祥${i}`, villageCode: '110101001002' })));

    const state = replicate(a, b);
    const errors: unknown[] = [];
    state.error$.subscribe((e) => errors.push(e));
    await state.awaitInitialReplication();
    await state.awaitInSync();
    expect(await snapshot(a)).toEqual(await snapshot(b));
    expect(Object.keys(await snapshot(a))).toHaveLength(70);

    const a3 = await a.findOne('a3').exec(true);
    await a3.patch({ name: '王建军' });
    const b5 = await b.findOne('b5').exec(true);
    await b5.remove();
    await a.insert({ id: 'late', name: '李秀英', villageCode: '110101001001' });
    await state.awaitInSync();
    await waitFor(async () => deepEqual(await snapshot(a), await snapshot(b)));
    const synced = await snapshot(b);
    expect(synced.a3).toBe('王建军');
    expect(synced.late).toBe('李秀英');
    expect(synced.b5).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('resolves a conflicting offline edit with the master state and loses no other change', async () => {
    const a = await openClinic('clinic-a');
    const b = await openClinic('clinic-b');
    await a.bulkInsert(Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, name: `张伟${i}`, villageCode: '110101001001' })));
    const first = replicate(a, b);
    await first.awaitInitialReplication();
    await first.awaitInSync();
    await first.cancel();

    // Both sides edit r1 while disconnected; each side also makes an unrelated change.
    await (await a.findOne('r1').exec(true)).patch({ name: '客户端改' });
    await (await b.findOne('r1').exec(true)).patch({ name: '服务器改' });
    await (await a.findOne('r2').exec(true)).patch({ name: '只在客户端' });
    await (await b.findOne('r3').exec(true)).patch({ name: '只在服务器' });

    const second = replicate(a, b);
    await second.awaitInitialReplication();
    await second.awaitInSync();
    await waitFor(async () => deepEqual(await snapshot(a), await snapshot(b)));
    const result = await snapshot(a);
    // RxDB's default conflict handler keeps the master's state.
    expect(result.r1).toBe('服务器改');
    expect(result.r2).toBe('只在客户端');
    expect(result.r3).toBe('只在服务器');
    expect(Object.keys(result)).toHaveLength(10);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
