/**
 * Projections: derived tables (the residents' search keys, the work list's per-patient rows) that the storage keeps
 * in the SAME transaction as the documents they are derived from. This is the one documented way for code outside
 * the storage to keep data beside the documents; nothing else may read or name the storage's own tables.
 *
 * A projection owns its tables (their names start with `p_<name>`), declares which collections it follows and a
 * version. When its version differs from the one recorded in the file (a new definition, or a file that never had
 * it), its tables are dropped and rebuilt from the live documents in one transaction before it is used. After that,
 * every write to a followed collection, whoever makes it (a service's unit of work, RxDB's own writes, replication),
 * calls `apply` inside the write's transaction: the derived rows commit with the documents or not at all.
 */
import type { RxDocumentData } from 'rxdb/plugins/core';
import type { Database } from '../sqlite-file';

export type AnyDocument = RxDocumentData<Record<string, unknown>>;

export interface Projection {
  /** Unique within the file; its tables are named `p_<name>…`. */
  readonly name: string;
  /** Raise it whenever `create` or `apply` change meaning: the tables are then rebuilt from the documents. */
  readonly version: number;
  /** Collection names (of the one RxDB database in the file) whose writes it follows. */
  readonly collections: readonly string[];
  /**
   * True for a cache that starts empty and is filled by its owner (writes only invalidate it): a rebuild then
   * recreates its tables without reading every document.
   */
  readonly startsEmpty?: boolean;
  /** Creates its tables and indexes. */
  create(db: Database): void;
  /** Drops its tables (before a rebuild). */
  drop(db: Database): void;
  /** Applies written documents (new states, tombstones with `_deleted: true` included) of one collection. */
  apply(db: Database, collection: string, docs: readonly AnyDocument[]): void;
}

/** Reads every live document of a collection, for rebuilds; supplied by the storage, which knows its tables. */
export type DocumentReader = (collection: string) => Iterable<AnyDocument>;

const VERSIONS_TABLE = 'p__versions';

export class ProjectionRegistry {
  private readonly byCollection = new Map<string, Projection[]>();
  private readonly registered = new Map<string, Projection>();

  constructor(private readonly db: Database) {}

  /**
   * Starts maintaining `projection`; rebuilds it first when the file has another version of it (or none). Call it
   * when the followed collections' storage instances exist and before any write that must reach it.
   */
  register(projection: Projection, read: DocumentReader): void {
    if (this.registered.has(projection.name)) throw new Error(`projection ${projection.name} is already registered`);
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (name TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
      const stored = this.db.prepare(`SELECT version FROM ${VERSIONS_TABLE} WHERE name = ?`).pluck().get(projection.name);
      if (stored === projection.version) {
        projection.create(this.db);
        return;
      }
      projection.drop(this.db);
      projection.create(this.db);
      for (const collection of projection.startsEmpty ? [] : projection.collections) {
        let batch: AnyDocument[] = [];
        for (const doc of read(collection)) {
          batch.push(doc);
          if (batch.length === 1000) {
            projection.apply(this.db, collection, batch);
            batch = [];
          }
        }
        if (batch.length > 0) projection.apply(this.db, collection, batch);
      }
      this.db
        .prepare(`INSERT INTO ${VERSIONS_TABLE} (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version`)
        .run(projection.name, projection.version);
    }).immediate();
    this.registered.set(projection.name, projection);
    for (const collection of projection.collections) {
      const list = this.byCollection.get(collection) ?? [];
      list.push(projection);
      this.byCollection.set(collection, list);
    }
  }

  get(name: string): Projection | undefined {
    return this.registered.get(name);
  }

  /** Called by the storage inside a write's transaction. */
  applyWrites(collection: string, docs: readonly AnyDocument[]): void {
    if (docs.length === 0) return;
    const projections = this.byCollection.get(collection);
    if (!projections) return;
    for (const projection of projections) projection.apply(this.db, collection, docs);
  }
}
