/**
 * Table layout of one RxDB storage instance inside the encrypted file: every index of the schema becomes a BLOB
 * column holding the document's RxDB index string in an encoding whose bytewise order is RxDB's (index-key.ts),
 * with an SQL index on it.
 */
import { META_INSTANCE_SCHEMA_TITLE, getIndexableStringMonad, getPrimaryFieldOfPrimaryKey } from 'rxdb/plugins/core';
import type { RxDocumentData, RxJsonSchema } from 'rxdb/plugins/core';
import type { Database } from '../sqlite-file';
import { INDEX_KEY_COLUMN_TYPE, toPaddedIndexKey } from './index-key';

/** Key columns are named `k:<fields>`, their SQL indexes `<table>:k:<fields>`. */
const KEY_COLUMN_PREFIX = 'k:';

/**
 * The extra columns of a replication meta table (replication-meta.ts), all NULL in a row stored in full; after the
 * key columns in the row statements.
 */
export const META_REF_COLUMNS = [
  ['ref_at', 'INTEGER'],
  ['ref_len', 'INTEGER'],
  ['ref_rev', 'TEXT'],
] as const;

/** One SQL key column per RxDB index, in the schema's order. */
export interface IndexColumn {
  /** RxDB's index fields, e.g. `['_deleted', 'villageCode', 'name', 'id']`. */
  readonly fields: readonly string[];
  /** `fields.join(',')`: how query plans name the index. */
  readonly name: string;
  /** Quoted SQL column name. */
  readonly column: string;
  /** Quoted SQL index name. */
  readonly sqlIndex: string;
  readonly toKey: (doc: RxDocumentData<unknown>) => Buffer;
}

export interface TableLayout {
  /** Table name as stored in sqlite_master. */
  readonly rawTable: string;
  /** Quoted table name. */
  readonly table: string;
  readonly primaryPath: string;
  readonly indexes: readonly IndexColumn[];
  /** The `['_meta.lwt', primaryKey]` index that orders getChangedDocumentsSince(). */
  readonly lwtIndex: IndexColumn;
  /** An RxDB replication meta collection: its rows may store their document copy as a reference (META_REF_COLUMNS). */
  readonly replicationMeta: boolean;
}

/** Quotes an SQL identifier; with `"` doubled any string is a safe, distinct name. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * `rx/<database>/<collection>/v<version>`: one file may hold several databases when the app hands us its own
 * handle, so the database name is part of the name too. RxDB collection names cannot contain '/', and the
 * version is digits, so different triples never share a table.
 */
export function tableNameFor(databaseName: string, collectionName: string, schemaVersion: number): string {
  return `rx/${databaseName}/${collectionName}/v${schemaVersion}`;
}

export function getTableLayout<RxDocType>(
  databaseName: string,
  collectionName: string,
  schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>,
): TableLayout {
  const rawTable = tableNameFor(databaseName, collectionName, schema.version);
  const primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as string;
  const indexFields: string[][] = (schema.indexes ?? []).map((index) =>
    typeof index === 'string' ? [index] : [...index],
  );
  // fillWithDefaultSettings adds this index; a schema built without it still needs it for the change feed.
  if (!indexFields.some((fields) => fields.join(',') === `_meta.lwt,${primaryPath}`)) {
    indexFields.push(['_meta.lwt', primaryPath]);
  }
  const seen = new Set<string>();
  const indexes: IndexColumn[] = [];
  for (const fields of indexFields) {
    const name = fields.join(',');
    if (seen.has(name)) continue;
    seen.add(name);
    const toIndexString = getIndexableStringMonad(schema as RxJsonSchema<RxDocumentData<RxDocType>>, fields) as (
      doc: RxDocumentData<unknown>,
    ) => string;
    indexes.push({
      fields,
      name,
      column: quoteIdentifier(`${KEY_COLUMN_PREFIX}${name}`),
      sqlIndex: quoteIdentifier(`${rawTable}:${KEY_COLUMN_PREFIX}${name}`),
      toKey: (doc) => toPaddedIndexKey(toIndexString(doc)),
    });
  }
  const lwtIndex = indexes.find((index) => index.name === `_meta.lwt,${primaryPath}`);
  if (!lwtIndex) throw new Error(`lwt index missing for ${rawTable}`);
  const replicationMeta = schema.title === META_INSTANCE_SCHEMA_TITLE;
  return { rawTable, table: quoteIdentifier(rawTable), primaryPath, indexes, lwtIndex, replicationMeta };
}

/** Statements that create the table and its indexes; all are idempotent. */
export function createTableSql(layout: TableLayout): string[] {
  const keyColumns = [
    ...layout.indexes.map((index) => `${index.column} ${INDEX_KEY_COLUMN_TYPE} NOT NULL`),
    ...(layout.replicationMeta ? META_REF_COLUMNS.map(([name, type]) => `${name} ${type}`) : []),
  ].join(',\n  ');
  return [
    `CREATE TABLE IF NOT EXISTS ${layout.table} (
  id TEXT NOT NULL UNIQUE,
  deleted INTEGER NOT NULL,
  rev TEXT NOT NULL,
  lwt REAL NOT NULL,
  data TEXT NOT NULL,
  ${keyColumns}
)`,
    ...layout.indexes.map((index) => createKeyIndexSql(layout, index)),
    // Partial index: only tombstones are in it, so it costs nothing on ordinary writes and makes cleanup() cheap.
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${layout.rawTable}:tombstones`)} ON ${layout.table} (lwt) WHERE deleted = 1`,
  ];
}

/** The SQL index of one key column (idempotent). */
export function createKeyIndexSql(layout: TableLayout, index: IndexColumn): string {
  return `CREATE INDEX IF NOT EXISTS ${index.sqlIndex} ON ${layout.table} (${index.column})`;
}

/**
 * Creates the table, or brings an existing one up to the schema's indexes, in one transaction: a key column that
 * an older build of the same schema version did not have, or filled with another key encoding, is (re)built from
 * the stored documents, and one whose index the schema no longer has is dropped (inserts would otherwise leave it
 * NULL).
 */
export function ensureTable(db: Database, layout: TableLayout): void {
  db.transaction(() => {
    const existing = db
      .prepare(`SELECT name, type FROM pragma_table_info(?)`)
      .raw()
      .all(layout.rawTable)
      .map((row) => {
        const [name, type] = row as [unknown, unknown];
        return { name: String(name), type: String(type) };
      });
    if (existing.length > 0) {
      const wanted = new Set(layout.indexes.map((index) => `${KEY_COLUMN_PREFIX}${index.name}`));
      const stale = existing.filter(
        (c) => c.name.startsWith(KEY_COLUMN_PREFIX) && (!wanted.has(c.name) || c.type !== INDEX_KEY_COLUMN_TYPE),
      );
      for (const { name } of stale) {
        db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(`${layout.rawTable}:${name}`)}`);
        db.exec(`ALTER TABLE ${layout.table} DROP COLUMN ${quoteIdentifier(name)}`);
      }
      const have = new Set(existing.filter((c) => !stale.includes(c)).map((c) => c.name));
      const missing = layout.indexes.filter((index) => !have.has(`${KEY_COLUMN_PREFIX}${index.name}`));
      for (const index of missing) {
        const column = `${index.column} ${INDEX_KEY_COLUMN_TYPE} NOT NULL DEFAULT x''`;
        db.exec(`ALTER TABLE ${layout.table} ADD COLUMN ${column}`);
      }
      if (missing.length > 0) backfillKeys(db, layout, missing);
      // A meta table an older build made: its rows are all full (NULL references), so adding the columns is enough.
      if (layout.replicationMeta) {
        for (const [name, type] of META_REF_COLUMNS) {
          if (!have.has(name)) db.exec(`ALTER TABLE ${layout.table} ADD COLUMN ${name} ${type}`);
        }
      }
    }
    for (const sql of createTableSql(layout)) db.exec(sql);
  }).immediate();
}

function backfillKeys(db: Database, layout: TableLayout, indexes: readonly IndexColumn[]): void {
  const assignments = indexes.map((index) => `${index.column} = ?`).join(', ');
  const update = db.prepare(`UPDATE ${layout.table} SET ${assignments} WHERE rowid = ?`);
  const rows = db.prepare(`SELECT rowid, data FROM ${layout.table}`).raw().all() as [number, string][];
  for (const [rowid, data] of rows) {
    const doc = JSON.parse(data) as RxDocumentData<unknown>;
    update.run(...indexes.map((index) => index.toKey(doc)), rowid);
  }
}
