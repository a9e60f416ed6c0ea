/**
 * The work list's rows for a day, kept in the encrypted file so the list pages straight from SQL (issue 10 §4): a
 * 200,000-resident clinic answers its first page without loading every resident, and memory stays flat.
 *
 * The rows depend on the documents and on the day. The documents' side is a projection (`workProjection`) that
 * starts empty and is only ever invalidated by the storage, in every write's transaction: a write to a resident, or
 * to one of their encounters or contracts (the previous owner too, when a merge moves a document), deletes that
 * resident's rows and marks them dirty. The day's side is the fill: `ensure(day)` computes the rows of every
 * resident for that day (a full pass in resident-id order, once per day, in chunks that yield to other calls), then
 * the dirty ones; each chunk reads its residents' facts and writes their rows, with the pass's cursor (the last
 * resident done), in one synchronous transaction, so no write can slip between what was read and what is cached and
 * an interrupted pass resumes where it stopped. A day is recorded complete only after its full pass.
 * The rows are computed with the widest horizon the API allows and the query narrows them, so one cache serves
 * every filter. A cache written by another build of the rules is dropped (`fingerprint`).
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { WorkKind, type WorkGroup, type WorkStatus } from '../../../shared/api/followups';
import { addDays, type CalendarDate } from '../../../shared/domain/dates';
import { WORK_GROUPS, workGroup } from '../../../shared/domain/worklist-groups';
import type { AnyDocument, Projection } from '../../store/rx-storage-sqlcipher';
import type { Database } from '../../store/sqlite-file';
import type { PatientIndex } from './patient-index';
import { patientWork, type PatientWork } from './patient-work';

/** The widest `upcomingDays` the API accepts (WorklistFilter): rows are cached with it and narrowed per query. */
export const WORK_HORIZON_DAYS = 120;

const ITEMS = 'p_work_items';
const DIRTY = 'p_work_dirty';
const DAYS = 'p_work_days';
/** The patient projection's table: the previous owner of a moved document is read there before it is updated. */
const PATIENT_DOCS = 'p_patient_docs';

const STATUS_ORDER: Record<WorkStatus, number> = { overdue: 0, due: 1, upcoming: 2 };
const KIND_ORDER = Object.fromEntries(WorkKind.options.map((k, i) => [k, i])) as Record<WorkKind, number>;
/** Separates the doctor names and ids a row matches, so one `instr` finds an exact name. */
const SEP = '\u001f';

/** Residents per dirty-clean step: one synchronous transaction of some 10–20 ms on a quiet machine. */
const FILL_CHUNK = 100;
/**
 * A fill nobody waits for (tomorrow's, filled ahead) runs in slices of about this much work, sized from the last
 * slice's time, so a call that arrives meanwhile waits at most about this long at each of its asynchronous steps.
 */
const BACKGROUND_SLICE_MS = 8;
/**
 * Residents per transaction while a caller waits for the fill (a day's first page with nothing cached): each commit
 * costs an fsync (synchronous = FULL), so fewer, larger transactions finish the day sooner.
 */
const AWAITED_CHUNK = 1_000;
/** The smallest background slice: below it the per-transaction overhead would dominate. */
const MIN_SLICE = 10;

type Statement = BetterSqlite3.Statement<unknown[]>;

interface InvalidateStatements {
  owner: Statement;
  items: Statement;
  dirty: Statement;
}
const invalidation = new WeakMap<Database, InvalidateStatements>();

function invalidateStatements(db: Database): InvalidateStatements {
  let s = invalidation.get(db);
  if (!s) {
    s = {
      owner: db.prepare(`SELECT resident_id FROM ${PATIENT_DOCS} WHERE doc_id = ?`).pluck(),
      items: db.prepare(`DELETE FROM ${ITEMS} WHERE resident_id = ?`),
      dirty: db.prepare(`INSERT OR IGNORE INTO ${DIRTY} (resident_id) VALUES (?)`),
    };
    invalidation.set(db, s);
  }
  return s;
}

/**
 * The cache's tables. Registered BEFORE `patientProjection` (services/projections.ts), so a moved document's
 * previous owner can still be read from the patient rows when a write is applied.
 */
export const workProjection: Projection = {
  name: 'work',
  // 3: a pass's progress is a cursor in p_work_days, not one p_work_done row per resident and day.
  version: 3,
  startsEmpty: true,
  collections: ['residents', 'encounters', 'contracts'],
  create(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${ITEMS} (
        day TEXT NOT NULL, resident_id TEXT NOT NULL, grp TEXT NOT NULL, status_order INTEGER NOT NULL,
        due_date TEXT NOT NULL, kind_order INTEGER NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        village_code TEXT NOT NULL, doctors TEXT NOT NULL, birth_date TEXT NOT NULL, row TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${ITEMS}_order ON ${ITEMS} (day, status_order, due_date, resident_id, kind_order);
      CREATE INDEX IF NOT EXISTS ${ITEMS}_group ON ${ITEMS} (day, grp, status_order, due_date, resident_id, kind_order);
      CREATE INDEX IF NOT EXISTS ${ITEMS}_resident ON ${ITEMS} (resident_id, day);
      CREATE INDEX IF NOT EXISTS ${ITEMS}_counts ON ${ITEMS} (day, grp, kind, status, due_date, village_code);
      CREATE TABLE IF NOT EXISTS ${DIRTY} (resident_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${DAYS} (
        day TEXT PRIMARY KEY, build TEXT NOT NULL, cursor TEXT NOT NULL, complete INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  drop(db) {
    // p_work_done: version 2's per-resident progress rows.
    db.exec(
      `DROP TABLE IF EXISTS ${ITEMS}; DROP TABLE IF EXISTS p_work_done; DROP TABLE IF EXISTS ${DIRTY}; DROP TABLE IF EXISTS ${DAYS};`,
    );
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

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkCache {
  private running: Promise<void> = Promise.resolve();
  /** Callers waiting for a fill to finish (`ensure(day, today, { awaited: true })`). */
  private waiting = 0;
  private checkedBuild = false;
  private prunedFor: CalendarDate | null = null;
  private stopped = false;
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly patients: PatientIndex,
    /** Identifies the rules that computed the rows: a cache from other rules is dropped. */
    private readonly fingerprint: string,
  ) {}

  /** Stops background fills between chunks (the session is locking). */
  stop(): void {
    this.stopped = true;
  }

  private prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** True when every resident's rows for `day` are cached (apart from dirty ones, which `query` computes first). */
  isComplete(day: CalendarDate): boolean {
    return this.prepare(`SELECT 1 FROM ${DAYS} WHERE day = ? AND build = ? AND complete = 1`).get(day, this.fingerprint) !== undefined;
  }

  /**
   * Makes `day` complete (`today` or the day after it, filled ahead), dropping the rows of any day outside those two;
   * calls are queued, so two callers never fill the same day twice.
   */
  ensure(day: CalendarDate, today: CalendarDate = day, opts: { awaited?: boolean } = {}): Promise<void> {
    const next = this.running.then(() => this.fill(day, today));
    // A failed fill is reported to its caller and does not block the next one.
    this.running = next.catch(() => undefined);
    if (!opts.awaited) return next;
    // A caller waits: the fill under way (started in the background) switches to large transactions until it is done.
    this.waiting++;
    return next.finally(() => this.waiting--);
  }

  private async fill(day: CalendarDate, today: CalendarDate): Promise<void> {
    if (this.stopped) return;
    this.forgetOtherDays(today);
    if (!this.isComplete(day)) {
      this.db.transaction(() => {
        if (this.prepare(`SELECT 1 FROM ${DAYS} WHERE day = ?`).get(day) !== undefined) return;
        // With no other day under way or complete, the pass computes everyone the dirty list names (a seed or an
        // import leaves every resident dirty): forget it, so nobody is computed twice. Whoever changes during the
        // pass is marked dirty again by that write and recomputed after it.
        if (this.prepare(`SELECT 1 FROM ${DAYS} WHERE day <> ? AND build = ? LIMIT 1`).get(day, this.fingerprint) === undefined) {
          this.prepare(`DELETE FROM ${DIRTY}`).run();
        }
        this.prepare(`INSERT INTO ${DAYS} (day, build, cursor, complete) VALUES (?, ?, '', 0)`).run(day, this.fingerprint);
      })();
      const next = this.prepare(`SELECT DISTINCT resident_id FROM ${PATIENT_DOCS} WHERE resident_id > ? ORDER BY resident_id LIMIT ?`).pluck();
      const cursorOf = this.prepare(`SELECT cursor FROM ${DAYS} WHERE day = ?`).pluck();
      const advance = this.prepare(`UPDATE ${DAYS} SET cursor = ? WHERE day = ?`);
      let slice = 16;
      for (;;) {
        if (this.stopped) return;
        const size = this.waiting > 0 ? AWAITED_CHUNK : slice;
        const started = performance.now();
        const count = this.withoutSync(() =>
          this.db.transaction(() => {
            const ids = next.all(cursorOf.get(day), size) as string[];
            const last = ids[ids.length - 1];
            if (last === undefined) return 0;
            this.compute(ids, [day]);
            advance.run(last, day);
            return ids.length;
          })(),
        );
        if (count === 0) break;
        const took = Math.max(performance.now() - started, 0.5);
        slice = Math.max(MIN_SLICE, Math.min(FILL_CHUNK, Math.round((count * BACKGROUND_SLICE_MS) / took)));
        await yieldToOthers();
      }
      this.prepare(`UPDATE ${DAYS} SET complete = 1 WHERE day = ?`).run(day);
    }
    while (!this.stopped && this.cleanDirty(FILL_CHUNK) === FILL_CHUNK) await yieldToOthers();
  }

  /**
   * Runs a fill's transaction without waiting for the disk. Its rows are a cache the fill can always recompute, so
   * their commits skip the fsync (WAL with synchronous = NORMAL: the file stays consistent, a power cut can lose only
   * the newest such transactions, and the next FULL commit makes them durable). Every other write keeps the
   * connection's own setting, restored before this returns: better-sqlite3 is synchronous, so no other transaction
   * on this connection can run in between.
   */
  private withoutSync<T>(run: () => T): T {
    // Only WAL keeps the file consistent without the fsync; a rollback journal keeps the connection's setting.
    if (String(this.db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return run();
    const previous = Number(this.db.pragma('synchronous', { simple: true }));
    this.db.pragma('synchronous = NORMAL');
    try {
      return run();
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }

  /** Keeps the rows of `today` and the day after (filled ahead); drops every other day, and everything from other rules. */
  private forgetOtherDays(today: CalendarDate): void {
    const next = addDays(today, 1);
    this.db.transaction(() => {
      if (!this.checkedBuild) {
        if (this.prepare(`SELECT 1 FROM ${DAYS} WHERE build <> ? LIMIT 1`).get(this.fingerprint) !== undefined) {
          for (const t of [ITEMS, DAYS]) this.prepare(`DELETE FROM ${t}`).run();
        }
        this.checkedBuild = true;
      }
      if (this.prunedFor === today) return;
      for (const t of [ITEMS, DAYS]) this.prepare(`DELETE FROM ${t} WHERE day < ? OR day > ?`).run(today, next);
      this.prunedFor = today;
    })();
  }

  /**
   * Recomputes up to `limit` dirty residents for every day, complete or under way (a pass that has not reached a
   * resident yet computes it again when it does); returns how many it took.
   */
  private cleanDirty(limit: number): number {
    return this.db.transaction(() => {
      const ids = this.prepare(`SELECT resident_id FROM ${DIRTY} LIMIT ?`).pluck().all(limit) as string[];
      if (ids.length === 0) return 0;
      const days = this.prepare(`SELECT day FROM ${DAYS} WHERE build = ?`).pluck().all(this.fingerprint) as string[];
      this.compute(ids, days);
      const remove = this.prepare(`DELETE FROM ${DIRTY} WHERE resident_id = ?`);
      for (const id of ids) remove.run(id);
      return ids.length;
    })();
  }

  /** Replaces the rows of these residents for these days (inside the caller's transaction). */
  private compute(ids: readonly string[], days: readonly CalendarDate[]): void {
    if (days.length === 0) return;
    const entries = this.patients.many(ids);
    const clear = this.prepare(`DELETE FROM ${ITEMS} WHERE resident_id = ? AND day = ?`);
    const insert = this.prepare(
      `INSERT INTO ${ITEMS} (day, resident_id, grp, status_order, due_date, kind_order, kind, status, village_code, doctors, birth_date, row) ` +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const day of days) {
      for (const id of ids) {
        clear.run(id, day);
        const entry = entries.get(id);
        if (!entry?.resident) continue;
        const work = patientWork(entry, day, WORK_HORIZON_DAYS);
        const doctors = `${SEP}${work.doctors.join(SEP)}${SEP}`;
        for (const row of work.rows) {
          insert.run(
            day,
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
          );
        }
      }
    }
  }

  /**
   * One page of `day`'s rows with counts, straight from SQL. Dirty residents (written since the last fill) are
   * computed first, in the same synchronous step, so a save is on the very next page. `day` must be complete.
   */
  query(day: CalendarDate, q: WorkQuery): WorkPage {
    return this.db.transaction(() => {
      while (this.cleanDirty(FILL_CHUNK) === FILL_CHUNK);
      const where = ['day = ?', "(status <> 'upcoming' OR due_date <= ?)"];
      const params: unknown[] = [day, addDays(day, q.upcomingDays)];
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
      const grouped = this.prepare(`SELECT grp, kind, status, count(*) FROM ${ITEMS} WHERE ${where.join(' AND ')} GROUP BY grp, kind, status`).raw();
      for (const [grp, kind, status, n] of grouped.all(...params) as [WorkGroup, WorkKind, WorkStatus, number][]) {
        groups[grp] += n;
        if (q.group && grp !== q.group) continue;
        counts[kind][status] += n;
        total += n;
      }
      if (q.group) {
        where.push('grp = ?');
        params.push(q.group);
      }
      const page = this.prepare(
        `SELECT row, birth_date FROM ${ITEMS} WHERE ${where.join(' AND ')} ORDER BY status_order, due_date, resident_id, kind_order LIMIT ? OFFSET ?`,
      ).raw();
      const items = (page.all(...params, q.limit, q.offset) as [string, string][]).map(([row, birthDate]) => ({ row: JSON.parse(row) as PatientWork, birthDate }));
      return { total, counts, groups, items };
    })();
  }
}
