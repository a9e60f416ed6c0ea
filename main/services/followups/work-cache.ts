/**
 * The work list's rows, kept in the encrypted file so the list pages straight from SQL (issue 10 §4): a
 * 200,000-resident clinic answers its first page without loading every resident, and memory stays flat.
 *
 * The rows depend on the documents and on the day. The documents' side is a projection (`workProjection`) that
 * starts empty and is only ever invalidated by the storage, in every write's transaction: a write to a resident, or
 * to one of their encounters or contracts (the previous owner too, when a merge moves a document), deletes that
 * resident's rows and marks them dirty. The day's side: the rows are kept "as of" one day (p_work_days), and each
 * resident's row in p_work_residents says the first later day on which their rows may change with no write
 * (`changes_on`, worklist-changes.ts). `ensure(day)` moves the cache to `day`:
 * - from an earlier day, it recomputes only the residents whose `changes_on` has come, and moves the due date of the
 *   rows that float with the day (one UPDATE); everyone else's rows are already right for `day`;
 * - with nothing to build on (a new install, other rules, the clock set back, a full pass stopped on another day), or
 *   with more than a sixth of the residents due (a full pass then costs less), it computes every resident, in
 *   resident-id order with a cursor, each chunk's facts read in one ordered range scan; the rows are appended
 *   without the page indexes, which are built once at the pass's end. 1 January is a day like the others: only the
 *   residents whose rows count by the year are due then (worklist-changes.ts).
 * Either pass runs in chunks that yield to other calls; each chunk reads its residents' facts and writes their rows
 * (and the pass's progress) in one synchronous transaction, so no write can slip between what was read and what is
 * cached, and an interrupted pass resumes where it stopped. The day is recorded complete only after its pass; dirty
 * residents follow. The rows are computed with the widest horizon the API allows and the query narrows them, so one
 * cache serves every filter. A cache written by another build of the rules is dropped (`fingerprint`).
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { WorkKind, type WorkGroup, type WorkStatus } from '../../../shared/api/followups';
import { addDays, compareDates, type CalendarDate } from '../../../shared/domain/dates';
import { floatsWithToday } from '../../../shared/domain/worklist-changes';
import { WORK_GROUPS, workGroup } from '../../../shared/domain/worklist-groups';
import type { AnyDocument, Projection } from '../../store/rx-storage-sqlcipher';
import { statementCache, withoutSync, type Database } from '../../store/sqlite-file';
import { PATIENT_DOCS, PATIENT_RESIDENT_COUNT, type PatientEntry, type PatientIndex } from './patient-index';
import { patientWork, type PatientWork } from './patient-work';
import { createIndexes, dropAllTrash, dropIndexes, dropTrashSlice, moveToTrash, type IndexSpec } from './work-trash';

/** The widest `upcomingDays` the API accepts (WorklistFilter): rows are cached with it and narrowed per query. */
export const WORK_HORIZON_DAYS = 120;

const ITEMS = 'p_work_items';
/**
 * Rows due on the day they are read, whatever the day (worklist-changes.ts `floatsWithToday`): kept apart (their
 * due_date column is the day they were computed and is never read), so a new day rewrites none of them; the query
 * merges them in at the day's place.
 */
const FLOATS = 'p_work_floats';
const DIRTY = 'p_work_dirty';
const DAYS = 'p_work_days';
/** Per resident: the first later day on which their rows may change with no write (NULL: never). */
const RESIDENTS = 'p_work_residents';

const STATUS_ORDER: Record<WorkStatus, number> = { overdue: 0, due: 1, upcoming: 2 };
const KIND_ORDER = Object.fromEntries(WorkKind.options.map((k, i) => [k, i])) as Record<WorkKind, number>;
/** Separates the doctor names and ids a row matches, so one `instr` finds an exact name. */
const SEP = '\u001f';

/** Residents per dirty-clean step: one synchronous transaction of some 10–20 ms on a quiet machine. */
const FILL_CHUNK = 100;
/**
 * A fill nobody waits for (the warm-up at sign-in, until a page is asked for) runs in slices of about this much work, sized from the last
 * slice's time, so a call that arrives meanwhile waits at most about this long at each of its asynchronous steps.
 */
const BACKGROUND_SLICE_MS = 8;
/**
 * Residents per transaction while a caller waits for the fill (a day's first page with nothing cached): each commit
 * costs an fsync (synchronous = FULL), so fewer, larger transactions finish the day sooner.
 */
const AWAITED_CHUNK = 1_000;
/**
 * Residents per transaction of an advance a caller waits for (a day's first page): the residents due on a new day
 * sit all over the page indexes, so each commit rewrites (and encrypts) most of their pages; one commit for a day's
 * advance (some 1,500 residents overnight at 200,000, 3,300 after a weekend) writes them once. They are taken in id
 * order, as they are read.
 */
const AWAITED_ADVANCE = 5_000;
/**
 * A later day with more than this share of the residents due is reached by a full pass (`fullIsCheaper`). At 200,000
 * residents an advance cost 0.7–1.0 ms of CPU per due resident (its reads and row replacements are scattered), a
 * full pass 0.13 ms per resident: they break even near a sixth.
 */
export const FULL_PASS_SHARE = 0.15;
/** How long after an advance its pages are copied from the WAL into the file (`fill`). */
const ADVANCE_CHECKPOINT_DELAY_MS = 1_000;
/**
 * Slices of a full pass whose partial rows are on screen (`partial`): larger than a background slice, so the pass ends
 * sooner, yet short enough that the screen's next pages (the counts, then each group's) wait at most about this long
 * each, instead of a whole awaited chunk (1,000 residents: 1–2 s at load 30).
 */
const WATCHED_SLICE_MS = 50;
/** The smallest background slice: below it the per-transaction overhead would dominate. */
const MIN_SLICE = 10;
/**
 * Rows of the old cache deleted per slice (work-trash.ts), sized from the last slice's time like the pass's slices;
 * while a caller waits for the whole list, slices of about this long (fewer commits).
 */
const MIN_TRASH_ROWS = 100;
const MAX_TRASH_ROWS = 50_000;
const AWAITED_TRASH_MS = 250;
/** How long after a full pass starts its slices are left alone by the drop of the old rows (the first screen's calls). */
const TRASH_DELAY_MS = 3_000;

type Statement = BetterSqlite3.Statement<unknown[]>;
/** A row as stored: resident, group, status order, due date, kind order, kind, status, village, doctors, birth date, JSON. */
type RowValues = [string, string, number, string, number, string, string, string, string, string, string];

interface InvalidateStatements {
  owner: Statement;
  items: Statement;
  floats: Statement;
  dirty: Statement;
}
const invalidation = new WeakMap<Database, InvalidateStatements>();

function invalidateStatements(db: Database): InvalidateStatements {
  let s = invalidation.get(db);
  if (!s) {
    s = {
      owner: db.prepare(`SELECT resident_id FROM ${PATIENT_DOCS} WHERE doc_id = ?`).pluck(),
      items: db.prepare(`DELETE FROM ${ITEMS} WHERE resident_id = ?`),
      floats: db.prepare(`DELETE FROM ${FLOATS} WHERE resident_id = ?`),
      dirty: db.prepare(`INSERT OR IGNORE INTO ${DIRTY} (resident_id) VALUES (?)`),
    };
    invalidation.set(db, s);
  }
  return s;
}

/**
 * The indexes the pages are read through (order, group, counts) and the one an advance finds the due residents by. A
 * full pass drops them and builds them once at its end: one sort per index instead of inserts at random places in
 * each, whose pages every chunk's commit would write (and encrypt) again (issue 10 §4, the cold day). Found by table
 * and base name (work-trash.ts): a renamed table keeps its indexes' names.
 */
const PAGE_INDEXES: readonly IndexSpec[] = [
  { table: RESIDENTS, what: 'changes', columns: '(changes_on) WHERE changes_on IS NOT NULL' },
  { table: ITEMS, what: 'order', columns: '(status_order, due_date, resident_id, kind_order)' },
  { table: ITEMS, what: 'group', columns: '(grp, status_order, due_date, resident_id, kind_order)' },
  { table: ITEMS, what: 'counts', columns: '(grp, kind, status, due_date, village_code)' },
  { table: FLOATS, what: 'order', columns: '(status_order, resident_id, kind_order)' },
  { table: FLOATS, what: 'group', columns: '(grp, status_order, resident_id, kind_order)' },
  { table: FLOATS, what: 'counts', columns: '(grp, kind, status, village_code)' },
];
/** What a write's invalidation and a pass's replacements find a resident's rows by: kept through a pass. */
const RESIDENT_INDEXES: readonly IndexSpec[] = [
  { table: ITEMS, what: 'resident', columns: '(resident_id)' },
  { table: FLOATS, what: 'resident', columns: '(resident_id)' },
];
/** The tables a full pass sets aside (work-trash.ts) and creates again empty; p_work_days is only a row per pass. */
const PASS_TABLES = [ITEMS, FLOATS, RESIDENTS, DIRTY];

function createTables(db: Database): void {
  const rowColumns = `
    resident_id TEXT NOT NULL, grp TEXT NOT NULL, status_order INTEGER NOT NULL, due_date TEXT NOT NULL,
    kind_order INTEGER NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, village_code TEXT NOT NULL,
    doctors TEXT NOT NULL, birth_date TEXT NOT NULL, row TEXT NOT NULL`;
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${ITEMS} (${rowColumns});
    CREATE TABLE IF NOT EXISTS ${FLOATS} (${rowColumns});
    CREATE TABLE IF NOT EXISTS ${RESIDENTS} (resident_id TEXT PRIMARY KEY, changes_on TEXT) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${DIRTY} (resident_id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${DAYS} (
      day TEXT PRIMARY KEY, build TEXT NOT NULL, mode TEXT NOT NULL, cursor TEXT NOT NULL, complete INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
  createIndexes(db, RESIDENT_INDEXES);
}

/**
 * Empties the cache's tables for a full pass without touching their rows: they are renamed aside, to be dropped in
 * slices while the pass runs (work-trash.ts), and created again empty, so the pass commits its first slice at once.
 * (Deleting them here read and freed every page first: 5.1 s at 200,000 residents, loaded.)
 */
function wipe(db: Database): void {
  moveToTrash(db, PASS_TABLES);
  db.prepare(`DELETE FROM ${DAYS}`).run();
  createTables(db);
}

function createPageIndexes(db: Database): void {
  createIndexes(db, PAGE_INDEXES);
}

function dropPageIndexes(db: Database): void {
  dropIndexes(db, PAGE_INDEXES);
}

/**
 * The cache's tables. Registered BEFORE `patientProjection` (services/projections.ts), so a moved document's
 * previous owner can still be read from the patient rows when a write is applied.
 */
export const workProjection: Projection = {
  name: 'work',
  // 3: a pass's progress is a cursor in p_work_days, not one p_work_done row per resident and day.
  // 4: the rows are kept as of one day with a per-resident changes_on, not per day (a new day recomputes only those due).
  version: 4,
  startsEmpty: true,
  // Its apply reads a moved document's previous owner from the patient rows: emptied when they are rebuilt.
  dependsOn: ['patients'],
  collections: ['residents', 'encounters', 'contracts'],
  create(db) {
    createTables(db);
    createPageIndexes(db);
  },
  drop(db) {
    // p_work_done: version 2's per-resident progress rows.
    db.exec(
      `DROP TABLE IF EXISTS ${ITEMS}; DROP TABLE IF EXISTS p_work_done; DROP TABLE IF EXISTS ${DIRTY}; DROP TABLE IF EXISTS ${DAYS}; ` +
        `DROP TABLE IF EXISTS ${RESIDENTS}; DROP TABLE IF EXISTS ${FLOATS};`,
    );
    dropAllTrash(db);
  },
  apply(db, collection, docs) {
    const s = invalidateStatements(db);
    const residents = new Set<string>();
    for (const doc of docs as readonly (AnyDocument & { residentId?: unknown })[]) {
      if (collection === 'residents') {
        residents.add(String(doc['id']));
        continue;
      }
      if (typeof doc.residentId === 'string') residents.add(doc.residentId);
      const owner = s.owner.get(String(doc['id'])) as string | undefined;
      if (owner !== undefined) residents.add(owner);
    }
    for (const id of residents) {
      s.items.run(id);
      s.floats.run(id);
      s.dirty.run(id);
    }
  },
};

export interface WorkQuery {
  villageCode?: string | undefined;
  /** The villages the caller may see (issue 11); undefined: clinic-wide. */
  visibleVillages?: readonly string[] | undefined;
  doctor?: string | undefined;
  kinds?: readonly WorkKind[] | undefined;
  statuses?: readonly WorkStatus[] | undefined;
  group?: WorkGroup | undefined;
  upcomingDays: number;
  offset: number;
  limit: number;
}

export interface WorkPage {
  total: number;
  counts: Record<WorkKind, Record<WorkStatus, number>>;
  groups: Record<WorkGroup, number>;
  items: { row: PatientWork; birthDate: CalendarDate }[];
}

function emptyCounts(): WorkPage['counts'] {
  return Object.fromEntries(WorkKind.options.map((k) => [k, { upcoming: 0, due: 0, overdue: 0 }])) as WorkPage['counts'];
}

/**
 * A page row with its sort key: row, birth date, status order, due date, resident, kind order, disease (and whether
 * it floats). Within one table, rows that tie on the key keep the rules' order (their insertion order); a fixed and a
 * floating row can tie only as one resident's two screening lines due on the day, which the rules give HTN first.
 */
type Keyed = [string, string, number, string, string, number, string, boolean?];

function before(a: Keyed, b: Keyed): boolean {
  if (a[2] !== b[2]) return a[2] < b[2];
  if (a[3] !== b[3]) return a[3] < b[3];
  if (a[4] !== b[4]) return a[4] < b[4];
  if (a[5] !== b[5]) return a[5] < b[5];
  return a[6] < b[6];
}

/** Two lists in the work list's order, as one (the second's rows marked as floating). */
function mergeOrdered(fixed: readonly Keyed[], floating: readonly Keyed[]): Keyed[] {
  const out: Keyed[] = [];
  let i = 0;
  let j = 0;
  while (i < fixed.length || j < floating.length) {
    const a = fixed[i];
    const b = floating[j];
    if (a && (!b || before(a, b))) {
      out.push(a);
      i++;
    } else if (b) {
      out.push([b[0], b[1], b[2], b[3], b[4], b[5], b[6], true]);
      j++;
    }
  }
  return out;
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise with its resolve, for the signal each pass chunk gives (`WorkCache.partial`). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => undefined as void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** How far a full pass has come: `done` of `total` residents computed for its day. */
export interface PassProgress {
  done: number;
  total: number;
}

/** How a day is reached: every resident, or only those whose rows change by then (from an earlier complete day). */
type PassMode = 'full' | 'advance';

export class WorkCache {
  private running: Promise<void> = Promise.resolve();
  /** Callers waiting for a fill to finish (`ensure(day, { awaited: true })`). */
  private waiting = 0;
  /** Callers answered early from a full pass under way (`partial`), until it ends. */
  private watching = 0;
  private stopped = false;
  /** A `cleanWhenIdle` loop is running. */
  private cleaning = false;
  private readonly prepare = statementCache(() => this.db);
  /** Counters for tests and the bench (no timing): residents computed, passes of each kind. */
  readonly stats = { computed: 0, full: 0, advance: 0 };
  /** Resolved after each chunk of a pass is committed (and replaced): what `partial` waits on. */
  private chunked = signal();
  /** Rows per slice of the old cache's drop (`dropTrashSlice`). */
  private trashRows = MIN_TRASH_ROWS;
  /** When the pass may start dropping the old rows (`TRASH_DELAY_MS` after it set them aside). */
  private trashAfter = 0;

  constructor(
    private readonly db: Database,
    private readonly patients: PatientIndex,
    /** Identifies the rules that computed the rows: a cache from other rules is dropped. */
    private readonly fingerprint: string,
    /**
     * Holds the file's checkpoints back while a full pass writes (connection-pool.ts `beginBulkLoad`): the WAL is
     * copied into the file once at the end instead of every 1,000 pages.
     */
    private readonly bulkLoad?: () => { end(): void },
  ) {}

  /** Stops background fills between chunks (the session is locking). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Recomputes the residents writes marked dirty, a chunk at a time in the gaps `idle` waits for (user-activity.ts),
   * so the next page (or the next session's first) does not compute them before it answers: after 1,000 saves that
   * was ~130 ms of the next sign-in's first page at 30,000 residents. One cleaner at a time; stops with the session.
   */
  async cleanWhenIdle(idle: (unless?: () => boolean) => Promise<void>): Promise<void> {
    if (this.cleaning) return;
    this.cleaning = true;
    try {
      while (!this.stopped) {
        await idle(() => this.stopped);
        if (this.stopped || this.cleanDirty(FILL_CHUNK) < FILL_CHUNK) return;
      }
    } finally {
      this.cleaning = false;
    }
  }

  /**
   * At the lock: recomputes up to `limit` dirty residents now, so the next sign-in's first page finds them done (a
   * burst of saves right before the lock left no gap for `cleanWhenIdle`). Bounded, so a lock never waits long;
   * what is left the next session's first query computes, as before. Returns how many it took.
   */
  cleanBeforeLock(limit: number): number {
    let done = 0;
    while (done < limit) {
      const n = this.cleanDirty(Math.min(FILL_CHUNK, limit - done));
      done += n;
      if (n < FILL_CHUNK) break;
    }
    return done;
  }

  /** True when every resident's rows for `day` are cached (apart from dirty ones, which `query` computes first). */
  isComplete(day: CalendarDate): boolean {
    return this.prepare(`SELECT 1 FROM ${DAYS} WHERE day = ? AND build = ? AND complete = 1`).get(day, this.fingerprint) !== undefined;
  }

  /** Moves the cache to `day` and makes it complete; calls are queued, so two callers never fill at once. */
  ensure(day: CalendarDate, opts: { awaited?: boolean } = {}): Promise<void> {
    const next = this.running.then(() => this.fill(day));
    // A failed fill is reported to its caller and does not block the next one.
    this.running = next.catch(() => undefined);
    if (!opts.awaited) return next;
    // A caller waits: the fill under way (started in the background) switches to large transactions until it is done.
    this.waiting++;
    return next.finally(() => this.waiting--);
  }

  /**
   * Brings the cache to `day` like `ensure` (a full pass in slices of about `WATCHED_SLICE_MS`), but answers as soon
   * as a full pass for `day` has committed its first slice, with its progress; null once `day` is complete (an
   * advance, or a day already cached, is waited for: until it ends, the rows of its due residents are still an
   * earlier day's). Rows present during a full pass are all of `day` and these rules (`begin` empties the tables
   * first), each one the finished pass also gives.
   */
  async partial(day: CalendarDate): Promise<PassProgress | null> {
    const whole = this.ensure(day);
    this.watching++;
    // A failed fill is reported below when it ends before an answer; otherwise the next call meets it.
    const ended = whole.then(
      () => true,
      () => true,
    );
    void ended.then(() => this.watching--);
    for (;;) {
      const chunk = this.chunked.promise;
      const progress = this.fullPassProgress(day);
      if (progress && progress.done > 0) return progress;
      if (await Promise.race([ended, chunk.then(() => false)])) {
        await whole;
        return null;
      }
    }
  }

  /** The full pass for `day` by these rules under way, and how far it has come; null otherwise. */
  fullPassProgress(day: CalendarDate): PassProgress | null {
    const row = this.prepare(`SELECT mode, complete FROM ${DAYS} WHERE day = ? AND build = ?`).get(day, this.fingerprint) as
      | { mode: PassMode; complete: number }
      | undefined;
    if (row?.mode !== 'full' || row.complete === 1) return null;
    const progress = workPassProgress(this.db, day);
    if (progress?.mode !== 'full') return null;
    return { done: progress.done, total: progress.total };
  }

  private async fill(day: CalendarDate): Promise<void> {
    if (this.stopped) return;
    const mode = this.db.transaction(() => this.begin(day))();
    if (mode !== null) {
      // A full pass appends every resident's rows: the page indexes are built once at its end (also when it resumes).
      if (mode === 'full') this.db.transaction(() => dropPageIndexes(this.db))();
      // Either pass holds the checkpoints back. A full pass copies its pages into the file at its end; an advance (a
      // few thousand pages, one commit when awaited) a moment after, once the page it was awaited for is answered:
      // copying them back costs about as much as writing them.
      const bulk = this.bulkLoad?.();
      try {
        if (!(await this.pass(day, mode))) return;
      } finally {
        if (mode === 'full' || !bulk) bulk?.end();
        else setTimeout(() => bulk.end(), ADVANCE_CHECKPOINT_DELAY_MS).unref();
      }
      // The old rows go before the page indexes are sorted, so the indexes reuse their pages rather than grow the file.
      if (!(await this.emptyTrash())) return;
      this.db.transaction(() => {
        if (mode === 'full') createPageIndexes(this.db);
        this.prepare(`UPDATE ${DAYS} SET complete = 1 WHERE day = ?`).run(day);
      })();
    }
    while (!this.stopped && this.cleanDirty(FILL_CHUNK) === FILL_CHUNK) await yieldToOthers();
    // Left by a pass that a crash or a lock interrupted.
    await this.emptyTrash();
  }

  /** Drops the old rows a full pass set aside, slice by slice; false when stopped before the end. */
  private async emptyTrash(): Promise<boolean> {
    while (this.dropTrashSlice()) {
      await yieldToOthers();
      if (this.stopped) return false;
    }
    return true;
  }

  /**
   * One slice of the trash (work-trash.ts), sized like the pass's slices (larger while a caller waits for the whole
   * list: fewer commits); false when there is none left.
   */
  private dropTrashSlice(): boolean {
    const started = performance.now();
    const done = dropTrashSlice(this.db, this.trashRows);
    if (done === null) return false;
    if (typeof done === 'number' && done > 0) {
      const target = this.waiting > 0 ? AWAITED_TRASH_MS : this.watching > 0 ? WATCHED_SLICE_MS : BACKGROUND_SLICE_MS;
      const took = Math.max(performance.now() - started, 0.5);
      this.trashRows = Math.max(MIN_TRASH_ROWS, Math.min(MAX_TRASH_ROWS, Math.round((done * target) / took)));
    }
    return true;
  }

  /** Computes the pass's residents chunk by chunk; false when it was stopped before the end. */
  private async pass(day: CalendarDate, mode: PassMode): Promise<boolean> {
    const due = this.prepare(`SELECT resident_id FROM ${RESIDENTS} WHERE changes_on <= ? LIMIT ?`).pluck();
    const cursorOf = this.prepare(`SELECT cursor FROM ${DAYS} WHERE day = ?`).pluck();
    const advance = this.prepare(`UPDATE ${DAYS} SET cursor = ? WHERE day = ?`);
    let slice = 16;
    for (;;) {
      if (this.stopped) return false;
      // An advance shows nothing part-way (its due residents' rows are an earlier day's): a caller answered early
      // waits for it whole, in one large commit, like any other.
      const awaited = this.waiting > 0 || (mode === 'advance' && this.watching > 0);
      const size = awaited ? (mode === 'advance' ? AWAITED_ADVANCE : AWAITED_CHUNK) : slice;
      const started = performance.now();
      const count = withoutSync(this.db, () =>
        this.db.transaction(() => {
          if (mode === 'advance') {
            // An advance takes whoever is still due (a computed resident's date is later).
            const ids = (due.all(day, size) as string[]).sort();
            this.compute(ids, day, { keep: true });
            return ids.length;
          }
          // A full pass follows its cursor, reading the next residents' facts in one ordered scan.
          const next = this.patients.next(cursorOf.get(day) as string, size);
          const last = next.ids[next.ids.length - 1];
          if (last === undefined) return 0;
          this.compute(next.ids, day, { read: next.entries });
          advance.run(last, day);
          return next.ids.length;
        })(),
      );
      if (count === 0) return true;
      const chunk = this.chunked;
      this.chunked = signal();
      chunk.resolve();
      const took = Math.max(performance.now() - started, 0.5);
      const watched = this.watching > 0;
      const target = watched ? WATCHED_SLICE_MS : BACKGROUND_SLICE_MS;
      slice = Math.max(MIN_SLICE, Math.min(watched ? AWAITED_CHUNK : FILL_CHUNK, Math.round((count * target) / took)));
      // The old rows set aside by `begin` go a slice at a time between the pass's own: their freed pages are reused
      // by the pass's next rows. Not in the pass's first seconds: the 工作台 asks its counts and a page of every group
      // right after the first slice, and each of the old tables' indexes goes in one transaction.
      if (mode === 'full' && performance.now() >= this.trashAfter) {
        await yieldToOthers();
        if (this.stopped) return false;
        this.dropTrashSlice();
      }
      await yieldToOthers();
    }
  }

  /**
   * True when so many residents are due by `day` (a quarter later, a long closure) that recomputing everyone costs
   * less: an advance reads and replaces rows all over the file, a full pass reads in order and appends (200,000
   * residents, 94,000 due 92 days on: 183 s as an advance against 115 s for a full pass, both at load 15–19).
   */
  private fullIsCheaper(day: CalendarDate): boolean {
    // Counting every resident is a scan of the table (some 300 ms at 200,000): the residents are counted only as far
    // as it takes to show there are enough for the due ones to be at most the share, which a next day's 1,500 due
    // show after 10,000. Fewer than that many: `residents` is their exact count, and the share decides.
    const due = this.prepare(`SELECT count(*) FROM ${RESIDENTS} WHERE changes_on <= ?`).pluck().get(day) as number;
    const enough = Math.ceil(due / FULL_PASS_SHARE) + 1;
    const residents = this.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${RESIDENTS} LIMIT ?)`).pluck().get(enough) as number;
    if (residents >= enough) return false;
    return due > Math.ceil(residents * FULL_PASS_SHARE);
  }

  /**
   * Starts (or resumes) the pass that brings the cache to `day`, inside the caller's transaction; null when `day` is
   * already complete. An earlier day, complete or part-way through an advance, is built on; anything else starts over.
   */
  private begin(day: CalendarDate): PassMode | null {
    const row = this.prepare(`SELECT day, build, mode, complete FROM ${DAYS} ORDER BY day DESC LIMIT 1`).get() as
      | { day: CalendarDate; build: string; mode: PassMode; complete: number }
      | undefined;
    const sameBuild = row !== undefined && row.build === this.fingerprint;
    if (sameBuild && row.day === day) return row.complete === 1 ? null : row.mode;
    const later = sameBuild && compareDates(row.day, day) < 0 && (row.complete === 1 || row.mode === 'advance');
    if (later && !this.fullIsCheaper(day)) {
      // Rows due "today" whatever the day (p_work_floats) need nothing: the query gives them the day's date.
      this.prepare(`UPDATE ${DAYS} SET day = ?, mode = 'advance', cursor = '', complete = 0`).run(day);
      this.stats.advance++;
      return 'advance';
    }
    // Nothing to build on: a new install, other rules, the clock set back, or a full pass stopped on another day.
    // The pass computes everyone, so the dirty list (a seed or an import leaves every resident dirty) is forgotten;
    // whoever changes during the pass is marked dirty again by that write and recomputed after it.
    wipe(this.db);
    this.trashAfter = performance.now() + TRASH_DELAY_MS;
    this.prepare(`INSERT INTO ${DAYS} (day, build, mode, cursor, complete) VALUES (?, ?, 'full', '', 0)`).run(day, this.fingerprint);
    this.stats.full++;
    return 'full';
  }

  /**
   * Recomputes up to `limit` dirty residents for the cache's day, complete or under way (a pass that has not reached a
   * resident yet computes it again when it does); returns how many it took.
   */
  private cleanDirty(limit: number): number {
    return this.db.transaction(() => {
      const ids = this.prepare(`SELECT resident_id FROM ${DIRTY} LIMIT ?`).pluck().all(limit) as string[];
      if (ids.length === 0) return 0;
      const day = this.prepare(`SELECT day FROM ${DAYS} WHERE build = ?`).pluck().get(this.fingerprint) as CalendarDate | undefined;
      if (day !== undefined) this.compute(ids, day);
      const remove = this.prepare(`DELETE FROM ${DIRTY} WHERE resident_id = ?`);
      for (const id of ids) remove.run(id);
      return ids.length;
    })();
  }

  /**
   * Replaces the rows and the change date of these residents as of `day` (inside the caller's transaction). With
   * `keep` (an advance: the residents still have their rows of an earlier day) a row that is the same as before stays
   * where it is and only the rows that differ are deleted and inserted: most of a due resident's rows are unchanged
   * (one line turns due, the others stay), and every row replaced rewrites a page of each page index.
   */
  private compute(ids: readonly string[], day: CalendarDate, opts: { read?: ReadonlyMap<string, PatientEntry>; keep?: boolean } = {}): void {
    const entries = opts.read ?? this.patients.many(ids);
    const clear = this.prepare(`DELETE FROM ${ITEMS} WHERE resident_id = ?`);
    const clearFloats = this.prepare(`DELETE FROM ${FLOATS} WHERE resident_id = ?`);
    const forget = this.prepare(`DELETE FROM ${RESIDENTS} WHERE resident_id = ?`);
    const changes = this.prepare(`INSERT OR REPLACE INTO ${RESIDENTS} (resident_id, changes_on) VALUES (?, ?)`);
    const columns = '(resident_id, grp, status_order, due_date, kind_order, kind, status, village_code, doctors, birth_date, row)';
    const insert = this.prepare(`INSERT INTO ${ITEMS} ${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertFloat = this.prepare(`INSERT INTO ${FLOATS} ${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const id of ids) {
      this.stats.computed++;
      const entry = entries.get(id);
      if (!entry?.resident) {
        clear.run(id);
        clearFloats.run(id);
        forget.run(id);
        continue;
      }
      const work = patientWork(entry, day, WORK_HORIZON_DAYS);
      changes.run(id, work.changesOn);
      const doctors = `${SEP}${work.doctors.join(SEP)}${SEP}`;
      const fixed: RowValues[] = [];
      const floating: RowValues[] = [];
      for (const row of work.rows) {
        const values: RowValues = [
          id,
          workGroup(row, day),
          STATUS_ORDER[row.status],
          row.dueDate,
          KIND_ORDER[row.kind],
          row.kind,
          row.status,
          row.villageCode,
          doctors,
          entry.resident.birthDate,
          JSON.stringify(row),
        ];
        (floatsWithToday(row) ? floating : fixed).push(values);
      }
      if (opts.keep && this.replaceChanged(id, ITEMS, fixed, false) && this.replaceChanged(id, FLOATS, floating, true)) continue;
      clear.run(id);
      clearFloats.run(id);
      for (const values of fixed) insert.run(...values);
      for (const values of floating) insertFloat.run(...values);
    }
  }

  /**
   * Brings one resident's rows in `table` to `fresh` by deleting the stored rows that are not among them and inserting
   * the ones that are new; false (nothing written) when `fresh` has two rows that tie in the list's order, whose order
   * only their insertion gives (the caller then replaces them all). A floating row's date is the day it is read, so
   * its stored date (the day it was computed) does not count.
   */
  private replaceChanged(id: string, table: string, fresh: readonly RowValues[], floats: boolean): boolean {
    const tie = (v: RowValues) => (floats ? `${v[2]}|${v[4]}` : `${v[2]}|${v[3]}|${v[4]}`);
    if (new Set(fresh.map(tie)).size !== fresh.length) return false;
    const key = (v: RowValues) => {
      if (!floats) return JSON.stringify(v.slice(1));
      const row = JSON.parse(v[10]) as PatientWork;
      return JSON.stringify([v[1], v[2], v[4], v[5], v[6], v[7], v[8], v[9], { ...row, dueDate: '' }]);
    };
    const stored = new Map<string, number[]>();
    const columns = 'grp, status_order, due_date, kind_order, kind, status, village_code, doctors, birth_date, row';
    for (const [rowid, ...values] of this.prepare(`SELECT rowid, ${columns} FROM ${table} WHERE resident_id = ?`).raw().all(id) as [number, ...unknown[]][]) {
      const k = key([id, ...values] as RowValues);
      const list = stored.get(k);
      if (list) list.push(rowid);
      else stored.set(k, [rowid]);
    }
    const insert = this.prepare(`INSERT INTO ${table} (resident_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const values of fresh) {
      const same = stored.get(key(values));
      if (same !== undefined && same.length > 0) same.pop();
      else insert.run(...values);
    }
    const remove = this.prepare(`DELETE FROM ${table} WHERE rowid = ?`);
    for (const rowids of stored.values()) for (const rowid of rowids) remove.run(rowid);
    return true;
  }

  /**
   * One page of `day`'s rows with counts, straight from SQL. Dirty residents (written since the last fill) are
   * computed first, in the same synchronous step, so a save is on the very next page. `day` must be complete.
   */
  query(day: CalendarDate, q: WorkQuery): WorkPage {
    return this.db.transaction(() => {
      while (this.cleanDirty(FILL_CHUNK) === FILL_CHUNK);
      const where = ["(status <> 'upcoming' OR due_date <= ?)"];
      const params: unknown[] = [addDays(day, q.upcomingDays)];
      if (q.villageCode) {
        where.push('village_code = ?');
        params.push(q.villageCode);
      }
      if (q.visibleVillages) {
        where.push('village_code IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(q.visibleVillages));
      }
      if (q.doctor) {
        where.push('instr(doctors, ?) > 0');
        params.push(`${SEP}${q.doctor}${SEP}`);
      }
      if (q.kinds && q.kinds.length > 0) {
        where.push('kind IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(q.kinds));
      }
      if (q.statuses && q.statuses.length > 0) {
        where.push('status IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(q.statuses));
      }
      const counts = emptyCounts();
      const groups = Object.fromEntries(WORK_GROUPS.map((g) => [g, 0])) as Record<WorkGroup, number>;
      let total = 0;
      for (const table of [ITEMS, FLOATS]) {
        const grouped = this.prepare(`SELECT grp, kind, status, count(*) FROM ${table} WHERE ${where.join(' AND ')} GROUP BY grp, kind, status`).raw();
        for (const [grp, kind, status, n] of grouped.all(...params) as [WorkGroup, WorkKind, WorkStatus, number][]) {
          groups[grp] += n;
          if (q.group && grp !== q.group) continue;
          counts[kind][status] += n;
          total += n;
        }
      }
      if (q.group) {
        where.push('grp = ?');
        params.push(q.group);
      }
      // The page of each table in the list's order, merged: the floating rows sort at the day (their due date).
      const upTo = q.offset + q.limit;
      const fixed = this.prepare(
        `SELECT row, birth_date, status_order, due_date, resident_id, kind_order, coalesce(json_extract(row, '$.disease'), '') FROM ${ITEMS} WHERE ${where.join(' AND ')} ` +
          'ORDER BY status_order, due_date, resident_id, kind_order LIMIT ?',
      ).raw();
      const floating = this.prepare(
        `SELECT row, birth_date, status_order, ?, resident_id, kind_order, coalesce(json_extract(row, '$.disease'), '') FROM ${FLOATS} WHERE ${where.join(' AND ')} ` +
          'ORDER BY status_order, resident_id, kind_order LIMIT ?',
      ).raw();
      const merged = mergeOrdered(fixed.all(...params, upTo) as Keyed[], floating.all(day, ...params, upTo) as Keyed[]);
      const items = merged.slice(q.offset, upTo).map(([row, birthDate, , dueDate, , , , floats]) => {
        const parsed = JSON.parse(row) as PatientWork;
        if (floats) parsed.dueDate = dueDate;
        return { row: parsed, birthDate };
      });
      return { total, counts, groups, items };
    })();
  }
}

/**
 * How far the pass that brings the cache to `day` has come, for the progress the screens show (app.dataUpdate,
 * main/services/data-update.ts); null when `day` is complete or no pass for it is under way. Reads only (the pass is
 * `WorkCache.fill`): a full pass has computed `done` of `total` residents; an advance has `remaining` still due.
 */
export function workPassProgress(
  db: Database,
  day: CalendarDate,
): { mode: 'full'; done: number; total: number } | { mode: 'advance'; remaining: number } | null {
  const row = db.prepare(`SELECT day, mode, complete FROM ${DAYS} ORDER BY day DESC LIMIT 1`).get() as
    | { day: CalendarDate; mode: PassMode; complete: number }
    | undefined;
  if (!row || row.day !== day || row.complete === 1) return null;
  if (row.mode === 'advance') {
    return { mode: 'advance', remaining: db.prepare(`SELECT count(*) FROM ${RESIDENTS} WHERE changes_on <= ?`).pluck().get(day) as number };
  }
  const done = db.prepare(`SELECT count(*) FROM ${RESIDENTS}`).pluck().get() as number;
  // Read again at every call, never remembered: a write during the pass that adds or removes a resident changes it,
  // and the pass computes that resident too (when its cursor gets there, or with the residents written behind it).
  const total = (db.prepare(`SELECT n FROM ${PATIENT_RESIDENT_COUNT}`).pluck().get() as number | undefined) ?? 0;
  return { mode: 'full', done: Math.min(done, total), total };
}
