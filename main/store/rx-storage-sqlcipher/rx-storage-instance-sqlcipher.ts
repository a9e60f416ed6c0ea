/**
 * One RxDB collection (name + schema version) in one table of the encrypted file. better-sqlite3 is synchronous,
 * so each write reads, categorises and writes inside one IMMEDIATE transaction without yielding, which serialises
 * writes per file. `writeSync` is the same write for the unit of work (connection-pool.ts): inside an open
 * transaction it joins it, the projections (projections.ts) are applied in it, and its change events are emitted
 * once the outermost transaction commits, always before the returned promise of `bulkWrite` resolves.
 */
import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import {
  categorizeBulkWriteRows,
  ensureNotFalsy,
  getPrimaryFieldOfPrimaryKey,
  getQueryMatcher,
  getSortComparator,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  now,
} from 'rxdb/plugins/core';
import type {
  BulkWriteRow,
  EventBulk,
  PreparedQuery,
  RxDocumentData,
  RxJsonSchema,
  RxQueryPlanKey,
  RxStorage,
  RxStorageBulkWriteResponse,
  RxStorageChangeEvent,
  RxStorageCountResult,
  RxStorageDefaultCheckpoint,
  RxStorageInstance,
  RxStorageQueryResult,
  StringKeys,
} from 'rxdb/plugins/core';
import { AppError } from '../../../shared/api/errors';
import type { ChangeListener, Connection, TableAccess } from './connection-pool';
import { toPaddedIndexKey } from './index-key';
import { dataSql, metaRowValues } from './replication-meta';
import { createKeyIndexSql, META_REF_COLUMNS, quoteIdentifier } from './sqlcipher-helpers';
import type { IndexColumn, TableLayout } from './sqlcipher-helpers';

export interface SqlcipherInternals {
  readonly connection: Connection;
  readonly layout: TableLayout;
}

/** No per-collection options: everything is decided by the storage settings and the schema. */
export type SqlcipherInstanceCreationOptions = Record<string, never>;

export type SqlcipherChangeBulk<RxDocType> = EventBulk<
  RxStorageChangeEvent<RxDocumentData<RxDocType>>,
  RxStorageDefaultCheckpoint
>;

/** Tombstones purged per cleanup() call, so one call never holds the write lock for long. */
export const CLEANUP_BATCH_SIZE = 2000;

type RangeBounds = readonly [lower: Buffer, upper: Buffer];
type AnyStatement = BetterSqlite3.Statement<unknown[], unknown>;

interface Statements {
  readonly byId: AnyStatement;
  readonly byIdLive: AnyStatement;
  readonly byIds: AnyStatement;
  readonly byIdsLive: AnyStatement;
  readonly insert: AnyStatement;
  readonly update: AnyStatement;
  readonly changesFromStart: AnyStatement;
  readonly changesAfter: AnyStatement;
  readonly scanAll: AnyStatement;
  readonly scanLive: AnyStatement;
  readonly countLive: AnyStatement;
  /** Any row at all, tombstones too: whether the table is empty. */
  readonly anyRow: AnyStatement;
  readonly purgeTombstones: AnyStatement;
  readonly hasOldTombstone: AnyStatement;
  readonly oldTombstoneIds: AnyStatement;
  readonly newest: AnyStatement;
  /** `[rev, data]` of a row of the linked collection table (a replication meta table only). */
  readonly forkRow: AnyStatement | undefined;
}

/**
 * `data` is the SQL giving a row's JSON: the column itself, or for a linked replication meta table the expression that
 * materialises compact rows (replication-meta.ts).
 */
function prepareStatements(db: Connection['db'], layout: TableLayout, forkTable: string | undefined): Statements {
  const t = layout.table;
  const keyColumns = [
    ...layout.indexes.map((index) => index.column),
    ...(layout.replicationMeta ? META_REF_COLUMNS.map(([name]) => name) : []),
  ];
  const lwt = layout.lwtIndex.column;
  const idsIn = 'id IN (SELECT value FROM json_each(?))';
  const data = forkTable === undefined ? 'data' : dataSql(layout.rawTable, forkTable);
  return {
    byId: db.prepare(`SELECT ${data} FROM ${t} WHERE id = ?`).pluck(),
    byIdLive: db.prepare(`SELECT ${data} FROM ${t} WHERE id = ? AND deleted = 0`).pluck(),
    byIds: db.prepare(`SELECT id, ${data} FROM ${t} WHERE ${idsIn}`).raw(),
    byIdsLive: db.prepare(`SELECT id, ${data} FROM ${t} WHERE ${idsIn} AND deleted = 0`).raw(),
    insert: db.prepare(
      `INSERT INTO ${t} (id, deleted, rev, lwt, data, ${keyColumns.join(', ')}) ` +
        `VALUES (?, ?, ?, ?, ?, ${keyColumns.map(() => '?').join(', ')})`,
    ),
    update: db.prepare(
      `UPDATE ${t} SET deleted = ?, rev = ?, lwt = ?, data = ?, ` +
        `${keyColumns.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
    ),
    changesFromStart: db.prepare(`SELECT ${data} FROM ${t} ORDER BY ${lwt} LIMIT ?`).pluck(),
    changesAfter: db.prepare(`SELECT ${data} FROM ${t} WHERE ${lwt} > ? ORDER BY ${lwt} LIMIT ?`).pluck(),
    scanAll: db.prepare(`SELECT ${data} FROM ${t}`).pluck(),
    scanLive: db.prepare(`SELECT rowid, ${data} FROM ${t} WHERE deleted = 0 AND rowid > ? ORDER BY rowid LIMIT ?`).raw(),
    countLive: db.prepare(`SELECT count(*) FROM ${t} WHERE deleted = 0`).pluck(),
    anyRow: db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).pluck(),
    purgeTombstones: db.prepare(
      `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE deleted = 1 AND lwt <= ? ORDER BY lwt LIMIT ?)`,
    ),
    hasOldTombstone: db.prepare(`SELECT 1 FROM ${t} WHERE deleted = 1 AND lwt <= ? LIMIT 1`).pluck(),
    // The same rows, in the same order, as purgeTombstones deletes.
    oldTombstoneIds: db.prepare(`SELECT id FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE deleted = 1 AND lwt <= ? ORDER BY lwt LIMIT ?)`).pluck(),
    newest: db.prepare(`SELECT ${data} FROM ${t} ORDER BY ${lwt} DESC LIMIT 1`).pluck(),
    forkRow: forkTable === undefined ? undefined : db.prepare(`SELECT rev, data FROM ${quoteIdentifier(forkTable)} WHERE id = ?`).raw(),
  };
}

/**
 * JSON text a caller already made for a document it writes: the initial-sync bootstrap serialises each pulled
 * document once for both its stored row and its replication meta row's `docData` (main/sync/bootstrap.ts). It must be
 * exactly `JSON.stringify(doc)`; bootstrap.test.ts compares the rows both paths store.
 */
const serializedDocuments = new WeakMap<object, string>();

/** Hands `json` (exactly `JSON.stringify(doc)`) to the next write of `doc`, which stores it instead of stringifying it. */
export function withSerialized<T extends object>(doc: T, json: string): T {
  serializedDocuments.set(doc, json);
  return doc;
}

/** The JSON text of `doc`: handed over with withSerialized (used once, then forgotten) or made now. */
function takeSerialized(doc: object): string {
  const json = serializedDocuments.get(doc);
  if (json === undefined) return JSON.stringify(doc);
  // Used once: RxDB's caches keep the written object, which must not keep its text alive too.
  serializedDocuments.delete(doc);
  return json;
}

/**
 * The revision and JSON text of the document row a replication meta row refers to, handed over by a caller that wrote
 * that row earlier in the same transaction (the bootstrap writes a page's documents, then their meta rows): the meta
 * write then does not read the row it has just written back from SQLite (replication-meta.ts).
 */
const writtenForkRows = new WeakMap<object, readonly [rev: string, data: string]>();

/**
 * Hands the document row of meta row `meta` (its `itemId`), as written earlier in the caller's open transaction, to
 * the next write of `meta`. Only for a row written in the same transaction, with exactly that revision and text.
 */
export function withWrittenForkRow<T extends object>(meta: T, rev: string, data: string): T {
  writtenForkRows.set(meta, [rev, data]);
  return meta;
}

/** Documents per page of `liveDocuments`. */
const LIVE_PAGE = 1000;

export class RxStorageInstanceSqlcipher<RxDocType>
  implements
    RxStorageInstance<RxDocType, SqlcipherInternals, SqlcipherInstanceCreationOptions, RxStorageDefaultCheckpoint>,
    TableAccess
{
  readonly primaryPath: StringKeys<RxDocumentData<RxDocType>>;
  private readonly changes$ = new Subject<SqlcipherChangeBulk<RxDocType>>();
  private readonly listener: ChangeListener;
  private statements: Statements;
  /** The SQL giving a row's JSON (see prepareStatements). */
  private dataSql = 'data';
  private readonly indexByName: ReadonlyMap<string, IndexColumn>;
  private readonly rangeStatements = new Map<string, AnyStatement>();
  private closed = false;
  private removed = false;

  constructor(
    readonly storage: RxStorage<SqlcipherInternals, SqlcipherInstanceCreationOptions>,
    readonly databaseName: string,
    readonly collectionName: string,
    readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>,
    readonly internals: SqlcipherInternals,
    readonly options: Readonly<SqlcipherInstanceCreationOptions>,
    private readonly releaseConnection: () => void,
  ) {
    this.primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey);
    this.statements = this.prepare();
    this.indexByName = new Map(internals.layout.indexes.map((index) => [index.name, index]));
    this.listener = (bulk) => this.changes$.next(bulk as SqlcipherChangeBulk<RxDocType>);
    const listeners = internals.connection.listeners;
    const forTable = listeners.get(internals.layout.rawTable) ?? new Set<ChangeListener>();
    forTable.add(this.listener);
    listeners.set(internals.layout.rawTable, forTable);
    const siblings = internals.connection.instances.get(internals.layout.rawTable) ?? new Set<TableAccess>();
    siblings.add(this);
    internals.connection.instances.set(internals.layout.rawTable, siblings);
  }

  markRemoved(): void {
    this.removed = true;
  }

  relink(): void {
    this.statements = this.prepare();
    this.rangeStatements.clear();
  }

  private prepare(): Statements {
    const { connection, layout } = this.internals;
    const fork = layout.replicationMeta ? connection.metaLinks.forkOf(layout.rawTable) : undefined;
    this.dataSql = fork === undefined ? 'data' : dataSql(layout.rawTable, fork);
    return prepareStatements(connection.db, layout, fork);
  }

  /**
   * Read in pages by rowid, not with one open cursor: a projection rebuild writes between pages on this same
   * connection, which better-sqlite3 refuses while a statement is still iterating.
   */
  *liveDocuments(): Iterable<RxDocumentData<RxDocType>> {
    this.ensureOpen('liveDocuments');
    let after = 0;
    for (;;) {
      const page = this.statements.scanLive.all(after, LIVE_PAGE) as [number, string][];
      for (const [, data] of page) yield JSON.parse(data) as RxDocumentData<RxDocType>;
      if (page.length < LIVE_PAGE) return;
      after = page[page.length - 1]![0];
    }
  }

  /**
   * Up to `limit` live documents after `afterRowid`, in rowid order, and the last rowid read: a projection rebuilt in
   * slices (projections.ts) reads and applies one page in one transaction, then lets other calls run.
   */
  livePage(afterRowid: number, limit: number): { docs: RxDocumentData<RxDocType>[]; lastRowid: number } {
    this.ensureOpen('livePage');
    const page = this.statements.scanLive.all(afterRowid, limit) as [number, string][];
    return { docs: page.map(([, data]) => JSON.parse(data) as RxDocumentData<RxDocType>), lastRowid: page[page.length - 1]?.[0] ?? afterRowid };
  }

  /** How many live documents the collection holds (a rebuild's progress). */
  liveCount(): number {
    this.ensureOpen('liveCount');
    return this.statements.countLive.get() as number;
  }

  /**
   * For a first sync into this table while it is empty (main/sync/bootstrap.ts): drops the SQL indexes of its key
   * columns, except the change feed's (`_meta.lwt`, read between pages by the bootstrap and the replication), and
   * returns what builds them again. Each pulled page otherwise inserted into every one of them at random, page after
   * page (five for the residents, four for the encounters, one for a meta table): with them built once at the end,
   * sorted, a first sync at 3,000 residents took about 14 % less CPU (README, bench `sync`). The key columns are still
   * written with every row, so nothing is lost; reads stay right meanwhile (SQLite reads the table without the
   * index), only slower. Runs in the caller's transaction when one is open (a page that is not written keeps them).
   * Null when the table holds any row, a tombstone too, or has nothing to hold. A crash or a close before `build()`
   * leaves the rows whole; the next open's `ensureTable` (`CREATE INDEX IF NOT EXISTS`) builds the indexes.
   */
  holdKeyIndexesSync(): { build(): void } | null {
    this.ensureOpen('holdKeyIndexes');
    const { connection, layout } = this.internals;
    const held = layout.indexes.filter((index) => index !== layout.lwtIndex);
    if (held.length === 0 || this.statements.anyRow.get() !== undefined) return null;
    connection.transaction(() => {
      for (const index of held) connection.db.exec(`DROP INDEX IF EXISTS ${index.sqlIndex}`);
    });
    return {
      build: () => {
        // The file closed meanwhile: the next open's ensureTable builds them. A table dropped meanwhile has none.
        if (this.removed || !connection.db.open) return;
        connection.transaction(() => {
          for (const index of held) connection.db.exec(createKeyIndexSql(layout, index));
        });
      },
    };
  }

  async bulkWrite(rows: BulkWriteRow<RxDocType>[], context: string): Promise<RxStorageBulkWriteResponse<RxDocType>> {
    this.ensureOpen('bulkWrite');
    return { error: this.internals.connection.transaction(() => this.writeSync(rows, context)) };
  }

  /**
   * bulkWrite without its own transaction when one is open (the unit of work), synchronous. A row whose id already
   * appeared earlier in the same call is judged against the state that earlier row left, as if the rows came one
   * after the other: a second insert of one id is a per-row 409, never a failed bulk.
   */
  writeSync(rows: readonly BulkWriteRow<RxDocType>[], context: string): RxStorageBulkWriteResponse<RxDocType>['error'] {
    this.ensureOpen('bulkWrite');
    if (rows.length === 0) return [];
    return this.internals.connection.transaction(() => {
      const errors: RxStorageBulkWriteResponse<RxDocType>['error'] = [];
      for (const round of splitRepeatedIds(rows, (row) => this.idOf(row.document))) {
        const categorized = categorizeBulkWriteRows<RxDocType>(
          this,
          this.primaryPath as StringKeys<RxDocType>,
          this.readCurrent(round),
          round,
          context,
        );
        for (const row of categorized.bulkInsertDocs) this.statements.insert.run(...this.rowValues(row.document));
        // Meta rows that refer to these rows get their full copy first (replication-meta.ts).
        if (categorized.bulkUpdateDocs.length > 0 && this.internals.connection.metaLinks.metasOf(this.internals.layout.rawTable).size > 0) {
          this.internals.connection.metaLinks.expand(
            this.internals.layout.rawTable,
            categorized.bulkUpdateDocs.map((row) => this.idOf(row.document)),
          );
        }
        for (const row of categorized.bulkUpdateDocs) {
          const [id, ...rest] = this.rowValues(row.document);
          this.statements.update.run(...rest, id);
        }
        errors.push(...categorized.errors);
        if (categorized.eventBulk.events.length === 0) continue;
        const written = [...categorized.bulkInsertDocs, ...categorized.bulkUpdateDocs].map((row) => row.document);
        this.internals.connection.projections.applyWrites(this.collectionName, written);
        const bulk = categorized.eventBulk;
        bulk.checkpoint = this.newestCheckpoint(
          ensureNotFalsy(categorized.newestRow).document,
          categorized.bulkInsertDocs,
          categorized.bulkUpdateDocs,
        );
        this.internals.connection.afterCommit(() => this.emit(bulk));
      }
      return errors;
    });
  }

  /** One document by id inside the caller's transaction; tombstones only with `withDeleted`. */
  findByIdSync(id: string, withDeleted = false): RxDocumentData<RxDocType> | undefined {
    this.ensureOpen('findDocumentsById');
    const data: unknown = (withDeleted ? this.statements.byId : this.statements.byIdLive).get(id);
    return typeof data === 'string' ? (JSON.parse(data) as RxDocumentData<RxDocType>) : undefined;
  }

  /** A prepared query inside the caller's transaction. */
  querySync(preparedQuery: PreparedQuery<RxDocType>): RxDocumentData<RxDocType>[] {
    this.ensureOpen('query');
    return this.runQuery(preparedQuery);
  }

  async findDocumentsById(ids: string[], withDeleted: boolean): Promise<RxDocumentData<RxDocType>[]> {
    this.ensureOpen('findDocumentsById');
    if (ids.length === 0) return [];
    // The app reads one document at a time; json_each costs more than the lookup itself then.
    if (ids.length === 1) {
      const data: unknown = (withDeleted ? this.statements.byId : this.statements.byIdLive).get(ids[0]);
      return typeof data === 'string' ? [JSON.parse(data) as RxDocumentData<RxDocType>] : [];
    }
    const statement = withDeleted ? this.statements.byIds : this.statements.byIdsLive;
    const found = new Map<string, RxDocumentData<RxDocType>>();
    for (const row of statement.iterate(JSON.stringify(ids)) as IterableIterator<[string, string]>) {
      found.set(row[0], JSON.parse(row[1]) as RxDocumentData<RxDocType>);
    }
    const documents: RxDocumentData<RxDocType>[] = [];
    for (const id of ids) {
      const doc = found.get(id);
      if (doc) documents.push(doc);
    }
    return documents;
  }

  async query(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen('query');
    return { documents: this.runQuery(preparedQuery) };
  }

  async count(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen('count');
    const { query, queryPlan } = preparedQuery;
    const index = this.indexByName.get(queryPlan.index.join(','));
    if (index && queryPlan.selectorSatisfiedByIndex) {
      const statement = this.rangeStatement(index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'count');
      const total = Number(statement.get(...this.bounds(index, queryPlan.startKeys, queryPlan.endKeys)));
      const skip = query.skip ?? 0;
      const limit = typeof query.limit === 'number' ? query.limit : Infinity;
      return { count: Math.max(0, Math.min(total - skip, limit)), mode: 'fast' };
    }
    // The index does not answer the selector: every candidate row is read and matched.
    return { count: this.runQuery(preparedQuery).length, mode: 'slow' };
  }

  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint }> {
    return this.changedSinceSync(limit, checkpoint);
  }

  /** Documents by id inside the caller's transaction (tombstones only with `withDeleted`), in no particular order. */
  findManySync(ids: readonly string[], withDeleted: boolean): RxDocumentData<RxDocType>[] {
    this.ensureOpen('findDocumentsById');
    if (ids.length === 0) return [];
    const statement = withDeleted ? this.statements.byIds : this.statements.byIdsLive;
    return (statement.all(JSON.stringify(ids)) as [string, string][]).map((row) => JSON.parse(row[1]) as RxDocumentData<RxDocType>);
  }

  /** The checkpoint of the newest write in the table (what `getChangedDocumentsSince` ends at), if any. */
  newestCheckpointSync(): RxStorageDefaultCheckpoint | undefined {
    this.ensureOpen('getChangedDocumentsSince');
    const data: unknown = this.statements.newest.get();
    if (typeof data !== 'string') return undefined;
    const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
    return { id: this.idOf(doc), lwt: doc._meta.lwt };
  }

  /** `getChangedDocumentsSince` inside the caller's transaction. */
  changedSinceSync(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): { documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint } {
    this.ensureOpen('getChangedDocumentsSince');
    // SQLite's LIMIT takes an integer; -1 means none (a caller may pass Infinity).
    const sqlLimit = Number.isFinite(limit) ? limit : -1;
    const rows = checkpoint
      ? this.statements.changesAfter.all(this.checkpointKey(checkpoint), sqlLimit)
      : this.statements.changesFromStart.all(sqlLimit);
    const documents = rows.map((data) => JSON.parse(String(data)) as RxDocumentData<RxDocType>);
    const last = documents[documents.length - 1];
    return {
      documents,
      // Nothing new: hand back the caller's own checkpoint object, as RxDB's replication expects.
      checkpoint: last ? { id: this.idOf(last), lwt: last._meta.lwt } : (checkpoint ?? { id: '', lwt: 0 }),
    };
  }

  changeStream(): Observable<SqlcipherChangeBulk<RxDocType>> {
    return this.changes$.asObservable();
  }

  async cleanup(minimumDeletedTime: number): Promise<boolean> {
    this.ensureOpen('cleanup');
    const maxDeletedAt = now() - minimumDeletedTime;
    const { connection, layout } = this.internals;
    const purged = connection.transaction(() => {
      if (connection.metaLinks.metasOf(layout.rawTable).size > 0) {
        // Meta rows that refer to the tombstones about to go get their full copy first (replication-meta.ts).
        const ids = this.statements.oldTombstoneIds.all(maxDeletedAt, CLEANUP_BATCH_SIZE) as string[];
        connection.metaLinks.expand(layout.rawTable, ids);
      }
      return this.statements.purgeTombstones.run(maxDeletedAt, CLEANUP_BATCH_SIZE).changes;
    });
    return purged < CLEANUP_BATCH_SIZE || this.statements.hasOldTombstone.get(maxDeletedAt) === undefined;
  }

  async getAttachmentData(documentId: string, attachmentId: string): Promise<Blob> {
    throw new AppError(
      'NOT_SUPPORTED',
      { feature: 'attachments', collectionName: this.collectionName, documentId, attachmentId },
      'The SQLCipher RxStorage does not support attachments',
    );
  }

  async remove(): Promise<void> {
    this.ensureOpen('remove');
    const { connection, layout } = this.internals;
    const relinked = connection.transaction(() => {
      // Meta rows referring to this table's rows get their full copy first, and its links go (replication-meta.ts).
      const unlinked = connection.metaLinks.expandAllAndUnlink(layout.rawTable);
      // Dropping the table drops its indexes too; other tables in the file are untouched.
      connection.db.exec(`DROP TABLE IF EXISTS ${layout.table}`);
      return unlinked;
    });
    for (const table of relinked) {
      if (table === layout.rawTable) continue;
      for (const instance of connection.instances.get(table) ?? []) instance.relink();
    }
    for (const sibling of connection.instances.get(layout.rawTable) ?? []) {
      if (sibling !== this) sibling.markRemoved();
    }
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listeners = this.internals.connection.listeners;
    const forTable = listeners.get(this.internals.layout.rawTable);
    forTable?.delete(this.listener);
    if (forTable?.size === 0) listeners.delete(this.internals.layout.rawTable);
    const siblings = this.internals.connection.instances.get(this.internals.layout.rawTable);
    siblings?.delete(this);
    if (siblings?.size === 0) this.internals.connection.instances.delete(this.internals.layout.rawTable);
    this.changes$.complete();
    this.releaseConnection();
  }

  private ensureOpen(operation: string): void {
    if (this.closed) {
      throw new Error(`${operation}(): storage instance ${this.databaseName}/${this.collectionName} is closed`);
    }
    if (this.removed) {
      throw new Error(`${operation}(): collection ${this.databaseName}/${this.collectionName} was removed by another instance`);
    }
  }

  private emit(bulk: SqlcipherChangeBulk<RxDocType>): void {
    const listeners = this.internals.connection.listeners.get(this.internals.layout.rawTable);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(bulk);
  }

  private idOf(doc: RxDocumentData<RxDocType>): string {
    return String((doc as Record<string, unknown>)[this.primaryPath]);
  }

  /**
   * The greatest (lwt, id) written, so a replication resuming from the event's checkpoint skips nothing even when a
   * bulk's rows are not in lwt order (RxDB takes the last row, which is the same thing for its own writes).
   */
  private newestCheckpoint(
    last: RxDocumentData<RxDocType>,
    ...written: readonly (readonly { document: RxDocumentData<RxDocType> }[])[]
  ): RxStorageDefaultCheckpoint {
    let best = { id: this.idOf(last), lwt: last._meta.lwt };
    for (const rows of written) {
      for (const { document } of rows) {
        const lwt = document._meta.lwt;
        if (lwt < best.lwt) continue;
        const id = this.idOf(document);
        if (lwt > best.lwt || id > best.id) best = { id, lwt };
      }
    }
    return best;
  }

  private readCurrent(rows: readonly BulkWriteRow<RxDocType>[]): Map<string, RxDocumentData<RxDocType>> {
    const current = new Map<string, RxDocumentData<RxDocType>>();
    if (rows.length === 0) return current;
    const only = rows.length === 1 ? rows[0] : undefined;
    if (only) {
      const id = this.idOf(only.document);
      const data: unknown = this.statements.byId.get(id);
      if (typeof data === 'string') current.set(id, JSON.parse(data) as RxDocumentData<RxDocType>);
      return current;
    }
    const ids = rows.map((row) => this.idOf(row.document));
    for (const row of this.statements.byIds.iterate(JSON.stringify(ids)) as IterableIterator<[string, string]>) {
      current.set(row[0], JSON.parse(row[1]) as RxDocumentData<RxDocType>);
    }
    return current;
  }

  /** `[id, deleted, rev, lwt, json, ...index keys, ...meta references]`, the insert statement's parameter order. */
  private rowValues(doc: RxDocumentData<RxDocType>): unknown[] {
    if (this.internals.layout.replicationMeta) return this.metaValues(doc);
    const values: unknown[] = [this.idOf(doc), doc._deleted ? 1 : 0, doc._rev, doc._meta.lwt, takeSerialized(doc)];
    for (const index of this.internals.layout.indexes) values.push(index.toKey(doc));
    return values;
  }

  /** A replication meta row: compact when its `docData` is the linked collection's row as stored (replication-meta.ts). */
  private metaValues(doc: RxDocumentData<RxDocType>): unknown[] {
    const record = doc as Record<string, unknown>;
    const docData = record['docData'];
    const isDocRow = record['isCheckpoint'] === '0' && typeof docData === 'object' && docData !== null;
    const docJson = isDocRow ? takeSerialized(docData) : undefined;
    const written = writtenForkRows.get(doc);
    if (written) writtenForkRows.delete(doc);
    // Only a linked table (forkRow prepared) may store a reference: its reads materialise the row.
    const forkStatement = isDocRow ? this.statements.forkRow : undefined;
    const forkRow = forkStatement ? (written ?? (forkStatement.get(String(record['itemId'])) as [string, string] | undefined)) : undefined;
    const [data, at, len, rev] = metaRowValues(record, docJson, forkRow);
    const values: unknown[] = [this.idOf(doc), doc._deleted ? 1 : 0, doc._rev, doc._meta.lwt, data];
    for (const index of this.internals.layout.indexes) values.push(index.toKey(doc));
    values.push(at, len, rev);
    return values;
  }

  private checkpointKey(checkpoint: RxStorageDefaultCheckpoint): Buffer {
    const index = this.internals.layout.lwtIndex;
    return this.bounds(index, [checkpoint.lwt, checkpoint.id], [checkpoint.lwt, checkpoint.id])[0];
  }

  private bounds(index: IndexColumn, startKeys: RxQueryPlanKey[], endKeys: RxQueryPlanKey[]): RangeBounds {
    const schema = this.schema as RxJsonSchema<RxDocumentData<RxDocType>>;
    const fields = [...index.fields];
    return [
      toPaddedIndexKey(getStartIndexStringFromLowerBound(schema, fields, startKeys)),
      toPaddedIndexKey(getStartIndexStringFromUpperBound(schema, fields, endKeys)),
    ];
  }

  /** One cached statement per index, bound kinds and shape; the ORDER BY makes SQLite walk the index. */
  private rangeStatement(
    index: IndexColumn,
    inclusiveStart: boolean,
    inclusiveEnd: boolean,
    shape: 'rows' | 'page' | 'count',
  ): AnyStatement {
    const cacheKey = `${index.name}|${inclusiveStart}|${inclusiveEnd}|${shape}`;
    let statement = this.rangeStatements.get(cacheKey);
    if (!statement) {
      const where = `${index.column} ${inclusiveStart ? '>=' : '>'} ? AND ${index.column} ${inclusiveEnd ? '<=' : '<'} ?`;
      const t = this.internals.layout.table;
      const sql =
        shape === 'count'
          ? `SELECT count(*) FROM ${t} WHERE ${where}`
          : `SELECT ${this.dataSql} FROM ${t} WHERE ${where} ORDER BY ${index.column}` + (shape === 'page' ? ' LIMIT ? OFFSET ?' : '');
      statement = this.internals.connection.db.prepare(sql).pluck();
      this.rangeStatements.set(cacheKey, statement);
    }
    return statement;
  }

  /** The SQL text of the range scan a prepared query runs, for EXPLAIN QUERY PLAN in tests. */
  explainQuery(preparedQuery: PreparedQuery<RxDocType>): { sql: string; params: unknown[] } | undefined {
    const plan = preparedQuery.queryPlan;
    const index = this.indexByName.get(plan.index.join(','));
    if (!index) return undefined;
    const statement = this.rangeStatement(index, plan.inclusiveStart, plan.inclusiveEnd, 'rows');
    return { sql: statement.source, params: [...this.bounds(index, plan.startKeys, plan.endKeys)] };
  }

  private runQuery(preparedQuery: PreparedQuery<RxDocType>): RxDocumentData<RxDocType>[] {
    const { query, queryPlan } = preparedQuery;
    const skip = query.skip ?? 0;
    // RxDB's memory storage honours an explicit `limit: 0` (zero documents); match it.
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    const index = this.indexByName.get(queryPlan.index.join(','));
    const matcher = index && queryPlan.selectorSatisfiedByIndex ? undefined : getQueryMatcher(this.schema, query);
    const mustSort = !index || !queryPlan.sortSatisfiedByIndex;

    if (index && !matcher && !mustSort) {
      const page = this.rangeStatement(index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'page');
      const [lower, upper] = this.bounds(index, queryPlan.startKeys, queryPlan.endKeys);
      return page
        .all(lower, upper, limit === Infinity ? -1 : limit, skip)
        .map((data) => JSON.parse(String(data)) as RxDocumentData<RxDocType>);
    }

    const rows: RxDocumentData<RxDocType>[] = [];
    // Without a re-sort, index order is the result order, so the scan can stop once skip + limit rows matched.
    const enough = mustSort ? Infinity : skip + limit;
    const scan = index
      ? this.rangeStatement(index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'rows').iterate(
          ...this.bounds(index, queryPlan.startKeys, queryPlan.endKeys),
        )
      : this.statements.scanAll.iterate();
    for (const data of scan) {
      if (rows.length >= enough) break;
      const doc = JSON.parse(String(data)) as RxDocumentData<RxDocType>;
      if (!matcher || matcher(doc)) rows.push(doc);
    }
    if (mustSort) rows.sort(getSortComparator(this.schema, query));
    return rows.slice(skip, skip + limit);
  }
}

/** Rows in rounds: the first occurrence of every id, then the second, and so on (input order kept in each). */
function splitRepeatedIds<Row>(rows: readonly Row[], idOf: (row: Row) => string): Row[][] {
  const seen = new Map<string, number>();
  const rounds: Row[][] = [];
  for (const row of rows) {
    const id = idOf(row);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    (rounds[n] ??= []).push(row);
  }
  return rounds;
}
