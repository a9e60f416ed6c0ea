/**
 * The stored per-resident facts (main/services/reports/indicator-facts.ts) and the stored per-period contributions
 * (indicator-contributions.ts) against a from-scratch computation: after any sequence of writes (deaths, moves,
 * amendments, documents moved to another resident as a merge does, deleted records, contracts, drafts), a new 口径
 * and days passing, the input the reports use gives exactly the indicators (ids behind every number included) that
 * the same shared functions give over every live document read again, and so do the reports and the lists behind
 * their numbers, which only sum the stored contributions.
 */
import { randomUUID } from 'node:crypto';
import { dateInZone } from '../../../shared/domain/dates';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IndicatorFigure, ListedResident, Report, TrendPoint } from '../../../shared/api/reports';
import {
  computeIndicators,
  currentEvents,
  indicatorWindow,
  INDICATOR_IDS,
  periodDates,
  periodKey,
  sumDenominators,
  trailingPeriods,
  type IndicatorInput,
  type IndicatorScope,
  type ReportPeriod,
} from '../../../shared/domain/indicators';
import { indicatorInputFromDocuments } from '../../../shared/domain/indicators/from-documents';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { seedClinic } from '../../../main/seed';
import { readAll } from '../../../main/services/reports/indicator-input';
import { IndicatorFacts, type FactsProgress } from '../../../main/services/reports/indicator-facts';
import { LiveIndicatorInput } from '../../../main/services/reports/live-indicator-input';
import { IndicatorContributions } from '../../../main/services/reports/indicator-contributions';
import type { ClinicServices } from '../../../main/services/clinic-services';
import { villageNames } from '../../../main/services/clinic-context';
import { clinicHarness, type ApiHarness } from '../../helpers/api';

/** Points of each trend checked: a month's reaches into the year before, a quarter's over a year's end. */
const TREND_COUNT = 7;

const PERIODS: ReportPeriod[] = [
  { kind: 'month', year: 2026, index: 5 },
  { kind: 'quarter', year: 2026, index: 1 },
  { kind: 'year', year: 2025, index: 1 },
  { kind: 'month', year: 2025, index: 8 },
];

describe('stored indicator facts (real encrypted database)', () => {
  let h: ApiHarness;
  const clinic = (): ClinicServices => h.runtime.services.clinic();

  const fromScratch = async (): Promise<IndicatorInput> => {
    const rx = clinic().ctx.db.rx;
    const [residents, encounters, contracts] = await Promise.all([
      readAll(rx.residents.storageInstance),
      readAll(rx.encounters.storageInstance),
      readAll(rx.contracts.storageInstance),
    ]);
    return indicatorInputFromDocuments({ residents, encounters, contracts }, await clinic().teams.listPackages());
  };

  /** Every indicator of every period, for the clinic and each village, and the period counts' events. */
  const everything = (input: IndicatorInput, villages: readonly string[]) => ({
    indicators: PERIODS.flatMap((p) =>
      [{ kind: 'clinic' as const }, ...villages.map((villageCode) => ({ kind: 'village' as const, villageCode }))].map((scope) =>
        computeIndicators(input, indicatorWindow(p), scope, {}),
      ),
    ),
    events: currentEvents(input)
      .map((e) => [e.residentId, e.type, e.date, e.visitMode ?? null, e.sbp ?? null, e.dbp ?? null, e.fastingGlucose ?? null, e.isServiceComplete ?? null].join('|'))
      .sort(),
  });

  const expectSameAsScratch = async () => {
    const scratch = await fromScratch();
    const villages = [...new Set(scratch.residents.map((r) => r.villageCode))].sort();
    const stored = await clinic().reports.indicatorInput();
    expect(stored.residents.length).toBe(scratch.residents.length);
    expect(everything(stored, villages)).toEqual(everything(scratch, villages));
  };

  /** A report's figures as the shared functions give them from scratch, with the 口径 and entered figures in force. */
  const scratchFigures = async (scratch: IndicatorInput, p: ReportPeriod, scope: IndicatorScope, villageCodes: readonly string[]) => {
    const w = indicatorWindow(p);
    const entries = await clinic().reports.denominators.list();
    const of = (kind: string) => sumDenominators(entries.filter((e) => e.kind === kind), villageCodes, w.end);
    const rules = (await clinic().reports.rules.inForce(w.end)).rules;
    const set = computeIndicators(scratch, w, scope, { population: of('population'), htnPatients: of('htnPatients'), t2dmPatients: of('t2dmPatients') }, rules);
    const figures: IndicatorFigure[] = INDICATOR_IDS.map((id) => {
      const { numeratorIds: _n, denominatorIds: _d, ...figure } = set[id];
      return figure;
    });
    return { set, figures };
  };

  /** The period counts as the report defined them before they were stored: the scope's present residents' events. */
  const scratchActivity = (scratch: IndicatorInput, p: ReportPeriod, present: ReadonlySet<string>): Report['activity'] => {
    const { start, end } = periodDates(p);
    const within = (d: string) => d >= start && d <= end;
    const events = currentEvents(scratch).filter((e) => within(e.date) && present.has(e.residentId));
    const followups = events.filter((e) => e.type === 'htnFollowup' || e.type === 't2dmFollowup');
    return {
      newRecords: scratch.residents.filter((r) => present.has(r.id) && within(r.createdDate)).length,
      followups: followups.length,
      faceToFaceFollowups: followups.filter((e) => e.visitMode === 1 || e.visitMode === 2).length,
      healthChecks: events.filter((e) => e.type === 'healthCheck').length,
    };
  };

  /** Every period's report (clinic and each village) and some lists behind numbers, against the from-scratch numbers. */
  const expectReportsAsScratch = async (periods: readonly ReportPeriod[] = PERIODS) => {
    const scratch = await fromScratch();
    const settingsVillages = [...(await villageNames(clinic().ctx)).keys()];
    for (const p of periods) {
      const report = await h.ok<Report>('reports.get', { period: p });
      const clinicWide = await scratchFigures(scratch, p, { kind: 'clinic' }, settingsVillages);
      expect(report.indicators).toEqual(clinicWide.figures);
      expect(report.activity).toEqual(scratchActivity(scratch, p, new Set(clinicWide.set.recordCoverageRate.numeratorIds)));
      for (const v of report.villages) expect(v.indicators).toEqual((await scratchFigures(scratch, p, { kind: 'village', villageCode: v.villageCode }, [v.villageCode])).figures);
    }
    // The trends (stored sets, the missing ones computed together in one pass): each point as its own report.
    const village0 = settingsVillages[0]!;
    for (const last of periods.slice(0, 2)) {
      for (const [scope, codes] of [[{ kind: 'clinic' }, settingsVillages], [{ kind: 'village', villageCode: village0 }, [village0]]] as const) {
        const trend = await h.ok<TrendPoint[]>('reports.trend', { period: last, scope, count: TREND_COUNT });
        const expected = await Promise.all(trailingPeriods(last, TREND_COUNT).map(async (tp) => ({ key: periodKey(tp), periodEnd: indicatorWindow(tp).end, indicators: (await scratchFigures(scratch, tp, scope, codes)).figures })));
        expect(trend).toEqual(expected);
      }
    }
    // The residents behind the numbers, one click away: from the stored rows, the same ids as the shared functions'.
    const p = periods[0]!;
    const village = settingsVillages[0]!;
    const listed = async (indicator: string, side: string, scope?: unknown) =>
      (await h.ok<{ rows: ListedResident[] }>('reports.residents', { period: p, indicator, side, ...(scope ? { scope } : {}) })).rows.map((r) => r.id).sort();
    const all = (await scratchFigures(scratch, p, { kind: 'clinic' }, settingsVillages)).set;
    const one = (await scratchFigures(scratch, p, { kind: 'village', villageCode: village }, [village])).set;
    for (const id of ['htnControlRate', 'elderlyManagementRate', 'contractFulfilmentRate'] as const) {
      const gap = (v: typeof all.htnControlRate) => v.denominatorIds!.filter((x) => !v.numeratorIds.includes(x));
      expect(await listed(id, 'numerator')).toEqual(all[id].numeratorIds);
      expect(await listed(id, 'denominator')).toEqual(all[id].denominatorIds);
      expect(await listed(id, 'gap')).toEqual(gap(all[id]));
      expect(await listed(id, 'gap', { kind: 'village', villageCode: village })).toEqual(gap(one[id]));
    }
  };

  beforeAll(async () => {
    h = await clinicHarness('2026-05-20T02:00:00Z');
    await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'facts', profile: 'realistic', residents: 300 });
  }, 120_000);
  afterAll(() => h.close());

  it('gives exactly the from-scratch indicators after any sequence of deaths, moves, amendments, merges, deletions and contracts', async () => {
    await expectSameAsScratch();
    const rx = clinic().ctx.db.rx;
    const packages = await clinic().teams.listPackages();
    const residentIds = (await readAll(rx.residents.storageInstance)).map((r) => r.id).sort();
    const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
    const completed = async () => (await readAll(rx.encounters.storageInstance)).filter((e) => e.status === 'completed').sort((a, b) => (a.id < b.id ? -1 : 1));
    const date = fc.integer({ min: 0, max: 700 }).map((d) => new Date(Date.UTC(2024, 6, 1) + d * 86_400_000).toISOString().slice(0, 10));

    const step = fc.oneof(
      fc.record({ kind: fc.constantFrom('died', 'movedOut', 'active'), who: fc.nat(), date }),
      fc.record({ kind: fc.constant('amend'), which: fc.nat(), sbp: fc.integer({ min: 100, max: 180 }), later: fc.integer({ min: 1, max: 10_000 }) }),
      fc.record({ kind: fc.constant('moveEncounter'), which: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('mergeResident'), from: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('deleteEncounter'), which: fc.nat() }),
      fc.record({ kind: fc.constant('enrolmentStatus'), which: fc.nat(), status: fc.constantFrom('lostToFollowUp', 'died', 'excluded', 'active'), date }),
      fc.record({ kind: fc.constant('contract'), who: fc.nat(), start: date, signed: fc.boolean(), terminated: fc.option(date, { nil: undefined }) }),
      fc.record({ kind: fc.constant('draft'), who: fc.nat(), date }),
      fc.record({
        kind: fc.constant('rules'),
        from: fc.constantFrom('2025-01-01', '2026-01-01', '2026-04-01'),
        standardRule: fc.constantFrom('ONE_PER_QUARTER', 'FOUR_PER_YEAR'),
        annualCheck: fc.boolean(),
        dynamicUseDenominator: fc.constantFrom('records', 'persons'),
        elderlyAgeRule: fc.constantFrom('atPeriodEnd', 'turnsInYear'),
      }),
      // No indicator depends on "today" (the window runs to the period's last day): days passing change nothing.
      fc.record({ kind: fc.constant('days'), days: fc.integer({ min: 1, max: 40 }) }),
    );

    const apply = async (s: typeof step extends fc.Arbitrary<infer T> ? T : never) => {
      const now = h.clock.now();
      switch (s.kind) {
        case 'rules': {
          const { kind: _k, ...rules } = s;
          await h.ok('indicatorRules.save', rules);
          return;
        }
        case 'days':
          h.clock.advance(s.days * 86_400_000);
          return;
        case 'died':
        case 'movedOut':
        case 'active': {
          const doc = await rx.residents.findOne(pick(residentIds, s.who)).exec();
          if (!doc) return;
          await doc.incrementalModify((d: ResidentDoc) => ({ ...d, status: s.kind, data: { ...d.data, statusDate: s.kind === 'active' ? '' : s.date }, updatedAt: now }));
          return;
        }
        case 'amend': {
          const orig = pick(await completed(), s.which);
          const form = { ...(orig.data['form'] as Record<string, unknown>), sbp: s.sbp };
          const amendment: EncounterDoc = { ...orig, id: randomUUID(), amends: orig.amends || orig.id, amendReason: 'test', data: { ...orig.data, form }, completedAt: orig.completedAt + s.later, updatedAt: now };
          await rx.encounters.insert(amendment);
          return;
        }
        case 'moveEncounter': {
          const e = pick(await completed(), s.which);
          const doc = (await rx.encounters.findOne(e.id).exec())!;
          await doc.incrementalPatch({ residentId: pick(residentIds, s.to), updatedAt: now });
          return;
        }
        case 'mergeResident': {
          // As residents.merge does: every record of one resident moves to the other, then the duplicate is removed.
          const from = pick(residentIds, s.from);
          const to = pick(residentIds, s.to);
          if (from === to || !(await rx.residents.findOne(from).exec())) return;
          for (const e of await rx.encounters.find({ selector: { residentId: from } }).exec()) await e.incrementalPatch({ residentId: to, updatedAt: now });
          for (const c of await rx.contracts.find({ selector: { residentId: from } }).exec()) await c.incrementalPatch({ residentId: to, updatedAt: now });
          await (await rx.residents.findOne(from).exec())!.remove();
          return;
        }
        case 'deleteEncounter': {
          const e = pick(await completed(), s.which);
          await (await rx.encounters.findOne(e.id).exec())!.remove();
          return;
        }
        case 'enrolmentStatus': {
          const enrolments = (await completed()).filter((e) => e.type === 'htnEnrolment' || e.type === 't2dmEnrolment');
          if (enrolments.length === 0) return;
          const e = pick(enrolments, s.which);
          const doc = (await rx.encounters.findOne(e.id).exec())!;
          const form = { ...(e.data['form'] as Record<string, unknown>), status: s.status, statusDate: s.status === 'active' ? '' : s.date };
          await doc.incrementalPatch({ data: { ...e.data, form }, updatedAt: now });
          return;
        }
        case 'contract': {
          const residentId = pick(residentIds, s.who);
          const resident = await rx.residents.findOne(residentId).exec();
          if (!resident) return;
          const end = `${Number(s.start.slice(0, 4)) + 1}${s.start.slice(4)}`;
          const contract: ContractDoc = {
            id: randomUUID(),
            clinicCode: resident.clinicCode,
            villageCode: resident.villageCode,
            residentId,
            teamId: 'team-1',
            startDate: s.start,
            endDate: end > '2027-12-31' ? '2027-12-31' : end,
            status: s.signed ? (s.terminated ? 'terminated' : 'active') : 'draft',
            data: {
              signDate: s.signed ? s.start : '',
              packageIds: packages.slice(0, 1).map((p) => p.packageId),
              populationTags: [],
              ...(s.terminated && s.terminated > s.start ? { termination: { terminatedDate: s.terminated } } : {}),
            },
            createdAt: now,
            updatedAt: now,
          };
          await rx.contracts.insert(contract);
          return;
        }
        case 'draft': {
          const resident = await rx.residents.findOne(pick(residentIds, s.who)).exec();
          if (!resident) return;
          await rx.encounters.insert({
            id: randomUUID(),
            type: 'htnFollowup',
            clinicCode: resident.clinicCode,
            villageCode: resident.villageCode,
            residentId: resident.id,
            date: s.date,
            status: 'draft',
            amends: '',
            amendReason: '',
            data: { form: { visitDate: s.date, visitMode: 1, sbp: 120, dbp: 70 } },
            createdBy: 'test',
            createdAt: now,
            updatedAt: now,
            completedAt: 0,
          });
          return;
        }
      }
    };

    await expectReportsAsScratch();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        for (const s of steps) await apply(s);
        await expectSameAsScratch();
        await expectReportsAsScratch();
      }),
      { numRuns: 12, seed: 15 },
    );
  }, 240_000);

  it('marks a written resident dirty in the write itself, and the next report counts the write', async () => {
    const rx = clinic().ctx.db.rx;
    const sql = clinic().ctx.db.sql;
    const may = { kind: 'month', year: 2026, index: 5 } as const;
    const before = await h.ok<Report>('reports.get', { period: may });
    const records = (r: Report) => r.indicators.find((f) => f.id === 'recordCoverageRate')!.numerator;
    const someone = (await rx.residents.find({ selector: { status: 'active' } }).exec())[0]!;
    const sets = sql.prepare('SELECT count(*) FROM p_indicator_sets WHERE complete = 1').pluck().get() as number;
    expect(sets).toBeGreaterThan(0);
    await someone.incrementalPatch({ status: 'died', data: { ...someone.data, statusDate: '2023-01-01' }, updatedAt: h.clock.now() });
    // Committed with the document: the resident is dirty before anyone reads, in the facts and in every stored set.
    expect(sql.prepare('SELECT count(*) FROM p_indicator_facts_dirty WHERE resident_id = ?').pluck().get(someone.id)).toBe(1);
    expect(sql.prepare('SELECT count(*) FROM p_indicator_contrib_dirty WHERE resident_id = ?').pluck().get(someone.id)).toBe(sets);
    const after = await h.ok<Report>('reports.get', { period: may });
    expect(records(after)).toBe(records(before) - 1);
    // The report recomputed the resident in its own set; the facts are cleaned by whoever reads them next.
    const mayWindow = JSON.stringify(indicatorWindow(may).end);
    const maySet = sql.prepare(`SELECT set_id FROM p_indicator_sets WHERE instr(key, ?) > 0 AND complete = 1`).pluck().all(mayWindow) as number[];
    expect(maySet.length).toBeGreaterThan(0);
    for (const id of maySet) expect(sql.prepare('SELECT count(*) FROM p_indicator_contrib_dirty WHERE set_id = ?').pluck().get(id)).toBe(0);
    // Its sums are kept again for the next read (and were dropped when the resident was recomputed: the count fell).
    for (const id of maySet) expect(sql.prepare('SELECT count(*) FROM p_indicator_contrib_sums WHERE set_id = ?').pluck().get(id)).toBeGreaterThan(0);
    await expectSameAsScratch();
    expect(sql.prepare('SELECT count(*) FROM p_indicator_facts_dirty').pluck().get()).toBe(0);
    await expectReportsAsScratch([may]);
  });

  it('after a restart a report only sums the set an earlier session stored; a set of another version is computed again', async () => {
    const sql = () => clinic().ctx.db.sql;
    const period = PERIODS[1]!;
    await h.ok<Report>('reports.get', { period });
    expect(await clinic().reports.isStored(period)).toBe(true);
    await h.restart();
    await clinic().reports.warmUp();
    const read = vi.spyOn(LiveIndicatorInput.prototype, 'current');
    try {
      expect(await clinic().reports.isStored(period)).toBe(true);
      await expectReportsAsScratch([period]);
      // The report and the lists behind it never read the clinic's whole input: they summed the stored rows.
      expect(read).not.toHaveBeenCalled();
      // Stored under an older version of the shared rules: not used, computed again from the input, then stored.
      sql().prepare(`UPDATE p_indicator_sets SET key = '[0' || substr(key, instr(key, ','))`).run();
      expect(await clinic().reports.isStored(period)).toBe(false);
      await expectReportsAsScratch([period]);
      expect(read).toHaveBeenCalled();
      expect(await clinic().reports.isStored(period)).toBe(true);
    } finally {
      read.mockRestore();
    }
  }, 120_000);

  it('the warm-up stores this month and next month, so on the 1st the report asked at once is already stored', async () => {
    const today = dateInZone(h.clock.now(), clinic().ctx.timeZone);
    const month: ReportPeriod = { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
    const next: ReportPeriod = month.index === 12 ? { kind: 'month', year: month.year + 1, index: 1 } : { ...month, index: month.index + 1 };
    await clinic().reports.warmUp();
    expect(await clinic().reports.isStored(month)).toBe(true);
    expect(await clinic().reports.isStored(next)).toBe(true);
    // A write before the month ends is counted in next month's stored set too.
    const someone = (await clinic().ctx.db.rx.residents.find({ selector: { status: 'active' } }).exec())[0]!;
    await someone.incrementalPatch({ status: 'movedOut', data: { ...someone.data, statusDate: today }, updatedAt: h.clock.now() });
    h.clock.set(Date.parse(`${periodDates(next).start}T02:00:00Z`));
    await h.restart();
    await clinic().reports.warmUp();
    const read = vi.spyOn(LiveIndicatorInput.prototype, 'current');
    try {
      await expectReportsAsScratch([next]);
      // The 报表 screen's 12-month trend beside the report: stored by the warm-up too, only summed.
      for (const p of trailingPeriods(next, 12)) expect(await clinic().reports.isStored(p)).toBe(true);
      const trend = await h.ok<TrendPoint[]>('reports.trend', { period: next, count: 12 });
      expect(trend.map((t) => t.key)).toEqual(trailingPeriods(next, 12).map(periodKey));
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  }, 120_000);

  it("fills a trend's missing sets in one pass over the input, each as its own report", async () => {
    const sql = clinic().ctx.db.sql;
    sql.exec('DELETE FROM p_indicator_contrib; DELETE FROM p_indicator_contrib_dirty; DELETE FROM p_indicator_contrib_sums; DELETE FROM p_indicator_sets;');
    const last: ReportPeriod = { kind: 'month', year: 2026, index: 3 };
    const read = vi.spyOn(LiveIndicatorInput.prototype, 'current');
    try {
      const trend = await h.ok<TrendPoint[]>('reports.trend', { period: last, count: 12 });
      // Twelve sets, one read of the input, answered from memory and stored after the answer.
      expect(read).toHaveBeenCalledTimes(1);
      await clinic().reports.whenStored();
      expect(sql.prepare('SELECT count(*) FROM p_indicator_sets WHERE complete = 1').pluck().get()).toBe(12);
      for (const [i, p] of trailingPeriods(last, 12).entries()) {
        const report = await h.ok<Report>('reports.get', { period: p });
        expect(trend[i]!.indicators).toEqual(report.indicators);
      }
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      read.mockRestore();
    }
    await expectReportsAsScratch([last]);
  }, 120_000);

  it('stores a set under the packages its input was built with, not those a caller read before a package change', async () => {
    const sql = clinic().ctx.db.sql;
    const live = new LiveIndicatorInput(clinic().ctx.db, () => clinic().teams.listPackages());
    try {
      const contributions = new IndicatorContributions(sql, () => live.current());
      const p: ReportPeriod = { kind: 'month', year: 2026, index: 2 };
      const packages = await clinic().teams.listPackages();
      expect(packages.length).toBeGreaterThan(0);
      const rules = (await clinic().reports.rules.inForce(indicatorWindow(p).end)).rules;
      // The caller read the packages before a change (here: before any package existed); the input has the current ones.
      const stale = { window: indicatorWindow(p), dates: periodDates(p), rules, packages: [] };
      const set = await contributions.ensure(stale);
      expect(set.key.packages).toEqual(packages);
      expect(contributions.isStored(stale)).toBe(false);
      expect(contributions.isStored({ ...stale, packages })).toBe(true);
      // What it holds is what a report under the current packages sums.
      sql.exec('DELETE FROM p_indicator_contrib; DELETE FROM p_indicator_contrib_dirty; DELETE FROM p_indicator_contrib_sums; DELETE FROM p_indicator_sets;');
      await contributions.ensure(stale);
      const read = vi.spyOn(LiveIndicatorInput.prototype, 'current');
      try {
        await h.ok<Report>('reports.get', { period: p });
        expect(read).not.toHaveBeenCalled();
      } finally {
        read.mockRestore();
      }
      await expectReportsAsScratch([p]);
    } finally {
      live.stop();
    }
  }, 120_000);

  it('answers a new period from memory and stores its rows after the answer: a write meanwhile is counted, a lock stores the rest', async () => {
    const sql = () => clinic().ctx.db.sql;
    const setOf = (p: ReportPeriod) =>
      sql().prepare(`SELECT set_id, complete FROM p_indicator_sets WHERE instr(key, ?) > 0`).get(JSON.stringify(indicatorWindow(p).end)) as { set_id: number; complete: number } | undefined;
    const rows = (setId: number) => sql().prepare('SELECT count(*) FROM p_indicator_contrib WHERE set_id = ?').pluck().get(setId) as number;
    const records = (r: Report) => r.indicators.find((f) => f.id === 'recordCoverageRate')!.numerator;
    await clinic().reports.whenStored();
    sql().exec('DELETE FROM p_indicator_contrib; DELETE FROM p_indicator_contrib_dirty; DELETE FROM p_indicator_contrib_sums; DELETE FROM p_indicator_sets;');
    const p: ReportPeriod = { kind: 'quarter', year: 2025, index: 3 };
    const first = await h.ok<Report>('reports.get', { period: p });
    // Answered from the sums computed in memory: the set is registered, its rows not stored yet.
    const set = setOf(p)!;
    expect(set.complete).toBe(0);
    expect(rows(set.set_id)).toBe(0);
    // A write before they are stored marks the set: the next report waits for the rows and recomputes the resident.
    const someone = (await clinic().ctx.db.rx.residents.find({ selector: { status: 'active' } }).exec())[0]!;
    await someone.incrementalPatch({ status: 'died', data: { ...someone.data, statusDate: '2024-01-01' }, updatedAt: h.clock.now() });
    const after = await h.ok<Report>('reports.get', { period: p });
    expect(records(after)).toBe(records(first) - 1);
    expect(setOf(p)!.complete).toBe(1);
    await expectReportsAsScratch([p]);
    // Signing out right after an answer stores the rest of the rows: the next session only sums them.
    const q: ReportPeriod = { kind: 'quarter', year: 2025, index: 2 };
    await h.ok<Report>('reports.get', { period: q });
    expect(setOf(q)!.complete).toBe(0);
    await h.restart();
    expect(setOf(q)!.complete).toBe(1);
    const read = vi.spyOn(LiveIndicatorInput.prototype, 'current');
    try {
      await h.ok<Report>('reports.get', { period: q });
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
    await expectReportsAsScratch([q]);
  }, 120_000);

  it('a new version of the facts starts empty at sign-in and is filled again, resuming an interrupted pass', async () => {
    const sql = () => clinic().ctx.db.sql;
    sql().prepare("UPDATE p__versions SET version = 0 WHERE name = 'indicator_facts'").run();
    await h.restart();
    // The projection was dropped and recreated empty at sign-in; only the background pass (in slices) refills it.
    const facts = new IndicatorFacts(sql());
    const residents = sql().prepare('SELECT count(*) FROM p_indicator_residents').pluck().get() as number;
    await facts.ensure();
    expect(facts.progress()).toEqual({ done: residents, total: residents, complete: true });
    expect(sql().prepare('SELECT count(*) FROM p_indicator_facts').pluck().get()).toBe(residents);
    // The warm-up after sign-in has preloaded the input; a write after it is still counted by the next read.
    await clinic().reports.warmUp();
    const someone = (await clinic().ctx.db.rx.residents.find({ selector: { status: 'active' } }).exec())[0]!;
    await someone.incrementalPatch({ status: 'movedOut', data: { ...someone.data, statusDate: '2024-02-01' }, updatedAt: h.clock.now() });
    await expectSameAsScratch();

    // A pass stopped after its first slice keeps its cursor; the next one goes on from there to the end.
    sql().prepare("UPDATE p_indicator_facts_fill SET build = 'indicators/older'").run();
    const seen: FactsProgress[] = [];
    const first = new IndicatorFacts(sql(), (p) => {
      seen.push(p);
      first.stop();
    });
    await first.ensure();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.complete).toBe(false);
    expect(seen[0]!.done).toBeGreaterThan(0);
    expect(seen[0]!.done).toBeLessThan(residents);
    const rest: FactsProgress[] = [];
    const second = new IndicatorFacts(sql(), (p) => rest.push(p));
    await second.ensure();
    expect(rest[0]!.done).toBeGreaterThan(seen[0]!.done);
    expect(rest[rest.length - 1]).toEqual({ done: residents, total: residents, complete: true });
    await expectSameAsScratch();
  }, 120_000);
});
