/**
 * The configurable 口径 (indicators.md §1, §2, §4; shared/domain/indicators/rules.ts), each option at its
 * boundaries with hand-computed values. The window is 2025-01-01 … 2025-12-31 unless a case says otherwise.
 */
import { describe, expect, it } from 'vitest';
import {
  computeIndicators,
  DEFAULT_INDICATOR_RULES,
  denominatorLabel,
  rulesInForce,
  rulesLines,
  rulesSource,
  standardRuleCode,
  type EncounterRecord,
  type IndicatorInput,
  type IndicatorRules,
  type ResidentRecord,
  type RulesVersion,
} from '../../../../../shared/domain/indicators';

const YEAR = { start: '2025-01-01', end: '2025-12-31' };
const MARCH = { start: '2025-01-01', end: '2025-03-31' };

const resident = (id: string, extra: Partial<ResidentRecord> = {}): ResidentRecord => ({
  id,
  villageCode: '441521101201',
  birthDate: '1970-06-01',
  createdDate: '2020-01-01',
  status: 'active',
  ...extra,
});

let seq = 0;
const enc = (residentId: string, type: string, date: string, extra: Partial<EncounterRecord> = {}): EncounterRecord => ({
  id: `e${(seq += 1)}`,
  residentId,
  type,
  date,
  status: 'completed',
  amends: '',
  completedAt: seq,
  ...extra,
});
const enrol = (residentId: string, enrolledDate: string, extra: Partial<NonNullable<EncounterRecord['enrolment']>> = {}) =>
  enc(residentId, 'htnEnrolment', enrolledDate, { enrolment: { disease: 'htn', enrolledDate, status: 'active', ...extra } });
const visit = (residentId: string, date: string, visitMode = 1) => enc(residentId, 'htnFollowup', date, { visitMode, sbp: 130, dbp: 80 });
const visits = (residentId: string, dates: string[], visitMode = 1) => dates.map((d) => visit(residentId, d, visitMode));

const rules = (r: Partial<IndicatorRules>): IndicatorRules => ({ ...DEFAULT_INDICATOR_RULES, ...r });
const QUARTER = rules({});
const QUARTER_CHECK = rules({ annualCheck: true });
const FOUR = rules({ standardRule: 'FOUR_PER_YEAR' });
const FOUR_CHECK = rules({ standardRule: 'FOUR_PER_YEAR', annualCheck: true });

const run = (input: Partial<IndicatorInput>, r: IndicatorRules, window = YEAR) =>
  computeIndicators({ residents: [], encounters: [], contracts: [], ...input }, window, { kind: 'clinic' }, {}, r);

describe('规范管理 rule: ONE_PER_QUARTER | FOUR_PER_YEAR, each with or without +ANNUAL_CHECK', () => {
  const fourInQ1 = ['2025-01-05', '2025-02-05', '2025-03-05', '2025-03-31'];
  const everyQuarter = ['2025-02-10', '2025-05-10', '2025-08-10', '2025-11-10'];
  const check = (date: string) => enc('p', 'healthCheck', date);
  // [case, encounters after a 2024 enrolment, expected standard under QUARTER, QUARTER_CHECK, FOUR, FOUR_CHECK]
  it.each([
    ['a visit in every quarter, no check', visits('p', everyQuarter), [1, 0, 1, 0]],
    ['a visit in every quarter and a check on 31 Dec', [...visits('p', everyQuarter), check('2025-12-31')], [1, 1, 1, 1]],
    ['a visit in every quarter and a check on 1 Jan of the next year', [...visits('p', everyQuarter), check('2026-01-01')], [1, 0, 1, 0]],
    ['a visit in every quarter and a check on 31 Dec of the year before', [...visits('p', everyQuarter), check('2024-12-31')], [1, 0, 1, 0]],
    ['four visits all in Q1, and a check', [...visits('p', fourInQ1), check('2025-06-01')], [0, 0, 1, 1]],
    ['three visits in three quarters', visits('p', everyQuarter.slice(0, 3)), [0, 0, 0, 0]],
    ['four phone (电话) visits do not count under either rule', visits('p', everyQuarter, 3), [0, 0, 0, 0]],
    ['four visits, the fourth on 1 Jan of the next year', visits('p', [...everyQuarter.slice(0, 3), '2026-01-01']), [0, 0, 0, 0]],
    ['four visits on the boundary days 1 Jan, 30 Jun, 1 Jul, 31 Dec', visits('p', ['2025-01-01', '2025-06-30', '2025-07-01', '2025-12-31']), [1, 0, 1, 0]],
  ])('%s → %j', (_name, encounters, expected) => {
    const input = { residents: [resident('p')], encounters: [enrol('p', '2024-01-01'), ...encounters] };
    const got = [QUARTER, QUARTER_CHECK, FOUR, FOUR_CHECK].map((r) => run(input, r).htnStandardManagementRate.numerator);
    expect(got).toEqual(expected);
    for (const r of [QUARTER, QUARTER_CHECK, FOUR, FOUR_CHECK]) expect(run(input, r).htnStandardManagementRate.denominator).toBe(1);
  });

  it.each([
    // Enrolled on 20 Aug: Q3 and Q4 remain, so 2 visits are required by either rule (pro-rated).
    ['enrolled mid-year, a visit in Q3 and in Q4', '2025-08-20', ['2025-08-20', '2025-10-02'], [1, 1]],
    ['enrolled mid-year, two visits both in Q4', '2025-08-20', ['2025-10-02', '2025-12-01'], [0, 1]],
    ['enrolled mid-year, one visit', '2025-08-20', ['2025-10-02'], [0, 0]],
    // A visit on 1 Jul before the 20 Aug enrolment is in the first quarter under management and counts.
    ['enrolled mid-year, visits on 1 Jul and 31 Dec', '2025-08-20', ['2025-07-01', '2025-12-31'], [1, 1]],
    // Enrolled on 31 Dec: Q4 only, one visit.
    ['enrolled on 31 Dec with a visit that day', '2025-12-31', ['2025-12-31'], [1, 1]],
  ])('%s → ONE_PER_QUARTER %j[0], FOUR_PER_YEAR %j[1]', (_name, enrolled, dates, [quarter, four]) => {
    const input = { residents: [resident('p')], encounters: [enrol('p', enrolled), ...visits('p', dates)] };
    expect(run(input, QUARTER).htnStandardManagementRate.numerator).toBe(quarter);
    expect(run(input, FOUR).htnStandardManagementRate.numerator).toBe(four);
  });

  it('died in Q2: Q1 and Q2 are required, so FOUR_PER_YEAR needs 2 visits (both may fall in Q1)', () => {
    const died = { status: 'died' as const, statusDate: '2025-05-20' };
    const input = { residents: [resident('p', died)], encounters: [enrol('p', '2024-01-01', died), ...visits('p', ['2025-02-01', '2025-03-01'])] };
    expect(run(input, QUARTER).htnStandardManagementRate).toMatchObject({ numerator: 0, denominator: 1 });
    expect(run(input, FOUR).htnStandardManagementRate).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('a March report (window 1 Jan–31 Mar) requires one visit under either rule, and the check in the window', () => {
    const input = { residents: [resident('p')], encounters: [enrol('p', '2024-01-01'), visit('p', '2025-03-31'), enc('p', 'healthCheck', '2025-04-01')] };
    expect([QUARTER, FOUR, QUARTER_CHECK, FOUR_CHECK].map((r) => run(input, r, MARCH).htnStandardManagementRate.numerator)).toEqual([1, 1, 0, 0]);
    expect([QUARTER_CHECK, FOUR_CHECK].map((r) => run(input, r).htnStandardManagementRate.numerator)).toEqual([0, 0]);
  });

  it('diabetes follows the same rule; a draft check does not count', () => {
    const encs = [
      enc('p', 't2dmEnrolment', '2024-01-01', { enrolment: { disease: 't2dm', enrolledDate: '2024-01-01', status: 'active' } }),
      ...['2025-01-05', '2025-01-06', '2025-01-07', '2025-01-08'].map((d) => enc('p', 't2dmFollowup', d, { visitMode: 2, fastingGlucose: 6 })),
      enc('p', 'healthCheck', '2025-05-05', { status: 'draft' }),
    ];
    const input = { residents: [resident('p')], encounters: encs };
    expect([QUARTER, FOUR, FOUR_CHECK].map((r) => run(input, r).t2dmStandardManagementRate.numerator)).toEqual([0, 1, 0]);
  });

  it('the same input computed under two rules keeps both answers apart (facts are kept per rule)', () => {
    const input: IndicatorInput = { residents: [resident('p')], encounters: [enrol('p', '2024-01-01'), ...visits('p', fourInQ1)], contracts: [] };
    expect(computeIndicators(input, YEAR, { kind: 'clinic' }, {}, FOUR).htnStandardManagementRate.numerator).toBe(1);
    expect(computeIndicators(input, YEAR, { kind: 'clinic' }, {}, QUARTER).htnStandardManagementRate.numerator).toBe(0);
    expect(computeIndicators(input, YEAR).htnStandardManagementRate.numerator).toBe(0);
    expect(computeIndicators(input, YEAR, { kind: 'clinic' }, {}, FOUR).htnStandardManagementRate.numerator).toBe(1);
  });
});

describe('动态使用率 denominator: 电子健康档案总份数 (records) | 建立电子健康档案人数 (persons)', () => {
  const rs = [
    resident('living'),
    resident('idle'),
    resident('diedInYear', { status: 'died', statusDate: '2025-06-30' }),
    resident('diedOn31Dec', { status: 'died', statusDate: '2025-12-31' }),
    resident('movedAfterEnd', { status: 'movedOut', statusDate: '2026-01-01' }),
    resident('goneBefore', { status: 'movedOut', statusDate: '2024-12-31' }),
  ];
  const encounters = ['living', 'diedInYear', 'diedOn31Dec', 'movedAfterEnd', 'goneBefore'].map((id) => enc(id, 'htnFollowup', '2025-03-01', { visitMode: 1 }));
  it('records: every record held during the window, those closed in it included', () => {
    const v = run({ residents: rs, encounters }, rules({ dynamicUseDenominator: 'records' })).eRecordDynamicUseRate;
    expect(v).toMatchObject({ numerator: 4, denominator: 5, rate: 0.8 });
    expect(v.denominatorIds).toEqual(['diedInYear', 'diedOn31Dec', 'idle', 'living', 'movedAfterEnd']);
  });
  it('persons: only residents still living in the area on the window end (a death on 31 Dec is not; a move on 1 Jan next year is)', () => {
    const v = run({ residents: rs, encounters }, rules({ dynamicUseDenominator: 'persons' })).eRecordDynamicUseRate;
    expect(v).toMatchObject({ numerator: 2, denominator: 3, numeratorIds: ['living', 'movedAfterEnd'], denominatorIds: ['idle', 'living', 'movedAfterEnd'] });
  });
  it('the other record-based rates do not change with it', () => {
    const a = run({ residents: rs, encounters }, rules({ dynamicUseDenominator: 'records' }));
    const b = run({ residents: rs, encounters }, rules({ dynamicUseDenominator: 'persons' }));
    expect(b.contractCoverageRate).toEqual(a.contractCoverageRate);
    expect(b.screeningCoverage35).toEqual(a.screeningCoverage35);
  });
});

describe('elderly age: 65+ at the period end | born on or before 31 Dec of year − 65', () => {
  const rs = [
    resident('born1960-01-01', { birthDate: '1960-01-01' }),
    resident('born1960-03-31', { birthDate: '1960-03-31' }),
    resident('born1960-04-01', { birthDate: '1960-04-01' }),
    resident('born1960-12-31', { birthDate: '1960-12-31' }),
    resident('born1961-01-01', { birthDate: '1961-01-01' }),
  ];
  const encounters = rs.map((r) => enc(r.id, 'healthCheck', '2025-02-01', { isServiceComplete: true }));
  const END = rules({ elderlyAgeRule: 'atPeriodEnd' });
  const TURNS = rules({ elderlyAgeRule: 'turnsInYear' });
  it.each([
    ['year report, 65+ on 31 Dec', YEAR, END, ['born1960-01-01', 'born1960-03-31', 'born1960-04-01', 'born1960-12-31']],
    ['year report, turns 65 during 2025', YEAR, TURNS, ['born1960-01-01', 'born1960-03-31', 'born1960-04-01', 'born1960-12-31']],
    ['March report, 65+ on 31 Mar', MARCH, END, ['born1960-01-01', 'born1960-03-31']],
    ['March report, turns 65 during 2025 (born 31 Dec 1960 is in, 1 Jan 1961 is not)', MARCH, TURNS, ['born1960-01-01', 'born1960-03-31', 'born1960-04-01', 'born1960-12-31']],
  ])('%s', (_name, window, r, ids) => {
    const set = run({ residents: rs, encounters }, r, window);
    expect(set.elderlyManagementRate.denominatorIds).toEqual(ids);
    expect(set.elderlyManagementRate.numeratorIds).toEqual(ids);
    expect(set.elderlyTcmRate.denominatorIds).toEqual(ids);
  });
  it('the age rule does not move the BP target (65 on the visit date) or the 35+ screening age', () => {
    const input = { residents: rs, encounters };
    expect(run(input, TURNS, MARCH).screeningCoverage35).toEqual(run(input, END, MARCH).screeningCoverage35);
  });
});

describe('rulesInForce: the version dated for the report, the county before the clinic', () => {
  const v = (id: string, from: string, issuedBy: RulesVersion['issuedBy'], r: Partial<IndicatorRules>, enteredAt = 1): RulesVersion => ({ id, from, issuedBy, rules: rules(r), enteredAt });
  const clinic2024 = v('c2024', '2024-01-01', 'clinic', { standardRule: 'FOUR_PER_YEAR' });
  const clinic2025 = v('c2025', '2025-07-01', 'clinic', { elderlyAgeRule: 'turnsInYear' });
  const county2025 = v('k2025', '2025-04-01', 'county', { annualCheck: true });
  it.each([
    ['nothing set: the defaults', [], '2025-12-31', null],
    ['before any version: the defaults', [clinic2024], '2023-12-31', null],
    ['a version is in force from its own date', [clinic2024], '2024-01-01', 'c2024'],
    ['the clinic\'s latest in force', [clinic2024, clinic2025], '2025-07-01', 'c2025'],
    ['the day before the later one', [clinic2024, clinic2025], '2025-06-30', 'c2024'],
    ['the county\'s policy beats the clinic\'s own, even an older one', [clinic2024, clinic2025, county2025], '2025-12-31', 'k2025'],
    ['before the county\'s policy starts, the clinic\'s own', [clinic2024, clinic2025, county2025], '2025-03-31', 'c2024'],
    ['the same date entered twice: the later entry', [v('a', '2025-01-01', 'clinic', {}, 5), v('b', '2025-01-01', 'clinic', {}, 9)], '2025-12-31', 'b'],
  ])('%s', (_name, versions, on, id) => {
    const got = rulesInForce(versions, on);
    expect(got.version?.id ?? null).toBe(id);
    expect(got.rules).toEqual(id === null ? DEFAULT_INDICATOR_RULES : versions.find((x) => x.id === id)!.rules);
  });
  it('names the 规范管理 rule as indicators.md writes it', () => {
    expect([QUARTER, QUARTER_CHECK, FOUR, FOUR_CHECK].map(standardRuleCode)).toEqual(['ONE_PER_QUARTER', 'ONE_PER_QUARTER+ANNUAL_CHECK', 'FOUR_PER_YEAR', 'FOUR_PER_YEAR+ANNUAL_CHECK']);
  });
});

describe('the rules in words (screen, .xlsx, print sheet, county page)', () => {
  it('names each choice, zh and en', () => {
    expect(rulesLines(DEFAULT_INDICATOR_RULES, 'zh')).toEqual(['规范管理口径：每季度至少1次面访', '动态使用率分母：电子健康档案总份数', '老年人年龄口径：报告期末满65周岁']);
    expect(rulesLines(FOUR_CHECK, 'zh')[0]).toBe('规范管理口径：年内至少4次面访，并完成年度健康体检');
    expect(rulesLines(rules({ dynamicUseDenominator: 'persons', elderlyAgeRule: 'turnsInYear' }), 'en').slice(1)).toEqual([
      'Dynamic use denominator: residents with an e-record (still living in the area at the period end)',
      'Elderly age: turns 65 during the year (born on or before 31 Dec of year − 65)',
    ]);
  });
  it('says where the rules come from', () => {
    expect(rulesSource({ issuedBy: null, from: null }, 'zh')).toBe('默认口径');
    expect(rulesSource({ issuedBy: 'county', from: '2026-01-01' }, 'zh')).toBe('县级统一口径，2026-01-01起');
    expect(rulesSource({ issuedBy: 'clinic', from: '2026-01-01' }, 'en')).toBe('clinic setting from 2026-01-01');
  });
  it('names the 动态使用率 denominator by the rule, the others as before', () => {
    expect(denominatorLabel('eRecordDynamicUseRate', { dynamicUseDenominator: 'records' }, 'zh')).toBe('档案总份数');
    expect(denominatorLabel('eRecordDynamicUseRate', { dynamicUseDenominator: 'persons' }, 'zh')).toBe('建立电子健康档案人数（期末仍在辖区）');
    expect(denominatorLabel('htnControlRate', { dynamicUseDenominator: 'persons' }, 'zh')).toBe('已管理高血压患者人数');
  });
});
