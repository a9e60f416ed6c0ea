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
 *
 * The session defers such rebuilds (`deferRebuild`): the first sign-in after an upgrade must answer at once, not
 * after 18 s of rebuilding a 30,000-resident clinic. A deferred projection is emptied and follows every write at
 * once, and `rebuildPending()` then applies the live documents page by page in rowid order, one short transaction
 * per page, letting other calls run between pages. A document written meanwhile is applied by its write; when the
 * rebuild's page reaches it, it applies the stored state again, which is the same (every `apply` replaces a
 * document's rows). A page is read and applied in one synchronous transaction, so no write slips in between. Until
 * its version is recorded at the end, the projection is not ready (`isReady`, `whenReady`): its readers wait or say
 * the data is being updated. A rebuild interrupted by a lock or a crash starts over at the next open.
 */
import type { RxDocumentData } from 'rxdb/plugins/core';
import { withoutSync, type Database } from '../sqlite-file';

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
  /**
   * Projections whose rows this one's `apply` reads (a moved document's previous owner): when one of them is rebuilt,
   * this one (a cache that starts empty) is emptied too, since what it derived from their old rows may be wrong.
   */
  readonly dependsOn?: readonly string[];
  /** Creates its tables and indexes. */
  create(db: Database): void;
  /** Drops its tables (before a rebuild). */
  drop(db: Database): void;
  /** Applies written documents (new states, tombstones with `_deleted: true` included) of one collection. */
  apply(db: Database, collection: string, docs: readonly AnyDocument[]): void;
}

/** The live documents of a collection, for rebuilds; supplied by the storage, which knows its tables. */
export interface DocumentSource {
  all(collection: string): Iterable<AnyDocument>;
  /** Up to `limit` documents after `afterRowid` in rowid order, and the last rowid read. */
  page(collection: string, afterRowid: number, limit: number): { docs: AnyDocument[]; lastRowid: number };
  count(collection: string): number;
}

/** A deferred rebuild under way: documents applied of those to apply, since `startedAt` (epoch ms). */
export interface RebuildProgress {
  projections: string[];
  done: number;
  total: number;
  startedAt: number;
}

const VERSIONS_TABLE = 'p__versions';
/**
 * Documents in a rebuild's first page; later pages are sized to take about SLICE_MS each (AWAITED_SLICE_MS while a
 * reader waits for the projection), so a call that arrives meanwhile waits at most about that long.
 */
const FIRST_PAGE = 500;
const MAX_PAGE = 20_000;
const SLICE_MS = 50;
const AWAITED_SLICE_MS = 250;

interface Pending {
  projection: Projection;
  source: DocumentSource;
}

export interface RebuildOptions {
  /** The clock of the progress's `startedAt` (tests). */
  now?: () => number;
  /**
   * Asked before every page after the first; while it says true the rebuild waits (50 ms at a time, ended by `stop`).
   * The e2e test of the progress screen holds the rebuild with it.
   */
  holdWhile?: () => boolean;
}

export class ProjectionRegistry {
  private readonly byCollection = new Map<string, Projection[]>();
  private readonly registered = new Map<string, Projection>();
  private readonly pending: Pending[] = [];
  private readonly waiters = new Map<string, { resolve: () => void; reject: (failure?: Error) => void }[]>();
  private progressNow: RebuildProgress | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly db: Database) {}

  /**
   * Starts maintaining `projection`; rebuilds it first when the file has another version of it (or none): at once, or
   * with `deferRebuild` (and unless it starts empty) in `rebuildPending()`. Call it when the followed collections'
   * storage instances exist and before any write that must reach it.
   */
  register(projection: Projection, source: DocumentSource, opts: { deferRebuild?: boolean } = {}): void {
    if (this.registered.has(projection.name)) throw new Error(`projection ${projection.name} is already registered`);
    let isDeferred = false;
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (name TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
      const stored = this.db.prepare(`SELECT version FROM ${VERSIONS_TABLE} WHERE name = ?`).pluck().get(projection.name);
      const dependsOnPending = (projection.dependsOn ?? []).some((name) => this.pending.some((p) => p.projection.name === name));
      if (stored === projection.version && !dependsOnPending) {
        projection.create(this.db);
        return;
      }
      projection.drop(this.db);
      projection.create(this.db);
      this.emptyDependents(projection.name);
      if (opts.deferRebuild && !projection.startsEmpty) {
        isDeferred = true;
        return;
      }
      for (const collection of projection.startsEmpty ? [] : projection.collections) {
        let batch: AnyDocument[] = [];
        for (const doc of source.all(collection)) {
          batch.push(doc);
          if (batch.length === 1000) {
            projection.apply(this.db, collection, batch);
            batch = [];
          }
        }
        if (batch.length > 0) projection.apply(this.db, collection, batch);
      }
      this.recordVersion(projection);
    }).immediate();
    this.registered.set(projection.name, projection);
    if (isDeferred) this.pending.push({ projection, source });
    for (const collection of projection.collections) {
      const list = this.byCollection.get(collection) ?? [];
      list.push(projection);
      this.byCollection.set(collection, list);
    }
  }

  get(name: string): Projection | undefined {
    return this.registered.get(name);
  }

  /** False while a deferred rebuild of `name` has not finished: its rows are incomplete. */
  isReady(name: string): boolean {
    return !this.pending.some((p) => p.projection.name === name);
  }

  /** Resolves when `name` is ready; rejects with `stopped` if the rebuild is stopped first (the database closes). */
  whenReady(name: string, stopped: () => Error): Promise<void> {
    if (this.isReady(name)) return Promise.resolve();
    if (this.stopped) return Promise.reject(stopped());
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(name) ?? [];
      list.push({ resolve, reject: (failure) => reject(failure ?? stopped()) });
      this.waiters.set(name, list);
    });
  }

  /** Names of the projections still to be rebuilt. */
  pendingNames(): string[] {
    return this.pending.map((p) => p.projection.name);
  }

  /** The rebuild under way, or null when none is (nothing pending, or not started yet). */
  progress(): RebuildProgress | null {
    return this.progressNow ? { ...this.progressNow, projections: [...this.progressNow.projections] } : null;
  }

  /**
   * Applies the live documents to every deferred projection, a page per transaction, yielding between pages; records
   * each one's version when it is complete. Calling it again while it runs returns the same promise.
   */
  rebuildPending(opts: RebuildOptions = {}): Promise<void> {
    this.running ??= this.runRebuilds(opts.now ?? Date.now, opts.holdWhile)
      .catch((e: unknown) => {
        // Whoever waits learns it now (INTERNAL at the API door) rather than waiting forever; the next open retries.
        const failure = e instanceof Error ? e : new Error(String(e));
        this.rejectWaiters(failure);
        throw failure;
      })
      .finally(() => {
        this.running = null;
        this.progressNow = null;
      });
    return this.running;
  }

  /** Stops a deferred rebuild after its current page (the database is closing); waiters are rejected. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    this.rejectWaiters();
  }

  private rejectWaiters(failure?: Error): void {
    for (const list of this.waiters.values()) for (const w of list) w.reject(failure);
    this.waiters.clear();
  }

  /** Called by the storage inside a write's transaction. */
  applyWrites(collection: string, docs: readonly AnyDocument[]): void {
    if (docs.length === 0) return;
    const projections = this.byCollection.get(collection);
    if (!projections) return;
    for (const projection of projections) projection.apply(this.db, collection, docs);
  }

  private async runRebuilds(now: () => number, holdWhile?: () => boolean): Promise<void> {
    if (this.pending.length === 0) return;
    const total = this.pending.reduce((sum, p) => sum + p.projection.collections.reduce((n, c) => n + p.source.count(c), 0), 0);
    this.progressNow = { projections: this.pendingNames(), done: 0, total, startedAt: now() };
    let size = FIRST_PAGE;
    let pages = 0;
    while (this.pending.length > 0) {
      const { projection, source } = this.pending[0] as Pending;
      for (const collection of projection.collections) {
        let after = 0;
        for (;;) {
          if (pages++ > 0) while (holdWhile?.() && !this.stopped) await new Promise<void>((resolve) => setTimeout(resolve, 50));
          if (this.stopped) return;
          const started = performance.now();
          const read = withoutSync(this.db, () =>
            this.db.transaction(() => {
              const page = source.page(collection, after, size);
              if (page.docs.length > 0) projection.apply(this.db, collection, page.docs);
              return page;
            }).immediate(),
          );
          after = read.lastRowid;
          if (this.progressNow) this.progressNow.done += read.docs.length;
          const took = Math.max(performance.now() - started, 0.5);
          if (read.docs.length < size) break;
          const target = (this.waiters.get(projection.name)?.length ?? 0) > 0 ? AWAITED_SLICE_MS : SLICE_MS;
          size = Math.max(FIRST_PAGE / 4, Math.min(MAX_PAGE, Math.round((size * target) / took)));
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      if (this.stopped) return;
      this.db.transaction(() => this.recordVersion(projection)).immediate();
      this.pending.shift();
      for (const w of this.waiters.get(projection.name) ?? []) w.resolve();
      this.waiters.delete(projection.name);
      if (this.progressNow) this.progressNow.projections = this.pendingNames();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Empties the registered caches that read `name`'s rows (their owners fill them again). */
  private emptyDependents(name: string): void {
    for (const other of this.registered.values()) {
      if (!other.startsEmpty || !other.dependsOn?.includes(name)) continue;
      other.drop(this.db);
      other.create(this.db);
    }
  }

  private recordVersion(projection: Projection): void {
    this.db
      .prepare(`INSERT INTO ${VERSIONS_TABLE} (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version`)
      .run(projection.name, projection.version);
  }
}
