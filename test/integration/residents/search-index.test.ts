/**
 * The search keys' layout (issue 10 §3): rows keyed by resident, found through two lookup indexes that a rebuild
 * sorts once at its end. The lookups must use those indexes (no scan, no sort), and the answers must be exactly
 * those of the previous layout (version 2, keyed by kind and key, kept below as it shipped) for the same rows, before
 * and after the upgrade's rebuild from it.
 */
import { describe, expect, it } from 'vitest';
import type { ResidentDoc } from '../../../shared/schemas/collections';
import { CLINIC_PROJECTIONS } from '../../../main/services/projections';
import { indexKeys, ResidentSearchIndex, searchProjection } from '../../../main/services/residents/search-index';
import { openClinicDatabase, type ClinicDatabase } from '../../../main/store/database';
import { KeyVault } from '../../../main/store/keys';
import { SETUP_INPUT } from '../../helpers/host';
import { seededClinicDir } from '../../helpers/seeded-clinic';

const { username, password } = SETUP_INPUT.admin;
const TABLE = 'p_search_residents';
/** Version 2 of the table as it shipped (search-index.ts before issue 10 §3). */
const V2_TABLE = `
  CREATE TABLE ${TABLE} (
    kind TEXT NOT NULL, key TEXT NOT NULL, resident_id TEXT NOT NULL, village_code TEXT NOT NULL,
    PRIMARY KEY (kind, key, resident_id)
  ) WITHOUT ROWID;
  CREATE INDEX ${TABLE}_by_resident ON ${TABLE} (resident_id);
  CREATE INDEX ${TABLE}_by_village ON ${TABLE} (village_code, kind, key);
`;

const clinic = seededClinicDir({ prefix: 'cunyi-search-index-', seed: 'search-index', residents: 400 });

async function open(deferRebuilds = false): Promise<ClinicDatabase> {
  const vault = await KeyVault.open(clinic.dataDir);
  const { dataKey } = await vault.unlockWithPassword(username, password);
  try {
    return await openClinicDatabase(clinic.dataDir, dataKey, { projections: CLINIC_PROJECTIONS, deferRebuilds });
  } finally {
    dataKey.fill(0);
  }
}

/** Queries of every kind the box takes, from the seeded residents: names, prefixes, pinyin, initials, digits. */
async function queriesOf(db: ClinicDatabase): Promise<{ queries: string[]; villages: string[] }> {
  const residents = (await db.rx.residents.find().exec()).map((d) => d.toJSON() as ResidentDoc);
  const queries = new Set<string>();
  for (const r of residents.filter((_r, i) => i % 9 === 0)) {
    queries.add(r.name).add([...r.name][0] ?? '').add([...r.name].slice(1).join(''));
    for (const [kind, key] of indexKeys(r)) {
      if (kind === 'py' || kind === 'pyi' || kind === 'gpyi') queries.add(key.slice(0, 3)).add(key);
    }
    if (r.idNumber) queries.add(r.idNumber).add(r.idNumber.slice(-4));
    if (r.phone) queries.add(r.phone).add(r.phone.slice(-4));
    if (r.recordNo) queries.add(r.recordNo).add(r.recordNo.slice(-3));
  }
  queries.delete('');
  return { queries: [...queries], villages: [...new Set(residents.map((r) => r.villageCode))].sort() };
}

/** Every query's answer for everyone, for each village alone and for all of them by name. */
function answers(db: ClinicDatabase, queries: readonly string[], villages: readonly string[]): string[][] {
  const index = new ResidentSearchIndex(db);
  const scopes: (ReadonlySet<string> | null)[] = [null, ...villages.map((v) => new Set([v])), new Set(villages)];
  return queries.flatMap((q) => scopes.flatMap((scope) => [index.search(q, 20, scope), index.search(q, 3, scope)]));
}

describe('the search keys keyed by resident (version 3)', () => {
  it('every lookup and the replacement of a resident’s keys use an index: no scan, no sort', async () => {
    const db = await open();
    try {
      const plan = (sql: string, ...args: unknown[]) =>
        (db.sql.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
      const PREFIX_END = '\u{10FFFF}';
      expect(plan(`SELECT resident_id AS id, key FROM ${TABLE} WHERE kind = ? AND key = ? LIMIT ?`, 'name', '张三', 20)).toMatch(
        /^SEARCH p_search_residents USING COVERING INDEX p_search_residents_by_key \(kind=\? AND key=\?\)$/,
      );
      expect(plan(`SELECT resident_id AS id, key FROM ${TABLE} WHERE kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`, 'py', 'zh', `zh${PREFIX_END}`, 80)).toMatch(
        /^SEARCH p_search_residents USING COVERING INDEX p_search_residents_by_key \(kind=\? AND key>\? AND key<\?\)$/,
      );
      expect(plan(`SELECT resident_id AS id, key FROM ${TABLE} WHERE village_code = ? AND kind = ? AND key = ? LIMIT ?`, 'v', 'tel', '138', 20)).toMatch(
        /^SEARCH p_search_residents USING COVERING INDEX p_search_residents_by_village \(village_code=\? AND kind=\? AND key=\?\)$/,
      );
      expect(
        plan(`SELECT resident_id AS id, key FROM ${TABLE} WHERE village_code = ? AND kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`, 'v', 'py', 'zh', `zh${PREFIX_END}`, 80),
      ).toMatch(/^SEARCH p_search_residents USING COVERING INDEX p_search_residents_by_village \(village_code=\? AND kind=\? AND key>\? AND key<\?\)$/);
      expect(plan(`DELETE FROM ${TABLE} WHERE resident_id = ?`, 'r1')).toMatch(/^SEARCH p_search_residents USING PRIMARY KEY \(resident_id=\?\)$/);
    } finally {
      await db.close();
    }
  });

  it('answers exactly as the version 2 layout did, and an upgrade from it rebuilds to the same answers', async () => {
    let db = await open();
    let queries: string[];
    let villages: string[];
    let current: string[][];
    try {
      ({ queries, villages } = await queriesOf(db));
      expect(queries.length).toBeGreaterThan(100);
      expect(villages.length).toBeGreaterThanOrEqual(2);
      current = answers(db, queries, villages);
      expect(current.filter((a) => a.length > 0).length).toBeGreaterThan(queries.length);

      // The file as the previous build left it: the version 2 table with the same keys, and its version.
      const residents = (await db.rx.residents.find().exec()).map((d) => d.toJSON() as ResidentDoc);
      db.sql.transaction(() => {
        db.sql.exec(`DROP TABLE ${TABLE}; ${V2_TABLE}`);
        const insert = db.sql.prepare(`INSERT OR IGNORE INTO ${TABLE} (kind, key, resident_id, village_code) VALUES (?, ?, ?, ?)`);
        for (const r of residents) for (const [kind, key] of indexKeys(r)) insert.run(kind, key, r.id, r.villageCode);
        db.sql.prepare(`UPDATE p__versions SET version = 2 WHERE name = 'search'`).run();
      })();
      expect(answers(db, queries, villages)).toEqual(current);
    } finally {
      await db.close();
    }

    db = await open(true);
    try {
      expect(db.rebuilds.pending()).toEqual(['search']);
      // Until its end the lookups have no index: nobody reads them (the projection is not ready).
      expect(() => new ResidentSearchIndex(db).search('张', 20)).toThrow(expect.objectContaining({ code: 'DATA_UPDATING' }));
      await db.rebuilds.run();
      expect(db.sql.prepare(`SELECT version FROM p__versions WHERE name = 'search'`).pluck().get()).toBe(searchProjection.version);
      expect(db.sql.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(TABLE)).toContain('PRIMARY KEY (resident_id, kind, key)');
      expect(answers(db, queries, villages)).toEqual(current);
    } finally {
      await db.close();
    }
  });
});
