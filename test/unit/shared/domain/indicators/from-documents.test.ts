/**
 * Which stored checks and TCM assessments the elderly indicators count (indicators.md §4): the fact is worked out from
 * the stored form by shared/domain/indicators/from-documents.ts, the same on the clinic and on the platform.
 */
import { describe, expect, it } from 'vitest';
import { encounterRecord } from '../../../../../shared/domain/indicators';
import { TCM_ITEM_COUNT } from '../../../../../shared/domain/tcm';
import type { EncounterDoc, EncounterType } from '../../../../../shared/schemas/collections';

const doc = (type: EncounterType, form: unknown): EncounterDoc => ({
  id: 'e1',
  type,
  clinicCode: '441521101',
  villageCode: '441521101201',
  residentId: 'r1',
  date: '2025-06-01',
  status: 'completed',
  amends: '',
  amendReason: '',
  data: { form },
  createdBy: 'u1',
  createdAt: 1,
  updatedAt: 1,
  completedAt: 1,
});

/** A 65+ check as the form completes it: core fields, the status self-assessments, self-care and guidance. */
const elderCheck = {
  residentId: 'r1',
  checkDate: '2025-06-01',
  symptoms: ['1'],
  generalCondition: {
    temperature: 36.5,
    pulseRate: 72,
    respiratoryRate: 18,
    bpLeft: { sbp: 130, dbp: 80 },
    height: 165,
    weight: 60,
    waist: 80,
    elderSelfHealth: '2',
    elderCognition: '1',
    elderMood: '1',
  },
  selfCare: { meal: 0, grooming: 0, dressing: 0, toileting: 0, mobility: 0 },
  assessment: '1',
  guidance: [] as string[],
  riskControl: ['7'],
  riskControlOther: '防跌倒',
};
const without = (key: string) => Object.fromEntries(Object.entries(elderCheck).filter(([k]) => k !== key));
const withGeneral = (patch: Record<string, unknown>) => ({ ...elderCheck, generalCondition: { ...elderCheck.generalCondition, ...patch } });

describe('老年人健康管理: the check counts only when filled in completely with guidance', () => {
  it.each([
    ['complete, guidance under 危险因素控制', elderCheck, true],
    ['complete, guidance under 健康指导 only', { ...elderCheck, guidance: ['2'], riskControl: [] }, true],
    ['no guidance of either kind', { ...elderCheck, guidance: [], riskControl: [] }, false],
    ['guidance fields absent', without('riskControl'), false],
    ['no self-care assessment', without('selfCare'), false],
    ['a self-care score the form cannot give (进餐 1)', { ...elderCheck, selfCare: { ...elderCheck.selfCare, meal: 1 } }, false],
    ['no 老年人健康状态自我评估', withGeneral({ elderSelfHealth: undefined }), false],
    ['no cognition screen', withGeneral({ elderCognition: undefined }), false],
    ['no mood screen', withGeneral({ elderMood: undefined }), false],
    ['a core field missing (waist)', withGeneral({ waist: undefined }), false],
    ['no blood pressure', withGeneral({ bpLeft: undefined }), false],
    ['right arm only is enough', withGeneral({ bpLeft: undefined, bpRight: { sbp: 128, dbp: 78 } }), true],
    ['abnormal without the abnormalities', { ...elderCheck, assessment: '2' }, false],
    ['no symptoms answer', without('symptoms'), false],
    ['symptoms of the wrong shape', { ...elderCheck, symptoms: '1' }, false],
    ['abnormalities of the wrong shape', { ...elderCheck, assessment: '2', abnormalities: 'x' }, false],
    ['no form at all', undefined, false],
  ])('%s → %s', (_name, form, counted) => {
    expect(encounterRecord(doc('healthCheck', form)).isServiceComplete).toBe(counted);
  });

  it('other types carry no elderly fact', () => {
    expect(encounterRecord(doc('htnFollowup', { visitMode: 1, sbp: 130, dbp: 80 })).isServiceComplete).toBeNull();
  });
});

describe('老年人中医药健康管理: constitution determined and 保健指导 given', () => {
  const answers = Array.from({ length: TCM_ITEM_COUNT }, () => 3);
  const tcm = { residentId: 'r1', date: '2025-06-01', answers, guidance: { qiXu: [1, 2] }, doctorSignature: '李医生' };
  it.each([
    ['all 33 answered, guidance ticked', tcm, true],
    ['guidance written under 其他 only', { ...tcm, guidance: {}, guidanceOther: '八段锦' }, true],
    ['no guidance', { ...tcm, guidance: {} }, false],
    ['a type with an empty list and blank 其他', { ...tcm, guidance: { qiXu: [] }, guidanceOther: '  ' }, false],
    ['an item unanswered', { ...tcm, answers: [...answers.slice(0, 32), null] }, false],
    ['32 answers', { ...tcm, answers: answers.slice(0, 32) }, false],
    ['answers of the wrong shape', { ...tcm, answers: 'all 3' }, false],
  ])('%s → %s', (_name, form, counted) => {
    expect(encounterRecord(doc('tcmAssessment', form)).isServiceComplete).toBe(counted);
  });
});
