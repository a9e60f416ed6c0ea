import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/api/errors';
import {
  assertNoOverlap,
  canRenew,
  contractFulfilment,
  contractItems,
  contractPeriod,
  contractStatus,
  findOverlaps,
  isInForce,
  renewalStartDate,
  renewalWindow,
  serviceRecordsFromEncounters,
  terminationIssues,
  type ContractFacts,
  type EncounterLike,
} from '../../../../shared/domain/contract-rules';
import { DEFAULT_PACKAGES, type ServiceCode } from '../../../../shared/domain/service-packages';

const contract = (extra: Partial<ContractFacts> = {}): ContractFacts => ({
  id: 'c1',
  residentId: 'r1',
  startDate: '2024-01-01',
  endDate: '2024-12-31',
  signDate: '2023-12-20',
  ...extra,
});

describe('contractPeriod (start .. start + 1 year − 1 day)', () => {
  it.each([
    ['2024-01-01', '2024-12-31'],
    ['2024-03-01', '2025-02-28'],
    ['2023-03-01', '2024-02-29'],
    ['2024-02-29', '2025-02-28'], // anniversary in a common year is 1 March
    ['2028-02-29', '2029-02-28'],
    ['2023-02-28', '2024-02-27'],
    ['2024-12-31', '2025-12-30'],
    ['2099-02-28', '2100-02-27'],
  ])('%s -> %s', (start, end) => expect(contractPeriod(start)).toEqual({ startDate: start, endDate: end }));

  it('refuses a bad date', () => expect(() => contractPeriod('2023-02-29')).toThrow(RangeError));
});

describe('overlap (one valid contract per resident)', () => {
  const existing = [
    contract({ id: 'a', startDate: '2023-01-01', endDate: '2023-12-31' }),
    contract({ id: 'other-resident', residentId: 'r2', startDate: '2024-01-01', endDate: '2024-12-31' }),
    contract({ id: 'draft', signDate: null, startDate: '2024-06-01', endDate: '2025-05-31' }),
    contract({ id: 'terminated', startDate: '2022-01-01', endDate: '2022-12-31', terminatedDate: '2022-06-30' }),
  ];
  it.each([
    ['2024-01-01', '2024-12-31', []],
    ['2023-12-31', '2024-12-30', ['a']],
    ['2023-06-01', '2024-05-31', ['a']],
    ['2022-07-01', '2022-12-31', []], // after the termination date
    ['2022-06-30', '2023-06-29', ['a', 'terminated']],
  ])('candidate %s .. %s -> %j', (startDate, endDate, ids) =>
    expect(findOverlaps(contract({ id: 'new', startDate, endDate }), existing)).toEqual(ids));

  it('the candidate never overlaps itself (editing a saved contract)', () =>
    expect(findOverlaps(existing[0] as ContractFacts, existing)).toEqual([]));

  it('assertNoOverlap throws CONTRACT_OVERLAP with the ids', () => {
    try {
      assertNoOverlap(contract({ id: 'new', startDate: '2023-12-01', endDate: '2024-11-30' }), existing);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('CONTRACT_OVERLAP');
      expect((e as AppError).details).toEqual({ residentId: 'r1', conflictingIds: ['a'] });
    }
  });
});

describe('contractStatus', () => {
  it.each([
    [{ signDate: null }, '2024-06-01', false, 'draft'],
    [{}, '2023-12-31', false, 'signed'],
    [{}, '2024-01-01', false, 'active'],
    [{}, '2024-12-31', false, 'active'],
    [{}, '2025-01-01', false, 'expired'],
    [{}, '2025-01-01', true, 'renewed'],
    [{}, '2024-12-31', true, 'active'],
    [{ terminatedDate: '2024-02-29' }, '2024-02-28', false, 'active'],
    [{ terminatedDate: '2024-02-29' }, '2024-02-29', false, 'terminated'],
    [{ terminatedDate: '2024-02-29' }, '2025-06-01', true, 'terminated'],
  ] as const)('%j on %s (renewed %s) -> %s', (extra, today, renewed, status) =>
    expect(contractStatus(contract(extra), today, renewed)).toBe(status));

  it.each([
    ['2023-12-31', false],
    ['2024-01-01', true],
    ['2024-12-31', true],
    ['2025-01-01', false],
  ])('in force on %s: %s', (d, v) => expect(isInForce(contract(), d)).toBe(v));
});

describe('renewal window (30 days before the end)', () => {
  it('window', () => expect(renewalWindow(contract())).toEqual({ opensOn: '2024-12-01', closesOn: '2024-12-31' }));
  it('window across 29 February', () =>
    expect(renewalWindow(contract({ endDate: '2024-03-30' }))).toEqual({ opensOn: '2024-02-29', closesOn: '2024-03-30' }));
  it.each([
    ['2024-11-30', false, false],
    ['2024-12-01', false, true],
    ['2024-12-31', false, true],
    ['2024-12-15', true, false],
    ['2025-01-01', false, true],
    ['2025-01-01', true, false],
  ] as const)('on %s (already renewed %s) -> %s', (today, renewed, can) => expect(canRenew(contract(), today, renewed)).toBe(can));
  it('a terminated contract cannot be renewed', () =>
    expect(canRenew(contract({ terminatedDate: '2024-06-01' }), '2024-12-15')).toBe(false));
  it.each([
    ['2024-12-10', '2025-01-01'],
    ['2025-01-01', '2025-01-01'],
    ['2025-02-10', '2025-02-10'],
  ])('renewal signed on %s starts %s', (today, start) => expect(renewalStartDate(contract(), today)).toBe(start));
});

describe('terminationIssues', () => {
  const paths = (c: ContractFacts, t: Parameters<typeof terminationIssues>[1], today = '2024-12-31') =>
    terminationIssues(c, t, today).map((i) => `${i.path}:${i.message}`);
  it.each([
    [{ terminatedDate: '2024-06-01', reason: 'death' }, []],
    [{ terminatedDate: '2024-01-01', reason: 'movedOut' }, []],
    [{ terminatedDate: '2023-12-31', reason: 'residentRequest' }, ['terminatedDate:validation.contract.terminationOutsidePeriod']],
    [{ terminatedDate: '2024-06-01', reason: 'other' }, ['note:validation.required']],
    [{ terminatedDate: '2024-06-01', reason: 'other', note: '家庭原因' }, []],
    [{ terminatedDate: '2024-06-01', reason: 'teamUnable' }, []],
    [{ terminatedDate: '2024-06-01', reason: 'breach' }, []],
  ] as const)('%j -> %j', (t, expected) => expect(paths(contract(), t)).toEqual(expected));
  it('refuses future dates, drafts and a second termination', () => {
    expect(paths(contract(), { terminatedDate: '2024-07-01', reason: 'death' }, '2024-06-30')).toEqual(['terminatedDate:validation.futureDate']);
    expect(paths(contract({ signDate: null }), { terminatedDate: '2024-06-01', reason: 'death' })).toEqual([
      'terminatedDate:validation.contract.notSigned',
    ]);
    expect(paths(contract({ terminatedDate: '2024-05-01' }), { terminatedDate: '2024-06-01', reason: 'death' })).toEqual([
      'terminatedDate:validation.contract.alreadyTerminated',
    ]);
  });
});

describe('contractItems', () => {
  it('basic package items by tag, basic first', () => {
    const items = contractItems(['t2dm-plus', 'basic'], DEFAULT_PACKAGES, ['t2dm']);
    expect(items.map((i) => `${i.packageId}:${i.serviceCode}:${i.timesPerYear}`)).toEqual([
      'basic:healthRecordMaintenance:1',
      'basic:healthConsultation:1',
      'basic:t2dmFollowup:4',
      'basic:fastingGlucoseTest:4',
      'basic:healthCheck:1',
      't2dm-plus:hba1cTest:2',
      't2dm-plus:fundusExam:1',
      't2dm-plus:footExam:1',
    ]);
  });
  it('a 65+ HTN patient gets one health check, not two', () => {
    const items = contractItems(['basic'], DEFAULT_PACKAGES, ['elderly65', 'htn']);
    expect(items.filter((i) => i.serviceCode === 'healthCheck')).toHaveLength(1);
    expect(items.map((i) => i.serviceCode)).toEqual([
      'healthRecordMaintenance',
      'healthConsultation',
      'htnFollowup',
      'healthCheck',
      'elderlySelfCareAssessment',
      'tcmHealth',
    ]);
  });
  it('everyone else gets record maintenance and consultation', () =>
    expect(contractItems(['basic'], DEFAULT_PACKAGES, []).map((i) => i.serviceCode)).toEqual(['healthRecordMaintenance', 'healthConsultation']));
});

describe('serviceRecordsFromEncounters (record once)', () => {
  const enc = (id: string, type: string, date: string, data: Record<string, unknown> = {}, extra: Partial<EncounterLike> = {}): EncounterLike => ({
    id,
    type,
    date,
    status: 'completed',
    data,
    completedAt: 1,
    ...extra,
  });
  it('maps encounter types; phone follow-ups and drafts do not count', () => {
    const records = serviceRecordsFromEncounters([
      enc('f1', 'htnFollowup', '2024-02-29', { visitMode: 1 }),
      enc('f2', 'htnFollowup', '2024-03-10', { visitMode: 3 }),
      enc('f3', 't2dmFollowup', '2024-04-01', { visitMode: 2, fastingGlucose: 6.1 }),
      enc('f4', 'htnFollowup', '2024-05-01', { visitMode: 1 }, { status: 'draft' }),
      enc('h1', 'healthCheck', '2024-06-01'),
      enc('s1', 'selfCareAssessment', '2024-06-01'),
      enc('x1', 'contractService', '2024-07-01', { serviceCode: 'homeVisit' }),
      enc('x2', 'contractService', '2024-07-02', { serviceCode: 'notACode' }),
      enc('d1', 'deviceReading', '2024-07-03'),
    ]);
    expect(records.map((r) => `${r.eventId}:${r.serviceCode}:${r.date}`)).toEqual([
      'f1:htnFollowup:2024-02-29',
      'f1:healthRecordMaintenance:2024-02-29',
      'f2:healthRecordMaintenance:2024-03-10',
      'f3:t2dmFollowup:2024-04-01',
      'f3:fastingGlucoseTest:2024-04-01',
      'f3:healthRecordMaintenance:2024-04-01',
      'h1:healthCheck:2024-06-01',
      'h1:healthRecordMaintenance:2024-06-01',
      's1:elderlySelfCareAssessment:2024-06-01',
      's1:healthRecordMaintenance:2024-06-01',
      'x1:homeVisit:2024-07-01',
    ]);
  });
  // Issue 12 fix 6: only a face-to-face T2DM visit is one of the package's free fasting-glucose tests.
  it.each([
    [1, true],
    [2, true],
    [3, false],
  ] as const)('T2DM follow-up mode %i with a glucose value counts as a glucose test: %s', (visitMode, counts) => {
    const codes = serviceRecordsFromEncounters([enc('g', 't2dmFollowup', '2024-04-01', { visitMode, fastingGlucose: 6.1 })]).map((r) => r.serviceCode);
    expect(codes.includes('fastingGlucoseTest')).toBe(counts);
  });
  // Issue 12 fix 5: the self-care assessment filled inside the health check delivers the package item.
  const fullSelfCare = { meal: 0, grooming: 1, dressing: 0, toileting: 0, mobility: 1 };
  it.each([
    ['complete assessment', { selfCare: fullSelfCare }, true],
    ['one item missing', { selfCare: { meal: 0, grooming: 1, dressing: 0, toileting: 0 } }, false],
    ['no assessment', {}, false],
  ] as const)('health check with %s counts for 老年人生活自理能力评估: %s', (_label, data, counts) => {
    const codes = serviceRecordsFromEncounters([enc('h', 'healthCheck', '2024-06-01', data)]).map((r) => r.serviceCode);
    expect(codes.includes('elderlySelfCareAssessment')).toBe(counts);
    expect(codes).toContain('healthCheck');
  });
  it('a completed TCM assessment counts for 中医药健康管理', () =>
    expect(serviceRecordsFromEncounters([enc('t', 'tcmAssessment', '2024-06-01')]).map((r) => r.serviceCode)).toEqual(['tcmHealth', 'healthRecordMaintenance']));
  it('an amended event counts once, with the latest version', () => {
    const records = serviceRecordsFromEncounters([
      enc('f1', 'htnFollowup', '2024-12-31', { visitMode: 1 }, { completedAt: 1 }),
      enc('f1b', 'htnFollowup', '2025-01-01', { visitMode: 1 }, { amends: 'f1', completedAt: 2 }),
    ]);
    expect(records).toEqual([
      { eventId: 'f1', serviceCode: 'htnFollowup', date: '2025-01-01' },
      { eventId: 'f1', serviceCode: 'healthRecordMaintenance', date: '2025-01-01' },
    ]);
  });
});

describe('contractFulfilment', () => {
  const items = contractItems(['basic', 'htn-plus'], DEFAULT_PACKAGES, ['htn']);
  const rec = (eventId: string, serviceCode: ServiceCode, date: string) => ({ eventId, serviceCode, date });
  const allButFollowups = [
    rec('m1', 'healthRecordMaintenance', '2024-01-05'),
    rec('q1', 'healthConsultation', '2024-01-05'),
    rec('h1', 'healthCheck', '2024-03-01'),
    rec('l1', 'lipidPanel', '2024-03-01'),
    rec('e1', 'ecg', '2024-03-01'),
    rec('v1', 'homeVisit', '2024-05-01'),
    rec('v2', 'homeVisit', '2024-09-01'),
  ];

  it('counts only records within the period, each once', () => {
    const f = contractFulfilment(contract(), items, [
      ...allButFollowups,
      rec('f0', 'htnFollowup', '2023-12-31'),
      rec('f1', 'htnFollowup', '2024-01-01'),
      rec('f1', 'htnFollowup', '2024-01-01'),
      rec('f2', 'htnFollowup', '2024-02-29'),
      rec('f3', 'htnFollowup', '2024-07-01'),
      rec('f4', 'htnFollowup', '2024-12-31'),
      rec('f5', 'htnFollowup', '2025-01-01'),
    ]);
    const htn = f.items.find((i) => i.serviceCode === 'htnFollowup');
    expect(htn).toMatchObject({ required: 4, delivered: 4, outstanding: 0, isMet: true, eventIds: ['f1', 'f2', 'f3', 'f4'] });
    expect(f.isFulfilled).toBe(true);
    expect(f.deliveredItems).toBe(f.promisedItems);
  });

  it.each([
    [3, false],
    [4, true],
    [5, true],
  ])('%i follow-ups -> fulfilled %s', (n, ok) => {
    const fups = Array.from({ length: n }, (_, k) => rec(`f${k}`, 'htnFollowup', `2024-0${k + 1}-15`));
    const f = contractFulfilment(contract(), items, [...allButFollowups, ...fups]);
    expect(f.isFulfilled).toBe(ok);
    expect(f.items.find((i) => i.serviceCode === 'htnFollowup')?.outstanding).toBe(Math.max(0, 4 - n));
  });

  it('a terminated contract counts to the termination date', () => {
    const f = contractFulfilment(contract({ terminatedDate: '2024-06-30' }), items, [
      rec('v1', 'homeVisit', '2024-06-30'),
      rec('v2', 'homeVisit', '2024-07-01'),
    ]);
    expect(f.items.find((i) => i.serviceCode === 'homeVisit')).toMatchObject({ delivered: 1, outstanding: 1 });
  });

  it('shared service codes fill items in package order, surplus to the last', () => {
    const both = contractItems(['basic', 'elderly-plus', 'htn-plus'], DEFAULT_PACKAGES, ['elderly65', 'htn']);
    const visits = Array.from({ length: 7 }, (_, k) => rec(`v${k}`, 'homeVisit', `2024-0${k + 1}-01`));
    const f = contractFulfilment(contract(), both, visits);
    const hv = f.items.filter((i) => i.serviceCode === 'homeVisit');
    expect(hv.map((i) => [i.packageId, i.delivered, i.outstanding])).toEqual([
      ['elderly-plus', 4, 0],
      ['htn-plus', 3, 0],
    ]);
  });
});

describe('record once: encounters fulfil the basic package without extra entry', () => {
  it('an HTN patient with 4 face-to-face visits, a phone visit and a check', () => {
    const enc = (id: string, type: string, date: string, data: Record<string, unknown> = {}): EncounterLike => ({
      id,
      type,
      date,
      status: 'completed',
      data,
    });
    const records = serviceRecordsFromEncounters([
      enc('f1', 'htnFollowup', '2024-02-29', { visitMode: 1 }),
      enc('f2', 'htnFollowup', '2024-05-20', { visitMode: 2 }),
      enc('f3', 'htnFollowup', '2024-06-20', { visitMode: 3 }),
      enc('f4', 'htnFollowup', '2024-08-20', { visitMode: 1 }),
      enc('h1', 'healthCheck', '2024-09-01'),
      enc('q1', 'contractService', '2024-10-01', { serviceCode: 'healthConsultation' }),
    ]);
    const items = contractItems(['basic'], DEFAULT_PACKAGES, ['htn']);
    const before = contractFulfilment(contract(), items, records);
    expect(before.items.find((i) => i.serviceCode === 'htnFollowup')).toMatchObject({ delivered: 3, outstanding: 1 });
    expect(before.isFulfilled).toBe(false);
    const after = contractFulfilment(contract(), items, [
      ...records,
      ...serviceRecordsFromEncounters([enc('f5', 'htnFollowup', '2024-12-31', { visitMode: 1 })]),
    ]);
    expect(after.isFulfilled).toBe(true);
    expect(after).toMatchObject({ deliveredItems: 7, promisedItems: 7 });
  });
});
