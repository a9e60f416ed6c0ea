/**
 * The residents' search index (DESIGN.md §3): RxDB has no multi-entry index, so every resident gets rows
 * `(kind, key)` in an SQLite table inside the same encrypted file: name and given-name prefixes, every pinyin
 * reading and its initials, the ID number, phone and record number, and those three reversed so that "last digits"
 * becomes a prefix scan. It follows the residents collection's change stream (which the storage emits before a
 * write returns, so a saved resident is findable at once) and, on open, catches up from its checkpoint; a crash
 * between a write and its index update is therefore repaired the next time the database opens.
 */
import { getChangedDocumentsSince } from 'rxdb';
import type { Subscription } from 'rxjs';
import { nameSearchKeys, normaliseQuery, type QueryPart } from '../../../shared/domain/pinyin-keys';
import type { ResidentDoc } from '../../../shared/schemas/collections';
import type { ClinicDatabase } from '../../store/database';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Database } from '../../store/sqlite-file';

type Statement = BetterSqlite3.Statement<unknown[]>;

type Kind = 'name' | 'given' | 'py' | 'pyi' | 'gpy' | 'gpyi' | 'id' | 'idr' | 'tel' | 'telr' | 'rec' | 'recr';

const reverse = (s: string) => [...s].reverse().join('');
/** Above every continuation of a prefix in SQLite's UTF-8 TEXT order. */
const PREFIX_END = '\u{10FFFF}';

export function indexKeys(doc: Pick<ResidentDoc, 'name' | 'idNumber' | 'phone' | 'recordNo'>): [Kind, string][] {
  const keys: [Kind, string][] = [];
  const n = nameSearchKeys(doc.name);
  if (n.name) keys.push(['name', n.name]);
  if (n.givenName) keys.push(['given', n.givenName]);
  for (const k of n.fullPinyin) keys.push(['py', k]);
  for (const k of n.initials) keys.push(['pyi', k]);
  for (const k of n.givenFullPinyin) keys.push(['gpy', k]);
  for (const k of n.givenInitials) keys.push(['gpyi', k]);
  if (doc.idNumber) keys.push(['id', doc.idNumber], ['idr', reverse(doc.idNumber)]);
  if (doc.phone) keys.push(['tel', doc.phone], ['telr', reverse(doc.phone)]);
  if (doc.recordNo) keys.push(['rec', doc.recordNo], ['recr', reverse(doc.recordNo)]);
  return keys;
}

/** Which index rows answer one reading of the query, and whether it is an exact or a prefix match. */
function lookupsFor(part: QueryPart): { kinds: Kind[]; key: string; exact: boolean }[] {
  switch (part.kind) {
    case 'name':
      return [{ kinds: ['name', 'given'], key: part.value, exact: false }];
    case 'pinyin':
      return [{ kinds: ['py', 'pyi', 'gpy', 'gpyi'], key: part.value, exact: false }];
    case 'idNumber':
      return [{ kinds: ['id'], key: part.value, exact: true }];
    case 'idSuffix':
      return [{ kinds: ['idr'], key: reverse(part.value), exact: false }];
    case 'phone':
      return [{ kinds: ['tel'], key: part.value, exact: true }];
    case 'phoneSuffix':
      return [{ kinds: ['telr'], key: reverse(part.value), exact: false }];
    case 'recordNo':
      return [{ kinds: ['rec'], key: part.value, exact: true }];
    case 'recordSuffix':
      return [{ kinds: ['recr'], key: reverse(part.value), exact: false }];
  }
}

export class ResidentSearchIndex {
  private readonly sql: Database;
  private subscription: Subscription | null = null;

  constructor(private readonly db: ClinicDatabase) {
    this.sql = db.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS search_residents (
        kind TEXT NOT NULL, key TEXT NOT NULL, resident_id TEXT NOT NULL,
        PRIMARY KEY (kind, key, resident_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS search_residents_by_resident ON search_residents (resident_id);
      CREATE TABLE IF NOT EXISTS search_checkpoint (name TEXT PRIMARY KEY, lwt REAL NOT NULL, id TEXT NOT NULL);
    `);
    this.statements = {
      remove: this.sql.prepare('DELETE FROM search_residents WHERE resident_id = ?'),
      insert: this.sql.prepare('INSERT OR IGNORE INTO search_residents (kind, key, resident_id) VALUES (?, ?, ?)'),
      checkpoint: this.sql.prepare(
        "INSERT INTO search_checkpoint (name, lwt, id) VALUES ('residents', ?, ?) ON CONFLICT(name) DO UPDATE SET lwt = excluded.lwt, id = excluded.id WHERE excluded.lwt > search_checkpoint.lwt OR (excluded.lwt = search_checkpoint.lwt AND excluded.id > search_checkpoint.id)",
      ),
      exact: this.sql.prepare('SELECT resident_id AS id, key FROM search_residents WHERE kind = ? AND key = ? LIMIT ?'),
      prefix: this.sql.prepare('SELECT resident_id AS id, key FROM search_residents WHERE kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?'),
    };
  }

  private readonly statements: Record<'remove' | 'insert' | 'checkpoint' | 'exact' | 'prefix', Statement>;

  /** Replace the rows of these residents (tombstones just lose theirs), in one transaction. */
  apply(docs: readonly (ResidentDoc & { _deleted?: boolean; _meta?: { lwt: number } })[]): void {
    if (docs.length === 0) return;
    this.sql.transaction(() => {
      for (const doc of docs) {
        this.statements.remove.run(doc.id);
        if (!doc._deleted) for (const [kind, key] of indexKeys(doc)) this.statements.insert.run(kind, key, doc.id);
        if (doc._meta) this.statements.checkpoint.run(doc._meta.lwt, doc.id);
      }
    })();
  }

  /** Catch up with everything written since the checkpoint, then follow the change stream. */
  async start(): Promise<void> {
    const instance = this.db.rx.residents.storageInstance;
    const row = this.sql.prepare("SELECT lwt, id FROM search_checkpoint WHERE name = 'residents'").get() as { lwt: number; id: string } | undefined;
    let checkpoint: { lwt: number; id: string } | undefined = row ? { lwt: row.lwt, id: row.id } : undefined;
    for (;;) {
      const batch = await getChangedDocumentsSince(instance, 2000, checkpoint);
      this.apply(batch.documents);
      if (batch.documents.length < 2000) break;
      checkpoint = batch.checkpoint as { lwt: number; id: string };
    }
    this.subscription = instance.changeStream().subscribe((bulk) => {
      this.apply(bulk.events.map((e) => e.documentData as unknown as ResidentDoc & { _deleted?: boolean; _meta?: { lwt: number } }));
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  /**
   * Resident ids matching the query, best matches first: exact identifiers, then full-name and pinyin prefixes,
   * then suffixes. At most `limit`.
   */
  search(query: string, limit: number): string[] {
    const found = new Map<string, number>();
    const parts = normaliseQuery(query);
    parts.forEach((part, partIndex) => {
      for (const lookup of lookupsFor(part)) {
        for (const [kindIndex, kind] of lookup.kinds.entries()) {
          const rows = (
            lookup.exact
              ? this.statements.exact.all(kind, lookup.key, limit)
              : this.statements.prefix.all(kind, lookup.key, lookup.key + PREFIX_END, limit * 4)
          ) as { id: string; key: string }[];
          for (const r of rows) {
            // Lower is better: exact > shorter key (closer to the query) > earlier reading of the query.
            const score = (lookup.exact ? 0 : 1000 + (r.key.length - lookup.key.length) * 10) + partIndex * 100 + kindIndex;
            const prev = found.get(r.id);
            if (prev === undefined || score < prev) found.set(r.id, score);
          }
        }
      }
    });
    return [...found.entries()]
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([id]) => id);
  }
}
