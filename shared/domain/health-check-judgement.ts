/**
 * The health check judges its own values (issue 12 §2): the BP used (the higher arm), its grade, the BMI band,
 * central obesity, a list of abnormal findings for 健康评价, the conflict "体检无异常" with an abnormal value, and what a
 * 65+ check still lacks for the elderly indicator (README §1: the Spec's 65+ items, self-care assessment, guidance).
 *
 * Lab cut-offs used for the abnormal list (app convention, for prompting only; the doctor edits the list):
 * FPG ≥ 7.0 疑似糖尿病, 6.1–6.9 空腹血糖受损 (followups.md §2); lipids by the Chinese adult dyslipidaemia guideline
 * 2016 "升高" lines: TC ≥ 6.2, TG ≥ 2.3, LDL-C ≥ 4.1 mmol/L, HDL-C < 1.0 mmol/L.
 */
import type { FieldIssue } from '../api/errors';
import type { HealthCheckDraft } from '../schemas/health-check';
import { bpGrade, classificationReading, isIsolatedSystolic, type BpGrade } from './blood-pressure';
import { bmiBand, computeBmi, hasCentralObesity, type BmiBand } from './bmi';
import { ageOn, type CalendarDate } from './dates';

export interface Finding {
  /** i18n key under healthCheck.finding.* */
  key: string;
  params?: Record<string, string | number>;
}

export interface HealthCheckJudgement {
  bp: { sbp: number; dbp: number; arm: 'left' | 'right' } | null;
  bpGrade: BpGrade | null;
  isIsolatedSystolic: boolean;
  bmiBand: BmiBand | null;
  centralObesity: boolean | null;
  /** Abnormal values, in form order, for 健康评价 异常. */
  abnormal: Finding[];
  /** 健康评价 "1 体检无异常" ticked while values are abnormal: completing needs the doctor's confirmation. */
  isNoAbnormalConflict: boolean;
  /** Form paths a 65+ check still needs for the elderly indicator; empty when complete or under 65. */
  elderlyMissing: string[];
}

export const LIPID_HIGH = { tc: 6.2, tg: 2.3, ldlc: 4.1 } as const;
export const HDL_LOW = 1.0;
export const ELDERLY_AGE = 65;

/** Fields a 65+ check needs beyond the core ones (README §1 elderly package; records.md §3, starred items). */
export const ELDERLY_REQUIRED_PATHS = [
  'generalCondition.elderSelfHealth',
  'generalCondition.elderCognition',
  'generalCondition.elderMood',
  'selfCare',
  'organFunction.visionLeft',
  'organFunction.visionRight',
  'organFunction.hearing',
  'organFunction.motorFunction',
  'auxExams.hemoglobin',
  'auxExams.urineProtein',
  'auxExams.alt',
  'auxExams.creatinine',
  'auxExams.fastingGlucose',
  'auxExams.tc',
  'auxExams.ecg',
  'auxExams.ultrasoundAbdomen',
  'guidance',
] as const;

function present(obj: unknown, path: string): boolean {
  // Health guidance is given in either field of 健康指导 (health-check-rules, ELDERLY_ASKED_PATHS).
  if (path === 'guidance' && present(obj, 'riskControl')) return true;
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null || cur === '') return false;
  return !(Array.isArray(cur) && cur.length === 0);
}

/** The judgement of one check; `sex` is GB/T 2261.1 (1 男, 2 女), needed for central obesity. */
export function judgeHealthCheck(c: HealthCheckDraft, birthDate: CalendarDate, sex: number): HealthCheckJudgement {
  const g = c.generalCondition;
  const abnormal: Finding[] = [];
  const reading = classificationReading(g?.bpLeft, g?.bpRight);
  const arm: 'left' | 'right' = reading && reading === g?.bpLeft ? 'left' : 'right';
  const grade = reading ? bpGrade(reading) : null;
  if (reading && (grade === 'grade1' || grade === 'grade2' || grade === 'grade3')) {
    abnormal.push({ key: `bp.${grade}`, params: { sbp: reading.sbp, dbp: reading.dbp } });
  }
  const bmi = g?.weight !== undefined && g.height !== undefined ? computeBmi(g.weight, g.height) : null;
  const band = bmi === null ? null : bmiBand(bmi);
  if (bmi !== null && band !== 'normal' && band !== null) abnormal.push({ key: `bmi.${band}`, params: { bmi } });
  const central = g?.waist !== undefined ? hasCentralObesity(g.waist, sex) : null;
  if (central === true && g?.waist !== undefined) abnormal.push({ key: 'centralObesity', params: { waist: g.waist } });

  const a = c.auxExams;
  if (a?.fastingGlucose !== undefined) {
    if (a.fastingGlucose >= 7.0) abnormal.push({ key: 'glucose.high', params: { value: a.fastingGlucose } });
    else if (a.fastingGlucose >= 6.1) abnormal.push({ key: 'glucose.ifg', params: { value: a.fastingGlucose } });
  }
  for (const k of ['tc', 'tg', 'ldlc'] as const) {
    const v = a?.[k];
    if (v !== undefined && v >= LIPID_HIGH[k]) abnormal.push({ key: `lipid.${k}`, params: { value: v } });
  }
  if (a?.hdlc !== undefined && a.hdlc < HDL_LOW) abnormal.push({ key: 'lipid.hdlc', params: { value: a.hdlc } });
  for (const k of ['ecg', 'chestXray', 'ultrasoundAbdomen', 'ultrasoundOther', 'cervicalSmear'] as const) {
    if (a?.[k]?.code === '2') abnormal.push({ key: `exam.${k}`, params: { text: a[k]?.text ?? '' } });
  }

  const age = ageOn(birthDate, c.checkDate);
  const elderlyMissing = age >= ELDERLY_AGE ? ELDERLY_REQUIRED_PATHS.filter((p) => !present(c, p)) : [];
  return {
    bp: reading ? { sbp: reading.sbp, dbp: reading.dbp, arm } : null,
    bpGrade: grade,
    isIsolatedSystolic: reading ? isIsolatedSystolic(reading) : false,
    bmiBand: band,
    centralObesity: central,
    abnormal,
    isNoAbnormalConflict: c.assessment === '1' && abnormal.length > 0,
    elderlyMissing,
  };
}

/**
 * What completing needs the doctor to confirm (issue 12 §2): "体检无异常" with abnormal values, and a 65+ check
 * without the elderly programme's items. Warnings, not refusals: lab results may come later, and the doctor decides.
 */
export function judgementWarnings(j: HealthCheckJudgement): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (j.isNoAbnormalConflict) out.push({ path: 'assessment', message: 'validation.noAbnormalConflict' });
  if (j.elderlyMissing.length > 0) out.push({ path: j.elderlyMissing[0] ?? 'generalCondition', message: 'validation.elderlyIncomplete' });
  return out;
}
