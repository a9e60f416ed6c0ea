/**
 * The 健康体检表 (records.md §3) as data, in the paper form's order: each block lists its fields with their kind, code
 * set, unit and the finding that "全部正常" ticks. The form renders from this list, so Tab order follows the paper, and
 * a rule's issue path finds its field here.
 */
import * as cs from '../../../shared/domain/code-sets';

export type FieldKind = 'number' | 'int' | 'code' | 'codes' | 'codeText' | 'text' | 'bp';

export interface FieldSpec {
  /** Dotted path in HealthCheckDraft (`generalCondition.bpLeft`); the label key is `health-checks.field.<path>`. */
  path: string;
  kind: FieldKind;
  set?: readonly cs.CodeItem[];
  unit?: string;
  /** What "全部正常" fills in; a list for multi-selects. */
  normal?: string | readonly string[];
  /** For `codes`: code 1 (无 / 未发现 / 未见异常) excludes the rest. */
  exclusive?: boolean;
  /** Decimal places accepted by a number input. */
  precision?: number;
  /** Only asked for women (妇科) . */
  femaleOnly?: boolean;
  /** Text fields that take a whole row. */
  wide?: boolean;
}

/** Units that are words get each language's own text (次/分, not "/min", in the Chinese UI); symbols print as they are. */
const WORD_UNITS: Record<string, { zh: string; en: string }> = {
  perMinute: { zh: '次/分', en: '/min' },
  minutes: { zh: '分钟', en: 'min' },
  years: { zh: '年', en: 'y' },
};

/** A field's unit as shown in `lang`. */
export function unitText(unit: string | undefined, lang: 'zh' | 'en'): string {
  if (!unit) return '';
  return WORD_UNITS[unit]?.[lang] ?? unit;
}

export interface BlockSpec {
  key: 'symptoms' | 'general' | 'lifestyle' | 'organ' | 'exam' | 'aux' | 'problems' | 'assessment';
  fields: FieldSpec[];
}

const n = (path: string, unit: string, precision = 1): FieldSpec => ({ path, kind: 'number', unit, precision });
const i = (path: string, unit: string): FieldSpec => ({ path, kind: 'int', unit });
const c = (path: string, set: readonly cs.CodeItem[], normal?: string): FieldSpec => ({ path, kind: 'code', set, ...(normal ? { normal } : {}) });
const ct = (path: string, set: readonly cs.CodeItem[], normal?: string, femaleOnly = false): FieldSpec => ({
  path,
  kind: 'codeText',
  set,
  ...(normal ? { normal } : {}),
  ...(femaleOnly ? { femaleOnly } : {}),
});
const m = (path: string, set: readonly cs.CodeItem[], exclusive: boolean, normal?: readonly string[]): FieldSpec => ({
  path,
  kind: 'codes',
  set,
  exclusive,
  ...(normal ? { normal } : {}),
});
const tx = (path: string, wide = false): FieldSpec => ({ path, kind: 'text', wide });

const exposure = (agent: string): FieldSpec[] => [tx(`lifestyle.occupationalExposure.${agent}.name`), c(`lifestyle.occupationalExposure.${agent}.protection`, cs.noneOrHas)];

export const BLOCKS: readonly BlockSpec[] = [
  { key: 'symptoms', fields: [m('symptoms', cs.symptoms, true, ['1']), tx('symptomOther', true)] },
  {
    key: 'general',
    fields: [
      n('generalCondition.temperature', '℃'),
      i('generalCondition.pulseRate', 'perMinute'),
      i('generalCondition.respiratoryRate', 'perMinute'),
      { path: 'generalCondition.bpLeft', kind: 'bp', unit: 'mmHg' },
      { path: 'generalCondition.bpRight', kind: 'bp', unit: 'mmHg' },
      n('generalCondition.height', 'cm'),
      n('generalCondition.weight', 'kg'),
      n('generalCondition.waist', 'cm'),
      c('generalCondition.elderSelfHealth', cs.elderSelfHealth),
      c('generalCondition.elderCognition', cs.screenResult, '1'),
      i('generalCondition.cognitionScore', ''),
      c('generalCondition.elderMood', cs.screenResult, '1'),
      i('generalCondition.moodScore', ''),
    ],
  },
  {
    key: 'lifestyle',
    fields: [
      c('lifestyle.exerciseFrequency', cs.exerciseFrequency),
      i('lifestyle.exerciseMinutes', 'minutes'),
      n('lifestyle.exerciseYears', 'years'),
      tx('lifestyle.exerciseType'),
      m('lifestyle.dietHabits', cs.dietHabits, false),
      c('lifestyle.smokingStatus', cs.smokingStatus),
      i('lifestyle.cigarettesPerDay', ''),
      i('lifestyle.smokingStartAge', ''),
      i('lifestyle.smokingQuitAge', ''),
      c('lifestyle.drinkingFrequency', cs.drinkingFrequency),
      n('lifestyle.alcoholPerDayLiang', ''),
      c('lifestyle.quitDrinking', cs.quitDrinking),
      i('lifestyle.drinkingQuitAge', ''),
      i('lifestyle.drinkingStartAge', ''),
      c('lifestyle.drunkLastYear', cs.yesNo),
      m('lifestyle.alcoholTypes', cs.alcoholTypes, false),
      tx('lifestyle.alcoholTypeOther'),
      c('lifestyle.occupationalExposure.has', cs.noneOrHas, '1'),
      tx('lifestyle.occupationalExposure.jobType'),
      n('lifestyle.occupationalExposure.years', 'years'),
      ...['dust', 'radiation', 'physical', 'chemical', 'other'].flatMap(exposure),
    ],
  },
  {
    key: 'organ',
    fields: [
      c('organFunction.lips', cs.lips, '1'),
      m('organFunction.dentition', cs.dentition, true, ['1']),
      c('organFunction.pharynx', cs.pharynx, '1'),
      n('organFunction.visionLeft', ''),
      n('organFunction.visionRight', ''),
      n('organFunction.correctedLeft', ''),
      n('organFunction.correctedRight', ''),
      c('organFunction.hearing', cs.hearing, '1'),
      c('organFunction.motorFunction', cs.motorFunction, '1'),
    ],
  },
  {
    key: 'exam',
    fields: [
      ct('physicalExam.fundus', cs.normalAbnormal, '1'),
      ct('physicalExam.skin', cs.skin, '1'),
      ct('physicalExam.sclera', cs.sclera, '1'),
      ct('physicalExam.lymphNodes', cs.lymphNodes, '1'),
      c('physicalExam.barrelChest', cs.barrelChest, '1'),
      ct('physicalExam.breathSounds', cs.normalAbnormal, '1'),
      ct('physicalExam.rales', cs.rales, '1'),
      i('physicalExam.heartRate', 'perMinute'),
      c('physicalExam.heartRhythm', cs.heartRhythm, '1'),
      ct('physicalExam.heartMurmur', cs.noneOrHas, '1'),
      ct('physicalExam.abdTenderness', cs.noneOrHas, '1'),
      ct('physicalExam.abdMass', cs.noneOrHas, '1'),
      ct('physicalExam.hepatomegaly', cs.noneOrHas, '1'),
      ct('physicalExam.splenomegaly', cs.noneOrHas, '1'),
      ct('physicalExam.shiftingDullness', cs.noneOrHas, '1'),
      c('physicalExam.legEdema', cs.legEdema, '1'),
      c('physicalExam.dorsalisPedisPulse', cs.dorsalisPedisPulse, '2'),
      ct('physicalExam.digitalRectal', cs.digitalRectal, '1'),
      { ...m('physicalExam.breast', cs.breast, true, ['1']), femaleOnly: true },
      { ...tx('physicalExam.breastOther'), femaleOnly: true },
      ct('physicalExam.gynVulva', cs.notSeenAbnormal, '1', true),
      ct('physicalExam.gynVagina', cs.notSeenAbnormal, '1', true),
      ct('physicalExam.gynCervix', cs.notSeenAbnormal, '1', true),
      ct('physicalExam.gynUterus', cs.notSeenAbnormal, '1', true),
      ct('physicalExam.gynAdnexa', cs.notSeenAbnormal, '1', true),
      tx('physicalExam.examOther', true),
    ],
  },
  {
    key: 'aux',
    fields: [
      i('auxExams.hemoglobin', 'g/L'),
      n('auxExams.wbc', '×10⁹/L'),
      i('auxExams.platelets', '×10⁹/L'),
      tx('auxExams.bloodOther'),
      c('auxExams.urineProtein', cs.dipstick, '-'),
      c('auxExams.urineGlucose', cs.dipstick, '-'),
      c('auxExams.urineKetone', cs.dipstick, '-'),
      c('auxExams.urineOccultBlood', cs.dipstick, '-'),
      tx('auxExams.urineOther'),
      n('auxExams.fastingGlucose', 'mmol/L'),
      ct('auxExams.ecg', cs.normalAbnormal, '1'),
      n('auxExams.urineMicroalbumin', 'mg/dL'),
      c('auxExams.fecalOccultBlood', cs.negativePositive, '1'),
      n('auxExams.hba1c', '%'),
      c('auxExams.hbsag', cs.negativePositive, '1'),
      n('auxExams.alt', 'U/L', 0),
      n('auxExams.ast', 'U/L', 0),
      n('auxExams.albumin', 'g/L'),
      n('auxExams.totalBilirubin', 'μmol/L'),
      n('auxExams.directBilirubin', 'μmol/L'),
      n('auxExams.creatinine', 'μmol/L', 0),
      n('auxExams.urea', 'mmol/L', 2),
      n('auxExams.potassium', 'mmol/L', 2),
      n('auxExams.sodium', 'mmol/L'),
      n('auxExams.tc', 'mmol/L', 2),
      n('auxExams.tg', 'mmol/L', 2),
      n('auxExams.ldlc', 'mmol/L', 2),
      n('auxExams.hdlc', 'mmol/L', 2),
      ct('auxExams.chestXray', cs.normalAbnormal, '1'),
      ct('auxExams.ultrasoundAbdomen', cs.normalAbnormal, '1'),
      ct('auxExams.ultrasoundOther', cs.normalAbnormal, '1'),
      { ...ct('auxExams.cervicalSmear', cs.normalAbnormal, '1'), femaleOnly: true },
      tx('auxExams.auxOther', true),
    ],
  },
  {
    key: 'problems',
    fields: [
      m('existingProblems.cerebrovascular', cs.existingProblems.cerebrovascular, true, ['1']),
      m('existingProblems.renal', cs.existingProblems.renal, true, ['1']),
      m('existingProblems.cardiac', cs.existingProblems.cardiac, true, ['1']),
      m('existingProblems.vascular', cs.existingProblems.vascular, true, ['1']),
      m('existingProblems.eye', cs.existingProblems.eye, true, ['1']),
      m('existingProblems.neurological', cs.existingProblems.neurological, true, ['1']),
      m('existingProblems.otherSystem', cs.existingProblems.otherSystem, true, ['1']),
      tx('existingProblems.otherText', true),
    ],
  },
  {
    key: 'assessment',
    fields: [
      c('assessment', cs.assessment),
      { path: 'abnormalities', kind: 'text', wide: true },
      m('guidance', cs.guidance, false),
      m('riskControl', cs.riskControl, false),
      n('targetWeightKg', 'kg'),
      tx('vaccineAdvised'),
      tx('riskControlOther'),
    ],
  },
];

export const ALL_FIELDS: readonly FieldSpec[] = BLOCKS.flatMap((b) => b.fields);

export const namePath = (path: string): string[] => path.split('.');
