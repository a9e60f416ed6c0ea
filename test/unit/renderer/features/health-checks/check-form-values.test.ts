import { describe, expect, it } from 'vitest';
import { HealthCheckDraft } from '../../../../../shared/schemas/health-check';
import { messages } from '../../../../../renderer/features/health-checks/messages';
import { ALL_FIELDS } from '../../../../../renderer/features/health-checks/check-fields';
import { fieldNameOf, fromDraft, halfPairFindings, toDraft, valueAt } from '../../../../../renderer/features/health-checks/check-form-values';

describe('check-fields', () => {
  it.each(ALL_FIELDS.map((f) => [f.path]))('%s has a label in both languages', (path) => {
    expect(valueAt(messages.zh.field, path)).toEqual(expect.stringMatching(/[\u4e00-\u9fff]/));
    expect(valueAt(messages.en.field, path)).toEqual(expect.stringMatching(/\S/));
  });

  it('every path is a field of HealthCheckDraft', () => {
    const shape = HealthCheckDraft.keyof().options as string[];
    for (const f of ALL_FIELDS) expect(shape).toContain(f.path.split('.')[0]);
  });
});

describe('toDraft / fromDraft', () => {
  const values = {
    checkDate: '2025-03-01',
    responsibleDoctor: ' 李医生 ',
    symptoms: ['1'],
    generalCondition: { temperature: 36.5, pulseRate: null, bpLeft: { sbp: 130, dbp: 80 }, bpRight: { sbp: null, dbp: null }, height: 165, weight: 60 },
    organFunction: { dentition: ['2', '3'] },
    physicalExam: { skin: { code: '1', text: '' }, sclera: { text: 'only text' } },
    abnormalities: '血压偏高\n\n 血脂异常 ',
    selfCareLevels: { meal: 1, grooming: 1, dressing: 0, toileting: 2, mobility: 3 },
    medications: [{ drugName: '氨氯地平', dose: '5mg', adherence: '1' }, { drugName: ' ' }],
  };

  it('drops empty inputs, converts dentition, abnormalities and self-care levels, and is a valid draft', () => {
    const { draft, issues } = toDraft(values, 'r1');
    expect(issues).toEqual([]);
    expect(draft.generalCondition).toEqual({ temperature: 36.5, bpLeft: { sbp: 130, dbp: 80 }, height: 165, weight: 60 });
    expect(draft.organFunction?.dentition).toEqual([{ code: '2' }, { code: '3' }]);
    expect(draft.physicalExam).toEqual({ skin: { code: '1' } });
    expect(draft.abnormalities).toEqual(['血压偏高', '血脂异常']);
    // 进餐 level 1 (轻度依赖) scores 0, 梳洗 level 1 scores 1, 如厕 level 2 scores 5, 活动 level 3 scores 10.
    expect(draft.selfCare).toEqual({ meal: 0, grooming: 1, dressing: 0, toileting: 5, mobility: 10 });
    expect(draft.medications).toEqual([{ drugName: '氨氯地平', dose: '5mg', adherence: '1' }]);
    expect(draft.responsibleDoctor).toBe('李医生');
    expect(HealthCheckDraft.safeParse(draft).success).toBe(true);
  });

  it('asks for the missing half of a blood pressure and the missing self-care items', () => {
    const { draft, issues } = toDraft({ checkDate: '2025-03-01', generalCondition: { bpRight: { sbp: 150 } }, selfCareLevels: { meal: 0 } }, 'r1');
    expect(draft.generalCondition).toBeUndefined();
    expect(draft.selfCare).toBeUndefined();
    expect(issues.map((i) => i.path)).toEqual([
      'generalCondition.bpRight.dbp',
      'selfCare.grooming',
      'selfCare.dressing',
      'selfCare.toileting',
      'selfCare.mobility',
    ]);
  });

  it('fromDraft gives back values that convert to the same draft', () => {
    const { draft } = toDraft(values, 'r1');
    expect(toDraft(fromDraft(draft), 'r1').draft).toEqual(draft);
  });
});

describe('fieldNameOf', () => {
  it.each([
    ['generalCondition.bpLeft.sbp', ['generalCondition', 'bpLeft', 'sbp']],
    ['data.generalCondition.temperature', ['generalCondition', 'temperature']],
    ['generalCondition.bpLeft', ['generalCondition', 'bpLeft', 'sbp']],
    ['generalCondition.bmi', ['generalCondition', 'weight']],
    ['physicalExam.skin', ['physicalExam', 'skin', 'code']],
    ['selfCare.meal', ['selfCareLevels', 'meal']],
    ['selfCare', null],
    ['abnormalities', ['abnormalities']],
    ['medications.0.drugName', ['medications', 0, 'drugName']],
  ])('%s → %j', (path, name) => expect(fieldNameOf(path)).toEqual(name));
});

describe('halfPairFindings', () => {
  it.each([
    [{ sbp: 400 }, ['generalCondition.bpLeft.sbp'], []],
    [{ dbp: 10 }, ['generalCondition.bpLeft.dbp'], []],
    [{ sbp: 230 }, [], ['generalCondition.bpLeft.sbp']],
    [{ sbp: 130 }, [], []],
    // A whole pair is judged by the shared rules, not here.
    [{ sbp: 400, dbp: 80 }, [], []],
  ])('%j', (bp, errors, warnings) => {
    const f = halfPairFindings({ generalCondition: { bpLeft: bp } });
    expect(f.errors.map((e) => e.path)).toEqual(errors);
    expect(f.warnings.map((e) => e.path)).toEqual(warnings);
  });
});
