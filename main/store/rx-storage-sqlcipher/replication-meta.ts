/**
 * Replication meta rows that store their document copy once (issue 13, initial-sync benchmark).
 *
 * RxDB's replication keeps, per replicated document, a row `<id>|0` in its `rx-replication-meta-…` collection whose
 * `docData` is the assumed master state. After a pull that state is the document as the collection stores it, minus
 * the storage fields RxDB appends (`_meta`, `_rev`, `_attachments`): its JSON text is the stored row's text cut
 * before those fields, plus `}`. Writing it twice was a third of the bytes of a first sync.
 *
 * So a meta table linked to its collection's table (`linkReplicationMeta`, done by the sync client before the
 * replication starts; the link is stored in `rx_meta_links`) may hold such a row in compact form: `data` is the meta
 * row's JSON without the `docData` value, `ref_at` where that value goes, `ref_len` how many leading UTF-16 units of
 * the document row's text it is (then `}`), `ref_rev` that row's revision. It is written only when that text matches
 * exactly (a string comparison, no assumption about the document), and materialised on every read in SQL (`dataSql`),
 * so reads, queries, conflict checks and change events of the meta instance see exactly the JSON of the full form.
 *
 * Invariant: a compact row's document row exists, with that revision and that text. Everything that changes or
 * removes a row of a linked collection table (its update, `cleanup`, `remove`) first writes the full copy into the
 * meta rows that refer to it (`expand`), in the same transaction. A read that finds the invariant broken throws
 * rather than return another document. Rows written by an older build (no `ref_*` columns yet) are full and stay
 * readable; store migration 0040 marks files that may hold compact rows, so an older build refuses them.
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Database } from '../sqlite-file';
import { quoteIdentifier } from './sqlcipher-helpers';

/** The table of links meta table → collection table (both raw table names). */
export const META_LINKS_TABLE = 'rx_meta_links';

export const CREATE_META_LINKS_SQL = `CREATE TABLE IF NOT EXISTS ${META_LINKS_TABLE} (meta_table TEXT PRIMARY KEY, fork_table TEXT NOT NULL)`;

/** A meta row's `data`, `ref_at`, `ref_len`, `ref_rev` as stored. */
export type MetaRowValues = [data: string, at: number | null, len: number | null, rev: string | null];

const DOC_DATA_KEY = '"docData":';

/** `data` with the document's first `len` units and `}` put back at `at`. */
function materialise(data: string, at: number, len: number, forkData: string): string {
  return data.slice(0, at) + forkData.slice(0, len) + '}' + data.slice(at);
}

/** SQL functions the materialising expressions call; registered once per connection. */
export function registerMetaFunctions(db: Database): void {
  db.function('rx_meta_doc', { deterministic: true }, (id, data, at, len, rev, forkRev, forkData) => {
    if (forkRev !== rev || typeof forkData !== 'string' || typeof data !== 'string' || forkData.length < Number(len)) {
      throw new Error(`replication meta row ${String(id)}: its document row changed under it (revision ${String(forkRev)}, expected ${String(rev)})`);
    }
    return materialise(data, Number(at), Number(len), forkData);
  });
  db.function('rx_meta_missing', (id) => {
    throw new Error(`replication meta row ${String(id)}: its document row is missing`);
  });
}

/**
 * The SQL expression giving a row's full JSON in a meta table `metaTable` linked to `forkTable` (raw names); the meta
 * table must be in scope under its own name. The document row is found by id: the meta row's id is `<id>|0`.
 */
export function dataSql(metaTable: string, forkTable: string): string {
  const m = quoteIdentifier(metaTable);
  return (
    `CASE WHEN ${m}.ref_at IS NULL THEN ${m}.data ELSE coalesce((SELECT rx_meta_doc(${m}.id, ${m}.data, ${m}.ref_at, ` +
    `${m}.ref_len, ${m}.ref_rev, rx_fork.rev, rx_fork.data) FROM ${quoteIdentifier(forkTable)} AS rx_fork ` +
    `WHERE rx_fork.id = substr(${m}.id, 1, length(${m}.id) - 2)), rx_meta_missing(${m}.id)) END`
  );
}

/** `JSON.stringify(doc)` split around its `docData` value, or undefined when that value cannot be placed exactly. */
export function splitAtDocData(doc: Record<string, unknown>): { before: string; after: string } | undefined {
  const shell = JSON.stringify({ ...doc, docData: 0 });
  const key = shell.indexOf(`${DOC_DATA_KEY}0`);
  // A nested object with its own "docData" key would make the place ambiguous: keep such a row full.
  if (key < 0 || shell.indexOf(DOC_DATA_KEY, key + 1) >= 0) return undefined;
  const at = key + DOC_DATA_KEY.length;
  return { before: shell.slice(0, at), after: shell.slice(at + 1) };
}

/**
 * The stored values of meta row `doc`: compact when `fork` (the document row's revision and text, if the table is
 * linked and the row exists) begins with the text of `docData` without its closing brace, full otherwise.
 * `docJson` is `JSON.stringify(doc.docData)`.
 */
export function metaRowValues(
  doc: Record<string, unknown>,
  docJson: string | undefined,
  fork: readonly [rev: string, data: string] | undefined,
): MetaRowValues {
  const split = docJson === undefined ? undefined : splitAtDocData(doc);
  if (!split || docJson === undefined) return [JSON.stringify(doc), null, null, null];
  const len = docJson.length - 1;
  if (fork && docJson.endsWith('}') && fork[1].length >= len && fork[1].startsWith(docJson.slice(0, len))) {
    return [split.before + split.after, split.before.length, len, fork[0]];
  }
  return [split.before + docJson + split.after, null, null, null];
}

type AnyStatement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * Which meta tables are linked to which collection tables on one connection, loaded from `rx_meta_links` on open,
 * and the statements that write full copies back before a collection row changes.
 */
export class MetaLinks {
  private readonly forkByMeta = new Map<string, string>();
  private readonly metasByFork = new Map<string, Set<string>>();
  private readonly expandStatements = new Map<string, { some: AnyStatement; all: AnyStatement }>();

  constructor(private readonly db: Database) {
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(META_LINKS_TABLE);
    if (exists === undefined) return;
    for (const [meta, fork] of db.prepare(`SELECT meta_table, fork_table FROM ${META_LINKS_TABLE}`).raw().all() as [string, string][]) {
      this.remember(meta, fork);
    }
  }

  /** The collection table `metaTable` is linked to, if any. */
  forkOf(metaTable: string): string | undefined {
    return this.forkByMeta.get(metaTable);
  }

  /** The meta tables linked to `forkTable`. */
  metasOf(forkTable: string): ReadonlySet<string> {
    return this.metasByFork.get(forkTable) ?? EMPTY;
  }

  /**
   * Links `metaTable` to `forkTable` (stored); false when it is already linked to another table, which it keeps.
   * Runs inside the caller's transaction.
   */
  link(metaTable: string, forkTable: string): boolean {
    const current = this.forkByMeta.get(metaTable);
    if (current !== undefined) return current === forkTable;
    this.db.exec(CREATE_META_LINKS_SQL);
    this.db.prepare(`INSERT INTO ${META_LINKS_TABLE} (meta_table, fork_table) VALUES (?, ?)`).run(metaTable, forkTable);
    this.remember(metaTable, forkTable);
    return true;
  }

  /**
   * Writes the full copy into every compact meta row referring to one of `ids` of `forkTable`, before those
   * collection rows change. Inside the caller's transaction.
   */
  expand(forkTable: string, ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const meta of this.metasOf(forkTable)) this.statementsFor(meta, forkTable).some.run(JSON.stringify(ids));
  }

  /** Writes the full copy into every compact row of the meta tables linked to `table`, and forgets the links of `table`. */
  expandAllAndUnlink(table: string): string[] {
    const metas = [...this.metasOf(table)];
    for (const meta of metas) this.statementsFor(meta, table).all.run();
    const fork = this.forkByMeta.get(table);
    const touched = fork === undefined ? metas : [...metas, table];
    for (const meta of touched) {
      const linkedFork = this.forkByMeta.get(meta);
      if (linkedFork === undefined) continue;
      this.forkByMeta.delete(meta);
      this.metasByFork.get(linkedFork)?.delete(meta);
      this.expandStatements.delete(meta);
      this.db.prepare(`DELETE FROM ${META_LINKS_TABLE} WHERE meta_table = ?`).run(meta);
    }
    return touched;
  }

  private remember(meta: string, fork: string): void {
    this.forkByMeta.set(meta, fork);
    let metas = this.metasByFork.get(fork);
    if (!metas) this.metasByFork.set(fork, (metas = new Set()));
    metas.add(meta);
  }

  private statementsFor(meta: string, fork: string): { some: AnyStatement; all: AnyStatement } {
    let statements = this.expandStatements.get(meta);
    if (!statements) {
      const set = `UPDATE ${quoteIdentifier(meta)} SET data = (${dataSql(meta, fork)}), ref_at = NULL, ref_len = NULL, ref_rev = NULL WHERE ref_at IS NOT NULL`;
      statements = {
        some: this.db.prepare(`${set} AND id IN (SELECT value || '|0' FROM json_each(?))`),
        all: this.db.prepare(set),
      };
      this.expandStatements.set(meta, statements);
    }
    return statements;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
