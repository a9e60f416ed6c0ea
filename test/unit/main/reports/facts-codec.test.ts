/**
 * The stored facts' text form (main/services/reports/facts-codec.ts): any resident's facts decode to exactly what was
 * encoded, alone and in a table read as one string, whether the row is compact or (texts the compact form cannot cut
 * apart) JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFacts, decodeFactsRows, encodeFacts, eventRangeOf, storedEvent, type StoredFacts } from '../../../../main/services/reports/facts-codec';
import { residentGroupOf } from '../../../../main/services/reports/live-indicator-input';
import { indicatorContributions } from '../../../../shared/domain/indicators/compute';
import { indicatorWindow, periodDates, type ReportPeriod } from '../../../../shared/domain/indicators/period';
import { DEFAULT_INDICATOR_RULES, type IndicatorRules } from '../../../../shared/domain/indicators/rules';
import type { ResidentGroup } from '../../../../shared/domain/indicators/types';
import { DEFAULT_PACKAGES } from '../../../../shared/domain/service-packages';
import type { ServicePackage } from '../../../../shared/schemas/contract';

const date = fc.integer({ min: 0, max: 60_000 }).map((d) => new Date(Date.UTC(1900, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
/** Mostly plain texts, sometimes an empty one or one with the control characters that cut the compact fields. */
const anyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => [...s].every((c) => c.charCodeAt(0) >= 0x20)) },
  { weight: 1, arbitrary: fc.constantFrom('', '\n', 'a\u001fb', '\u001e', 'x\u001d', '\u001c', 'J', '~x', '{"a":1}') },
);
const number = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Object.is(n, -0)));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const type = fc.oneof(fc.constantFrom('htnFollowup', 't2dmFollowup', 'healthCheck', 'htnEnrolment', 'tcmAssessment', 'deviceReading', 'contractService'), anyText);

const facts: fc.Arbitrary<StoredFacts> = fc
  .record({
    id: fc.oneof(fc.uuid(), anyText),
    villageCode: fc.oneof(fc.stringMatching(/^\d{12}$/), anyText),
    birthDate: date,
    createdDate: fc.oneof(date, anyText),
    status: fc.constantFrom<StoredFacts['resident']['status']>('active', 'died', 'movedOut'),
    statusDate: opt(fc.oneof(date, anyText)),
    events: fc.array(
      fc.record({
        type,
        date: fc.oneof({ weight: 9, arbitrary: date }, { weight: 1, arbitrary: anyText }),
        visitMode: opt(fc.constantFrom(1, 2, 3)),
        sbp: opt(number),
        dbp: opt(number),
        glucose: opt(number),
        serviceCode: opt(anyText),
        enrolment: opt(
          fc.record({
            disease: fc.constantFrom<'htn' | 't2dm'>('htn', 't2dm'),
            enrolledDate: date,
            status: fc.constantFrom<'active' | 'died' | 'movedOut' | 'lostToFollowUp' | 'excluded'>('active', 'died', 'movedOut', 'lostToFollowUp', 'excluded'),
            statusDate: opt(date),
          }),
        ),
        complete: opt(fc.boolean()),
      }),
      { maxLength: 12 },
    ),
    contracts: fc.array(
      fc.record({
        id: fc.uuid(),
        teamId: anyText,
        startDate: date,
        endDate: date,
        signDate: opt(date),
        terminatedDate: opt(date),
        packageIds: fc.array(anyText, { maxLength: 3 }),
        populationTags: fc.array(fc.constantFrom('elderly', 'htn', 't2dm', 'child'), { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((r) => ({
    resident: { id: r.id, villageCode: r.villageCode, birthDate: r.birthDate, createdDate: r.createdDate, status: r.status, statusDate: r.statusDate },
    encounters: r.events.map((e, i) => storedEvent(r.id, i, e.type, e.date, e.visitMode, e.sbp, e.dbp, e.glucose, e.serviceCode, e.enrolment, e.complete)),
    contracts: r.contracts.map((c) => ({ ...c, residentId: r.id })),
  }));

describe('stored facts codec', () => {
  it('decodes every row to exactly what was encoded, alone and as a table read in one string', () => {
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 8 }), (rows) => {
        const texts = rows.map(encodeFacts);
        for (const [i, t] of texts.entries()) expect(decodeFacts(t)).toEqual(rows[i]);
        expect(decodeFactsRows(texts.join('\n'))).toEqual(rows);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('stores plain facts compactly, and texts the fields cannot hold as JSON', () => {
    const plain: StoredFacts = {
      resident: { id: 'r1', villageCode: '441521101001', birthDate: '1950-02-28', createdDate: '2020-01-01', status: 'active', statusDate: null },
      encounters: [
        storedEvent('r1', 0, 'htnEnrolment', '2020-01-02', null, null, null, null, null, { disease: 'htn', enrolledDate: '2020-01-02', status: 'active', statusDate: null }, null),
        storedEvent('r1', 1, 'htnFollowup', '2026-03-01', 1, 138, 85, 6.1, null, null, null),
        storedEvent('r1', 2, 'healthCheck', '2026-04-01', null, null, null, null, null, null, false),
        storedEvent('r1', 3, 'newKindOfVisit', '2026-04-02', null, null, null, null, 'S01', null, true),
      ],
      contracts: [{ id: 'c1', residentId: 'r1', teamId: 't1', startDate: '2026-01-01', endDate: '2026-12-31', signDate: '2026-01-01', terminatedDate: null, packageIds: [], populationTags: ['elderly'] }],
    };
    const text = encodeFacts(plain);
    expect(text.startsWith('C')).toBe(true);
    expect(text).not.toContain('{');
    expect(decodeFacts(text)).toEqual(plain);
    const odd = { ...plain, resident: { ...plain.resident, villageCode: 'a\nb' } };
    expect(encodeFacts(odd).startsWith('J')).toBe(true);
    expect(decodeFactsRows(`${encodeFacts(odd)}\n${text}`)).toEqual([odd, plain]);
  });

  it('decodes an empty table to no rows', () => {
    expect(decodeFactsRows('')).toEqual([]);
  });
});

/** Days around the windows asked for below (2019–2027), so events fall before, in and after them. */
const nearDate = fc.integer({ min: 0, max: 9 * 366 }).map((d) => new Date(Date.UTC(2019, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
const VISIT_TYPES = ['htnFollowup', 't2dmFollowup', 'healthCheck', 'tcmAssessment', 'deviceReading', 'selfCareAssessment', 'contractService'] as const;
/** A resident's stored facts as computeFacts makes them: events in date order (ids by position), enrolments among them. */
const recentFacts: fc.Arbitrary<StoredFacts> = fc
  .record({
    id: fc.uuid(),
    village: fc.constantFrom('441521101001', '441521101002'),
    birthDate: fc.integer({ min: 0, max: 90 * 365 }).map((d) => new Date(Date.UTC(1930, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
    createdDate: nearDate,
    status: fc.constantFrom<StoredFacts['resident']['status']>('active', 'active', 'died', 'movedOut'),
    statusDate: nearDate,
    events: fc.array(
      fc.record({
        type: fc.constantFrom(...VISIT_TYPES, 'htnEnrolment', 't2dmEnrolment'),
        date: nearDate,
        visitMode: opt(fc.constantFrom(1, 2, 3)),
        sbp: opt(fc.integer({ min: 100, max: 180 })),
        dbp: opt(fc.integer({ min: 60, max: 110 })),
        glucose: opt(fc.constantFrom(5.1, 6.9, 7.0, 8.4)),
        serviceCode: opt(fc.constantFrom('healthConsultation', 'healthRecordMaintenance')),
        enrolmentStatus: fc.constantFrom<'active' | 'died' | 'movedOut' | 'lostToFollowUp' | 'excluded'>('active', 'active', 'died', 'movedOut', 'lostToFollowUp', 'excluded'),
        statusDate: opt(nearDate),
        complete: opt(fc.boolean()),
      }),
      { maxLength: 24 },
    ),
    contracts: fc.array(
      fc.record({ id: fc.uuid(), startDate: nearDate, days: fc.integer({ min: 30, max: 1100 }), signed: fc.boolean(), tags: fc.subarray(['elderly', 'htn', 't2dm']) }),
      { maxLength: 3 },
    ),
  })
  .map((r) => {
    const events = [...r.events].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return {
      resident: { id: r.id, villageCode: r.village, birthDate: r.birthDate, createdDate: r.createdDate, status: r.status, statusDate: r.status === 'active' ? null : r.statusDate },
      encounters: events.map((e, i) => {
        const disease: 'htn' | 't2dm' | null = e.type === 'htnEnrolment' ? 'htn' : e.type === 't2dmEnrolment' ? 't2dm' : null;
        const enrolment = disease ? { disease, enrolledDate: e.date, status: e.enrolmentStatus, statusDate: e.statusDate } : null;
        return storedEvent(r.id, i, e.type, e.date, e.visitMode, e.sbp, e.dbp, e.glucose, e.serviceCode, enrolment, e.complete);
      }),
      contracts: r.contracts.map((c) => ({
        id: c.id,
        residentId: r.id,
        teamId: 't1',
        startDate: c.startDate,
        endDate: new Date(Date.parse(c.startDate) + c.days * 86_400_000).toISOString().slice(0, 10),
        signDate: c.signed ? c.startDate : null,
        terminatedDate: null,
        packageIds: ['basic'],
        populationTags: c.tags,
      })),
    };
  });

const period = fc.record({
  kind: fc.constantFrom<ReportPeriod['kind']>('month', 'quarter', 'year'),
  year: fc.integer({ min: 2021, max: 2026 }),
  index: fc.integer({ min: 1, max: 12 }),
}).map((p): ReportPeriod => ({ ...p, index: p.kind === 'month' ? p.index : p.kind === 'quarter' ? ((p.index - 1) % 4) + 1 : 1 }));

describe('stored facts read for a range of windows', () => {
  const packages = DEFAULT_PACKAGES as unknown as ServicePackage[];
  const groupsOf = (rows: StoredFacts[]): ResidentGroup[] => {
    const items = new Map();
    return rows.map((f) => residentGroupOf(f, packages, items));
  };
  const contributions = (groups: ResidentGroup[], p: ReportPeriod, rules: IndicatorRules) =>
    indicatorContributions({ residents: groups.map((g) => g.resident), encounters: [], contracts: [], groups }, indicatorWindow(p), rules);
  /** The period's own events of each resident (the activity counts read them). */
  const periodEvents = (groups: ResidentGroup[], p: ReportPeriod) => {
    const d = periodDates(p);
    return groups.map((g) => g.encounters.filter((e) => e.date >= d.start && e.date <= d.end).map((e) => e.id));
  };

  it('counts every resident as the whole rows do, in each window of the range, while leaving events out', () => {
    let left = 0;
    fc.assert(
      fc.property(
        fc.array(recentFacts, { minLength: 1, maxLength: 12 }),
        fc.array(period, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<IndicatorRules>(
          DEFAULT_INDICATOR_RULES,
          { ...DEFAULT_INDICATOR_RULES, standardRule: 'FOUR_PER_YEAR', annualCheck: true },
          { ...DEFAULT_INDICATOR_RULES, elderlyAgeRule: 'turnsInYear', dynamicUseDenominator: 'persons' },
        ),
        (rows, periods, rules) => {
          const text = rows.map(encodeFacts).join('\n');
          const whole = groupsOf(decodeFactsRows(text));
          const range = eventRangeOf(periods.flatMap((p) => [indicatorWindow(p), periodDates(p)]));
          const cut = groupsOf(decodeFactsRows(text, range));
          left += whole.reduce((n, g) => n + g.encounters.length, 0) - cut.reduce((n, g) => n + g.encounters.length, 0);
          for (const p of periods) {
            expect(contributions(cut, p, rules)).toEqual(contributions(whole, p, rules));
            expect(periodEvents(cut, p)).toEqual(periodEvents(whole, p));
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
    // The range did leave events out (else this would test nothing).
    expect(left).toBeGreaterThan(1000);
  });

  it('leaves out exactly the events outside the range, whatever the rows hold (odd dates and texts, JSON rows)', () => {
    const range = fc.tuple(date, date).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }));
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 8 }), range, (rows, r) => {
        const text = rows.map(encodeFacts).join('\n');
        const expected = decodeFactsRows(text).map((f) => {
          let from = r.from;
          for (const c of f.contracts) if (c.startDate < from) from = c.startDate;
          const kept = f.encounters.filter((e) => e.type === 'htnEnrolment' || e.type === 't2dmEnrolment' || (e.date >= from && e.date <= r.to));
          return { ...f, encounters: kept };
        });
        expect(decodeFactsRows(text, r)).toEqual(expected);
      }),
      { numRuns: 400, seed: 13 },
    );
  });

  it("keeps an enrolment and the events from a contract's start, however long before the range", () => {
    const f: StoredFacts = {
      resident: { id: 'r1', villageCode: '441521101001', birthDate: '1950-02-28', createdDate: '2018-01-01', status: 'active', statusDate: null },
      encounters: [
        storedEvent('r1', 0, 'htnEnrolment', '2018-01-02', null, null, null, null, null, { disease: 'htn', enrolledDate: '2018-01-02', status: 'active', statusDate: null }, null),
        storedEvent('r1', 1, 'htnFollowup', '2018-03-01', 1, 138, 85, null, null, null, null),
        storedEvent('r1', 2, 'htnFollowup', '2024-03-01', 1, 138, 85, null, null, null, null),
        storedEvent('r1', 3, 'healthCheck', '2026-04-01', null, null, null, null, null, null, true),
        storedEvent('r1', 4, 'htnFollowup', '2027-02-01', 1, 138, 85, null, null, null, null),
      ],
      contracts: [{ id: 'c1', residentId: 'r1', teamId: 't1', startDate: '2024-01-01', endDate: '2026-12-31', signDate: '2024-01-01', terminatedDate: null, packageIds: ['basic'], populationTags: ['htn'] }],
    };
    const range = eventRangeOf([indicatorWindow({ kind: 'month', year: 2026, index: 6 })]);
    expect(range).toEqual({ from: '2025-07-01', to: '2026-06-30' });
    const [cut] = decodeFactsRows(encodeFacts(f), range);
    expect(cut?.encounters.map((e) => [e.id, e.type, e.date])).toEqual([
      ['0', 'htnEnrolment', '2018-01-02'],
      ['2', 'htnFollowup', '2024-03-01'],
      ['3', 'healthCheck', '2026-04-01'],
    ]);
    expect(cut?.contracts).toEqual(f.contracts);
  });
});
