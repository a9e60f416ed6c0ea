/**
 * Indicator tables with hand-computed values (indicators.md). Each case names the rule it checks; the window is
 * 2025-01-01 … 2025-12-31 unless a case says otherwise.
 */
import { describe, expect, it } from 'vitest';
import {
  computeIndicators,
  INDICATOR_IDS,
  latestVersions,
  sumDenominators,
  type ContractRecord,
  type EncounterRecord,
  type IndicatorInput,
  type ResidentRecord,
} from '../../../../../shared/domain/indicators';
import type { ContractItem } from '../../../../../shared/domain/contract-rules';

const V1 = '441521101201';
const V2 = '441521101202';
const YEAR = { start: '2025-01-01', end: '2025-12-31' };

const resident = (id: string, extra: Partial<ResidentRecord> = {}): ResidentRecord => ({
  id,
  villageCode: V1,
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
const enrol = (residentId: string, disease: 'htn' | 't2dm', enrolledDate: string, extra: Partial<EncounterRecord['enrolment'] & object> = {}) =>
  enc(residentId, disease === 'htn' ? 'htnEnrolment' : 't2dmEnrolment', enrolledDate, {
    enrolment: { disease, enrolledDate, status: 'active', ...extra },
  });
const htnVisit = (residentId: string, date: string, sbp: number, dbp: number, visitMode = 1) =>
  enc(residentId, 'htnFollowup', date, { visitMode, sbp, dbp });
const t2dmVisit = (residentId: string, date: string, fastingGlucose: number | null, visitMode = 1) =>
  enc(residentId, 't2dmFollowup', date, { visitMode, fastingGlucose });

const run = (input: Partial<IndicatorInput>, window = YEAR) =>
  computeIndicators({ residents: [], encounters: [], contracts: [], ...input }, window);

describe('an empty period', () => {
  it('gives zeros and a reason for every rate, never NaN', () => {
    const set = run({});
    for (const id of INDICATOR_IDS) {
      const v = set[id];
      expect(v.numerator, id).toBe(0);
      expect(v.rate, id).toBeNull();
      expect(v.reason, id).not.toBeNull();
      expect(Number.isNaN(v.rate)).toBe(false);
    }
    expect(set.htnControlRate.reason).toBe('noDenominator');
    expect(set.recordCoverageRate.reason).toBe('denominatorNotEntered');
    expect(set.htnManagementRate.reason).toBe('denominatorNotEntered');
  });

  it('an entered denominator of 0 is noDenominator, not a division by zero', () => {
    const set = computeIndicators({ residents: [resident('a')], encounters: [], contracts: [] }, YEAR, { kind: 'clinic' }, {
      population: { value: 0, asOf: '2024-11-01' },
    });
    expect(set.recordCoverageRate).toMatchObject({ numerator: 1, denominator: 0, rate: null, reason: 'noDenominator' });
  });
});

describe('who is counted: moves and deaths (indicators.md §6)', () => {
  const residents = [
    resident('active'),
    resident('movedInMidYear', { createdDate: '2025-06-15' }),
    resident('createdAfterEnd', { createdDate: '2026-01-01' }),
    resident('diedBeforeStart', { status: 'died', statusDate: '2024-12-31' }),
    resident('diedOnStart', { status: 'died', statusDate: '2025-01-01' }),
    resident('movedOutMidYear', { status: 'movedOut', statusDate: '2025-07-01' }),
    resident('movedOutNoDate', { status: 'movedOut' }),
  ];
  it('counts records present during the window', () => {
    const set = computeIndicators({ residents, encounters: [], contracts: [] }, YEAR, { kind: 'clinic' }, {
      population: { value: 8, asOf: '2024-11-01' },
    });
    expect(set.recordCoverageRate).toMatchObject({
      numerator: 4,
      denominator: 8,
      rate: 0.5,
      denominatorSource: 'entered',
      enteredAsOf: '2024-11-01',
      denominatorIds: null,
    });
    expect(set.recordCoverageRate.numeratorIds).toEqual(['active', 'diedOnStart', 'movedInMidYear', 'movedOutMidYear']);
  });

  it('managed patients: a status change before the window excludes, during it includes; excluded never counts', () => {
    const rs = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => resident(id));
    const encounters = [
      enrol('a', 'htn', '2024-03-01'),
      enrol('b', 'htn', '2024-03-01', { status: 'died', statusDate: '2024-12-31' }),
      enrol('c', 'htn', '2024-03-01', { status: 'died', statusDate: '2025-01-01' }),
      enrol('d', 'htn', '2024-03-01', { status: 'excluded', statusDate: '2025-05-01' }),
      enrol('e', 'htn', '2026-01-01'),
      enrol('f', 'htn', '2025-12-31', { status: 'lostToFollowUp', statusDate: '2025-12-31' }),
    ];
    const set = run({ residents: rs, encounters });
    expect(set.htnControlRate.denominatorIds).toEqual(['a', 'c', 'f']);
    expect(set.htnManagementRate).toMatchObject({ numerator: 3, denominator: null, rate: null, reason: 'denominatorNotEntered' });
  });
});

describe('规范管理: a face-to-face visit in every quarter under management', () => {
  const visitsEveryQuarter = (id: string, mode = 1) => ['2025-02-10', '2025-05-10', '2025-08-10', '2025-11-10'].map((d) => htnVisit(id, d, 130, 80, mode));
  it.each([
    ['four quarters, all 门诊', visitsEveryQuarter('p'), true],
    ['four quarters, 家庭 visits count', visitsEveryQuarter('p', 2), true],
    ['four quarters by phone (电话) do not count', visitsEveryQuarter('p', 3), false],
    ['four visits but two in Q1 and none in Q2', ['2025-01-05', '2025-03-31', '2025-08-10', '2025-11-10'].map((d) => htnVisit('p', d, 130, 80)), false],
    ['boundary days: 1 Jan, 30 Jun, 1 Jul, 31 Dec', ['2025-01-01', '2025-06-30', '2025-07-01', '2025-12-31'].map((d) => htnVisit('p', d, 130, 80)), true],
    ['a visit on 1 Jan of the next year is outside', ['2025-02-10', '2025-05-10', '2025-08-10', '2026-01-01'].map((d) => htnVisit('p', d, 130, 80)), false],
  ])('%s → %s', (_name, visits, standard) => {
    const set = run({ residents: [resident('p')], encounters: [enrol('p', 'htn', '2024-01-01'), ...visits] });
    expect(set.htnStandardManagementRate.numerator).toBe(standard ? 1 : 0);
    expect(set.htnStandardManagementRate.denominator).toBe(1);
  });

  it('enrolled in Q3: only Q3 and Q4 are required (pro-rated, as the work list does)', () => {
    const encounters = [enrol('p', 'htn', '2025-08-20'), htnVisit('p', '2025-08-20', 150, 95), htnVisit('p', '2025-10-02', 135, 85)];
    expect(run({ residents: [resident('p')], encounters }).htnStandardManagementRate.rate).toBe(1);
  });

  it('died in Q2: quarters after the death are not required; the patient still counts', () => {
    const encounters = [
      enrol('p', 'htn', '2024-01-01', { status: 'died', statusDate: '2025-05-20' }),
      htnVisit('p', '2025-03-01', 130, 80),
      htnVisit('p', '2025-04-15', 130, 80),
    ];
    const set = run({ residents: [resident('p', { status: 'died', statusDate: '2025-05-20' })], encounters });
    expect(set.htnStandardManagementRate).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('a monthly window (Jan–Feb) needs Q1 only, and a visit in it', () => {
    const w = { start: '2025-01-01', end: '2025-02-28' };
    const rs = [resident('seen'), resident('notYet')];
    const encounters = [enrol('seen', 't2dm', '2024-01-01'), enrol('notYet', 't2dm', '2024-01-01'), t2dmVisit('seen', '2025-02-28', 6.1)];
    const set = run({ residents: rs, encounters }, w);
    expect(set.t2dmStandardManagementRate).toMatchObject({ numerator: 1, denominator: 2, rate: 0.5, numeratorIds: ['seen'] });
  });
});

describe('控制率: the latest follow-up with the value decides', () => {
  it.each([
    ['139/89 under 65', '1970-06-01', 139, 89, true],
    ['140/80 under 65', '1970-06-01', 140, 80, false],
    ['130/90 under 65', '1970-06-01', 130, 90, false],
    ['149/89 at 65 on the visit day', '1960-11-30', 149, 89, true],
    ['149/89 one day before turning 65', '1960-12-01', 149, 89, false],
    ['150/80 over 65', '1950-01-01', 150, 80, false],
  ])('%s → controlled %s', (_name, birthDate, sbp, dbp, controlled) => {
    const encounters = [enrol('p', 'htn', '2024-01-01'), htnVisit('p', '2025-03-01', 170, 100), htnVisit('p', '2025-11-30', sbp, dbp)];
    const set = run({ residents: [resident('p', { birthDate })], encounters });
    expect(set.htnControlRate.numerator).toBe(controlled ? 1 : 0);
  });

  it.each([
    ['6.9 controlled', 6.9, true],
    ['7.0 is not', 7.0, false],
  ])('fasting glucose %s', (_name, glucose, controlled) => {
    const encounters = [enrol('p', 't2dm', '2024-01-01'), t2dmVisit('p', '2025-03-01', 9.1), t2dmVisit('p', '2025-09-01', glucose)];
    expect(run({ residents: [resident('p')], encounters }).t2dmControlRate.numerator).toBe(controlled ? 1 : 0);
  });

  it('a later phone follow-up without glucose leaves the last measured one deciding', () => {
    const encounters = [enrol('p', 't2dm', '2024-01-01'), t2dmVisit('p', '2025-09-01', 6.0), t2dmVisit('p', '2025-10-01', null, 3)];
    expect(run({ residents: [resident('p')], encounters }).t2dmControlRate.numerator).toBe(1);
  });

  it('lost to follow-up is not controlled even with a good last reading; no follow-up is not controlled', () => {
    const rs = [resident('lost'), resident('none'), resident('good')];
    const encounters = [
      enrol('lost', 'htn', '2024-01-01', { status: 'lostToFollowUp', statusDate: '2025-10-01' }),
      htnVisit('lost', '2025-06-01', 120, 70),
      enrol('none', 'htn', '2024-01-01'),
      htnVisit('none', '2024-12-31', 120, 70),
      enrol('good', 'htn', '2024-01-01'),
      htnVisit('good', '2025-06-01', 120, 70),
    ];
    const set = run({ residents: rs, encounters });
    expect(set.htnControlRate).toMatchObject({ numerator: 1, denominator: 3, numeratorIds: ['good'], denominatorIds: ['good', 'lost', 'none'] });
    expect(set.htnControlRate.rate).toBeCloseTo(1 / 3, 12);
  });

  it('an amendment replaces the reading it corrects; drafts never count', () => {
    const original = htnVisit('p', '2025-06-01', 160, 100);
    const amended = enc('p', 'htnFollowup', '2025-06-01', { amends: original.id, visitMode: 1, sbp: 130, dbp: 80 });
    const draft = enc('p', 'htnFollowup', '2025-07-01', { status: 'draft', visitMode: 1, sbp: 190, dbp: 110 });
    const set = run({ residents: [resident('p')], encounters: [enrol('p', 'htn', '2024-01-01'), original, amended, draft] });
    expect(set.htnControlRate.numerator).toBe(1);
    expect(latestVersions([original, amended, draft])).toEqual([{ ...amended, id: original.id }]);
  });

  it('the registry status comes from the latest enrolment version', () => {
    const first = enrol('p', 'htn', '2024-01-01');
    const died = enc('p', 'htnEnrolment', '2024-06-01', {
      amends: first.id,
      enrolment: { disease: 'htn', enrolledDate: '2024-01-01', status: 'died', statusDate: '2024-06-01' },
    });
    expect(run({ residents: [resident('p')], encounters: [first, died] }).htnControlRate.denominator).toBe(0);
  });
});

describe('elderly, TCM and screening', () => {
  const rs = [
    resident('turns65OnEnd', { birthDate: '1960-12-31' }),
    resident('turns65After', { birthDate: '1961-01-01' }),
    resident('old', { birthDate: '1940-03-03' }),
    resident('age35', { birthDate: '1990-12-31' }),
    resident('age34', { birthDate: '1991-01-01' }),
  ];
  const complete = { isServiceComplete: true };
  const encounters = [
    enc('turns65OnEnd', 'healthCheck', '2025-03-01', { sbp: 128, dbp: 76, ...complete }),
    enc('turns65OnEnd', 'tcmAssessment', '2025-03-01', complete),
    enc('old', 'healthCheck', '2024-12-31', { sbp: 140, dbp: 80, ...complete }),
    enc('old', 'tcmAssessment', '2025-12-31', complete),
    enc('turns65After', 'healthCheck', '2025-03-01', complete),
    enc('age35', 'deviceReading', '2025-05-05', { sbp: 118, dbp: 70 }),
    enc('age34', 'deviceReading', '2025-05-05', { sbp: 118, dbp: 70 }),
  ];
  const set = run({ residents: rs, encounters });
  it('65+ on the window end; a check from last year does not count', () => {
    expect(set.elderlyManagementRate).toMatchObject({ numerator: 1, denominator: 2, numeratorIds: ['turns65OnEnd'], denominatorIds: ['old', 'turns65OnEnd'] });
  });
  it('TCM health management by the tcmAssessment type', () => {
    expect(set.elderlyTcmRate).toMatchObject({ numerator: 2, denominator: 2, rate: 1 });
  });
  it('screening 35+: any completed record of both SBP and DBP in the window', () => {
    expect(set.screeningCoverage35.denominatorIds).toEqual(['age35', 'old', 'turns65After', 'turns65OnEnd']);
    expect(set.screeningCoverage35.numeratorIds).toEqual(['age35', 'turns65OnEnd']);
  });
});

describe('老年人健康管理: only a complete check with the 65+ parts and guidance counts (indicators.md §4)', () => {
  const old = resident('p', { birthDate: '1950-05-05' });
  const check = (date: string, isServiceComplete: boolean | null | undefined, extra: Partial<EncounterRecord> = {}) =>
    enc('p', 'healthCheck', date, { isServiceComplete, ...extra });
  it.each([
    ['complete, on 1 January', () => [check('2025-01-01', true)], 1],
    ['complete, on 31 December', () => [check('2025-12-31', true)], 1],
    ['missing guidance (or another required part)', () => [check('2025-06-01', false)], 0],
    ['without the fact (an unknown form)', () => [check('2025-06-01', undefined)], 0],
    ['complete but in the previous year (31 Dec 2024)', () => [check('2024-12-31', true)], 0],
    ['complete but on 1 Jan of the next year', () => [check('2026-01-01', true)], 0],
    ['a draft that would be complete', () => [check('2025-06-01', true, { status: 'draft' })], 0],
    ['an incomplete check amended to add the guidance', () => {
      const first = check('2025-06-01', false);
      return [first, check('2025-06-01', true, { amends: first.id })];
    }, 1],
    ['a complete check amended so that it lacks a part', () => {
      const first = check('2025-06-01', true);
      return [first, check('2025-06-01', false, { amends: first.id })];
    }, 0],
    ['one incomplete and one complete check in the year', () => [check('2025-02-01', false), check('2025-09-01', true)], 1],
    ['a complete TCM assessment is not a health check', () => [enc('p', 'tcmAssessment', '2025-06-01', { isServiceComplete: true })], 0],
  ])('%s → %i', (_name, encounters, n) => {
    const set = run({ residents: [old], encounters: encounters() });
    expect(set.elderlyManagementRate).toMatchObject({ numerator: n, denominator: 1, numeratorIds: n ? ['p'] : [] });
  });

  it.each([
    ['constitution and 保健指导', true, 1],
    ['no 保健指导', false, 0],
  ])('中医药健康管理: %s → %i', (_name, isServiceComplete, n) => {
    const set = run({ residents: [old], encounters: [enc('p', 'tcmAssessment', '2025-06-01', { isServiceComplete })] });
    expect(set.elderlyTcmRate).toMatchObject({ numerator: n, denominator: 1 });
  });
});

describe('动态使用: a record with an entry in the last 365 days', () => {
  it.each([
    ['2025-01-01 (365th day back, inclusive)', '2025-01-01', 1],
    ['2024-12-31 (366 days back)', '2024-12-31', 0],
    ['a bare device reading', null, 0],
  ])('%s', (_name, date, n) => {
    const encounters = date ? [enc('p', 'healthCheck', date)] : [enc('p', 'deviceReading', '2025-06-01', { sbp: 120, dbp: 80 })];
    expect(run({ residents: [resident('p')], encounters }).eRecordDynamicUseRate).toMatchObject({ numerator: n, denominator: 1 });
  });
});

describe('签约 coverage and fulfilment', () => {
  const items: ContractItem[] = [
    { packageId: 'basic', serviceCode: 'htnFollowup', timesPerYear: 2, who: 'familyDoctor', name: { zh: '高血压随访', en: 'HTN follow-up' } },
  ];
  const contract = (id: string, residentId: string, startDate: string, extra: Partial<ContractRecord> = {}): ContractRecord => ({
    id,
    residentId,
    teamId: 't1',
    startDate,
    endDate: `${Number(startDate.slice(0, 4)) + 1}${startDate.slice(4)}`,
    signDate: startDate,
    items,
    ...extra,
  });
  const rs = ['a', 'b', 'c', 'd', 'e'].map((id) => resident(id));
  const contracts = [
    contract('c1', 'a', '2025-03-01'),
    contract('c2', 'b', '2024-01-05'), // ended 2025-01-05: in force in January
    contract('c3', 'c', '2024-01-05', { endDate: '2025-01-04', terminatedDate: '2024-12-31' }),
    contract('c4', 'd', '2025-05-01', { signDate: null }),
    contract('c5', 'a', '2024-03-01'), // the same person counts once
  ];
  const encounters = [htnVisit('a', '2025-04-01', 130, 80), htnVisit('a', '2025-07-01', 130, 80, 2), htnVisit('b', '2024-02-01', 130, 80)];

  it('counts persons with a signed contract in force on a day of the window, once', () => {
    const set = run({ residents: rs, encounters, contracts });
    expect(set.contractCoverageRate).toMatchObject({ numerator: 2, numeratorIds: ['a', 'b'], denominator: 5, denominatorSource: 'records' });
    expect(computeIndicators({ residents: rs, encounters, contracts }, YEAR, { kind: 'clinic' }, { population: { value: 10, asOf: '2025-01-01' } }).contractCoverageRate)
      .toMatchObject({ numerator: 2, denominator: 10, rate: 0.2, denominatorSource: 'entered' });
  });

  it('fulfilled: every promised item delivered in the contract period up to the window end', () => {
    expect(run({ residents: rs, encounters, contracts }).contractFulfilmentRate).toMatchObject({ numerator: 1, denominator: 2, numeratorIds: ['a'] });
    const june = { start: '2025-01-01', end: '2025-06-30' };
    expect(run({ residents: rs, encounters, contracts }, june).contractFulfilmentRate.numeratorIds).toEqual([]);
  });
});

describe('scopes', () => {
  const rs = [resident('v1a'), resident('v1b'), resident('v2a', { villageCode: V2 })];
  const encounters = rs.flatMap((r) => [enrol(r.id, 'htn', '2024-01-01'), htnVisit(r.id, '2025-05-01', r.id === 'v1b' ? 150 : 120, 80)]);
  it.each([
    [{ kind: 'clinic' } as const, ['v1a', 'v2a'], 3],
    [{ kind: 'village', villageCode: V1 } as const, ['v1a'], 2],
    [{ kind: 'village', villageCode: V2 } as const, ['v2a'], 1],
    [{ kind: 'team', teamId: 't', villageCodes: [V2] } as const, ['v2a'], 1],
    [{ kind: 'team', teamId: 't', villageCodes: [] } as const, [], 0],
  ])('%o', (scope, controlled, managed) => {
    const v = computeIndicators({ residents: rs, encounters, contracts: [] }, YEAR, scope).htnControlRate;
    expect(v.numeratorIds).toEqual(controlled);
    expect(v.denominator).toBe(managed);
  });
});

describe('entered denominators', () => {
  const entries = [
    { villageCode: V1, value: 1000, asOf: '2020-11-01' },
    { villageCode: V1, value: 1100, asOf: '2025-06-01' },
    { villageCode: V2, value: 500, asOf: '2024-01-01' },
  ];
  it.each([
    ['before the newer census', [V1, V2], '2025-05-31', { value: 1500, asOf: '2024-01-01' }],
    ['on the newer census date', [V1, V2], '2025-06-01', { value: 1600, asOf: '2025-06-01' }],
    ['a village without a figure yet', [V1, V2], '2023-12-31', null],
    ['one village', [V2], '2025-12-31', { value: 500, asOf: '2024-01-01' }],
    ['no villages', [], '2025-12-31', null],
  ])('%s', (_name, villages, on, expected) => expect(sumDenominators(entries, villages, on)).toEqual(expected));
});

describe('input grouped per resident (kept current by the clinic)', () => {
  const rs = [resident('a'), resident('b', { birthDate: '1950-01-01' }), resident('c', { status: 'died', statusDate: '2025-04-01' })];
  const encounters = [
    enrol('a', 'htn', '2024-01-01'),
    htnVisit('a', '2025-02-01', 150, 95),
    enrol('c', 'htn', '2024-01-01', { status: 'died', statusDate: '2025-04-01' }),
    htnVisit('c', '2025-02-01', 120, 70),
    enc('b', 'healthCheck', '2025-06-01', { sbp: 130, dbp: 80, isServiceComplete: true }),
  ];
  const group = (r: ResidentRecord, es: readonly EncounterRecord[]) => ({ resident: r, encounters: es.filter((e) => e.residentId === r.id), contracts: [] });
  const strip = (set: ReturnType<typeof run>) => INDICATOR_IDS.map((id) => [id, set[id].numeratorIds, set[id].denominatorIds]);

  it('gives the same numbers and lists as the flat arrays', () => {
    const flat = run({ residents: rs, encounters });
    const grouped = run({ residents: rs, encounters, groups: [...rs].reverse().map((r) => group(r, encounters)) });
    expect(strip(grouped)).toEqual(strip(flat));
    expect(flat.htnControlRate).toMatchObject({ numerator: 1, denominator: 2, numeratorIds: ['c'] });
  });

  it('a resident whose group is replaced is recomputed, the others are kept', () => {
    const groups = rs.map((r) => group(r, encounters));
    const before = run({ residents: rs, encounters, groups });
    const better = htnVisit('a', '2025-09-01', 128, 78);
    const after = run({ residents: [...rs], encounters: [...encounters, better], groups: [group(rs[0]!, [...encounters, better]), groups[1]!, groups[2]!] });
    expect(before.htnControlRate.numeratorIds).toEqual(['c']);
    expect(after.htnControlRate.numeratorIds).toEqual(['a', 'c']);
    expect(after.elderlyManagementRate.numeratorIds).toEqual(['b']);
  });
});
