/**
 * Platform migrations 0090 (device villages, moves, departures, parked edits) and 0100 (parked settlements), from a
 * stored database of the release before them (test/fixtures/platform-0060, made once with commit 52686db, never
 * rebuilt): every old row comes through unchanged, the new columns read as "as before" (NULL: a device holds its whole
 * clinic), and what the new tables serve works on the old data: a device enrolled before 0090 authenticates and pulls,
 * a resident pushed before it can be moved (departure, re-home), an edit that arrives late is parked and settled.
 * The same test runs on PGlite and, where its binaries exist, on a throw-away PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Sql } from '../../../platform/db';
import { migrate, migrationFiles } from '../../../platform/migrate';
import { clinicRules } from '../../../platform/index';
import { PlatformStore } from '../../../platform/store';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';

const FIXTURE = resolve(import.meta.dirname, '..', '..', 'fixtures', 'platform-0060');
interface Fixture {
  credentials: Record<string, string>;
  tables: Record<string, Array<Record<string, unknown>>>;
  sequences: Array<{ sequencename: string; last_value: number | null }>;
}
const fixture = JSON.parse(readFileSync(join(FIXTURE, 'data.json'), 'utf8')) as Fixture;
/** Parents before children (REFERENCES in the old schema). */
const TABLE_ORDER = ['clinics', 'enrolment_codes', 'devices', 'record_blocks', 'documents', 'refusals', 'exports', 'operators', 'operator_sessions', 'schema_migrations'];

const statements = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);

/** The old database: the shipped schema files, `schema_migrations` as the old `migrate` made it, every row, the sequences. */
async function loadFixture(sql: Sql): Promise<void> {
  for (const file of readdirSync(join(FIXTURE, 'schema')).sort()) {
    for (const s of statements(readFileSync(join(FIXTURE, 'schema', file), 'utf8'))) await sql.query(s);
  }
  await sql.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)');
  expect(Object.keys(fixture.tables).sort()).toEqual([...TABLE_ORDER].sort());
  for (const table of TABLE_ORDER) {
    for (const row of fixture.tables[table]!) {
      const cols = Object.keys(row);
      await sql.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((c) => row[c]));
    }
  }
  for (const s of fixture.sequences) if (s.last_value !== null) await sql.query('SELECT setval($1, $2)', [s.sequencename, s.last_value]);
}

/** Values as text, so PGlite's numbers and node-postgres's bigint strings compare alike. */
const asText = (rows: Array<Record<string, unknown>>, cols: string[]): string[][] => rows.map((r) => cols.map((c) => (r[c] === null ? 'NULL' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c] as string | number | boolean))));

function scenario(name: string, open: () => Promise<{ sql: Sql; stop?: () => void }>): void {
  describe(`platform migrations 0090 and 0100 from the 0060 release (${name})`, () => {
    let sql: Sql;
    let stop: (() => void) | undefined;
    let applied: number[];

    beforeAll(async () => {
      ({ sql, stop } = await open());
      await loadFixture(sql);
      applied = await migrate(sql);
    }, 120_000);
    afterAll(async () => {
      await sql?.close();
      stop?.();
    });

    it('applies every later migration once, and keeps every old row as it was', async () => {
      const later = (await migrationFiles()).map((m) => m.version).filter((v) => v > 60);
      expect(applied).toEqual(later);
      expect(applied).toEqual(expect.arrayContaining([90, 100]));
      expect(await migrate(sql)).toEqual([]);
      for (const table of TABLE_ORDER.filter((t) => t !== 'schema_migrations')) {
        const old = fixture.tables[table]!;
        if (old.length === 0) continue;
        const cols = Object.keys(old[0]!);
        expect(asText(await sql.query(`SELECT * FROM ${table} ORDER BY 1`), cols), table).toEqual(asText(old, cols));
      }
      const devices = await sql.query<{ villages: string | null }>('SELECT villages FROM devices ORDER BY id');
      expect(devices.map((d) => d.villages)).toEqual([null, null]);
      console.log(`${name}: migrations ${applied.join(', ')} applied to the 0060 database; ${TABLE_ORDER.length - 1} tables' rows unchanged; old devices hold their whole clinic`);
    });

    it('serves the old data through the new tables: pull, move with a departure, park and settle a late edit', async () => {
      const store = new PlatformStore(sql, clinicRules(), () => 1_772_500_000_000);
      const a = await store.authenticate(fixture.credentials['fixture-device-a']!);
      const b = await store.authenticate(fixture.credentials['fixture-device-b']!);
      expect(a.villages.map((v) => v.code)).toEqual(['441521101201', '441521101202']);
      const before = await store.pull(a, 'residents', 0, 100);
      expect(before.departed).toEqual([]);
      const [first] = before.bodies.map((x) => JSON.parse(x) as Record<string, unknown> & { id: string; _deleted: boolean }).filter((d) => d['phone'] === '13800000001');
      expect(first).toBeDefined();

      expect(await store.moveResident({ residentId: first!.id, villageCode: '441521102201', requestedBy: 'test' })).toMatchObject({ toClinic: '441521102', documents: 2 });
      expect((await store.pull(a, 'residents', before.seq, 100)).departed).toEqual([first!.id]);
      expect((await store.pull(b, 'encounters', 0, 100)).bodies.map((x) => (JSON.parse(x) as { residentId: string }).residentId)).toEqual([first!.id]);

      expect(await store.push(a, 'residents', [{ assumedMasterState: first, newDocumentState: { ...first!, name: '旧居民1改' } }])).toEqual([]);
      const [parked] = await store.parkedEdits();
      expect(parked).toMatchObject({ deviceId: 'fixture-device-a', documentId: first!.id });
      expect(await store.settleParked({ id: parked!.id, action: 'apply', by: 'test' })).toMatchObject({ outcome: 'merged' });
      expect((await store.allDocuments('residents')).find((d) => d['id'] === first!.id)).toMatchObject({ name: '旧居民1改', villageCode: '441521102201' });
      expect(await store.status()).toMatchObject({ parked: 0, moves: 1 });
      expect((await store.issueCode('441521101', ['441521101201'])).villages).toEqual(['441521101201']);
      console.log(`${name}: a device enrolled before 0090 pulls; a resident pushed before it moves (departure, re-home); a late edit is parked and applied`);
    }, 60_000);
  });
}

scenario('PGlite', async () => ({ sql: await openPglite(undefined) }));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`migration 0090 on PostgreSQL: skipped: ${unavailable}`);
if (unavailable === null) {
  scenario('PostgreSQL', async () => {
    const pg: TestPostgres = startPostgres();
    return { sql: await openPostgres(pg.url), stop: () => pg.stop() };
  });
}
