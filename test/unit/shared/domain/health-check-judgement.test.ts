import { describe, expect, it } from 'vitest';
import { ELDERLY_REQUIRED_PATHS, judgeHealthCheck } from '../../../../shared/domain/health-check-judgement';
import type { HealthCheckDraft } from '../../../../shared/schemas/health-check';

const check = (extra: Partial<HealthCheckDraft> = {}): HealthCheckDraft => ({ residentId: 'r1' as HealthCheckDraft['residentId'], checkDate: '2026-06-15', ...extra });
const ADULT = '1980-01-01';
const ELDER = '1956-01-01';
const keys = (c: HealthCheckDraft, sex = 1, birth = ADULT) => judgeHealthCheck(c, birth, sex).abnormal.map((f) => f.key);

describe('blood pressure: the higher arm, graded', () => {
  it.each([
    [{ sbp: 139, dbp: 89 }, undefined, 'highNormal', []],
    [{ sbp: 140, dbp: 80 }, undefined, 'grade1', ['bp.grade1']],
    [{ sbp: 130, dbp: 80 }, { sbp: 160, dbp: 85 }, 'grade2', ['bp.grade2']],
    [{ sbp: 190, dbp: 115 }, { sbp: 150, dbp: 90 }, 'grade3', ['bp.grade3']],
    [{ sbp: 119, dbp: 79 }, undefined, 'normal', []],
  ] as const)('left %j right %j -> %s', (bpLeft, bpRight, grade, found) => {
    const j = judgeHealthCheck(check({ generalCondition: { bpLeft, ...(bpRight ? { bpRight } : {}) } }), ADULT, 1);
    expect(j.bpGrade).toBe(grade);
    expect(j.abnormal.map((f) => f.key)).toEqual(found);
  });
  it('names the arm used', () => {
    const j = judgeHealthCheck(check({ generalCondition: { bpLeft: { sbp: 130, dbp: 80 }, bpRight: { sbp: 146, dbp: 80 } } }), ADULT, 1);
    expect(j.bp).toEqual({ sbp: 146, dbp: 80, arm: 'right' });
    expect(j.isIsolatedSystolic).toBe(true);
  });
});

describe('BMI band and central obesity', () => {
  it.each([
    [170, 53.3, 'underweight', ['bmi.underweight']],
    [170, 53.5, 'normal', []],
    [170, 69.1, 'normal', []],
    [170, 69.4, 'overweight', ['bmi.overweight']],
    [170, 80.9, 'obese', ['bmi.obese']],
  ] as const)('height %i weight %f -> %s', (height, weight, band, found) => {
    const j = judgeHealthCheck(check({ generalCondition: { height, weight } }), ADULT, 1);
    expect(j.bmiBand).toBe(band);
    expect(j.abnormal.map((f) => f.key)).toEqual(found);
  });
  it.each([
    [89, 1, false],
    [90, 1, true],
    [84, 2, false],
    [85, 2, true],
  ] as const)('waist %i sex %i -> central obesity %s', (waist, sex, central) => {
    expect(judgeHealthCheck(check({ generalCondition: { waist } }), ADULT, sex).centralObesity).toBe(central);
    expect(keys(check({ generalCondition: { waist } }), sex).includes('centralObesity')).toBe(central);
  });
});

describe('lab values', () => {
  it.each([
    [{ fastingGlucose: 6.0 }, []],
    [{ fastingGlucose: 6.1 }, ['glucose.ifg']],
    [{ fastingGlucose: 6.9 }, ['glucose.ifg']],
    [{ fastingGlucose: 7.0 }, ['glucose.high']],
    [{ tc: 6.1, tg: 2.2, ldlc: 4.0, hdlc: 1.0 }, []],
    [{ tc: 6.2, tg: 2.3, ldlc: 4.1, hdlc: 0.9 }, ['lipid.tc', 'lipid.tg', 'lipid.ldlc', 'lipid.hdlc']],
    [{ ecg: { code: '2' as const, text: 'ST段压低' } }, ['exam.ecg']],
    [{ ecg: { code: '1' as const } }, []],
  ])('%j -> %j', (auxExams, found) => expect(keys(check({ auxExams }))).toEqual(found));
});

describe('体检无异常 with an abnormal value needs confirmation', () => {
  it('the issue’s case: 190/115 and FPG 12.5 marked 体检无异常', () => {
    const j = judgeHealthCheck(
      check({ assessment: '1', generalCondition: { bpLeft: { sbp: 190, dbp: 115 } }, auxExams: { fastingGlucose: 12.5 } }),
      ELDER,
      1,
    );
    expect(j.isNoAbnormalConflict).toBe(true);
    expect(j.abnormal.map((f) => f.key)).toEqual(['bp.grade3', 'glucose.high']);
  });
  it.each([
    ['1', { sbp: 120, dbp: 70 }, false],
    ['2', { sbp: 160, dbp: 100 }, false],
    [undefined, { sbp: 160, dbp: 100 }, false],
  ] as const)('assessment %s with %j -> conflict %s', (assessment, bpLeft, conflict) =>
    expect(judgeHealthCheck(check({ ...(assessment ? { assessment } : {}), generalCondition: { bpLeft } }), ADULT, 1).isNoAbnormalConflict).toBe(conflict));
});

describe('65+ completeness', () => {
  it('under 65 nothing is asked', () => expect(judgeHealthCheck(check(), '1961-06-16', 1).elderlyMissing).toEqual([]));
  it('65 on the check date: everything is asked', () =>
    expect(judgeHealthCheck(check(), '1961-06-15', 1).elderlyMissing).toEqual([...ELDERLY_REQUIRED_PATHS]));
  it('a full elderly check lacks nothing', () => {
    const full = check({
      generalCondition: { elderSelfHealth: '1', elderCognition: '1', elderMood: '1' },
      selfCare: { meal: 0, grooming: 0, dressing: 0, toileting: 0, mobility: 0 },
      organFunction: { visionLeft: 1.0, visionRight: 0.8, hearing: '1', motorFunction: '1' },
      auxExams: { hemoglobin: 130, urineProtein: '-', alt: 20, creatinine: 80, fastingGlucose: 5.2, tc: 4.5, ecg: { code: '1' }, ultrasoundAbdomen: { code: '1' } },
      guidance: ['2'],
    });
    expect(judgeHealthCheck(full, ELDER, 1).elderlyMissing).toEqual([]);
    const { guidance: _g, ...noGuidance } = full;
    expect(judgeHealthCheck(noGuidance, ELDER, 1).elderlyMissing).toEqual(['guidance']);
    // Health guidance given as 危险因素控制 (其他: 防跌倒) counts as guidance too (health-check-rules).
    expect(judgeHealthCheck({ ...noGuidance, riskControl: ['7'] }, ELDER, 1).elderlyMissing).toEqual([]);
  });
});
