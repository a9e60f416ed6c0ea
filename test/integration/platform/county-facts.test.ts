/**
 * indicator_facts (migration 0120, platform/county/facts.ts), on PGlite and on PostgreSQL: the migration applies to a
 * platform that already holds documents; the county report read from the stored indicator records gives the very
 * numbers the shared/ functions give from the documents themselves; a row is used only while its document is
 * unchanged (seq) and of this FACTS_VERSION, and follows its document on an id rewrite and a delete.
 * PostgreSQL is skipped, with the reason printed, only where its binaries are absent (CI installs them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators, INDICATOR_IDS } from '../../../shared/domain/indicators/compute';
import { indicatorInputFromDocuments, encounterRecord } from '../../../shared/domain/indicators/from-documents';
import { indicatorWindow, type ReportPeriod } from '../../../shared/domain/indicators/period';
import { DEFAULT_PACKAGES } from '../../../shared/domain/service-packages';
import { ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { generateTownship } from '../../../main/seed';
import { openPglite, openPostgres, type Sql } from '../../../platform/db';
import { migrate } from '../../../platform/migrate';
import { CountyReports } from '../../../platform/county/report';
import { decodeEncounter, encodeEncounter, FACTS_VERSION, villageRecords } from '../../../platform/county/facts';
import type { Clinic } from '../../../platform/store';
import { insertDocuments, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';

const unavailable = postgresUnavailable();
if (unavailable) console.log(`county-facts on PostgreSQL: skipped: ${unavailable}`);

const NOW = Date.UTC(2026, 5, 15, 4);
const TODAY = '2026-06-15';
const YEAR: ReportPeriod = { kind: 'year', year: 2026, index: 1 };
const CODE = '441521101';

function township(): { clinic: Clinic; residents: ResidentDoc[]; encounters: EncounterDoc[]; contracts: ContractDoc[] } {
  const t = generateTownship({ seed: 'county-facts', profile: 'stress', residents: 120, clinic: { clinicCode: CODE, clinicName: '测试乡镇', villages: [] }, now: NOW, today: TODAY, user: { id: 't' } });
  const residents = t.residents;
  const encounters = [...t.encounters()];
  // The seed has no contracts: every fourth resident signs one with the basic package (and the HTN package when managed).
  const contracts: ContractDoc[] = residents.filter((_, i) => i % 4 === 0).map((r, i) => ({
    id: `0190f0e0-0000-7000-9000-${String(i + 1).padStart(12, '0')}`,
    clinicCode: CODE,
    villageCode: r.villageCode,
    residentId: r.id,
    teamId: 'team-1',
    startDate: '2026-01-01',
    endDate: '2026-12-31',
    status: 'active',
    data: { signDate: '2026-01-01', packageIds: i % 2 === 0 ? ['basic'] : ['basic', 'htn-plus'], populationTags: ['htn'] },
    createdAt: NOW,
    updatedAt: NOW,
  }));
  return { clinic: { code: CODE, name: '测试乡镇', villages: t.villages.map((v) => ({ code: v.code, name: v.name })) }, residents, encounters, contracts };
}

/** The numbers straight from the documents with the shared/ functions, as the clinic computes them. */
function expected(docs: ReturnType<typeof township>) {
  const packages = DEFAULT_PACKAGES.map((p) => ServicePackage.parse(p)).sort((a, b) => Number(b.isBasic) - Number(a.isBasic) || a.packageId.localeCompare(b.packageId));
  const input = indicatorInputFromDocuments(docs, packages);
  const all = computeIndicators(input, indicatorWindow(YEAR), { kind: 'clinic' }, {});
  return INDICATOR_IDS.map((id) => [id, all[id].numerator, all[id].denominator]);
}

const countOf = async (sql: Sql, where = '') => Number((await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM indicator_facts ${where}`))[0]!.n);

describe.each([
  ['PGlite', false],
  ['PostgreSQL', true],
] as const)('indicator facts on %s', (_name, onPostgres) => {
  const skip = onPostgres && unavailable !== null;
  let pg: TestPostgres | null = null;
  let p: TestPlatform;
  const docs = township();

  beforeAll(async () => {
    if (skip) return;
    if (onPostgres) pg = startPostgres();
    p = await startTestPlatform(pg ? { databaseUrl: pg.url } : {});
    await p.store.addClinic(docs.clinic);
    await insertDocuments(p.sql, 'residents', docs.residents);
    await insertDocuments(p.sql, 'encounters', docs.encounters);
    await insertDocuments(p.sql, 'contracts', docs.contracts);
  }, 120_000);
  afterAll(async () => {
    await p?.dispose();
    pg?.stop();
  });

  it.skipIf(skip)('the first report maps every document once and stores it; the next reads the stored records and gives the same numbers', async () => {
    const want = expected(docs);
    const first = new CountyReports(p.store);
    const a = (await first.report(CODE, YEAR))!;
    expect(a.indicators.map((f) => [f.id, f.numerator, f.denominator])).toEqual(want);
    const total = docs.residents.length + docs.encounters.length + docs.contracts.length;
    expect(first.factsRead).toEqual({ kept: 0, mapped: total });
    expect(await countOf(p.sql)).toBe(total);

    const second = new CountyReports(p.store);
    const b = (await second.report(CODE, YEAR))!;
    expect(second.factsRead).toEqual({ kept: total, mapped: 0 });
    expect(b.indicators).toEqual(a.indicators);
    expect(b.villages).toEqual(a.villages);
    // The numbers are not all zero: the comparison means something.
    expect(want.filter(([, n]) => Number(n) > 0).length).toBeGreaterThan(5);
  });

  it.skipIf(skip)('a changed document (new seq) and rows of another FACTS_VERSION are mapped again; a draft is stored but not counted', async () => {
    const r = new CountyReports(p.store);
    await r.report(CODE, YEAR);
    const resident = docs.residents[0]!;
    const died = { ...resident, status: 'died', data: { ...resident.data, statusDate: '2025-06-01' } };
    await p.sql.query(`UPDATE documents SET body = $2, seq = nextval('document_seq') WHERE collection = 'residents' AND id = $1`, [resident.id, JSON.stringify(died)]);
    await p.sql.query(`UPDATE indicator_facts SET version = $1 WHERE collection = 'contracts'`, [FACTS_VERSION - 1]);
    const draft = { ...docs.encounters[0]!, id: '0190f0e0-0000-7000-a000-000000000001', status: 'draft' };
    await insertDocuments(p.sql, 'encounters', [draft]);

    const again = new CountyReports(p.store);
    const report = (await again.report(CODE, YEAR))!;
    expect(again.factsRead.mapped).toBe(1 + docs.contracts.length + 1);
    const records = report.indicators.find((f) => f.id === 'recordCoverageRate')!;
    const now = { ...docs, residents: docs.residents.map((x) => (x.id === resident.id ? (died as unknown as ResidentDoc) : x)) };
    expect(records.numerator).toBe(expected(now).find(([id]) => id === 'recordCoverageRate')![1]);
    expect((await p.sql.query<{ record: string }>(`SELECT record FROM indicator_facts WHERE collection = 'encounters' AND id = $1`, [draft.id]))[0]!.record).toBe('');
    expect(await countOf(p.sql, `WHERE version <> ${FACTS_VERSION}`)).toBe(0);
  });

  it.skipIf(skip)('a row follows its document when the id is rewritten and goes when the document is deleted', async () => {
    const e = docs.encounters[1]!;
    await p.sql.query(`UPDATE documents SET id = $2 WHERE collection = 'encounters' AND id = $1`, [e.id, `${e.id}-x`]);
    expect(await countOf(p.sql, `WHERE collection = 'encounters' AND id = '${e.id}-x'`)).toBe(1);
    await p.sql.query(`DELETE FROM documents WHERE collection = 'encounters' AND id = $1`, [`${e.id}-x`]);
    expect(await countOf(p.sql, `WHERE collection = 'encounters' AND id LIKE '${e.id}%'`)).toBe(0);
  });

  it.skipIf(skip)('an encounter record survives its stored form unchanged (absent values come back as null)', () => {
    const completed = docs.encounters.filter((x) => x.status === 'completed').map(encounterRecord);
    expect(new Set(completed.map((x) => x.type)).size).toBeGreaterThan(3);
    for (const r of completed) {
      const nulls = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === undefined ? null : v]));
      expect(decodeEncounter(encodeEncounter(r))).toEqual(nulls);
    }
  });
});

describe.each([
  ['PGlite', false],
  ['PostgreSQL', true],
] as const)('migration 0120 on %s', (_name, onPostgres) => {
  const skip = onPostgres && unavailable !== null;
  let pg: TestPostgres | null = null;
  let sql: Sql;
  let dir: string;

  beforeAll(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'cunyi-facts-mig-'));
    if (onPostgres) {
      pg = startPostgres();
      sql = await openPostgres(pg.url);
    } else {
      sql = await openPglite(dir);
    }
  }, 120_000);
  afterAll(async () => {
    await sql?.close();
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip)('applies to a platform at the previous version that already holds documents, which the report then maps', async () => {
    const before = await migrate(sql, { upTo: 119 });
    expect(before).not.toContain(120);
    const docs = township();
    await insertDocuments(sql, 'residents', docs.residents);
    expect(await sql.query(`SELECT to_regclass('indicator_facts') AS t`)).toEqual([{ t: null }]);
    expect(await migrate(sql)).toContain(120);
    expect(await countOf(sql)).toBe(0);
    const counts = { kept: 0, mapped: 0 };
    let read = 0;
    for (const v of docs.clinic.villages) for await (const page of villageRecords(sql, 'residents', v.code, counts)) read += page.length;
    expect(read).toBe(docs.residents.length);
    expect(counts).toEqual({ kept: 0, mapped: docs.residents.length });
    expect(await migrate(sql)).toEqual([]);
  });
});
