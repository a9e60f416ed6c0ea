import { describe, expect, it } from 'vitest';
import {
  emergencyCriteria,
  isUrgentReferral,
  type EmergencyInput,
  HTN_EMERGENCY_SIGNS,
  T2DM_EMERGENCY_SIGNS,
} from '../../../../shared/domain/followup-emergency';

const codes = (input: EmergencyInput) => emergencyCriteria(input).map((c) => c.code);

describe('blood pressure, both diseases (followups.md §4: SBP ≥ 180 or DBP ≥ 110)', () => {
  it.each([
    ['htn', 179, 109, []],
    ['htn', 180, 109, ['SBP_HIGH']],
    ['htn', 179, 110, ['DBP_HIGH']],
    ['htn', 180, 110, ['SBP_HIGH', 'DBP_HIGH']],
    ['t2dm', 180, 90, ['SBP_HIGH']],
    ['t2dm', 150, 110, ['DBP_HIGH']],
    ['t2dm', 179, 109, []],
  ] as const)('%s %i/%i -> %j', (disease, sbp, dbp, expected) =>
    expect(codes({ disease, sbp, dbp })).toEqual(expected));
});

describe('glucose (≤ 3.9 and ≥ 16.7 both inclusive)', () => {
  it.each([
    [3.8, ['GLUCOSE_LOW']],
    [3.9, ['GLUCOSE_LOW']],
    [4.0, []],
    [16.6, []],
    [16.7, ['GLUCOSE_HIGH']],
    [25, ['GLUCOSE_HIGH']],
  ])('FPG %f -> %j', (g, expected) => expect(codes({ disease: 't2dm', fastingGlucose: g })).toEqual(expected));

  it('glucose is not a criterion on the HTN form', () =>
    expect(codes({ disease: 'htn', fastingGlucose: 20 })).toEqual([]));
});

describe('heart rate and temperature are strict ">" (T2DM)', () => {
  it.each([
    [100, null, []],
    [101, null, ['HEART_RATE_HIGH']],
    [null, 39.0, []],
    [null, 39.1, ['TEMPERATURE_HIGH']],
    [120, 40, ['HEART_RATE_HIGH', 'TEMPERATURE_HIGH']],
  ])('HR %s T %s -> %j', (heartRate, temperature, expected) =>
    expect(codes({ disease: 't2dm', heartRate, temperature })).toEqual(expected));
});

describe('pregnancy or breastfeeding', () => {
  it.each([
    ['htn', 139, 89, null, []],
    ['htn', 140, 80, null, ['PREGNANT_BP_HIGH']],
    ['htn', 130, 90, null, ['PREGNANT_BP_HIGH']],
    // Issue 12 fix 4: normal fasting glucose is below 6.1 (followups.md §4), so 6.1 is above normal.
    ['t2dm', null, null, 6.0, []],
    ['t2dm', null, null, 6.1, ['PREGNANT_GLUCOSE_HIGH']],
    ['t2dm', null, null, 6.9, ['PREGNANT_GLUCOSE_HIGH']],
  ] as const)('%s %s/%s FPG %s -> %j', (disease, sbp, dbp, fastingGlucose, expected) =>
    expect(codes({ disease, sbp, dbp, fastingGlucose, isPregnantOrBreastfeeding: true })).toEqual(expected));

  it('not pregnant: 150/95 is no emergency', () => expect(codes({ disease: 'htn', sbp: 150, dbp: 95 })).toEqual([]));
});

describe('checklist signs', () => {
  it.each(HTN_EMERGENCY_SIGNS.map((s) => [s]))('HTN sign %s triggers', (sign) => {
    const got = emergencyCriteria({ disease: 'htn', signs: [sign] });
    expect(got).toEqual([
      { code: 'SIGN', messageKey: `followup.emergency.sign.${sign}`, path: 'emergencySigns', params: { sign } },
    ]);
  });
  it.each(T2DM_EMERGENCY_SIGNS.map((s) => [s]))('T2DM sign %s triggers', (sign) =>
    expect(codes({ disease: 't2dm', signs: [sign] })).toEqual(['SIGN']));
  it('a sign of the other form is ignored', () => {
    expect(codes({ disease: 'htn', signs: ['acetoneBreath'] })).toEqual([]);
    expect(codes({ disease: 't2dm', signs: ['eyePain'] })).toEqual([]);
  });
  it('unmanageable condition (doctor tick) triggers on both forms', () => {
    expect(codes({ disease: 'htn', hasUnmanageableCondition: true })).toEqual(['UNMANAGEABLE_CONDITION']);
    expect(codes({ disease: 't2dm', hasUnmanageableCondition: true })).toEqual(['UNMANAGEABLE_CONDITION']);
  });
});

describe('partial input', () => {
  it.each([
    [{ disease: 'htn' }],
    [{ disease: 'htn', sbp: null, dbp: undefined }],
    [{ disease: 't2dm', fastingGlucose: Number.NaN }],
    [{ disease: 't2dm', sbp: 185 }],
  ] as const)('%j', (input) => expect(isUrgentReferral(input)).toBe('sbp' in input && input.sbp === 185));

  it('flags SBP alone before DBP is typed', () =>
    expect(emergencyCriteria({ disease: 'htn', sbp: 200 })[0]).toMatchObject({ code: 'SBP_HIGH', path: 'sbp' }));
});
