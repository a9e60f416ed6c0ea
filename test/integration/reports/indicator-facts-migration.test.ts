/**
 * A file whose stored indicator facts are of the previous version (1: one JSON array per resident) is filled again in
 * the new compact rows (main/services/reports/facts-codec.ts) after sign-in, and every report, trend and list behind a
 * number is what it was before: the old rows are never read as new ones, and the stored contributions made from them
 * are dropped with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListedResident, Report, TrendPoint } from '../../../shared/api/reports';
import type { ReportPeriod } from '../../../shared/domain/indicators';
import { seedClinic } from '../../../main/seed';
import { decodeFactsRows } from '../../../main/services/reports/facts-codec';
import { FACTS_BUILD, IndicatorFacts } from '../../../main/services/reports/indicator-facts';
import { clinicHarness, type ApiHarness } from '../../helpers/api';

const PERIODS: ReportPeriod[] = [
  { kind: 'month', year: 2026, index: 5 },
  { kind: 'quarter', year: 2026, index: 1 },
  { kind: 'year', year: 2025, index: 1 },
];

/** The previous release's encounter type codes (indicator-facts.ts at projection version 1). */
const V1_TYPES = ['htnFollowup', 't2dmFollowup', 'healthCheck', 'htnEnrolment', 't2dmEnrolment', 'referralCheck', 'tcmAssessment', 'deviceReading', 'contractService', 'measurement', 'selfCareAssessment'];

describe('stored indicator facts of the previous version', () => {
  let h: ApiHarness;
  const sql = () => h.runtime.services.clinic().ctx.db.sql;

  /** Every report of PERIODS, the 12-month trend and the lists behind one number. */
  const everything = async () => {
    const reports = [];
    for (const period of PERIODS) {
      const { generatedAt: _g, ...report } = await h.ok<Report>('reports.get', { period });
      reports.push(report);
    }
    const trend = await h.ok<TrendPoint[]>('reports.trend', { period: PERIODS[0], count: 12 });
    const lists = [];
    for (const side of ['numerator', 'denominator', 'gap'])
      lists.push((await h.ok<{ rows: ListedResident[] }>('reports.residents', { period: PERIODS[0], indicator: 'htnControlRate', side })).rows.map((r) => r.id));
    return { reports, trend, lists };
  };

  beforeAll(async () => {
    h = await clinicHarness('2026-05-20T02:00:00Z');
    await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'facts-migration', profile: 'realistic', residents: 150 });
  }, 120_000);
  afterAll(() => h.close());

  it('fills the facts again in the new rows after sign-in, and every report stays the same', async () => {
    const before = await everything();
    const facts = new IndicatorFacts(sql());
    await facts.ensure();
    const current = facts.readAll();
    expect(current.length).toBeGreaterThan(100);

    // The file as the previous release left it: version 1 rows (JSON arrays) complete for this build, sets stored.
    const v1 = current.map((f) => [
      f.resident.id,
      f.resident.villageCode,
      f.resident.birthDate,
      f.resident.createdDate,
      f.resident.status,
      f.resident.statusDate,
      f.encounters.map((e) => {
        const t: unknown[] = [
          V1_TYPES.indexOf(e.type) >= 0 ? V1_TYPES.indexOf(e.type) : e.type,
          e.date,
          e.visitMode,
          e.sbp,
          e.dbp,
          e.fastingGlucose,
          e.isServiceComplete === null || e.isServiceComplete === undefined ? null : e.isServiceComplete ? 1 : 0,
          e.serviceCode,
          e.enrolment ? [e.enrolment.disease, e.enrolment.enrolledDate, e.enrolment.status, e.enrolment.statusDate ?? null] : null,
        ];
        while (t.length > 2 && t[t.length - 1] === null) t.pop();
        return t;
      }),
      f.contracts.map((c) => [c.id, c.teamId, c.startDate, c.endDate, c.signDate, c.terminatedDate, c.packageIds, c.populationTags]),
    ]);
    expect(sql().prepare('SELECT count(*) FROM p_indicator_sets WHERE complete = 1').pluck().get()).toBeGreaterThan(0);
    sql().transaction(() => {
      sql().exec('DROP TABLE p_indicator_facts; CREATE TABLE p_indicator_facts (resident_id TEXT PRIMARY KEY, facts TEXT NOT NULL) WITHOUT ROWID;');
      const put = sql().prepare('INSERT INTO p_indicator_facts (resident_id, facts) VALUES (?, ?)');
      for (const row of v1) put.run(row[0], JSON.stringify(row));
      sql().prepare("UPDATE p_indicator_facts_fill SET build = ?, complete = 1, cursor = ''").run(FACTS_BUILD);
      sql().prepare("UPDATE p__versions SET version = 1 WHERE name = 'indicator_facts'").run();
    })();

    await h.restart();
    // Dropped at sign-in with the stored contributions made from them; filled again by whoever needs them first.
    expect(sql().prepare('SELECT count(*) FROM p_indicator_facts').pluck().get()).toBe(0);
    expect(sql().prepare('SELECT count(*) FROM p_indicator_sets').pluck().get()).toBe(0);
    const after = await everything();
    expect(after).toEqual(before);
    const texts = sql().prepare('SELECT facts FROM p_indicator_facts ORDER BY resident_id').pluck().all() as string[];
    expect(texts).toHaveLength(current.length);
    expect(texts.every((t) => t.startsWith('C'))).toBe(true);
    expect(decodeFactsRows(texts.join('\n'))).toEqual(current);
  }, 240_000);
});
