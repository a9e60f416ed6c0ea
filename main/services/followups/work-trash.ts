/**
 * The work list cache's old rows, set aside when a full pass starts and dropped afterwards in short slices (issue 10
 * §4, the cold day). Emptying the tables before the pass read and freed every page of them in one transaction: at
 * 200,000 residents 5.1 s (loaded) before the pass could commit its first slice, and the 工作台 waited for it.
 *
 * Now the pass's first transaction renames the cache's tables aside (`p_work_trash<n>_…`: a change of the schema, not
 * of the rows) and creates empty ones under the usual names, so every row under those names is still one of the pass's
 * day and rules. The renamed tables are never read again; `dropTrashSlice` empties them a short transaction at a time
 * (an index, or a range of rows), and drops each table once empty. A crash at any point leaves whole tables under
 * either name: the next fill finds the trash by its prefix and goes on dropping it. Freed pages are not zeroed
 * (`withoutZeroing`): they held derived rows, and the pass reuses them at once.
 *
 * An index keeps its name when its table is renamed, so the cache's indexes are found by the table they are on and a
 * base name (`p_work_items_order`, or `p_work_items_order_2` while the trash holds the first), never by name alone.
 */
import { withoutZeroing, type Database } from '../../store/sqlite-file';

export const TRASH_PREFIX = 'p_work_trash';

export interface IndexSpec {
  table: string;
  /** The index's base name is `<table>_<what>`. */
  what: string;
  /** What follows `ON <table>`: the columns, and a WHERE for a partial index. */
  columns: string;
}

function indexesOn(db: Database, table: string): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").pluck().all(table) as string[];
}

/** The name of `spec`'s index on its table, if it exists. */
function ownIndex(db: Database, spec: IndexSpec): string | undefined {
  const base = `${spec.table}_${spec.what}`;
  return indexesOn(db, spec.table).find((name) => name === base || (name.startsWith(`${base}_`) && /^\d+$/.test(name.slice(base.length + 1))));
}

/** Creates each index its table lacks, under its base name or, while a renamed table keeps that name, the next free one. */
export function createIndexes(db: Database, specs: readonly IndexSpec[]): void {
  for (const spec of specs) {
    if (ownIndex(db, spec) !== undefined) continue;
    const base = `${spec.table}_${spec.what}`;
    const taken = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?").pluck();
    let name = base;
    for (let n = 2; taken.get(name) !== undefined; n++) name = `${base}_${n}`;
    db.exec(`CREATE INDEX ${name} ON ${spec.table} ${spec.columns}`);
  }
}

export function dropIndexes(db: Database, specs: readonly IndexSpec[]): void {
  for (const spec of specs) {
    const name = ownIndex(db, spec);
    if (name !== undefined) db.exec(`DROP INDEX ${name}`);
  }
}

function trashTables(db: Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE ? ORDER BY name").pluck().all(`${TRASH_PREFIX}%`) as string[];
}

/** True while renamed tables are left to drop. */
export function hasTrash(db: Database): boolean {
  return trashTables(db).length > 0;
}

/**
 * Renames `tables` aside (inside the caller's transaction); the caller creates them again, empty. Each set aside gets
 * its own number, so a pass that starts over before the last one's trash is gone sets its rows aside too.
 */
export function moveToTrash(db: Database, tables: readonly string[]): void {
  const numbers = trashTables(db).map((name) => Number(/^p_work_trash(\d+)_/.exec(name)?.[1] ?? 0));
  const n = Math.max(0, ...numbers) + 1;
  for (const table of tables) db.exec(`ALTER TABLE ${table} RENAME TO ${TRASH_PREFIX}${n}_${table.replace(/^p_work_/, '')}`);
}

/**
 * One short step of dropping the trash, in its own transaction: one index of a renamed table, else up to `rows` of
 * its rows (a range in storage order: the freed pages are neighbours), else the empty table. Returns what it did
 * ('index', or the rows deleted), null when the trash is empty.
 */
export function dropTrashSlice(db: Database, rows: number): 'index' | number | null {
  return withoutZeroing(db, () =>
    db.transaction((): 'index' | number | null => {
      const table = trashTables(db)[0];
      if (table === undefined) return null;
      // Indexes first: deleting rows would otherwise rewrite their entries all over each index.
      const index = indexesOn(db, table)[0];
      if (index !== undefined) {
        db.exec(`DROP INDEX ${index}`);
        return 'index';
      }
      // A WITHOUT ROWID table is ranged by its first key column, any other by its rowid.
      const withoutRowid = db.prepare('SELECT wr FROM pragma_table_list WHERE name = ?').pluck().get(table) === 1;
      const key = withoutRowid ? (db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk = 1').pluck().get(table) as string) : 'rowid';
      const deleted = db.prepare(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} ORDER BY ${key} LIMIT ?)`).run(rows).changes;
      if (deleted < rows) db.exec(`DROP TABLE ${table}`);
      return deleted;
    })(),
  );
}

/** Drops the whole trash at once (the cache's own `drop`, inside its transaction). */
export function dropAllTrash(db: Database): void {
  for (const table of trashTables(db)) db.exec(`DROP TABLE ${table}`);
}
