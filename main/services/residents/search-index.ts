/**
 * The residents' search index (DESIGN.md §3): RxDB has no multi-entry index, so every resident gets rows
 * `(kind, key)` in a table inside the same encrypted file: name and given-name prefixes, every pinyin reading and
 * its initials, the ID number, phone and record number, and those three reversed so that "last digits" becomes a
 * prefix scan. It is a projection (main/store/rx-storage-sqlcipher/projections.ts): the storage writes a resident's
 * rows in the same transaction as the resident, whoever writes it (a form, the seed, replication), so the index is
 * never behind the documents and a crash cannot leave it half-updated. Each row also holds the resident's village, so
 * that a village doctor's search ranks only the villages they serve (issue 11): filtering after ranking could
 * push their own residents out of the answer when many better matches live elsewhere.
 */
import { nameSearchKeys, normaliseQuery, type QueryPart } from '../../../shared/domain/pinyin-keys';
import type { ResidentDoc } from '../../../shared/schemas/collections';
import type { ClinicDatabase } from '../../store/database';
import type { AnyDocument, Projection } from '../../store/rx-storage-sqlcipher';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Database } from '../../store/sqlite-file';
import { assertProjectionReady } from '../data-update';

type Statement = BetterSqlite3.Statement<unknown[]>;

const TABLE = 'p_search_residents';

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

/**
 * The rows are keyed by resident (a resident's rows are together: replacing them is one range, and a rebuild, which
 * reads residents in storage order, appends), and found through two lookup indexes: by key, and by village then key.
 * A rebuild leaves the lookup indexes out and sorts them once at its end (`finishRebuild`): inserted into at random,
 * page after page, they made each page dearer as they grew (1.4 → 7.9 ms per resident at 30,000 residents, loaded).
 */
const ROWS_TABLE = `
  CREATE TABLE IF NOT EXISTS ${TABLE} (
    resident_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, village_code TEXT NOT NULL,
    PRIMARY KEY (resident_id, kind, key)
  ) WITHOUT ROWID;
`;
const LOOKUP_INDEXES = [
  `CREATE INDEX IF NOT EXISTS ${TABLE}_by_key ON ${TABLE} (kind, key);`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_by_village ON ${TABLE} (village_code, kind, key);`,
];

/** Raise `version` whenever indexKeys() or the table changes: the rows are then rebuilt from the residents on open. */
export const searchProjection: Projection = {
  name: 'search',
  // 2: the village column (issue 11). 3: keyed by resident, lookup indexes built at a rebuild's end.
  version: 3,
  collections: ['residents'],
  create(db) {
    db.exec(ROWS_TABLE + LOOKUP_INDEXES.join('\n'));
  },
  createForRebuild(db) {
    db.exec(ROWS_TABLE);
  },
  // One transaction per index: other calls wait for one sort at most.
  finishRebuild: LOOKUP_INDEXES.map((sql) => (db: Database) => db.exec(sql)),
  // Measured (bench/search-rebuild.ts, loaded): 0.49 of the pages' time at 30,000 residents, 1.04 at 200,000.
  finishCost: (residents) => 0.5 * Math.max(1, residents / 30_000) ** 0.4,
  drop(db) {
    db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  },
  apply(db, _collection, docs: readonly AnyDocument[]) {
    const statements = writeStatements(db);
    for (const doc of docs) {
      const resident = doc as unknown as ResidentDoc & { _deleted: boolean };
      statements.remove.run(resident.id);
      if (!resident._deleted) for (const [kind, key] of indexKeys(resident)) statements.insert.run(resident.id, kind, key, resident.villageCode);
    }
  },
};

const prepared = new WeakMap<Database, { remove: Statement; insert: Statement }>();

function writeStatements(db: Database): { remove: Statement; insert: Statement } {
  let s = prepared.get(db);
  if (!s) {
    s = {
      remove: db.prepare(`DELETE FROM ${TABLE} WHERE resident_id = ?`),
      insert: db.prepare(`INSERT OR IGNORE INTO ${TABLE} (resident_id, kind, key, village_code) VALUES (?, ?, ?, ?)`),
    };
    prepared.set(db, s);
  }
  return s;
}

/** Reads the search projection; the storage keeps it current. */
export class ResidentSearchIndex {
  private readonly statements: Record<'exact' | 'prefix' | 'villageExact' | 'villagePrefix', Statement>;

  constructor(private readonly db: ClinicDatabase) {
    this.statements = {
      exact: db.sql.prepare(`SELECT resident_id AS id, key FROM ${TABLE} WHERE kind = ? AND key = ? LIMIT ?`),
      prefix: db.sql.prepare(`SELECT resident_id AS id, key FROM ${TABLE} WHERE kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`),
      villageExact: db.sql.prepare(`SELECT resident_id AS id, key FROM ${TABLE} WHERE village_code = ? AND kind = ? AND key = ? LIMIT ?`),
      villagePrefix: db.sql.prepare(
        `SELECT resident_id AS id, key FROM ${TABLE} WHERE village_code = ? AND kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`,
      ),
    };
  }

  /**
   * Resident ids matching the query, best matches first: exact identifiers, then full-name and pinyin prefixes,
   * then suffixes. At most `limit`. `villages` (null: all) limits the matches to residents of those villages inside
   * the lookups themselves, so the answer is the best matches among them however many better ones live elsewhere.
   */
  search(query: string, limit: number, villages: ReadonlySet<string> | null = null): string[] {
    // After an upgrade the keys may still be rebuilding (projections.ts): a search would miss residents.
    assertProjectionReady(this.db, searchProjection.name);
    if (villages !== null && villages.size === 0) return [];
    const found = new Map<string, number>();
    const parts = normaliseQuery(query);
    const lookup = (exact: boolean, kind: Kind, key: string): { id: string; key: string }[] => {
      if (villages === null) {
        return (exact ? this.statements.exact.all(kind, key, limit) : this.statements.prefix.all(kind, key, key + PREFIX_END, limit * 4)) as { id: string; key: string }[];
      }
      // One index range per village (village_code, kind, key): a doctor serves a handful of villages.
      return [...villages].flatMap(
        (village) =>
          (exact
            ? this.statements.villageExact.all(village, kind, key, limit)
            : this.statements.villagePrefix.all(village, kind, key, key + PREFIX_END, limit * 4)) as { id: string; key: string }[],
      );
    };
    parts.forEach((part, partIndex) => {
      for (const { kinds, key, exact } of lookupsFor(part)) {
        for (const [kindIndex, kind] of kinds.entries()) {
          for (const r of lookup(exact, kind, key)) {
            // Lower is better: exact > shorter key (closer to the query) > earlier reading of the query.
            const score = (exact ? 0 : 1000 + (r.key.length - key.length) * 10) + partIndex * 100 + kindIndex;
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
