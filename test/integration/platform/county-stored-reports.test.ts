/**
 * The county's stored reports (county_reports, platform migration 0140; platform/county/report.ts), on PGlite and on
 * PostgreSQL: a clinic's report for a period is computed once, with the numbers computeIndicators gives from the
 * documents for the clinic and each village, and read back by a new instance (as after a restart) until what it was
 * computed from changes: a record of one of the clinic's villages (a move changes both clinics), one of its settings
 * documents, its villages, or the code's version. Then only that clinic is computed again. The migration applies to a
 * platform at 0130 holding records, and its counters move with every kind of write. PostgreSQL is skipped, with the
 * reason printed, only where its binaries are absent (CI installs them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators, INDICATOR_IDS } from '../../../shared/domain/indicators/compute';
import { indicatorInputFromDocuments } from '../../../shared/domain/indicators/from-documents';
import { indicatorWindow, type ReportPeriod } from '../../../shared/domain/indicators/period';
import { DEFAULT_PACKAGES } from '../../../shared/domain/service-packages';
import { ServicePackage } from '../../../shared/schemas/contract';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { generateTownship } from '../../../main/seed';
import { migrate } from '../../../platform/migrate';
import { writeFacts } from '../../../platform/county/facts';
import { CountyReports, type ClinicReport } from '../../../platform/county/report';
import type { Clinic } from '../../../platform/store';
import { insertDocuments, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { bareDatabase } from '../../helpers/bare-database';

const unavailable = postgresUnavailable();
if (unavailable) console.log(`county-stored-reports on PostgreSQL: skipped: ${unavailable}`);

const NOW = Date.UTC(2026, 5, 15, 4);
const TODAY = '2026-06-15';
const PERIODS: ReportPeriod[] = [
  { kind: 'month', year: 2026, index: 5 },
  { kind: 'quarter', year: 2026, index: 2 },
  { kind: 'year', year: 2026, index: 1 },
];
const A = '441521101';
const B: Clinic = { code: '441521102', name: '乙镇', villages: [{ code: '441521102201', name: '一村' }] };

/**
 * A stress township of 90 residents; every fifth resident's encounters are stored under another village of the clinic
 * (as while a move is in progress), so a resident's records are grouped over the whole clinic, not per village.
 */
function township(): { clinic: Clinic; residents: ResidentDoc[]; encounters: EncounterDoc[]; spread: number } {
  const t = generateTownship({ seed: 'county-stored', profile: 'stress', residents: 90, clinic: { clinicCode: A, clinicName: '甲镇', villages: [] }, now: NOW, today: TODAY, user: { id: 't' } });
  const villages = t.villages.map((v) => ({ code: v.code, name: v.name }));
  const elsewhere = new Set(t.residents.filter((_, i) => i % 5 === 0).map((r) => r.id));
  const other = (code: string) => villages.find((v) => v.code !== code)!.code;
  const encounters = [...t.encounters()].map((e) => (elsewhere.has(e.residentId) ? { ...e, villageCode: other(e.villageCode) } : e));
  const spread = new Set(encounters.filter((e) => elsewhere.has(e.residentId)).map((e) => e.residentId)).size;
  return { clinic: { code: A, name: '甲镇', villages }, residents: t.residents, encounters, spread };
}

type Row = [string, number, number | null];
const rows = (figures: ClinicReport['indicators']): Row[] => figures.map((f) => [f.id, f.numerator, f.denominator]);

/** The numbers straight from the documents with computeIndicators, for the clinic and each village. */
function expected(docs: ReturnType<typeof township>, period: ReportPeriod): { clinic: Row[]; villages: Row[][] } {
  const packages = DEFAULT_PACKAGES.map((p) => ServicePackage.parse(p));
  const input = indicatorInputFromDocuments({ residents: docs.residents, encounters: docs.encounters, contracts: [] }, packages);
  const w = indicatorWindow(period);
  const of = (set: ReturnType<typeof computeIndicators>): Row[] => INDICATOR_IDS.map((id) => [id, set[id].numerator, set[id].denominator]);
  return {
    clinic: of(computeIndicators(input, w, { kind: 'clinic' }, {})),
    villages: docs.clinic.villages.map((v) => of(computeIndicators(input, w, { kind: 'village', villageCode: v.code }, {}))),
  };
}

const records = (r: ClinicReport | null) => r!.indicators.find((f) => f.id === 'recordCoverageRate')!;

describe.each([
  ['PGlite', false],
  ['PostgreSQL', true],
] as const)('stored county reports on %s', (_name, onPostgres) => {
  const skip = onPostgres && unavailable !== null;
  let pg: TestPostgres | null = null;
  let p: TestPlatform;
  const docs = township();

  beforeAll(async () => {
    if (skip) return;
    if (onPostgres) pg = startPostgres();
    p = await startTestPlatform(pg ? { databaseUrl: pg.url } : {});
    await p.store.addClinic(docs.clinic);
    await p.store.addClinic(B);
    await insertDocuments(p.sql, 'residents', docs.residents);
    await insertDocuments(p.sql, 'encounters', docs.encounters);
    await insertDocuments(p.sql, 'residents', [1, 2, 3].map(() => residentWire(B.villages[0]!.code, { data: { createdDate: '2025-01-01' } })));
  }, 120_000);
  afterAll(async () => {
    await p?.dispose();
    pg?.stop();
  });

  it.skipIf(skip)('computes each period once with the numbers of the documents (clinic and every village), then a new instance reads them stored', async () => {
    const first = new CountyReports(p.store);
    const computed: ClinicReport[] = [];
    for (const period of PERIODS) {
      const r = (await first.report(A, period))!;
      const want = expected(docs, period);
      expect(rows(r.indicators)).toEqual(want.clinic);
      expect(r.villages.map((v) => rows(v.indicators))).toEqual(want.villages);
      computed.push(r);
    }
    expect(first.served).toEqual({ computed: 3, stored: 0, kept: 0 });
    // Each period reads the clinic's records once.
    expect(first.factsRead.rows).toBe(3 * (docs.residents.length + docs.encounters.filter((e) => e.status === 'completed').length));
    // Read village by village: no more than the largest village's records and the spread residents' were held at once.
    expect(docs.clinic.villages.length).toBeGreaterThan(2);
    expect(docs.spread).toBeGreaterThan(5);
    const perVillage = await p.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM indicator_facts WHERE village_code LIKE '${A}%' AND record <> '' GROUP BY village_code`);
    expect(first.peakHeld).toBeGreaterThan(0);
    expect(first.peakHeld).toBeLessThan(first.factsRead.rows / 3);
    expect(first.peakHeld).toBeLessThanOrEqual(Math.max(...perVillage.map((r) => Number(r.n))) + docs.encounters.length / 5 + 20);
    // The numbers mean something: several indicators count somebody.
    expect(computed[2]!.indicators.filter((f) => f.numerator > 0).length).toBeGreaterThan(5);

    const restarted = new CountyReports(p.store);
    for (const [i, period] of PERIODS.entries()) expect(await restarted.report(A, period)).toEqual(computed[i]);
    expect(restarted.served).toEqual({ computed: 0, stored: 3, kept: 0 });
    expect(restarted.factsRead.rows).toBe(0);
    expect(await restarted.report(A, PERIODS[0]!)).toEqual(computed[0]);
    expect(restarted.served.kept).toBe(1);
  });

  it.skipIf(skip)('a write to one clinic computes that clinic again and reads the other stored; a move between them computes both', async () => {
    const year = PERIODS[2]!;
    const warm = new CountyReports(p.store);
    const before = [records(await warm.report(A, year)).numerator, records(await warm.report(B.code, year)).numerator];
    const newcomer = residentWire(docs.clinic.villages[0]!.code, { data: { createdDate: '2025-01-01' } });
    await insertDocuments(p.sql, 'residents', [newcomer]);
    const after = new CountyReports(p.store);
    expect(records(await after.report(A, year)).numerator).toBe(before[0]! + 1);
    expect(records(await after.report(B.code, year)).numerator).toBe(before[1]);
    expect(after.served).toEqual({ computed: 1, stored: 1, kept: 0 });
    // The same instance too: its kept report of A is not served once A changed.
    await insertDocuments(p.sql, 'residents', [residentWire(docs.clinic.villages[1]!.code, { data: { createdDate: '2025-01-01' } })]);
    expect(records(await after.report(A, year)).numerator).toBe(before[0]! + 2);
    expect(after.served.computed).toBe(2);

    // A move as the platform makes it: the document changes village (and clinic), its record follows in the same transaction.
    const moved = { ...newcomer, clinicCode: B.code, villageCode: B.villages[0]!.code };
    await p.sql.transaction(async (tx) => {
      await tx.query(`UPDATE documents SET clinic_code = $2, village_code = $3, body = $4, seq = nextval('document_seq') WHERE collection = 'residents' AND id = $1`, [
        newcomer.id,
        B.code,
        B.villages[0]!.code,
        JSON.stringify(moved),
      ]);
      await writeFacts(tx, 'residents', [newcomer.id]);
    });
    const afterMove = new CountyReports(p.store);
    expect([records(await afterMove.report(A, year)).numerator, records(await afterMove.report(B.code, year)).numerator]).toEqual([before[0]! + 1, before[1]! + 1]);
    expect(afterMove.served).toEqual({ computed: 2, stored: 0, kept: 0 });
  });

  it.skipIf(skip)('an entered denominator, a change of villages and a report stored by other code compute the clinic again', async () => {
    const year = PERIODS[2]!;
    const village = docs.clinic.villages[0]!;
    const stored = new CountyReports(p.store);
    expect(records(await stored.report(A, year)).reason).toBe('denominatorNotEntered');
    const denominator = { villageCode: village.code, kind: 'population', value: 500, asOf: '2026-01-01', source: 'census', id: `denominator:${village.code}:population:2026-01-01`, enteredBy: 'admin', enteredAt: NOW };
    const setting = { id: denominator.id, type: 'denominator', clinicCode: A, data: denominator, updatedAt: NOW };
    await insertDocuments(p.sql, 'settings', [setting]);
    const afterSetting = new CountyReports(p.store);
    const withDenominator = await afterSetting.report(A, year);
    expect(afterSetting.served.computed).toBe(1);
    expect(withDenominator!.villages[0]!.indicators.find((f) => f.id === 'recordCoverageRate')).toMatchObject({ denominator: 500, enteredAsOf: '2026-01-01', reason: null });

    // Villages live outside the documents: dropping one changes the report though no record changed.
    await p.sql.query('UPDATE clinics SET villages = $2 WHERE code = $1', [A, JSON.stringify(docs.clinic.villages.slice(0, 1))]);
    const fewer = new CountyReports(p.store);
    const one = (await fewer.report(A, year))!;
    expect(fewer.served.computed).toBe(1);
    expect(one.villages.map((v) => v.code)).toEqual([village.code]);
    expect(records(one).numerator).toBeLessThan(records(withDenominator).numerator);
    await p.sql.query('UPDATE clinics SET villages = $2 WHERE code = $1', [A, JSON.stringify(docs.clinic.villages)]);

    // A report stored under another digest (as by an older build's code) is not served.
    await fewer.report(A, year);
    await p.sql.query(`UPDATE county_reports SET inputs = 'made by other code', report = '{}' WHERE clinic_code = $1`, [A]);
    const upgraded = new CountyReports(p.store);
    expect(await upgraded.report(A, year)).toEqual(withDenominator);
    expect(upgraded.served).toEqual({ computed: 1, stored: 0, kept: 0 });
  });
});

describe.each([
  ['PGlite', false],
  ['PostgreSQL', true],
] as const)('migration 0140 on %s', (_name, onPostgres) => {
  const skip = onPostgres && unavailable !== null;
  const db = bareDatabase({ onPostgres, skip, prefix: 'cunyi-reports-mig-' });

  const counters = async () =>
    Object.fromEntries((await db.sql.query<{ village_code: string; changes: string | number }>('SELECT village_code, changes FROM indicator_facts_changes ORDER BY village_code')).map((r) => [r.village_code, Number(r.changes)]));

  it.skipIf(skip)('applies to a platform at 0130 holding records; then every insert, update, move and delete of records moves its villages\u2019 counters', async () => {
    expect(await migrate(db.sql, { upTo: 130 })).toContain(130);
    await db.sql.query(`INSERT INTO clinics (code, name, villages, created_at) VALUES ($1, '甲镇', '[]', 0)`, [A]);
    const doc = (id: string, village: string) => [id, village, JSON.stringify({ id, villageCode: village })];
    const put = async (id: string, village: string) => {
      const [i, v, body] = doc(id, village);
      await db.sql.query(
        `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at) VALUES ('residents', $1, nextval('document_seq'), $4, $2, 'r', false, $3, 't', 0)`,
        [i, v, body, A],
      );
      await db.sql.query(`INSERT INTO indicator_facts (collection, id, seq, village_code, resident_id, record) VALUES ('residents', $1, 1, $2, $1, 'x')`, [i, v]);
    };
    await put('r1', '441521101201');
    expect(await migrate(db.sql)).toContain(140);
    // Records from before the migration count as nothing written since (no report is stored from before it).
    expect(await counters()).toEqual({});
    await put('r2', '441521101201');
    expect(await counters()).toEqual({ '441521101201': 1 });
    // One statement writing several rows of one village moves its counter once; a move moves both villages.
    await db.sql.query(`UPDATE indicator_facts SET seq = seq + 1 WHERE id IN ('r1', 'r2')`);
    expect(await counters()).toEqual({ '441521101201': 2 });
    await db.sql.query(`UPDATE indicator_facts SET village_code = '441521101202' WHERE id = 'r2'`);
    expect(await counters()).toEqual({ '441521101201': 3, '441521101202': 1 });
    // A statement that changes no row moves nothing; a document's delete takes its record and moves the counter.
    await db.sql.query(`UPDATE indicator_facts SET seq = 0 WHERE id = 'none'`);
    expect(await counters()).toEqual({ '441521101201': 3, '441521101202': 1 });
    await db.sql.query(`DELETE FROM documents WHERE id = 'r1'`);
    expect(await counters()).toEqual({ '441521101201': 4, '441521101202': 1 });
    // The upsert every write path uses (facts.ts storeRecords) moves it too.
    await db.sql.query(
      `INSERT INTO indicator_facts (collection, id, seq, village_code, resident_id, record) VALUES ('residents', 'r2', 9, '441521101202', 'r2', 'y')
       ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, record = EXCLUDED.record`,
    );
    expect(await counters()).toEqual({ '441521101201': 4, '441521101202': 2 });
    expect(await migrate(db.sql)).toEqual([]);
  });
});
