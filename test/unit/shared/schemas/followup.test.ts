import { describe, expect, it } from 'vitest';
import {
  Amendment,
  ChronicEnrolment,
  completedFollowupIssues,
  HtnFollowup,
  T2dmFollowup,
  type HtnFollowup as HtnFollowupT,
  type T2dmFollowup as T2dmFollowupT,
} from '../../../../shared/schemas/followup';

const htn: HtnFollowupT = {
  visitDate: '2024-02-29',
  visitMode: 1,
  symptoms: [1],
  sbp: 150,
  dbp: 95,
  weight: 70,
  heartRate: 76,
  adherence: 1,
  adverseReaction: 1,
  classification: 2,
  nextStep: 2,
  nextVisitDate: '2024-03-14',
  medications: [{ drugName: '氨氯地平', timesPerDay: 1, doseMg: 5 }],
  doctorSignature: '李医生',
  saltIntake: 2,
  proposed: { classification: 2, nextStep: 2, nextVisitDate: '2024-03-14' },
};

const t2dm: T2dmFollowupT = {
  visitDate: '2024-12-31',
  visitMode: 2,
  symptoms: [2, 4],
  sbp: 130,
  dbp: 80,
  fastingGlucose: 6.5,
  glucoseRaw: { value: 117, unit: 'mg/dL' },
  adherence: 1,
  adverseReaction: 1,
  classification: 1,
  nextStep: 1,
  nextVisitDate: '2025-03-31',
  medications: [{ drugName: '二甲双胍', timesPerDay: 2, doseMg: 500 }],
  doctorSignature: '李医生',
  dorsalisPedis: { result: 1 },
  hypoglycemia: 1,
};

const paths = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path}:${i.message}`);

describe('schemas parse', () => {
  it('a complete HTN form parses and has no completion issues', () => {
    const parsed = HtnFollowup.parse(htn);
    expect(completedFollowupIssues({ disease: 'htn', form: parsed }, '2024-02-29')).toEqual([]);
  });

  it('a complete T2DM form parses and has no completion issues', () => {
    const parsed = T2dmFollowup.parse(t2dm);
    expect(completedFollowupIssues({ disease: 't2dm', form: parsed }, '2025-01-01')).toEqual([]);
  });

  it('a draft may be empty', () => expect(HtnFollowup.parse({})).toEqual({}));

  it.each([
    [{ visitMode: 4 }],
    [{ sbp: 301 }],
    [{ sbp: 120.5 }],
    [{ classification: 5 }],
    [{ symptoms: [11] }],
    [{ visitDate: '2023-02-29' }],
    [{ emergencySigns: ['acetoneBreath'] }],
  ])('HTN refuses %j', (patch) => expect(HtnFollowup.safeParse({ ...htn, ...patch }).success).toBe(false));

  it.each([
    [{ fastingGlucose: 6.55 }, false],
    [{ fastingGlucose: 0.4 }, false],
    [{ fastingGlucose: 16.7 }, true],
    [{ fastingGlucose: 3.9 }, true],
    [{ emergencySigns: ['acetoneBreath'] }, true],
    [{ emergencySigns: ['eyePain'] }, false],
    [{ dorsalisPedis: { result: 4 } }, false],
  ])('T2DM %j parses: %s', (patch, ok) => expect(T2dmFollowup.safeParse({ ...t2dm, ...patch }).success).toBe(ok));

  it('29 February is a valid visit date only in a leap year', () => {
    expect(HtnFollowup.safeParse({ visitDate: '2024-02-29' }).success).toBe(true);
    expect(HtnFollowup.safeParse({ visitDate: '2100-02-29' }).success).toBe(false);
  });
});

describe('completedFollowupIssues', () => {
  it('an empty form lists every required field', () =>
    expect(paths(completedFollowupIssues({ disease: 'htn', form: {} }))).toEqual([
      'visitDate:validation.required',
      'visitMode:validation.required',
      'symptoms:validation.required',
      'adherence:validation.required',
      'adverseReaction:validation.required',
      'classification:validation.required',
      'nextStep:validation.required',
      'nextVisitDate:validation.required',
      'doctorSignature:validation.required',
    ]));

  it.each([
    [{ visitMode: 3, sbp: null, dbp: null }, []],
    [{ visitMode: 1, sbp: null }, ['sbp:validation.required']],
    [{ visitMode: 2, dbp: undefined }, ['dbp:validation.required']],
    [{ sbp: 90, dbp: 90 }, ['dbp:validation.sbpNotAboveDbp']],
    [{ symptoms: [1, 2] }, ['symptoms:validation.noneExclusive']],
    [{ symptoms: [10] }, ['symptomsOther:validation.required']],
    [{ symptoms: [10], symptomsOther: '耳鸣' }, []],
    [{ adverseReaction: 2 }, ['adverseReactionText:validation.required']],
    [{ adherence: 3, medications: [] }, []],
    [{ adherence: 2, medications: [] }, ['medications:validation.required']],
    [
      { nextVisitDate: '2024-02-29', override: { nextVisitDate: '2024-02-29', reason: '当天复诊' } },
      ['nextVisitDate:validation.followup.nextVisitAfterVisit'],
    ],
    [
      { visitDate: '2024-03-01', nextVisitDate: '2024-03-15', proposed: { classification: 2, nextStep: 2, nextVisitDate: '2024-03-15' } },
      ['visitDate:validation.futureDate'],
    ],
    [{ nextVisitDate: '2024-03-20' }, ['override.reason:validation.followup.overrideReasonRequired']],
    [
      { nextStep: 3, nextVisitDate: '2024-03-14', proposed: { classification: 2, nextStep: 3, nextVisitDate: '2024-03-14' } },
      ['referral:validation.followup.referralRequired'],
    ],
    [
      {
        nextStep: 4,
        referral: { reason: '血压≥180', orgDept: '' },
        proposed: { classification: 2, nextStep: 4, nextVisitDate: '2024-03-14' },
      },
      ['referral.orgDept:validation.required'],
    ],
    [{ classification: 1 }, ['override.reason:validation.followup.overrideReasonRequired']],
    [{ classification: 1, override: { classification: 1, reason: '家庭自测达标' } }, []],
  ] as const)('HTN with %j -> %j', (patch, expected) =>
    expect(paths(completedFollowupIssues({ disease: 'htn', form: { ...htn, ...patch } as HtnFollowupT }, '2024-02-29'))).toEqual(
      expected,
    ));

  it.each([
    [{ visitMode: 1, fastingGlucose: null }, ['fastingGlucose:validation.required']],
    [{ visitMode: 3, fastingGlucose: null, sbp: null, dbp: null }, []],
    [{ dorsalisPedis: { result: 2 } }, ['dorsalisPedis.side:validation.required']],
    [{ dorsalisPedis: { result: 3, side: 'left' } }, []],
    [{ hba1c: 7.2 }, ['hba1cDate:validation.required']],
    [{ nextVisitDate: '2025-01-01' }, []],
  ] as const)('T2DM with %j -> %j', (patch, expected) =>
    expect(paths(completedFollowupIssues({ disease: 't2dm', form: { ...t2dm, ...patch } }, '2025-01-01'))).toEqual(
      expected,
    ));
});

describe('ChronicEnrolment and Amendment', () => {
  it('parses an enrolment with a per-patient BP target', () =>
    expect(
      ChronicEnrolment.safeParse({
        disease: 'htn',
        diagnosisDate: '2020-02-29',
        diagnosingOrg: '县人民医院',
        enrolledDate: '2020-03-02',
        status: 'active',
        bpTarget: { sbp: 130, dbp: 80 },
      }).success,
    ).toBe(true));

  it.each([
    [{ status: 'dead' }],
    [{ disease: 't1dm' }],
    [{ diagnosingOrg: '' }],
    [{ bpTarget: { sbp: 200, dbp: 80 } }],
  ])('refuses %j', (patch) =>
    expect(
      ChronicEnrolment.safeParse({
        disease: 't2dm',
        diagnosisDate: '2020-01-01',
        diagnosingOrg: '乡镇卫生院',
        enrolledDate: '2020-01-01',
        status: 'active',
        ...patch,
      }).success,
    ).toBe(false));

  it('an amendment needs a reason', () => {
    const base = { amends: 'enc-1', amendedAt: 1_700_000_000_000, amendedBy: 'u1' };
    expect(Amendment.safeParse({ ...base, reason: '血压录入错误' }).success).toBe(true);
    const bad = Amendment.safeParse({ ...base, reason: ' ' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('validation.followup.amendReasonRequired');
  });
});
