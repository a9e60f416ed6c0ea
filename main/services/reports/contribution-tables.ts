/**
 * The tables of the stored per-period contributions (indicator-contributions.ts), made and dropped with the stored
 * facts' projection (indicator-facts.ts), whose `apply` marks the written residents dirty in every stored set in the
 * write's own transaction.
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Database } from '../../store/sqlite-file';

export const SETS = 'p_indicator_sets';
export const ROWS = 'p_indicator_contrib';
export const DIRTY = 'p_indicator_contrib_dirty';
/** A set's rows summed per village and mask, kept while no resident of it is dirty (a stored trend's 12 reads). */
export const SUMS = 'p_indicator_contrib_sums';

/** Called from indicatorFactsProjection.create: the tables live and die with the stored facts. */
export function createContributionTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${SETS} (set_id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, complete INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS ${ROWS} (
      set_id INTEGER NOT NULL, resident_id TEXT NOT NULL, village_code TEXT NOT NULL, mask INTEGER NOT NULL,
      created INTEGER NOT NULL, followups INTEGER NOT NULL, f2f INTEGER NOT NULL, checks INTEGER NOT NULL,
      PRIMARY KEY (set_id, resident_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${DIRTY} (set_id INTEGER NOT NULL, resident_id TEXT NOT NULL, PRIMARY KEY (set_id, resident_id)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${SUMS} (
      set_id INTEGER NOT NULL, village_code TEXT NOT NULL, mask INTEGER NOT NULL, n INTEGER NOT NULL,
      created INTEGER NOT NULL, followups INTEGER NOT NULL, f2f INTEGER NOT NULL, checks INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${SUMS}_set ON ${SUMS} (set_id);
  `);
}

export function dropContributionTables(db: Database): void {
  db.exec(`DROP TABLE IF EXISTS ${SETS}; DROP TABLE IF EXISTS ${ROWS}; DROP TABLE IF EXISTS ${DIRTY}; DROP TABLE IF EXISTS ${SUMS};`);
}

const markStatements = new WeakMap<Database, BetterSqlite3.Statement<unknown[]>>();

/** In the write's transaction: the residents' rows in every stored set are recomputed before the set is read again. */
export function markContributionsDirty(db: Database, residentIds: Iterable<string>): void {
  let s = markStatements.get(db);
  if (!s) {
    s = db.prepare(`INSERT OR IGNORE INTO ${DIRTY} (set_id, resident_id) SELECT set_id, ? FROM ${SETS}`);
    markStatements.set(db, s);
  }
  for (const id of residentIds) s.run(id);
}
