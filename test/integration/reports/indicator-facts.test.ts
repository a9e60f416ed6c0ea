/**
 * The stored per-resident facts (main/services/reports/indicator-facts.ts) against a from-scratch computation: after
 * any sequence of writes (deaths, moves, amendments, documents moved to another resident as a merge does, deleted
 * records, contracts, drafts) the input the reports use gives exactly the indicators (ids behind every number
 * included) that the same shared functions give over every live document read again.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../shared/api/reports';
import { computeIndicators, currentEvents, indicatorWindow, type IndicatorInput, type ReportPeriod } from '../../../shared/domain/indicators';
import { indicatorInputFromDocuments } from '../../../shared/domain/indicators/from-documents';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { seedClinic } from '../../../main/seed';
import { readAll } from '../../../main/services/reports/indicator-input';
import { IndicatorFacts, type FactsProgress } from '../../../main/services/reports/indicator-facts';
import type { ClinicServices } from '../../../main/services/clinic-services';
import { clinicHarness, type ApiHarness } from '../../helpers/api';

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
    );

    const apply = async (s: typeof step extends fc.Arbitrary<infer T> ? T : never) => {
      const now = h.clock.now();
      switch (s.kind) {
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

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        for (const s of steps) await apply(s);
        await expectSameAsScratch();
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
    await someone.incrementalPatch({ status: 'died', data: { ...someone.data, statusDate: '2023-01-01' }, updatedAt: h.clock.now() });
    // Committed with the document: the resident is dirty before anyone reads.
    expect(sql.prepare('SELECT count(*) FROM p_indicator_facts_dirty WHERE resident_id = ?').pluck().get(someone.id)).toBe(1);
    const after = await h.ok<Report>('reports.get', { period: may });
    expect(records(after)).toBe(records(before) - 1);
    expect(sql.prepare('SELECT count(*) FROM p_indicator_facts_dirty').pluck().get()).toBe(0);
    await expectSameAsScratch();
  });

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
