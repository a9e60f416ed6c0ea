/**
 * The indicators' input stored per resident (issue 15 item 8): one compact row per resident holding everything the
 * shared indicator functions read about them: the resident's dates and status, the latest completed version of each
 * of their encounters (date, type, visit mode, measured values, enrolment facts, completeness) in date order, and
 * their contracts' periods and packages. The first report after sign-in reads these 30,000 rows instead of the
 * ~240,000 rows of the indicator projection, and runs the same shared functions over them.
 *
 * The rows are a cache of the indicator projection (indicator-projection.ts), kept like the work list's rows
 * (work-cache.ts): `indicatorFactsProjection` starts empty and, in every write's transaction, marks the written
 * resident dirty (and a moved document's previous owner, read from the indicator projection before it is updated).
 * `IndicatorFacts` fills the rows in one pass in resident-id order, in chunks that each commit with the pass's cursor,
 * so an upgrade never blocks sign-in (the pass runs in the background, or on the first report that needs it) and an
 * interrupted pass resumes where it stopped; then it recomputes the dirty residents. Whoever reads the rows cleans
 * the dirty ones first, in the same synchronous transaction, so a row is never read behind the documents.
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { compareDates } from '../../../shared/domain/dates';
import { latestVersions } from '../../../shared/domain/indicators/compute';
import type { ContractFields } from '../../../shared/domain/indicators/from-documents';
import type { EncounterRecord } from '../../../shared/domain/indicators/types';
import type { AnyDocument, Projection } from '../../store/rx-storage-sqlcipher';
import { statementCache, withoutSync, type Database } from '../../store/sqlite-file';
import { decodeFactsRows, encodeFacts, storedFacts, type EventRange, type StoredFacts } from './facts-codec';
import { createContributionTables, dropContributionTables, markContributionsDirty } from './contribution-tables';
import { indicatorOwnerOf, indicatorProjection, readIndicatorRowsOf } from './indicator-projection';

const ROWS = 'p_indicator_facts';
const DIRTY = 'p_indicator_facts_dirty';
const FILL = 'p_indicator_facts_fill';
/** The indicator projection's resident table: the pass walks its ids. */
const RESIDENTS = 'p_indicator_residents';

/**
 * The rows were computed from this build of the indicator projection: a rebuild of it (a new version) may change any
 * row, so the stored facts are then dropped and filled again.
 */
export const FACTS_BUILD = `indicators/${indicatorProjection.version}`;
const BUILD = FACTS_BUILD;

/** Residents per transaction while a report waits for the pass, and per dirty-clean step. */
const AWAITED_CHUNK = 1_000;
/** A pass nobody waits for runs in slices of about this much work, sized from the last slice's time. */
const BACKGROUND_SLICE_MS = 8;
const MIN_SLICE = 10;
const MAX_SLICE = 200;

export const indicatorFactsProjection: Projection = {
  name: 'indicator_facts',
  // 2: the compact text rows of facts-codec.ts (1 was JSON arrays): a file at 1 is filled again, in the background.
  version: 2,
  startsEmpty: true,
  // Filled from the indicator projection's rows, whose previous owners its apply reads: emptied when they are rebuilt.
  dependsOn: ['indicators'],
  collections: ['residents', 'encounters', 'contracts'],
  create(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${ROWS} (resident_id TEXT PRIMARY KEY, facts TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${DIRTY} (resident_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${FILL} (
        k INTEGER PRIMARY KEY CHECK (k = 1), build TEXT NOT NULL, cursor TEXT NOT NULL, complete INTEGER NOT NULL
      );
    `);
    // The stored per-period contributions (indicator-contributions.ts) are kept by the same dirty marks. Made with
    // IF NOT EXISTS on every open, so a file at this version gets them without its facts being filled again.
    createContributionTables(db);
  },
  drop(db) {
    db.exec(`DROP TABLE IF EXISTS ${ROWS}; DROP TABLE IF EXISTS ${DIRTY}; DROP TABLE IF EXISTS ${FILL};`);
    dropContributionTables(db);
  },
  /** Registered BEFORE the indicator projection (services/projections.ts): a moved document's owner is still the old one there. */
  apply(db, collection, docs) {
    const residents = new Set<string>();
    for (const doc of docs as readonly (AnyDocument & { residentId?: unknown })[]) {
      const id = String(doc['id']);
      if (collection === 'residents') {
        residents.add(id);
        continue;
      }
      if (collection !== 'encounters' && collection !== 'contracts') continue;
      if (typeof doc.residentId === 'string') residents.add(doc.residentId);
      const owner = indicatorOwnerOf(db, collection, id);
      if (owner !== undefined) residents.add(owner);
    }
    const mark = dirtyStatement(db);
    for (const id of residents) mark.run(id);
    markContributionsDirty(db, residents);
  },
};

const dirtyStatements = new WeakMap<Database, BetterSqlite3.Statement<unknown[]>>();
function dirtyStatement(db: Database): BetterSqlite3.Statement<unknown[]> {
  let s = dirtyStatements.get(db);
  if (!s) {
    s = db.prepare(`INSERT OR IGNORE INTO ${DIRTY} (resident_id) VALUES (?)`);
    dirtyStatements.set(db, s);
  }
  return s;
}

const byDate = (a: EncounterRecord, b: EncounterRecord) => compareDates(a.date, b.date) || (a.completedAt ?? 0) - (b.completedAt ?? 0);

/**
 * The facts of the residents named in `ids` (sorted), from the indicator projection: null for one who is gone.
 * Only the latest version of each event is kept (the shared `latestVersions`, over the rows in the order the
 * whole-clinic read has them), sorted by date as the shared functions sort them, in the shape a stored row decodes to.
 */
export function computeFacts(db: Database, ids: readonly string[]): Map<string, StoredFacts | null> {
  const rows = readIndicatorRowsOf(db, JSON.stringify(ids));
  const encounters = new Map<string, EncounterRecord[]>();
  for (const e of rows.encounters) {
    const list = encounters.get(e.residentId);
    if (list) list.push(e);
    else encounters.set(e.residentId, [e]);
  }
  const contracts = new Map<string, ContractFields[]>();
  for (const c of rows.contracts) {
    const list = contracts.get(c.residentId);
    if (list) list.push(c);
    else contracts.set(c.residentId, [c]);
  }
  const out = new Map<string, StoredFacts | null>(ids.map((id) => [id, null]));
  for (const r of rows.residents) {
    const events = latestVersions(encounters.get(r.id) ?? []).sort(byDate);
    out.set(r.id, storedFacts(r, events, contracts.get(r.id) ?? []));
  }
  return out;
}

/**
 * The rows' texts joined by newlines, read as bytes (CAST … AS BLOB) and made a string by Buffer's UTF-8 decoder: the
 * driver's own text of a whole table (8.3 million characters at 30,000 residents) cost about three times as much
 * CPU (~100 ms against ~35 ms, measured on a loaded machine). NULL (no rows) is the empty string.
 */
function joined(bytes: unknown): string {
  return bytes === null || bytes === undefined ? '' : (bytes as Buffer).toString('utf8');
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Progress of the pass, for the log and the tests. */
export interface FactsProgress {
  done: number;
  total: number;
  complete: boolean;
}

export class IndicatorFacts {
  private running: Promise<void> = Promise.resolve();
  private waiting = 0;
  private stopped = false;
  private readonly prepare = statementCache(() => this.db);

  constructor(
    private readonly db: Database,
    private readonly onProgress: (p: FactsProgress) => void = () => undefined,
  ) {}

  /** Stops a pass between chunks (the session is locking). */
  stop(): void {
    this.stopped = true;
  }

  /** True when every resident's row has been computed once (dirty ones are recomputed by `clean`). */
  isComplete(): boolean {
    return this.prepare(`SELECT 1 FROM ${FILL} WHERE build = ? AND complete = 1`).get(BUILD) !== undefined;
  }

  progress(): FactsProgress {
    const state = this.prepare(`SELECT cursor, complete FROM ${FILL} WHERE build = ?`).get(BUILD) as { cursor: string; complete: number } | undefined;
    const total = this.prepare(`SELECT count(*) FROM ${RESIDENTS}`).pluck().get() as number;
    if (!state) return { done: 0, total, complete: false };
    if (state.complete === 1) return { done: total, total, complete: true };
    const done = this.prepare(`SELECT count(*) FROM ${RESIDENTS} WHERE id <= ?`).pluck().get(state.cursor) as number;
    return { done, total, complete: false };
  }

  /**
   * Completes the pass. Calls are queued, so two callers never run it twice; `awaited` (a report waits) switches the
   * pass under way to large transactions.
   */
  ensure(opts: { awaited?: boolean } = {}): Promise<void> {
    const next = this.running.then(() => this.pass());
    // A failed pass is reported to its caller and does not block the next one.
    this.running = next.catch(() => undefined);
    if (!opts.awaited) return next;
    this.waiting++;
    return next.finally(() => this.waiting--);
  }

  private async pass(): Promise<void> {
    if (this.stopped || this.isComplete()) return;
    this.db.transaction(() => {
      if (this.prepare(`SELECT 1 FROM ${FILL} WHERE build = ?`).get(BUILD) !== undefined) return;
      // A new pass computes everyone from the first id on: rows of another build and the dirty list (a seed or an
      // import leaves every resident dirty) are forgotten. Whoever is written during the pass is marked again.
      this.prepare(`DELETE FROM ${ROWS}`).run();
      this.prepare(`DELETE FROM ${DIRTY}`).run();
      this.prepare(`INSERT OR REPLACE INTO ${FILL} (k, build, cursor, complete) VALUES (1, ?, '', 0)`).run(BUILD);
    })();
    const next = this.prepare(`SELECT id FROM ${RESIDENTS} WHERE id > ? ORDER BY id LIMIT ?`).pluck();
    const cursorOf = this.prepare(`SELECT cursor FROM ${FILL} WHERE k = 1`).pluck();
    const advance = this.prepare(`UPDATE ${FILL} SET cursor = ? WHERE k = 1`);
    let slice = MIN_SLICE;
    for (;;) {
      if (this.stopped) return;
      const size = this.waiting > 0 ? AWAITED_CHUNK : slice;
      const started = performance.now();
      const count = withoutSync(this.db, () =>
        this.db.transaction(() => {
          const ids = next.all(cursorOf.get(), size) as string[];
          const last = ids[ids.length - 1];
          if (last === undefined) return 0;
          this.store(computeFacts(this.db, ids));
          // Computed from the current rows: any earlier dirty mark of these residents is settled.
          this.settle(ids);
          advance.run(last);
          return ids.length;
        })(),
      );
      if (count === 0) break;
      const took = Math.max(performance.now() - started, 0.5);
      slice = Math.max(MIN_SLICE, Math.min(MAX_SLICE, Math.round((count * BACKGROUND_SLICE_MS) / took)));
      this.onProgress(this.progress());
      await yieldToOthers();
    }
    this.prepare(`UPDATE ${FILL} SET complete = 1 WHERE k = 1`).run();
    this.onProgress(this.progress());
  }

  private settle(ids: readonly string[]): void {
    this.prepare(`DELETE FROM ${DIRTY} WHERE resident_id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids));
  }

  private store(facts: Map<string, StoredFacts | null>): void {
    const put = this.prepare(`INSERT OR REPLACE INTO ${ROWS} (resident_id, facts) VALUES (?, ?)`);
    const remove = this.prepare(`DELETE FROM ${ROWS} WHERE resident_id = ?`);
    for (const [id, t] of facts) {
      if (t) put.run(id, encodeFacts(t));
      else remove.run(id);
    }
  }

  /**
   * Recomputes every dirty resident's row and returns what changed (null: the resident is gone). Synchronous, so a
   * caller that then reads rows reads them current. Only after the pass is complete.
   */
  clean(): Map<string, StoredFacts | null> {
    const changed = new Map<string, StoredFacts | null>();
    if (this.prepare(`SELECT 1 FROM ${DIRTY} LIMIT 1`).get() === undefined) return changed;
    const dirty = this.prepare(`SELECT resident_id FROM ${DIRTY} ORDER BY resident_id LIMIT ?`).pluck();
    for (;;) {
      const n = withoutSync(this.db, () =>
        this.db.transaction(() => {
          const ids = dirty.all(AWAITED_CHUNK) as string[];
          if (ids.length === 0) return 0;
          const facts = computeFacts(this.db, ids);
          this.store(facts);
          this.settle(ids);
          for (const [id, t] of facts) changed.set(id, t);
          return ids.length;
        })(),
      );
      if (n < AWAITED_CHUNK) return changed;
    }
  }

  /**
   * Every stored row, read as one string and decoded in one scan (facts-codec.ts); with `range`, only the events that
   * can count in its windows. Call `clean` first, in the same synchronous step.
   */
  readAll(range?: EventRange): StoredFacts[] {
    return decodeFactsRows(joined(this.prepare(`SELECT CAST(group_concat(facts, char(10)) AS BLOB) FROM ${ROWS}`).pluck().get()), range);
  }

  /** Up to `limit` rows after resident id `after`, in id order (the background preload's slices). */
  readFrom(after: string, limit: number): StoredFacts[] {
    const rows = this.prepare(`SELECT CAST(group_concat(facts, char(10)) AS BLOB) FROM (SELECT facts FROM ${ROWS} WHERE resident_id > ? ORDER BY resident_id LIMIT ?)`)
      .pluck()
      .get(after, limit);
    return decodeFactsRows(joined(rows));
  }

  count(): number {
    return this.prepare(`SELECT count(*) FROM ${ROWS}`).pluck().get() as number;
  }

}
