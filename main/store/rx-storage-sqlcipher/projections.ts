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
 * per page, letting other calls run between pages. A page is read and applied in one synchronous transaction, so no
 * write slips in between. Until its version is recorded at the end, the projection is not ready (`isReady`,
 * `whenReady`): its readers wait or say the data is being updated.
 *
 * Resumable: each page's transaction also records the rebuild's position (`p__rebuilds`, one row per collection of
 * the projection: version, last rowid applied, documents done, complete). A lock, a crash or a `kill -9` loses at
 * most the page under way; the next open finds "version V in progress at …", keeps the tables and continues from
 * there. A version changed again starts over. When a rebuild starts, the projection's `p__versions` row is removed
 * in the same transaction as the drop, so an older build finds no version and rebuilds rather than trusting
 * half-built tables. Writes are applied whatever the position (the projection is registered and maintained while
 * pending): a document written beyond the position is applied by its write and again when a page reaches it, and
 * one behind it only by its write. So every `apply` must be idempotent: it replaces a document's own rows (a
 * tombstone removes them), whatever else is there; applying documents of one collection before another's is what
 * writes do anyway. test/integration/store/projection-resume-clinic.test.ts checks this for the clinic's projections.
 *
 * A rebuild may leave out indexes that only readers need (`createForRebuild`) and build them once at its end, one
 * transaction each, before the one that records the version (`finishRebuild`): the search keys' lookup indexes,
 * inserted into at random, made each page of a 30,000-resident rebuild dearer as they grew (1.4 → 7.9 ms per
 * resident, bench/search-rebuild.ts).
 *
 * The estimate (main/services/data-update.ts) needs each collection's cost, which differs several times between
 * residents and encounters: every step's (a collection of a projection) first page runs before any step goes on,
 * and each step reports its rate over its first page and over its latest pages (`RebuildStep`), with the time spent
 * in pages overall and lately (`busyMs`, `recentBusyMs`).
 */
import type { RxDocumentData } from 'rxdb/plugins/core';
import { withoutSync, withoutZeroing, type Database } from '../sqlite-file';

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
  /**
   * Optional, for tables whose rebuild is cheaper without some of their indexes (rows appended in key order, the
   * lookup indexes sorted once at the end instead of inserted into at random, page after page). Called instead of
   * `create` whenever a rebuild starts, continues after an interruption, or runs at once: it creates what `apply`
   * needs and may leave out what only readers need (they wait until the projection is ready). `finishRebuild` then
   * builds the rest once every document is applied, each step in its own transaction (a deferred rebuild yields
   * between them, so other calls wait for one step at most), the version recorded after the last: a rebuild
   * interrupted at any point continues with the same tables and redoes the steps. All must be idempotent.
   */
  createForRebuild?(db: Database): void;
  /** With `createForRebuild`: the steps that complete the tables (one lookup index each) once every document is applied. */
  readonly finishRebuild?: readonly ((db: Database) => void)[];
  /**
   * The time `finishRebuild` takes per document applied, as a share of the time the pages took per document, for a
   * rebuild of `documents` documents (sorting grows a little faster than the documents): the estimate counts it as
   * work left until the steps are done. bench/search-rebuild.ts measures it.
   */
  readonly finishCost?: (documents: number) => number;
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

/**
 * One collection of one projection in a deferred rebuild. The estimate (main/services/data-update.ts) weighs the
 * documents left by what each step has been measured to cost: a resident costs several times an encounter.
 */
export interface RebuildStep {
  projection: string;
  collection: string;
  /** The documents to apply: the live count when the run started (or those already applied, if more). */
  total: number;
  /** Applied so far, in this run and in interrupted earlier ones (a resumed rebuild starts above 0). */
  done: number;
  /** Milliseconds per document of this step's first page in this run, null before it ran. */
  firstMsPerDoc: number | null;
  /** Milliseconds per document over its latest pages (about RATE_WINDOW_MS of work); null until a second page. */
  recentMsPerDoc: number | null;
  /**
   * The projection's `finishRebuild` steps, in documents' worth of this step's cost (`finishCost` × `total`), and how
   * much of that is done; absent for a projection without them.
   */
  finishDocs?: number;
  finishDone?: number;
}

/** A deferred rebuild under way: documents applied of those to apply (all steps), since `startedAt` (epoch ms). */
export interface RebuildProgress {
  projections: string[];
  done: number;
  total: number;
  startedAt: number;
  /** Milliseconds spent applying pages in this run; the rest of the time since `startedAt` went to other work. */
  busyMs: number;
  /**
   * The same over the latest SHARE_WINDOW_MS only: pages applied since `recentSince` (epoch ms) took `recentBusyMs`.
   * The share of time the rebuild gets changes (the work list's first pass ends), so the estimate reads this one.
   */
  recentSince: number;
  recentBusyMs: number;
  steps: RebuildStep[];
}

const VERSIONS_TABLE = 'p__versions';
/**
 * A deferred rebuild's position, one row per collection of each projection being rebuilt: "version V in progress,
 * `done` documents applied, every live one up to rowid `after_rowid`" (`complete` once the collection is done).
 * Written in the same transaction as each page, so an interrupted rebuild continues where its last page committed.
 */
const REBUILDS_TABLE = 'p__rebuilds';
/**
 * Documents in a step's first page; later pages are sized to take about SLICE_MS each (AWAITED_SLICE_MS while a
 * reader waits for the projection), so a call that arrives meanwhile waits at most about that long.
 */
const FIRST_PAGE = 500;
const MIN_PAGE = 125;
const MAX_PAGE = 20_000;
const SLICE_MS = 50;
const AWAITED_SLICE_MS = 250;
/** A step's recent rate covers its latest pages worth this much work (the first pages are slower than later ones). */
const RATE_WINDOW_MS = 2_000;
/** The window of the rebuild's recent share of time (RebuildProgress.recentBusyMs). */
const SHARE_WINDOW_MS = 15_000;
/** Documents per transaction of a rebuild done at registration (not deferred). */
const SYNC_PAGE = 1000;

/** Where a collection of a pending projection stands. */
interface Cursor {
  collection: string;
  afterRowid: number;
  done: number;
  complete: boolean;
}

interface Pending {
  projection: Projection;
  source: DocumentSource;
  cursors: Cursor[];
}

interface StepRun {
  pending: Pending;
  cursor: Cursor;
  step: RebuildStep;
  size: number;
  /** The latest pages' [documents, ms], newest last, about RATE_WINDOW_MS of work in all. */
  window: [number, number][];
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
  private readonly sources = new Map<string, DocumentSource>();
  private readonly pending: Pending[] = [];
  private readonly waiters = new Map<string, { resolve: () => void; reject: (failure?: Error) => void }[]>();
  private progressNow: RebuildProgress | null = null;
  /** The current run's pages as [ended at (epoch ms), took ms], the latest SHARE_WINDOW_MS of them. */
  private recentPages: [number, number][] = [];
  private clock: () => number = Date.now;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly db: Database) {}

  /**
   * Starts maintaining `projection`; rebuilds it first when the file has another version of it (or none): at once, or
   * with `deferRebuild` (and unless it starts empty) in `rebuildPending()`. A rebuild of this same version that an
   * earlier open left unfinished continues from its recorded position instead of starting over. Call it when the
   * followed collections' storage instances exist and before any write that must reach it.
   */
  register(projection: Projection, source: DocumentSource, opts: { deferRebuild?: boolean } = {}): void {
    if (this.registered.has(projection.name)) throw new Error(`projection ${projection.name} is already registered`);
    let deferred: Pending | null = null;
    this.db.transaction(() => {
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (name TEXT PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS ${REBUILDS_TABLE} (
          name TEXT NOT NULL, collection TEXT NOT NULL, version INTEGER NOT NULL, after_rowid INTEGER NOT NULL,
          done INTEGER NOT NULL, complete INTEGER NOT NULL, PRIMARY KEY (name, collection)
        );
      `);
      const stored = this.db.prepare(`SELECT version FROM ${VERSIONS_TABLE} WHERE name = ?`).pluck().get(projection.name);
      const dependsOnPending = (projection.dependsOn ?? []).some((name) => this.pending.some((p) => p.projection.name === name));
      if (stored === projection.version && !dependsOnPending) {
        projection.create(this.db);
        return;
      }
      const cursors = projection.startsEmpty ? null : this.resumableCursors(projection);
      const createForRebuild = (db: Database) => (projection.createForRebuild ?? projection.create).call(projection, db);
      if (cursors) {
        // Its tables hold every document up to the cursors, and every write since (the projection was maintained).
        createForRebuild(this.db);
      } else {
        // Derived rows the rebuild writes again at once: their pages are freed without being zeroed first (a large
        // table's drop would otherwise hold the upgrade's sign-in for seconds to tens of seconds).
        withoutZeroing(this.db, () => projection.drop(this.db));
        createForRebuild(this.db);
        // An older build must not take the half-built tables for its own version: it finds none and rebuilds.
        this.db.prepare(`DELETE FROM ${VERSIONS_TABLE} WHERE name = ?`).run(projection.name);
      }
      this.emptyDependents(projection.name);
      const pending: Pending = {
        projection,
        source,
        cursors: cursors ?? (projection.startsEmpty ? [] : projection.collections).map((collection) => ({ collection, afterRowid: 0, done: 0, complete: false })),
      };
      if (opts.deferRebuild && !projection.startsEmpty) {
        if (!cursors) for (const cursor of pending.cursors) this.recordCursor(projection, cursor);
        deferred = pending;
        return;
      }
      for (const cursor of pending.cursors) {
        while (!cursor.complete) this.applyPage(pending, cursor, SYNC_PAGE);
      }
      for (const step of projection.finishRebuild ?? []) step(this.db);
      this.finish(projection);
    }).immediate();
    this.registered.set(projection.name, projection);
    this.sources.set(projection.name, source);
    if (deferred) this.pending.push(deferred);
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
    const p = this.progressNow;
    if (!p) return null;
    const since = Math.max(p.startedAt, this.clock() - SHARE_WINDOW_MS);
    this.recentPages = this.recentPages.filter(([end]) => end >= since);
    const recentBusyMs = this.recentPages.reduce((sum, [, ms]) => sum + ms, 0);
    return { ...p, recentSince: since, recentBusyMs, projections: [...p.projections], steps: p.steps.map((s) => ({ ...s })) };
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

  /**
   * Stops a deferred rebuild after its current page (the database is closing); waiters are rejected. The position of
   * the last committed page is kept in the file: the next open continues from it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    this.rejectWaiters();
  }

  private rejectWaiters(failure?: Error): void {
    for (const list of this.waiters.values()) for (const w of list) w.reject(failure);
    this.waiters.clear();
  }

  /**
   * For a bulk load into empty collections (a first sync): each ready projection that can leave indexes out while
   * its tables fill (`createForRebuild` and `finishRebuild`, as a rebuild does) and whose followed collections are all
   * empty is recreated without them now (its tables are empty: nothing is lost), and `finish()` builds them, one
   * transaction each, sorted once instead of inserted into at random page after page. Every write meanwhile is applied
   * as always, in its own transaction; reads stay right (SQLite reads the table without the index), only slower. The
   * version stays recorded: a crash or a close before `finish()` leaves the tables whole but without those indexes,
   * and the next open's `create` (idempotent, `IF NOT EXISTS`) builds them. Returns the projections held.
   */
  holdIndexes(): { held: string[]; finish(): void } {
    const held = [...this.registered.values()].filter(
      (p) => p.createForRebuild && (p.finishRebuild?.length ?? 0) > 0 && this.isReady(p.name) && p.collections.every((c) => this.sources.get(p.name)!.count(c) === 0),
    );
    if (held.length > 0) {
      this.db.transaction(() => {
        for (const p of held) {
          p.drop(this.db);
          p.createForRebuild!(this.db);
        }
      }).immediate();
    }
    let finished = false;
    return {
      held: held.map((p) => p.name),
      finish: () => {
        if (finished || !this.db.open) return;
        finished = true;
        for (const p of held) for (const step of p.finishRebuild!) this.db.transaction(() => step(this.db)).immediate();
      },
    };
  }

  /** Called by the storage inside a write's transaction. */
  applyWrites(collection: string, docs: readonly AnyDocument[]): void {
    if (docs.length === 0) return;
    const projections = this.byCollection.get(collection);
    if (!projections) return;
    for (const projection of projections) projection.apply(this.db, collection, docs);
  }

  /**
   * The steps in order: the first page of every step comes first (so each step's cost is measured early, for the
   * estimate), then each step to its end in turn. Applying a collection's documents before another's is what writes
   * do anyway: every `apply` replaces a document's own rows, whatever else is there.
   */
  private async runRebuilds(now: () => number, holdWhile?: () => boolean): Promise<void> {
    if (this.pending.length === 0) return;
    const runs: StepRun[] = this.pending.flatMap((pending) =>
      pending.cursors.map((cursor) => ({
        pending,
        cursor,
        size: FIRST_PAGE,
        window: [],
        step: {
          projection: pending.projection.name,
          collection: cursor.collection,
          total: cursor.complete ? cursor.done : Math.max(cursor.done, pending.source.count(cursor.collection)),
          done: cursor.done,
          firstMsPerDoc: null,
          recentMsPerDoc: null,
          ...(pending.projection.finishRebuild?.length ? { finishDocs: 0, finishDone: 0 } : {}),
        },
      })),
    );
    this.clock = now;
    this.recentPages = [];
    const progress: RebuildProgress = {
      projections: this.pendingNames(),
      done: 0,
      total: 0,
      startedAt: now(),
      busyMs: 0,
      recentSince: now(),
      recentBusyMs: 0,
      steps: runs.map((r) => r.step),
    };
    const sum = () => {
      for (const run of runs) {
        if (run.step.finishDocs === undefined) continue;
        run.step.finishDocs = Math.round((run.pending.projection.finishCost?.(run.step.total) ?? 0) * run.step.total);
      }
      progress.done = progress.steps.reduce((n, s) => n + s.done, 0);
      progress.total = progress.steps.reduce((n, s) => n + s.total, 0);
    };
    sum();
    this.progressNow = progress;
    let pages = 0;
    const order = [...runs.filter((r) => !r.cursor.complete).map((r) => ({ run: r, once: true })), ...runs.map((r) => ({ run: r, once: false }))];
    for (const { run, once } of order) {
      while (!run.cursor.complete) {
        if (pages++ > 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          while (holdWhile?.() && !this.stopped) await new Promise<void>((resolve) => setTimeout(resolve, 50));
        }
        if (this.stopped) return;
        const started = performance.now();
        const applied = withoutSync(this.db, () => this.db.transaction(() => this.applyPage(run.pending, run.cursor, run.size)).immediate());
        const took = Math.max(performance.now() - started, 0.01);
        progress.busyMs += took;
        this.recentPages.push([now(), took]);
        if (this.recentPages.length > 1_000) this.recentPages = this.recentPages.filter(([end]) => end >= now() - SHARE_WINDOW_MS);
        this.measure(run, applied, took);
        run.step.done = run.cursor.done;
        // Written meanwhile beyond the count taken at the start; a step done is done.
        run.step.total = run.cursor.complete ? run.step.done : Math.max(run.step.total, run.step.done);
        sum();
        const target = (this.waiters.get(run.pending.projection.name)?.length ?? 0) > 0 ? AWAITED_SLICE_MS : SLICE_MS;
        run.size = Math.max(MIN_PAGE, Math.min(MAX_PAGE, Math.round((run.size * target) / Math.max(took, 0.5))));
        if (once) break;
      }
      if (!once && !(await this.finishIfComplete(run.pending, runs, progress))) return;
    }
  }

  /** A step's rates after a page of `docs` documents that took `ms`. */
  private measure(run: StepRun, docs: number, ms: number): void {
    if (docs === 0) return;
    if (run.step.firstMsPerDoc === null) {
      run.step.firstMsPerDoc = ms / docs;
      return;
    }
    run.window.push([docs, ms]);
    let windowMs = run.window.reduce((n, [, m]) => n + m, 0);
    while (run.window.length > 1 && windowMs - (run.window[0]?.[1] ?? 0) >= RATE_WINDOW_MS) windowMs -= run.window.shift()?.[1] ?? 0;
    run.step.recentMsPerDoc = windowMs / run.window.reduce((n, [d]) => n + d, 0);
  }

  /**
   * Runs the `finishRebuild` steps of a projection whose collections are all applied, a transaction each with a yield
   * between, then records its version and tells whoever waits for it. False when stopped before its end.
   */
  private async finishIfComplete(pending: Pending, runs: readonly StepRun[], progress: RebuildProgress): Promise<boolean> {
    if (!pending.cursors.every((c) => c.complete) || !this.pending.includes(pending)) return true;
    const steps = pending.projection.finishRebuild ?? [];
    const mine = runs.filter((r) => r.pending === pending);
    for (const [i, step] of steps.entries()) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.stopped) return false;
      const started = performance.now();
      withoutSync(this.db, () => this.db.transaction(() => step(this.db)).immediate());
      const took = performance.now() - started;
      progress.busyMs += took;
      this.recentPages.push([this.clock(), took]);
      for (const r of mine) r.step.finishDone = Math.round(((r.step.finishDocs ?? 0) * (i + 1)) / steps.length);
    }
    this.db.transaction(() => this.finish(pending.projection)).immediate();
    this.pending.splice(this.pending.indexOf(pending), 1);
    for (const w of this.waiters.get(pending.projection.name) ?? []) w.resolve();
    this.waiters.delete(pending.projection.name);
    progress.projections = this.pendingNames();
    await new Promise<void>((resolve) => setImmediate(resolve));
    return true;
  }

  /**
   * Applies up to `limit` live documents after the cursor and moves the cursor past them, recording it (call inside a
   * transaction: the page and its position commit together). Returns how many were applied.
   */
  private applyPage(pending: Pending, cursor: Cursor, limit: number): number {
    const page = pending.source.page(cursor.collection, cursor.afterRowid, limit);
    if (page.docs.length > 0) pending.projection.apply(this.db, cursor.collection, page.docs);
    cursor.afterRowid = page.lastRowid;
    cursor.done += page.docs.length;
    cursor.complete = page.docs.length < limit;
    this.recordCursor(pending.projection, cursor);
    return page.docs.length;
  }

  /** The recorded positions of an unfinished rebuild of this version of `projection`, or null (start over). */
  private resumableCursors(projection: Projection): Cursor[] | null {
    const rows = this.db
      .prepare(`SELECT collection, version, after_rowid AS afterRowid, done, complete FROM ${REBUILDS_TABLE} WHERE name = ?`)
      .all(projection.name) as { collection: string; version: number; afterRowid: number; done: number; complete: number }[];
    const byCollection = new Map(rows.map((r) => [r.collection, r]));
    if (rows.length !== projection.collections.length || rows.some((r) => r.version !== projection.version)) return null;
    const cursors: Cursor[] = [];
    for (const collection of projection.collections) {
      const row = byCollection.get(collection);
      if (!row) return null;
      cursors.push({ collection, afterRowid: row.afterRowid, done: row.done, complete: row.complete === 1 });
    }
    return cursors;
  }

  private recordCursor(projection: Projection, cursor: Cursor): void {
    this.db
      .prepare(
        `INSERT INTO ${REBUILDS_TABLE} (name, collection, version, after_rowid, done, complete) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(name, collection) DO UPDATE SET version = excluded.version, after_rowid = excluded.after_rowid,
           done = excluded.done, complete = excluded.complete`,
      )
      .run(projection.name, cursor.collection, projection.version, cursor.afterRowid, cursor.done, cursor.complete ? 1 : 0);
  }

  /** Empties the registered caches that read `name`'s rows (their owners fill them again). */
  private emptyDependents(name: string): void {
    for (const other of this.registered.values()) {
      if (!other.startsEmpty || !other.dependsOn?.includes(name)) continue;
      withoutZeroing(this.db, () => other.drop(this.db));
      other.create(this.db);
    }
  }

  /** The projection is complete (its tables finished): its version is recorded and its rebuild's positions forgotten. */
  private finish(projection: Projection): void {
    this.db
      .prepare(`INSERT INTO ${VERSIONS_TABLE} (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version`)
      .run(projection.name, projection.version);
    this.db.prepare(`DELETE FROM ${REBUILDS_TABLE} WHERE name = ?`).run(projection.name);
  }
}
