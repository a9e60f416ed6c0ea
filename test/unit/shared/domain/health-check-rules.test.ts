import { describe, expect, it } from 'vitest';
import {
  checkHealthCheck,
  computeHealthCheck,
  PLAUSIBLE,
} from '../../../../shared/domain/health-check-rules';
import type { HealthCheckDraft } from '../../../../shared/schemas/health-check';

const rid = 'r1' as HealthCheckDraft['residentId'];
const ctx60 = { birthDate: '1966-05-01', today: '2026-11-22' };
const ctx65 = { birthDate: '1961-11-22', today: '2026-11-22' };

const complete: HealthCheckDraft = {
  residentId: rid,
  checkDate: '2026-11-22',
  symptoms: ['1'],
  generalCondition: {
    temperature: 36.5,
    pulseRate: 72,
    respiratoryRate: 18,
    bpLeft: { sbp: 130, dbp: 80 },
    height: 165,
    weight: 60,
    waist: 80,
  },
  assessment: '1',
};

function gc(patch: NonNullable<HealthCheckDraft['generalCondition']>): HealthCheckDraft {
  return { ...complete, generalCondition: { ...complete.generalCondition, ...patch } };
}
/** The items a 65+ check asks besides the self-care assessment (health-check-rules, ELDERLY_ASKED_PATHS). */
const elderly: HealthCheckDraft = {
  ...complete,
  generalCondition: { ...complete.generalCondition, elderSelfHealth: '2', elderCognition: '1', elderMood: '1' },
  riskControl: ['7'],
  riskControlOther: '防跌倒',
};
const at = (findings: { path: string; message: string }[]) => findings.map((f) => `${f.path}:${f.message}`);

describe('checkHealthCheck: hard and soft ranges (table in health-check-rules.ts)', () => {
  it('accepts an ordinary complete check', () => {
    expect(checkHealthCheck(complete, ctx60, 'complete')).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    // [field, refused below, soft below, soft above, refused above]
    ['temperature', 33.9, 35.4, 39.6, 43.1],
    ['pulseRate', 19, 39, 141, 251],
    ['respiratoryRate', 3, 9, 31, 81],
    ['waist', 29, 49, 151, 201],
  ] as const)('%s: %f refused, %f/%f confirm, %f refused', (field, hardLow, softLow, softHigh, hardHigh) => {
    const path = `generalCondition.${field}`;
    const range = PLAUSIBLE[path];
    if (!range) throw new Error(path);
    const check = (v: number) => checkHealthCheck(gc({ [field]: v }), ctx60, 'draft');
    expect(at(check(hardLow).errors)).toEqual([`${path}:validation.outOfRange`]);
    expect(at(check(range.hard[0]).errors)).toEqual([]);
    expect(at(check(softLow).warnings)).toEqual([`${path}:validation.confirmValue`]);
    expect(at(check(softHigh).warnings)).toEqual([`${path}:validation.confirmValue`]);
    expect(check(range.soft?.[0] ?? 0).warnings).toEqual([]);
    expect(check(range.soft?.[1] ?? 0).warnings).toEqual([]);
    expect(at(check(range.hard[1]).errors)).toEqual([]);
    expect(at(check(hardHigh).errors)).toEqual([`${path}:validation.outOfRange`]);
  });

  it.each([
    [{ sbp: 39, dbp: 20 }, ['generalCondition.bpLeft.sbp:validation.outOfRange']],
    [{ sbp: 40, dbp: 20 }, []],
    [{ sbp: 300, dbp: 200 }, []],
    [{ sbp: 301, dbp: 100 }, ['generalCondition.bpLeft.sbp:validation.outOfRange']],
    [{ sbp: 120, dbp: 19 }, ['generalCondition.bpLeft.dbp:validation.outOfRange']],
    [{ sbp: 250, dbp: 201 }, ['generalCondition.bpLeft.dbp:validation.outOfRange']],
    [{ sbp: 90, dbp: 90 }, ['generalCondition.bpLeft.sbp:validation.sbpNotAboveDbp']],
    [{ sbp: 80, dbp: 120 }, ['generalCondition.bpLeft.sbp:validation.sbpNotAboveDbp']],
    [{ sbp: 91, dbp: 90 }, []],
  ])('bp %o → %o', (bp, errors) => expect(at(checkHealthCheck(gc({ bpLeft: bp }), ctx60, 'draft').errors)).toEqual(errors));

  it.each([
    [{ sbp: 79, dbp: 50 }, ['generalCondition.bpRight.sbp:validation.confirmValue']],
    [{ sbp: 221, dbp: 100 }, ['generalCondition.bpRight.sbp:validation.confirmValue']],
    [{ sbp: 220, dbp: 130 }, []],
    [{ sbp: 200, dbp: 131 }, ['generalCondition.bpRight.dbp:validation.confirmValue']],
    [{ sbp: 100, dbp: 39 }, ['generalCondition.bpRight.dbp:validation.confirmValue']],
  ])('bp right %o warns %o', (bp, warnings) =>
    expect(at(checkHealthCheck(gc({ bpRight: bp }), ctx60, 'draft').warnings)).toEqual(warnings),
  );

  it.each([
    [39, 'error'],
    [40, 'warning'],
    [99, 'warning'],
    [100, 'ok'],
    [210, 'ok'],
    [211, 'warning'],
    [250, 'warning'],
    [251, 'error'],
  ])('height %f cm → %s', (height, outcome) => {
    const f = checkHealthCheck(gc({ height, weight: (22 * height * height) / 10_000 }), ctx60, 'draft');
    const heightErrors = f.errors.filter((e) => e.path === 'generalCondition.height');
    const heightWarnings = f.warnings.filter((e) => e.path === 'generalCondition.height');
    expect(heightErrors.length > 0 ? 'error' : heightWarnings.length > 0 ? 'warning' : 'ok').toBe(outcome);
  });

  it.each([
    [1.9, 'error'],
    [2, 'warning'],
    [24.9, 'warning'],
    [25, 'ok'],
    [150, 'ok'],
    [150.1, 'warning'],
    [300, 'warning'],
    [300.1, 'error'],
  ])('weight %f kg → %s', (weight, outcome) => {
    const f = checkHealthCheck(gc({ weight, height: 200 }), ctx60, 'draft');
    const on = (l: { path: string }[]) => l.some((e) => e.path === 'generalCondition.weight');
    expect(on(f.errors) ? 'error' : on(f.warnings) ? 'warning' : 'ok').toBe(outcome);
  });

  it('flags an impossible BMI from plausible height and weight (weight typed into height)', () => {
    const f = checkHealthCheck(gc({ height: 60, weight: 165 }), ctx60, 'draft');
    expect(at(f.errors)).toContain('generalCondition.bmi:validation.outOfRange');
  });

  it.each([
    [0.9, 'error'],
    [1.0, 'warning'],
    [2.7, 'warning'],
    [2.8, 'ok'],
    [25, 'ok'],
    [25.1, 'warning'],
    [40, 'warning'],
    [40.1, 'error'],
    [126, 'error'],
  ])('fasting glucose %f mmol/L → %s', (fastingGlucose, outcome) => {
    const f = checkHealthCheck({ ...complete, auxExams: { fastingGlucose } }, ctx60, 'draft');
    expect(f.errors.length > 0 ? 'error' : f.warnings.length > 0 ? 'warning' : 'ok').toBe(outcome);
  });

  it('refuses direct bilirubin above total', () => {
    const f = checkHealthCheck({ ...complete, auxExams: { totalBilirubin: 10, directBilirubin: 12 } }, ctx60, 'draft');
    expect(at(f.errors)).toEqual(['auxExams.directBilirubin:validation.directAboveTotal']);
  });

  it.each([
    [{ smokingStartAge: 20, smokingQuitAge: 50 }, [], []],
    [{ smokingStartAge: 60 }, [], []],
    [{ smokingStartAge: 61 }, ['lifestyle.smokingStartAge:validation.ageAboveCurrent'], []],
    [{ smokingStartAge: 30, smokingQuitAge: 25 }, ['lifestyle.smokingQuitAge:validation.quitBeforeStart'], []],
    [{ drinkingStartAge: 9 }, [], ['lifestyle.drinkingStartAge:validation.confirmValue']],
    [{ cigarettesPerDay: 201 }, ['lifestyle.cigarettesPerDay:validation.outOfRange'], []],
    [{ cigarettesPerDay: 61 }, [], ['lifestyle.cigarettesPerDay:validation.confirmValue']],
  ])('lifestyle %o', (lifestyle, errors, warnings) => {
    const f = checkHealthCheck({ ...complete, lifestyle }, ctx60, 'draft');
    expect(at(f.errors)).toEqual(errors);
    expect(at(f.warnings)).toEqual(warnings);
  });

  it('refuses a check date after today or before birth', () => {
    expect(at(checkHealthCheck({ ...complete, checkDate: '2026-11-23' }, ctx60, 'draft').errors)).toEqual([
      'checkDate:validation.futureDate',
    ]);
    expect(at(checkHealthCheck({ ...complete, checkDate: '1966-04-30' }, ctx60, 'draft').errors)).toEqual([
      'checkDate:validation.beforeBirth',
    ]);
  });

  it('refuses "none" combined with other values in multi-selects', () => {
    const f = checkHealthCheck({ ...complete, symptoms: ['1', '3'], existingProblems: { cardiac: ['1', '2'] } }, ctx60, 'draft');
    expect(at(f.errors)).toEqual(['symptoms:validation.noneExclusive', 'existingProblems.cardiac:validation.noneExclusive']);
  });
});

describe('completion rules', () => {
  it('lists missing core fields only when completing', () => {
    const draft: HealthCheckDraft = { residentId: rid, checkDate: '2026-11-22' };
    expect(checkHealthCheck(draft, ctx60, 'draft').errors).toEqual([]);
    expect(at(checkHealthCheck(draft, ctx60, 'complete').errors)).toEqual([
      'symptoms:validation.required',
      'generalCondition.temperature:validation.required',
      'generalCondition.pulseRate:validation.required',
      'generalCondition.respiratoryRate:validation.required',
      'generalCondition.height:validation.required',
      'generalCondition.weight:validation.required',
      'generalCondition.waist:validation.required',
      'generalCondition.bpLeft:validation.required',
      'assessment:validation.required',
    ]);
  });

  it('needs abnormalities when the assessment is "有异常"', () => {
    expect(at(checkHealthCheck({ ...complete, assessment: '2' }, ctx60, 'complete').errors)).toEqual([
      'abnormalities:validation.required',
    ]);
    expect(checkHealthCheck({ ...complete, assessment: '2', abnormalities: ['血压偏高'] }, ctx60, 'complete').errors).toEqual([]);
  });

  it.each([
    ['2026-11-21', false],
    ['2026-11-22', true],
  ])('a resident born 1961-11-22 checked on %s needs the self-care assessment: %s', (checkDate, needed) => {
    const f = checkHealthCheck({ ...complete, checkDate }, ctx65, 'complete');
    expect(at(f.errors).includes('selfCare:validation.selfCareRequired')).toBe(needed);
  });

  it('accepts a 65+ check with the assessment and computes the band', () => {
    const c = { ...elderly, selfCare: { meal: 3, grooming: 1, dressing: 0, toileting: 0, mobility: 0 } };
    expect(checkHealthCheck(c, ctx65, 'complete').errors).toEqual([]);
    expect(computeHealthCheck(c, ctx65.birthDate)).toEqual({ ageAtCheck: 65, bmi: 22, selfCareTotal: 4, elderSelfCare: 2 });
  });

  it('does not count an assessment with impossible scores', () => {
    const c = { ...elderly, selfCare: { meal: 1, grooming: 1, dressing: 0, toileting: 0, mobility: 0 } };
    expect(at(checkHealthCheck(c, ctx65, 'complete').errors)).toEqual(['selfCare:validation.selfCareRequired']);
  });
});

describe('input that skipped parsing', () => {
  it('reports a check date that is not a date instead of throwing', () => {
    expect(at(checkHealthCheck({ ...complete, checkDate: '2026-02-30' }, ctx60, 'draft').errors)).toEqual(['checkDate:validation.date']);
  });
});

describe('a 65+ check is complete only with the elderly items (issue 12 §2)', () => {
  const selfCare = { meal: 0, grooming: 0, dressing: 0, toileting: 0, mobility: 0 };
  const elder = { ...elderly, selfCare };
  const without = (path: 'elderSelfHealth' | 'elderCognition' | 'elderMood'): HealthCheckDraft => {
    const { [path]: _gone, ...g } = elder.generalCondition ?? {};
    return { ...elder, generalCondition: g };
  };

  it('completes with the status self-assessments, the self-care assessment and health guidance', () =>
    expect(checkHealthCheck(elder, ctx65, 'complete').errors).toEqual([]));

  it.each(['elderSelfHealth', 'elderCognition', 'elderMood'] as const)('refuses to complete without %s', (path) =>
    expect(at(checkHealthCheck(without(path), ctx65, 'complete').errors)).toEqual([`generalCondition.${path}:validation.elderlyItemRequired`]));

  it.each([
    ['guidance only', { guidance: ['2' as const], riskControl: undefined, riskControlOther: undefined }, []],
    ['risk-factor advice only', { guidance: undefined }, []],
    ['neither', { guidance: [], riskControl: [], riskControlOther: undefined }, ['guidance:validation.elderlyGuidanceRequired']],
  ])('health guidance: %s', (_name, patch, errors) => expect(at(checkHealthCheck({ ...elder, ...patch }, ctx65, 'complete').errors)).toEqual(errors));

  it('all of it, refused together, the day the resident turns 65', () =>
    expect(at(checkHealthCheck(complete, ctx65, 'complete').errors)).toEqual([
      'selfCare:validation.selfCareRequired',
      'generalCondition.elderSelfHealth:validation.elderlyItemRequired',
      'generalCondition.elderCognition:validation.elderlyItemRequired',
      'generalCondition.elderMood:validation.elderlyItemRequired',
      'guidance:validation.elderlyGuidanceRequired',
    ]));

  it.each([
    ['2026-11-21', 'draft', 64, 0],
    ['2026-11-21', 'complete', 64, 0],
    ['2026-11-22', 'draft', 65, 0],
  ] as const)('checked %s (%s), age %i: nothing of it is asked', (checkDate, mode, _age, count) =>
    expect(checkHealthCheck({ ...complete, checkDate }, ctx65, mode).errors).toHaveLength(count));
});
