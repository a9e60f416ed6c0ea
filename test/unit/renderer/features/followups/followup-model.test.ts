import { describe, expect, it } from 'vitest';
import type { FollowupEvaluation, FollowupView } from '../../../../../shared/api/followups';
import { FollowupFormInput } from '../../../../../shared/api/followups';
import {
  bmiOf,
  carriedFrom,
  chosenDecision,
  emergencyAnswerIssue,
  emergencyNow,
  fromView,
  glucoseMmol,
  heightFrom,
  toPayload,
  type VisitValues,
} from '../../../../../renderer/features/followups/followup-model';
import { formPathFor } from '../../../../../renderer/features/followups/field-paths';

const evaluation = (proposed: FollowupEvaluation['proposed']): FollowupEvaluation => ({
  age: 68,
  urgentReferral: false,
  emergency: [],
  bpControlled: true,
  glucoseControlled: false,
  controlled: false,
  previousClass: null,
  proposed,
  referralAdvised: false,
  referralCheckDue: null,
  fastingGlucose: 8.2,
});

const visit: VisitValues = {
  visitDate: '2026-11-23',
  visitMode: 1,
  sbp: 132,
  dbp: 82,
  weight: 70,
  heightCm: 170,
  heartRate: 76,
  adherence: 1,
  adverseReaction: 1,
  medications: [{ drugName: ' 二甲双胍 ', timesPerDay: 2, doseMg: 500 }, { drugName: '  ' }],
  doctorSignature: '李医生',
  htn: { symptoms: [1], saltIntake: 2 },
  t2dm: { symptoms: [1], glucoseValue: 8.2, glucoseUnit: 'mmol/L', hypoglycemia: 1 },
};

describe('follow-up screen values → API forms (record once for both diseases)', () => {
  it('copies the shared measurements into both forms and keeps disease items apart', () => {
    const htn = toPayload('htn', visit, null);
    const t2dm = toPayload('t2dm', visit, null);
    expect(htn.followup.form).toMatchObject({ sbp: 132, dbp: 82, weight: 70, bmi: 24.2, symptoms: [1], saltIntake: 2 });
    expect(t2dm.followup.form).toMatchObject({ sbp: 132, dbp: 82, weight: 70, bmi: 24.2, symptoms: [1], fastingGlucose: 8.2, hypoglycemia: 1 });
    expect(htn.followup.form).not.toHaveProperty('fastingGlucose');
    expect(t2dm.followup.form).not.toHaveProperty('saltIntake');
    expect(htn.glucose).toBeUndefined();
    expect(t2dm.glucose).toEqual({ value: 8.2, unit: 'mmol/L' });
  });

  it('drops blank medication rows and trims names', () => {
    expect(toPayload('htn', visit, null).followup.form.medications).toEqual([{ drugName: '二甲双胍', timesPerDay: 2, doseMg: 500 }]);
  });

  it('sends only what was typed, so a draft passes the door schema', () => {
    const draft = toPayload('t2dm', { visitDate: '2026-11-23', t2dm: { glucoseUnit: 'mmol/L' } }, null);
    expect(draft.followup.form).toEqual({ visitDate: '2026-11-23' });
    expect(FollowupFormInput.safeParse(draft.followup).success).toBe(true);
    expect(FollowupFormInput.safeParse(toPayload('t2dm', visit, null).followup).success).toBe(true);
  });

  it.each([
    [71, 'mg/dL', 3.9],
    [300, 'mg/dL', 16.7],
    [148, 'mg/dL', 8.2],
    [8.25, 'mmol/L', 8.3],
    [8.2, 'mmol/L', 8.2],
  ] as const)('glucose %f %s is %f mmol/L as the rules see it (DESIGN.md §1)', (value, unit, mmol) => {
    expect(glucoseMmol(value, unit)).toBe(mmol);
    const payload = toPayload('t2dm', { t2dm: { glucoseValue: value, glucoseUnit: unit } }, null);
    expect(payload.followup.disease === 't2dm' && payload.followup.form.fastingGlucose).toBe(mmol);
    expect(payload.glucose).toEqual({ value, unit });
  });

  it('computes BMI from height and weight, and height back from a stored visit', () => {
    expect(bmiOf(70, 170)).toBe(24.2);
    expect(bmiOf(70, null)).toBeNull();
    expect(heightFrom(70, 24.2)).toBe(170);
    expect(heightFrom(70, null)).toBeNull();
  });
});

describe('the decision sent: proposal unless the doctor takes over', () => {
  const ev = evaluation({ classification: 2, nextStep: 2, nextVisitDate: '2026-12-07' });

  it('sends the proposal when the doctor does not override, whatever the fields hold', () => {
    expect(chosenDecision({ classification: 1 }, ev)).toEqual({ classification: 2, nextStep: 2, nextVisitDate: '2026-12-07', overrideReason: undefined });
  });

  it('sends the doctor’s choice and reason when overriding', () => {
    const d = chosenDecision({ isOverriding: true, classification: 1, nextStep: 1, overrideReason: ' 复测血糖正常 ' }, ev);
    expect(d).toEqual({ classification: 1, nextStep: 1, nextVisitDate: '2026-12-07', overrideReason: '复测血糖正常' });
    const form = toPayload('t2dm', { ...visit, t2dm: { ...visit.t2dm, isOverriding: true, classification: 1, overrideReason: '复测血糖正常' } }, ev).followup.form;
    expect(form).toMatchObject({ classification: 1, nextStep: 2, override: { reason: '复测血糖正常' } });
  });

  it('lets the doctor fill what the rules could not propose (phone visit without values), without a reason', () => {
    const none = evaluation({ classification: null, nextStep: null, nextVisitDate: null });
    expect(chosenDecision({ classification: 1, nextStep: 1, nextVisitDate: '2027-02-23' }, none)).toMatchObject({ classification: 1, nextStep: 1, nextVisitDate: '2027-02-23' });
  });
});

describe('emergency criteria on what has been typed (followups.md §4)', () => {
  it.each([
    [179, 'htn', []],
    [180, 'htn', ['SBP_HIGH']],
    [185, 't2dm', ['SBP_HIGH']],
  ] as const)('SBP %i on the %s form gives %j', (sbp, disease, codes) => {
    expect(emergencyNow(disease, { sbp }).map((c) => c.code)).toEqual(codes);
  });

  it.each([
    [3.9, 'mmol/L', ['GLUCOSE_LOW']],
    [4.0, 'mmol/L', []],
    [16.7, 'mmol/L', ['GLUCOSE_HIGH']],
    [71, 'mg/dL', ['GLUCOSE_LOW']],
    [299, 'mg/dL', []],
  ] as const)('glucose %f %s gives %j', (value, unit, codes) => {
    expect(emergencyNow('t2dm', { t2dm: { glucoseValue: value, glucoseUnit: unit } }).map((c) => c.code)).toEqual(codes);
  });

  it('ignores glucose on the hypertension form and reads each form’s own checklist', () => {
    const v: VisitValues = { t2dm: { glucoseValue: 20, emergencySigns: ['acetoneBreath'] }, htn: { emergencySigns: ['eyePain'] } };
    expect(emergencyNow('htn', v).map((c) => c.messageKey)).toEqual(['followup.emergency.sign.eyePain']);
    expect(emergencyNow('t2dm', v).map((c) => c.code)).toEqual(['GLUCOSE_HIGH', 'SIGN']);
  });
});

describe('API field issues land on the right field', () => {
  it.each([
    ['htn', 'sbp', ['sbp']],
    ['htn', 'followup.form.sbp', ['sbp']],
    ['t2dm', 'symptoms', ['t2dm', 'symptoms']],
    ['htn', 'override.reason', ['htn', 'overrideReason']],
    ['t2dm', 'fastingGlucose', ['t2dm', 'glucoseValue']],
    ['t2dm', 'dorsalisPedis.side', ['t2dm', 'dorsalisPedisSide']],
    ['htn', 'referral.orgDept', ['referralOrgDept']],
    ['htn', 'medications.0.drugName', ['medications', 0, 'drugName']],
    ['t2dm', 'nextVisitDate', ['t2dm', 'nextVisitDate']],
  ] as const)('%s %s → %j', (disease, path, expected) => {
    expect(formPathFor(disease, path)).toEqual(expected);
  });
});

describe('a saved form back into the screen', () => {
  const view = (disease: 'htn' | 't2dm', form: Record<string, unknown>): FollowupView =>
    ({
      id: 'f1',
      residentId: 'r1',
      status: 'completed',
      visitDate: '2026-08-01',
      followup: { disease, form },
      computed: evaluation({ classification: 1, nextStep: 1, nextVisitDate: '2026-11-01' }),
      referralCheckId: '',
      warnings: [],
      amends: '',
      amendReason: '',
      amendedBy: [],
      completedAt: 1,
      updatedAt: 1,
    });

  it('round-trips a diabetes form, with the raw mg/dL glucose shown as typed', () => {
    const v = fromView(view('t2dm', { visitDate: '2026-08-01', visitMode: 1, sbp: 130, dbp: 80, weight: 70, bmi: 24.2, fastingGlucose: 3.9, glucoseRaw: { value: 71, unit: 'mg/dL' }, classification: 1 }));
    expect(v.t2dm).toMatchObject({ glucoseValue: 71, glucoseUnit: 'mg/dL', classification: 1, isOverriding: false });
    expect(v.heightCm).toBe(170);
    expect(toPayload('t2dm', v, null).followup.form).toMatchObject({ fastingGlucose: 3.9, sbp: 130, bmi: 24.2 });
  });

  it('answers 有无危急情况 from the ticked signs; a completed visit without one said 无, a draft is not answered yet', () => {
    expect(fromView(view('htn', { emergencySigns: ['eyePain'] })).hasEmergency).toBe(2);
    expect(fromView(view('t2dm', { emergencySigns: ['sweating'] })).hasEmergency).toBe(2);
    expect(fromView(view('htn', {})).hasEmergency).toBe(1);
    expect(fromView({ ...view('htn', {}), status: 'draft' }).hasEmergency).toBeNull();
    expect(fromView({ ...view('htn', { emergencySigns: ['eyePain'] }), status: 'draft' }).hasEmergency).toBe(2);
  });

  it('opens the override when the saved form had one', () => {
    expect(fromView(view('htn', { classification: 1, override: { reason: '测量误差' } })).htn).toMatchObject({ isOverriding: true, overrideReason: '测量误差' });
  });

  it('carries targets, height and medication to the next visit, not the measurements', () => {
    const carried = carriedFrom({ htn: view('htn', { sbp: 150, weight: 70, bmi: 24.2, targetWeight: 65, medications: [{ drugName: '氨氯地平' }] }) }, ['htn']);
    expect(carried).toMatchObject({ heightCm: 170, targetWeight: 65, medications: [{ drugName: '氨氯地平' }] });
    expect(carried).not.toHaveProperty('sbp');
    expect(carriedFrom({}, ['htn'])).toEqual({});
  });

  // Issue 16: a diabetes follow-up was pre-filled with the last hypertension visit's drugs.
  const htnVisit = { ...view('htn', { weight: 70, bmi: 24.2, targetWeight: 66, medications: [{ drugName: '氢氯噻嗪片' }, { drugName: '氨氯地平' }] }), visitDate: '2026-09-01' };
  const dmVisit = { ...view('t2dm', { weight: 72, bmi: 24.9, targetWeight: 68, medications: [{ drugName: '阿卡波糖片' }, { drugName: '氨氯地平' }] }), visitDate: '2026-08-01' };

  it('a diabetes visit takes the drugs of the last diabetes visit, never the hypertension ones', () => {
    const carried = carriedFrom({ htn: htnVisit, t2dm: dmVisit }, ['t2dm']);
    expect(carried.medications?.map((m) => m.drugName)).toEqual(['阿卡波糖片', '氨氯地平']);
    expect(carried.targetWeight).toBe(68);
  });

  it('a hypertension visit takes the hypertension drugs only', () => {
    expect(carriedFrom({ htn: htnVisit, t2dm: dmVisit }, ['htn']).medications?.map((m) => m.drugName)).toEqual(['氢氯噻嗪片', '氨氯地平']);
  });

  it('a diabetes visit with no earlier diabetes visit carries nothing, even when a hypertension visit exists', () => {
    expect(carriedFrom({ htn: htnVisit }, ['t2dm'])).toEqual({});
  });

  it('a visit for both lists each disease\'s drugs once; targets from the more recent visit', () => {
    const carried = carriedFrom({ htn: htnVisit, t2dm: dmVisit }, ['htn', 't2dm']);
    expect(carried.medications?.map((m) => m.drugName)).toEqual(['氢氯噻嗪片', '氨氯地平', '阿卡波糖片']);
    expect(carried.targetWeight).toBe(66);
  });

  it('ignores a last visit filed under the wrong disease key', () => {
    expect(carriedFrom({ t2dm: htnVisit }, ['t2dm'])).toEqual({});
  });
});

describe('insulin and the drawn signature on the screen values (form version 2, issue 12)', () => {
  const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

  it('sends insulin in 用药情况 and 用药调整意见 on the diabetes form only, and the signature on both', () => {
    const values: VisitValues = {
      visitDate: '2026-11-23',
      visitMode: 1,
      t2dm: { glucoseValue: 7.5, glucoseUnit: 'mmol/L', insulin: { kind: ' 甘精胰岛素 ', doseUnits: 12, timesPerDay: 1, usage: '' } },
      insulinAdjustment: { kind: '甘精胰岛素', doseUnits: 14, timesPerDay: 1, usage: '睡前' },
      residentSignatureImage: PNG,
    };
    const t2dm = toPayload('t2dm', values, null).followup.form as Record<string, unknown>;
    expect(t2dm['insulin']).toEqual({ kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 });
    expect(t2dm['insulinAdjustment']).toEqual({ kind: '甘精胰岛素', doseUnits: 14, timesPerDay: 1, usage: '睡前' });
    expect(t2dm['residentSignatureImage']).toBe(PNG);
    const htn = toPayload('htn', values, null).followup.form as Record<string, unknown>;
    expect(htn['insulin']).toBeUndefined();
    expect(htn['insulinAdjustment']).toBeUndefined();
    expect(htn['residentSignatureImage']).toBe(PNG);
    expect(FollowupFormInput.safeParse({ disease: 't2dm', form: t2dm }).success).toBe(true);
  });

  it('leaves insulin out when nothing was typed, and keeps numbers without a kind so the door names the kind', () => {
    expect((toPayload('t2dm', { t2dm: { insulin: { kind: '', usage: '' } } }, null).followup.form as Record<string, unknown>)['insulin']).toBeUndefined();
    const noKind = toPayload('t2dm', { insulinAdjustment: { kind: '', doseUnits: 8 } }, null).followup.form as Record<string, unknown>;
    expect(noKind['insulinAdjustment']).toEqual({ kind: '', doseUnits: 8 });
    expect(FollowupFormInput.safeParse({ disease: 't2dm', form: noKind }).success).toBe(false);
    expect(formPathFor('t2dm', 'followup.form.insulinAdjustment.kind')).toEqual(['insulinAdjustment', 'kind']);
    expect(formPathFor('t2dm', 'followup.form.insulin.kind')).toEqual(['t2dm', 'insulin', 'kind']);
  });

  it('reads them back for a draft or an amendment', () => {
    const back = fromView({
      id: 'x',
      residentId: 'r',
      status: 'draft',
      visitDate: '2026-11-23',
      followup: { disease: 't2dm', form: { insulin: { kind: '门冬胰岛素', doseUnits: 6, timesPerDay: 3 }, insulinAdjustment: { kind: '门冬胰岛素', doseUnits: 8 }, residentSignatureImage: PNG } },
    } as unknown as FollowupView);
    expect(back.t2dm?.insulin).toEqual({ kind: '门冬胰岛素', doseUnits: 6, timesPerDay: 3, usage: '' });
    expect(back.insulinAdjustment).toEqual({ kind: '门冬胰岛素', doseUnits: 8, timesPerDay: undefined, usage: '' });
    expect(back.residentSignatureImage).toBe(PNG);
  });
});

describe('有无危急情况 agrees with the checklist (issue 16)', () => {
  it.each<[VisitValues['hasEmergency'], string[], string[], ReturnType<typeof emergencyAnswerIssue>]>([
    [undefined, [], [], null],
    [null, ['eyePain'], [], null],
    [1, [], [], null],
    [2, ['eyePain'], [], null],
    [2, [], ['sweating'], null],
    [2, [], [], 'noSignTicked'],
    [1, ['eyePain'], [], 'signTicked'],
    [1, [], ['sweating'], 'signTicked'],
  ])('answer %s, htn signs %j, t2dm signs %j -> %s', (hasEmergency, htn, t2dm, issue) => {
    expect(emergencyAnswerIssue({ hasEmergency, htn: { emergencySigns: htn }, t2dm: { emergencySigns: t2dm } }, ['htn', 't2dm'])).toBe(issue);
  });

  it('counts only the signs of the diseases recorded now', () => {
    expect(emergencyAnswerIssue({ hasEmergency: 1, t2dm: { emergencySigns: ['sweating'] } }, ['htn'])).toBeNull();
    expect(emergencyAnswerIssue({ hasEmergency: 2, t2dm: { emergencySigns: ['sweating'] } }, ['htn'])).toBe('noSignTicked');
  });

  it('never reaches the saved form', () => {
    const form = toPayload('htn', { hasEmergency: 1, htn: { emergencySigns: [] } }, null).followup.form;
    expect(form).not.toHaveProperty('hasEmergency');
  });
});
