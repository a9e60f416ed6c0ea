/**
 * Initial sync (bootstrap) of one collection, before its `replicateRxCollection` starts (issue 13, benchmark).
 *
 * Why: RxDB's downstream writes every pulled page in three storage transactions (the documents, then a meta row per
 * document holding the assumed master state, then the checkpoint), each through the RxDB and ajv wrappers, with a
 * per-document async pass in between; at a first sync of a township that was two thirds of the client's cost
 * (bench/sync.ts profile in the README). Making the meta writes cheaper inside the storage (batching them with the
 * documents' transaction) keeps all that per-document work; writing the page ourselves removes it.
 *
 * What it writes, per page and in ONE storage transaction, is what RxDB's downstream (rxdb 17
 * `replication-protocol/downstream.ts`, `meta-instance.ts`, `checkpoint.ts`) writes for documents this device has
 * never held: each document as the RxDB-wrapped fork instance stores an insert (`_meta: { lwt }`, `_rev: 1-<database
 * token>`), through the storage's bulk write and so through the same projections (search, work list, reports,
 * audit chain) as every replicated document; its meta row `<id>|0` with the pulled state as `docData` (the three-way
 * merge base of a later push) and `_rev: 1-<checkpoint key>`; and the downstream checkpoint `down|1`, stacked on the
 * previous one. When nothing local waits to be pushed in that collection, the upstream checkpoint `up|1` moves past
 * the page too, as RxDB's upstream does when it sees the downstream's writes; otherwise it stays, and RxDB's upstream
 * initial pass reads the page once, finds each document equal to its assumed master state and pushes nothing.
 *
 * It stops, writing nothing of that page, at the first page holding a document this device already has (in the
 * collection, tombstones included, or in the meta rows), and on any error: then `replicateRxCollection` starts from
 * the stored checkpoint and handles that page by its own rules (conflicts, local edits, retries and error reports).
 * A crash between pages loses nothing: each page and its checkpoint commit together.
 */
import type { RxCollection, RxDocumentData, RxStorageDefaultCheckpoint, RxStorageReplicationMeta } from 'rxdb';
import { getComposedPrimaryKeyOfDocumentData, now, stackCheckpoints } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import type { Checkpoint } from '../../shared/sync/protocol';
import { linkReplicationMeta, RxStorageInstanceSqlcipher, withSerialized, withWrittenForkRow } from '../store/rx-storage-sqlcipher';

type Doc = Record<string, unknown>;
type MetaDoc = RxDocumentData<RxStorageReplicationMeta<Doc, unknown>>;
type AnyCheckpoint = Checkpoint | RxStorageDefaultCheckpoint;

/** A pull page, as the replication's pull handler returns it (parsed, in this device's jurisdiction). */
export type PullPage = (checkpoint: Checkpoint | undefined, batchSize: number, signal: AbortSignal) => Promise<{ documents: Doc[]; checkpoint: Checkpoint }>;

/** The replication's meta collection (RxDB's `rx-replication-meta-<hash>`), open on our storage. */
export interface MetaStore {
  readonly instance: RxStorageInstanceSqlcipher<RxStorageReplicationMeta<Doc, unknown>>;
  /** The stored checkpoint of one direction (`down`: the platform's change sequence; `up`: the local collection's). */
  checkpoint<C extends AnyCheckpoint>(direction: 'down' | 'up'): C | undefined;
  close(): Promise<void>;
}

/**
 * Opens the meta collection `replication` will use (same name and schema, RxDB's `metaInfoPromise`), or null when
 * the collection is not on our SQLCipher storage (nothing to bootstrap into then).
 */
export async function openMetaStore(collection: RxCollection<Doc>, replication: RxReplicationState<Doc, Checkpoint>): Promise<MetaStore | null> {
  const database = collection.database;
  const info = await replication.metaInfoPromise;
  const instance = await database.storage.createStorageInstance<RxStorageReplicationMeta<Doc, unknown>>({
    databaseName: database.name,
    collectionName: info.collectionName,
    databaseInstanceToken: database.token,
    multiInstance: database.multiInstance,
    options: {},
    schema: info.schema,
    password: database.password as string | undefined,
    devMode: false,
  });
  if (!(instance instanceof RxStorageInstanceSqlcipher)) {
    await instance.close();
    return null;
  }
  const meta = instance as RxStorageInstanceSqlcipher<RxStorageReplicationMeta<Doc, unknown>>;
  // Before the replication opens its own instance of this table: from now on a meta row whose assumed master state is
  // the document as stored keeps a reference to the stored row instead of a second copy (replication-meta.ts).
  const fork = forkOf(collection);
  if (fork) linkReplicationMeta(meta as RxStorageInstanceSqlcipher<unknown>, fork as RxStorageInstanceSqlcipher<unknown>);
  return {
    instance: meta,
    checkpoint: <C extends AnyCheckpoint>(direction: 'down' | 'up') => (meta.findByIdSync(checkpointId(direction)))?.checkpointData as C | undefined,
    close: () => meta.close(),
  };
}

/** RxDB's composed id of a checkpoint row (`itemId|isCheckpoint`, meta-instance.ts). */
function checkpointId(direction: 'down' | 'up'): string {
  return `${direction}|1`;
}

export interface BootstrapOptions {
  collection: RxCollection<Doc>;
  replication: RxReplicationState<Doc, Checkpoint>;
  meta: MetaStore;
  pull: PullPage;
  batchSize: number;
  signal: AbortSignal;
}

export interface BootstrapResult {
  /** Documents written by the bootstrap (not the ones RxDB's replication writes after it). */
  documents: number;
  pages: number;
  /** Why it stopped: all pulled, a page held a document this device has, or it was stopped. */
  ended: 'complete' | 'known-document' | 'aborted';
}

/** The fork storage under RxDB's wrappers (our instance, with ajv's checks patched onto it), or null. */
function forkOf(collection: RxCollection<Doc>): RxStorageInstanceSqlcipher<Doc> | null {
  const wrapped = collection.storageInstance as unknown as { originalStorageInstance?: unknown };
  const fork = wrapped.originalStorageInstance;
  return fork instanceof RxStorageInstanceSqlcipher ? (fork as RxStorageInstanceSqlcipher<Doc>) : null;
}

/** The hashes RxDB derives from the replication's identifier (replication-protocol/index.ts, checkpoint.ts). */
async function replicationKeys(collection: RxCollection<Doc>, replication: RxReplicationState<Doc, Checkpoint>): Promise<{ checkpointKey: string }> {
  const identifier = `rxdbreplication${replication.replicationIdentifier}`;
  const storage = collection.storageInstance;
  const hash = await collection.database.hashFunction([identifier, storage.databaseName, storage.collectionName].join('||'));
  return { checkpointKey: `rx_storage_replication_${hash}` };
}

/**
 * Pulls and writes pages until the platform has no more, a page holds a known document, or `signal` aborts.
 * Throws what the pull throws (the caller then lets RxDB's replication take over from the stored checkpoint).
 */
export async function bootstrapCollection(o: BootstrapOptions): Promise<BootstrapResult> {
  const storage = forkOf(o.collection);
  const result: BootstrapResult = { documents: 0, pages: 0, ended: 'aborted' };
  if (!storage) return { ...result, ended: 'known-document' };
  const fork = storage;
  const { checkpointKey } = await replicationKeys(o.collection, o.replication);
  const token = o.collection.database.token;
  const jsonSchema = o.collection.schema.jsonSchema;
  const primaryPath = o.collection.schema.primaryPath;
  const connection = fork.internals.connection;
  let checkpoint = o.meta.checkpoint<Checkpoint>('down');
  let next: Promise<Awaited<ReturnType<PullPage>>> | null = null;
  // Key indexes of the collection's and the meta rows' tables, left out while a first sync fills them (decided at
  // the first page written) and built once at the end, sorted (holdKeyIndexesSync).
  const held: { build(): void }[] = [];
  let holdDecided = false;
  try {
    while (!o.signal.aborted) {
      const page = await (next ?? o.pull(checkpoint, o.batchSize, o.signal));
      next = null;
      if (o.signal.aborted) break;
      // The next page is asked for while this one is written, as RxDB's downstream does (downstreamResyncOnce).
      if (page.documents.length >= o.batchSize) {
        next = o.pull(page.checkpoint, o.batchSize, o.signal);
        next.catch(() => undefined);
        // One turn of the event loop lets the request go out before the synchronous write below holds the thread.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const done = write(page, next !== null);
      if (done !== 'written') return { ...result, ended: done };
      // RxDB's downstream stops at a page smaller than the batch: the platform has nothing more.
      if (page.documents.length < o.batchSize) return { ...result, ended: 'complete' };
    }
    return result;
  } finally {
    // A page asked for ahead and not written: its answer (or failure) is dropped; RxDB's replication asks again.
    await next?.catch(() => undefined);
    // Built whatever stopped the bootstrap, before RxDB's replication and the answer (the indexes are idempotent:
    // building ones a rolled-back page kept changes nothing). A closed file leaves them to the next open.
    for (const h of held) h.build();
  }

  /** Writes one page with its meta rows and checkpoints, or nothing when the page holds a document already here. */
  function write(page: Awaited<ReturnType<PullPage>>, more: boolean): 'written' | 'complete' | 'known-document' {
    // RxDB's handlePulledDocuments and persistFromMaster: `_deleted` a boolean, the composed primary key filled in,
    // one state per id (the last one of the page wins). Set on the pulled objects themselves, which are this page's own
    // (parsed for it, dropped after it; a page that is not written is pulled again): a copy of every document only
    // made garbage. The keys keep the order a copy would give them.
    const byId = new Map<string, Doc>();
    for (const doc of page.documents) {
      doc['_deleted'] = !!doc['_deleted'];
      doc[primaryPath] = getComposedPrimaryKeyOfDocumentData(jsonSchema, doc);
      byId.set(String(doc[primaryPath]), doc);
    }
    if (byId.size === 0) return 'complete';
    const written = connection.refetchableTransaction(() => {
      const ids = [...byId.keys()];
      if (fork.findManySync(ids, true).length > 0) return false;
      if (o.meta.instance.findManySync(ids.map((id) => `${id}|0`), true).length > 0) return false;
      // A first sync of more than one page into empty tables: their key indexes wait for its end (in this
      // transaction, so a page that is not written keeps them). Later pages find the tables filled.
      if (!holdDecided && more) {
        for (const h of [fork.holdKeyIndexesSync(), o.meta.instance.holdKeyIndexesSync()]) if (h) held.push(h);
      }
      holdDecided = true;
      const upBefore = o.meta.checkpoint<RxStorageDefaultCheckpoint>('up');
      const nothingToPush = upBefore ? fork.changedSinceSync(1, upBefore).documents.length === 0 : fork.newestCheckpointSync() === undefined;
      // One timestamp per page, as RxDB's wrapped bulkWrite gives every row of one call.
      const lwt = now();
      const forkRevision = `1-${token}`;
      const forkRev = JSON.stringify(forkRevision);
      const forkRows: { document: RxDocumentData<Doc> }[] = [];
      const metaRows: { document: MetaDoc }[] = [];
      for (const [id, doc] of byId) {
        const fork = { ...doc, _attachments: {}, _meta: { lwt }, _rev: forkRevision } as unknown as RxDocumentData<Doc>;
        const meta = {
          id: `${id}|0`,
          isCheckpoint: '0',
          itemId: id,
          docData: doc,
          _attachments: {},
          _deleted: false,
          _rev: `1-${checkpointKey}`,
          _meta: { lwt },
        } as unknown as MetaDoc;
        // Each document is serialised once, for its row and its meta row's docData: the fork text below is what
        // JSON.stringify gives for the object above (same keys in the same order), unless the pulled document itself
        // has one of the added keys. The meta row then stores a reference to that row, not the text again.
        const json = withJson(doc);
        if (!('_attachments' in doc || '_meta' in doc || '_rev' in doc)) {
          const forkJson = `${json.slice(0, -1)},"_attachments":{},"_meta":{"lwt":${lwt}},"_rev":${forkRev}}`;
          withSerialized(fork, forkJson);
          // Written just before the meta rows, in this transaction: the meta write need not read it back.
          withWrittenForkRow(meta, forkRevision, forkJson);
        }
        forkRows.push({ document: fork });
        metaRows.push({ document: meta });
      }
      const forkErrors = fork.writeSync(forkRows, `replication-downstream-${checkpointKey}`);
      if (forkErrors.length > 0) throw new Error(`bootstrap: the storage refused ${forkErrors.length} pulled documents (first: ${forkErrors[0]!.documentId}, ${forkErrors[0]!.status})`);
      const rows = [...metaRows, checkpointRow('down', page.checkpoint, checkpointKey)];
      const up = nothingToPush ? fork.newestCheckpointSync() : undefined;
      if (up) rows.push(checkpointRow('up', up, checkpointKey));
      const metaErrors = o.meta.instance.writeSync(rows, 'replication-down-write-meta');
      if (metaErrors.length > 0) throw new Error(`bootstrap: the meta rows were refused (first: ${metaErrors[0]!.documentId}, ${metaErrors[0]!.status})`);
      return true;
    });
    if (!written) return 'known-document';
    result.documents += byId.size;
    result.pages += 1;
    checkpoint = page.checkpoint;
    return 'written';
  }

  /** `JSON.stringify(doc)`, handed to the meta row's write of `doc` as its docData. */
  function withJson(doc: Doc): string {
    const json = JSON.stringify(doc);
    withSerialized(doc, json);
    return json;
  }

  /** A checkpoint row as setCheckpoint writes it: stacked on the stored one, its revision one higher. */
  function checkpointRow(direction: 'down' | 'up', next: AnyCheckpoint, key: string): { previous?: MetaDoc; document: MetaDoc } {
    const previous = o.meta.instance.findByIdSync(checkpointId(direction));
    const height = previous ? Number(String(previous._rev).split('-')[0]) + 1 : 1;
    const document = {
      id: checkpointId(direction),
      isCheckpoint: '1',
      itemId: direction,
      _deleted: false,
      _attachments: {},
      checkpointData: previous ? stackCheckpoints([previous.checkpointData, next]) : next,
      _meta: { lwt: now() },
      _rev: `${height}-${key}`,
    } as unknown as MetaDoc;
    return previous ? { previous, document } : { document };
  }
}
