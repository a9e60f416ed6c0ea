/**
 * indicator_facts (migration 0130, platform/county/facts.ts), on PGlite and on PostgreSQL: the records are made as
 * documents are written, so the county report reads only them and gives the very numbers the shared/ functions give
 * from the documents themselves; a document written by a path that does not remake its record is marked stale by
 * the table's trigger and remade before the next report, as is every record of another FACTS_VERSION; a record
 * follows its document on an id rewrite and goes with it on delete; the migration applies to a platform that already
 * holds documents and old records. PostgreSQL is skipped, with the reason printed, only where its binaries are absent
 * (CI installs them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators, INDICATOR_IDS } from '../../../shared/domain/indicators/compute';
import { indicatorInputFromDocuments, encounterRecord, residentRecord } from '../../../shared/domain/indicators/from-documents';
import { indicatorWindow, type ReportPeriod } from '../../../shared/domain/indicators/period';
import { DEFAULT_PACKAGES } from '../../../shared/domain/service-packages';
import { ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { generateTownship } from '../../../main/seed';
import type { Sql } from '../../../platform/db';
import { migrate } from '../../../platform/migrate';
import { CountyReports } from '../../../platform/county/report';
import { clinicRecords, FACTS_VERSION, rebuildFacts } from '../../../platform/county/facts';
import { decodeEncounter, decodeResident, encodeEncounter, encodeResident } from '../../../platform/county/facts-record';
import type { Clinic } from '../../../platform/store';
import { insertDocuments, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { expectFactsFromScratch } from '../../helpers/county-facts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { bareDatabase } from '../../helpers/bare-database';

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

  it.skipIf(skip)('the records are made as the documents are written; the report reads only them and gives the numbers of the documents', async () => {
    const total = docs.residents.length + docs.encounters.length + docs.contracts.length;
    expect(await expectFactsFromScratch(p.sql)).toBe(total);
    const want = expected(docs);
    const first = new CountyReports(p.store);
    const a = (await first.report(CODE, YEAR))!;
    expect(a.indicators.map((f) => [f.id, f.numerator, f.denominator])).toEqual(want);
    const drafts = docs.encounters.filter((e) => e.status !== 'completed').length;
    expect(first.factsRead).toEqual({ rows: total - drafts, rebuilt: 0 });

    const second = new CountyReports(p.store);
    const b = (await second.report(CODE, YEAR))!;
    expect(second.factsRead.rebuilt).toBe(0);
    expect(b.indicators).toEqual(a.indicators);
    expect(b.villages).toEqual(a.villages);
    // The numbers are not all zero: the comparison means something.
    expect(want.filter(([, n]) => Number(n) > 0).length).toBeGreaterThan(5);
  });

  it.skipIf(skip)('a document written around the write path and records of another FACTS_VERSION are remade before the report; a draft counts for nothing', async () => {
    const resident = docs.residents[0]!;
    const died = { ...resident, status: 'died', data: { ...resident.data, statusDate: '2025-06-01' } };
    // Straight into the table, as no write path does: the trigger marks it stale.
    await p.sql.query(`UPDATE documents SET body = $2, seq = nextval('document_seq') WHERE collection = 'residents' AND id = $1`, [resident.id, JSON.stringify(died)]);
    expect(await p.sql.query(`SELECT collection, id FROM indicator_facts_stale`)).toEqual([{ collection: 'residents', id: resident.id }]);
    const draft = { ...docs.encounters[0]!, id: '0190f0e0-0000-7000-a000-000000000001', status: 'draft' };
    await insertDocuments(p.sql, 'encounters', [draft]);

    const again = new CountyReports(p.store);
    const report = (await again.report(CODE, YEAR))!;
    expect(again.factsRead.rebuilt).toBe(1);
    const records = report.indicators.find((f) => f.id === 'recordCoverageRate')!;
    const now = { ...docs, residents: docs.residents.map((x) => (x.id === resident.id ? (died as unknown as ResidentDoc) : x)) };
    expect(records.numerator).toBe(expected(now).find(([id]) => id === 'recordCoverageRate')![1]);
    expect(records.numerator).toBe(Number(expected(docs).find(([id]) => id === 'recordCoverageRate')![1]) - 1);
    expect((await p.sql.query<{ record: string }>(`SELECT record FROM indicator_facts WHERE collection = 'encounters' AND id = $1`, [draft.id]))[0]!.record).toBe('');

    // An upgrade whose mapping differs: every record is remade once, in batches, and the numbers stay.
    await p.sql.query(`UPDATE indicator_facts_version SET version = 'older'`);
    const upgraded = new CountyReports(p.store);
    const after = (await upgraded.report(CODE, YEAR))!;
    expect(upgraded.factsRead.rebuilt).toBe(await countOf(p.sql));
    expect(after.indicators).toEqual(report.indicators);
    expect(await p.sql.query('SELECT version FROM indicator_facts_version')).toEqual([{ version: FACTS_VERSION }]);
    expect(await expectFactsFromScratch(p.sql)).toBe(await countOf(p.sql));
  });

  it.skipIf(skip)('a rebuild stopped part-way resumes where it stopped, and never puts back a record older than the stored one', async () => {
    await p.sql.query("INSERT INTO indicator_facts_stale (collection, id) SELECT collection, id FROM documents WHERE collection IN ('residents', 'encounters', 'contracts') ON CONFLICT DO NOTHING");
    const stale = Number((await p.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM indicator_facts_stale'))[0]!.n);
    // A batch whose transaction fails commits nothing: every mark stays.
    const failing = { ...p.sql, transaction: async () => Promise.reject(new Error('stopped')) } as Sql;
    await expect(rebuildFacts(failing, 50)).rejects.toThrow('stopped');
    expect(Number((await p.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM indicator_facts_stale'))[0]!.n)).toBe(stale);
    // Stopped after one committed batch: that batch's marks are gone, the rest are remade by the next run.
    let batches = 0;
    const counting = {
      ...p.sql,
      transaction: async <T,>(fn: (tx: Parameters<Parameters<Sql['transaction']>[0]>[0]) => Promise<T>): Promise<T> => {
        batches += 1;
        if (batches > 1) throw new Error('stopped after one batch');
        return p.sql.transaction(fn);
      },
    };
    await expect(rebuildFacts(counting, 50)).rejects.toThrow('stopped after one batch');
    expect(Number((await p.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM indicator_facts_stale'))[0]!.n)).toBe(stale - 50);
    expect(await rebuildFacts(p.sql, 50)).toBe(stale - 50);
    // A record made from an older seq does not replace the stored one.
    const e = docs.encounters[2]!;
    const [row] = await p.sql.query<{ seq: string; record: string }>(`SELECT seq::text AS seq, record FROM indicator_facts WHERE collection = 'encounters' AND id = $1`, [e.id]);
    await p.sql.query(`UPDATE indicator_facts SET seq = seq + 1000000 WHERE collection = 'encounters' AND id = $1`, [e.id]);
    await p.sql.query(`INSERT INTO indicator_facts_stale (collection, id) VALUES ('encounters', $1)`, [e.id]);
    await rebuildFacts(p.sql);
    const [kept] = await p.sql.query<{ seq: string }>(`SELECT seq::text AS seq FROM indicator_facts WHERE collection = 'encounters' AND id = $1`, [e.id]);
    expect(Number(kept!.seq)).toBe(Number(row!.seq) + 1_000_000);
    await p.sql.query(`UPDATE indicator_facts SET seq = $2 WHERE collection = 'encounters' AND id = $1`, [e.id, row!.seq]);
  });

  it.skipIf(skip)('a row follows its document when the id is rewritten and goes when the document is deleted', async () => {
    const e = docs.encounters[1]!;
    await p.sql.query(`UPDATE documents SET id = $2 WHERE collection = 'encounters' AND id = $1`, [e.id, `${e.id}-x`]);
    expect(await countOf(p.sql, `WHERE collection = 'encounters' AND id = '${e.id}-x'`)).toBe(1);
    await p.sql.query(`DELETE FROM documents WHERE collection = 'encounters' AND id = $1`, [`${e.id}-x`]);
    expect(await countOf(p.sql, `WHERE collection = 'encounters' AND id LIKE '${e.id}%'`)).toBe(0);
  });

  it.skipIf(skip)('an encounter or resident record survives its stored form unchanged (absent values come back as null)', () => {
    const completed = docs.encounters.filter((x) => x.status === 'completed').map(encounterRecord);
    expect(new Set(completed.map((x) => x.type)).size).toBeGreaterThan(3);
    for (const r of completed) {
      const nulls = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === undefined ? null : v]));
      expect(decodeEncounter(encodeEncounter(r))).toEqual(nulls);
    }
    for (const r of docs.residents.map(residentRecord)) expect(decodeResident(encodeResident(r))).toEqual({ ...r, statusDate: r.statusDate ?? null });
  });
});

describe.each([
  ['PGlite', false],
  ['PostgreSQL', true],
] as const)('migration 0130 on %s', (_name, onPostgres) => {
  const skip = onPostgres && unavailable !== null;
  const db = bareDatabase({ onPostgres, skip, prefix: 'cunyi-facts-mig-' });

  it.skipIf(skip)('applies to a platform at 0120 holding documents and old records: every document is stale, then remade and read', async () => {
    const before = await migrate(db.sql, { upTo: 129 });
    expect(before).toContain(120);
    expect(before).not.toContain(130);
    const docs = township();
    // As 0120's platform stored them (no write path of this build runs before the migration).
    await db.sql.query(
      `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
       SELECT 'residents', u.id, nextval('document_seq'), $1, u.village, 'r', false, u.body, 'test', 0 FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, village, body)`,
      [CODE, docs.residents.map((r) => r.id), docs.residents.map((r) => r.villageCode), docs.residents.map((r) => JSON.stringify({ ...r, _deleted: false }))],
    );
    await db.sql.query(`INSERT INTO indicator_facts (collection, id, seq, version, record) SELECT collection, id, seq, 1, 'old' FROM documents`);
    expect(await migrate(db.sql)).toContain(130);
    expect(await countOf(db.sql)).toBe(0);
    expect(Number((await db.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM indicator_facts_stale'))[0]!.n)).toBe(docs.residents.length);
    expect(await rebuildFacts(db.sql)).toBe(docs.residents.length);
    let read = 0;
    for (const part of await clinicRecords(db.sql, docs.clinic.villages.map((v) => v.code))) read += part.collection === 'residents' ? part.count : 0;
    expect(read).toBe(docs.residents.length);
    expect(await migrate(db.sql)).toEqual([]);
  });
});
