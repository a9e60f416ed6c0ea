/**
 * Plausibility of 健康体检表 values and the computed fields (BMI, age, self-care band).
 *
 * A value outside the hard range is refused (an error): it cannot be a real measurement of a living person, or it
 * is a unit slip (height in m, glucose in mg/dL, weight typed into height). A value inside the hard range but
 * outside the soft range is saved only after the doctor confirms it (a warning): rare but real. Ranges are
 * inclusive at both ends; our clinical choices, not national rules.
 *
 * | field | unit | hard (refuse outside) | soft (confirm outside) |
 * |---|---|---|---|
 * | temperature | ℃ | 34–43 | 35.5–39.5 |
 * | pulseRate, heartRate | /min | 20–250 | 40–140 |
 * | respiratoryRate | /min | 4–80 | 10–30 |
 * | SBP | mmHg | 40–300, and > DBP | 80–220 |
 * | DBP | mmHg | 20–200 | 40–130 |
 * | height | cm | 40–250 | 100–210 |
 * | weight | kg | 2–300 | 25–150 |
 * | waist | cm | 30–200 | 50–150 |
 * | BMI (computed) | kg/m² | 8–80 | 14–45 |
 * | vision (each) | decimal | 0–3.0 | 0.02–2.0 |
 * | fastingGlucose | mmol/L | 1.0–40.0 | 2.8–25.0 |
 * | hba1c | % | 3–20 | 4–14 |
 * | hemoglobin | g/L | 20–250 | 60–200 |
 * | wbc | ×10⁹/L | 0.1–200 | 2–30 |
 * | platelets | ×10⁹/L | 1–2000 | 50–600 |
 * | urineMicroalbumin | mg/dL | 0–1000 | 0–300 |
 * | alt, ast | U/L | 0–10000 | 0–500 |
 * | albumin | g/L | 5–70 | 25–55 |
 * | totalBilirubin | μmol/L | 0–1000 | 0–100 |
 * | directBilirubin | μmol/L | 0–800, and ≤ total | 0–60 |
 * | creatinine | μmol/L | 5–3000 | 30–500 |
 * | urea | mmol/L | 0.5–100 | 1.5–30 |
 * | potassium | mmol/L | 1.0–10.0 | 3.0–6.0 |
 * | sodium | mmol/L | 90–200 | 125–155 |
 * | tc | mmol/L | 0.5–30 | 2.0–10.0 |
 * | tg | mmol/L | 0.1–60 | 0.3–10.0 |
 * | ldlc | mmol/L | 0.1–20 | 0.5–7.0 |
 * | hdlc | mmol/L | 0.1–6 | 0.5–3.0 |
 * | cigarettesPerDay | 支 | 0–200 | 0–60 |
 * | alcoholPerDayLiang | 两 | 0–100 | 0–20 |
 * | exerciseMinutes | min | 0–1440 | 0–300 |
 * | smoking/drinking start and quit ages | years | 0–current age; quit ≥ start | start ≥ 10 |
 * | targetWeightKg | kg | 2–300 | — |
 *
 * Also: the check date may not be in the future or before birth; a completed check of a resident aged 65+ on
 * the check date needs the self-care assessment (Spec, 老年人健康管理).
 */
import type { FieldIssue } from '../api/errors';
import type { HealthCheckDraft } from '../schemas/health-check';
import { missingCoreFields } from '../schemas/health-check';
import { computeBmi } from './bmi';
import { type CalendarDate, ageOn, compareDates, isValidDate } from './dates';
import { scoreSelfCare, type SelfCareBand } from './self-care';

export interface Range {
  hard: readonly [number, number];
  soft?: readonly [number, number];
  unit: string;
}

export const PLAUSIBLE: Readonly<Record<string, Range>> = {
  'generalCondition.temperature': { hard: [34, 43], soft: [35.5, 39.5], unit: '℃' },
  'generalCondition.pulseRate': { hard: [20, 250], soft: [40, 140], unit: '/min' },
  'generalCondition.respiratoryRate': { hard: [4, 80], soft: [10, 30], unit: '/min' },
  'generalCondition.height': { hard: [40, 250], soft: [100, 210], unit: 'cm' },
  'generalCondition.weight': { hard: [2, 300], soft: [25, 150], unit: 'kg' },
  'generalCondition.waist': { hard: [30, 200], soft: [50, 150], unit: 'cm' },
  'organFunction.visionLeft': { hard: [0, 3], soft: [0.02, 2], unit: '' },
  'organFunction.visionRight': { hard: [0, 3], soft: [0.02, 2], unit: '' },
  'organFunction.correctedLeft': { hard: [0, 3], soft: [0.02, 2], unit: '' },
  'organFunction.correctedRight': { hard: [0, 3], soft: [0.02, 2], unit: '' },
  'physicalExam.heartRate': { hard: [20, 250], soft: [40, 140], unit: '/min' },
  'auxExams.fastingGlucose': { hard: [1, 40], soft: [2.8, 25], unit: 'mmol/L' },
  'auxExams.hba1c': { hard: [3, 20], soft: [4, 14], unit: '%' },
  'auxExams.hemoglobin': { hard: [20, 250], soft: [60, 200], unit: 'g/L' },
  'auxExams.wbc': { hard: [0.1, 200], soft: [2, 30], unit: '×10⁹/L' },
  'auxExams.platelets': { hard: [1, 2000], soft: [50, 600], unit: '×10⁹/L' },
  'auxExams.urineMicroalbumin': { hard: [0, 1000], soft: [0, 300], unit: 'mg/dL' },
  'auxExams.alt': { hard: [0, 10000], soft: [0, 500], unit: 'U/L' },
  'auxExams.ast': { hard: [0, 10000], soft: [0, 500], unit: 'U/L' },
  'auxExams.albumin': { hard: [5, 70], soft: [25, 55], unit: 'g/L' },
  'auxExams.totalBilirubin': { hard: [0, 1000], soft: [0, 100], unit: 'μmol/L' },
  'auxExams.directBilirubin': { hard: [0, 800], soft: [0, 60], unit: 'μmol/L' },
  'auxExams.creatinine': { hard: [5, 3000], soft: [30, 500], unit: 'μmol/L' },
  'auxExams.urea': { hard: [0.5, 100], soft: [1.5, 30], unit: 'mmol/L' },
  'auxExams.potassium': { hard: [1, 10], soft: [3, 6], unit: 'mmol/L' },
  'auxExams.sodium': { hard: [90, 200], soft: [125, 155], unit: 'mmol/L' },
  'auxExams.tc': { hard: [0.5, 30], soft: [2, 10], unit: 'mmol/L' },
  'auxExams.tg': { hard: [0.1, 60], soft: [0.3, 10], unit: 'mmol/L' },
  'auxExams.ldlc': { hard: [0.1, 20], soft: [0.5, 7], unit: 'mmol/L' },
  'auxExams.hdlc': { hard: [0.1, 6], soft: [0.5, 3], unit: 'mmol/L' },
  'lifestyle.cigarettesPerDay': { hard: [0, 200], soft: [0, 60], unit: '支' },
  'lifestyle.alcoholPerDayLiang': { hard: [0, 100], soft: [0, 20], unit: '两' },
  'lifestyle.exerciseMinutes': { hard: [0, 1440], soft: [0, 300], unit: 'min' },
  'lifestyle.exerciseYears': { hard: [0, 120], unit: 'y' },
  targetWeightKg: { hard: [2, 300], unit: 'kg' },
};

export const SBP_RANGE: Range = { hard: [40, 300], soft: [80, 220], unit: 'mmHg' };
export const DBP_RANGE: Range = { hard: [20, 200], soft: [40, 130], unit: 'mmHg' };
export const BMI_RANGE: Range = { hard: [8, 80], soft: [14, 45], unit: 'kg/m²' };

export interface CheckFindings {
  /** Refused: the check cannot be saved with these. */
  errors: FieldIssue[];
  /** Saved only after the doctor confirms. */
  warnings: FieldIssue[];
}

/** Checks one value against a range, adding to `findings`. */
export function checkRange(path: string, value: number | undefined, range: Range, findings: CheckFindings): void {
  if (value === undefined) return;
  const [min, max] = range.hard;
  if (value < min || value > max) {
    findings.errors.push({ path, message: 'validation.outOfRange', params: { min, max, unit: range.unit } });
    return;
  }
  if (range.soft && (value < range.soft[0] || value > range.soft[1])) {
    findings.warnings.push({ path, message: 'validation.confirmValue', params: { min: range.soft[0], max: range.soft[1], unit: range.unit } });
  }
}

function valueAt(obj: unknown, path: string): number | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'number' ? cur : undefined;
}

export interface CheckContext {
  birthDate: CalendarDate;
  today: CalendarDate;
}

export interface ComputedHealthCheck {
  /** Age in completed years on the check date. */
  ageAtCheck: number;
  bmi?: number;
  selfCareTotal?: number;
  /** 健康体检表 `elderSelfCare`, from the assessment. */
  elderSelfCare?: SelfCareBand;
}

/** The values the form shows but nobody types: stored with the check, recomputed on every save. */
export function computeHealthCheck(c: HealthCheckDraft, birthDate: CalendarDate): ComputedHealthCheck {
  const out: ComputedHealthCheck = { ageAtCheck: ageOn(birthDate, c.checkDate) };
  const g = c.generalCondition;
  if (g?.weight !== undefined && g.height !== undefined) {
    const bmi = computeBmi(g.weight, g.height);
    if (bmi !== null) out.bmi = bmi;
  }
  if (c.selfCare) {
    const scored = scoreSelfCare(c.selfCare);
    if (scored.ok) {
      out.selfCareTotal = scored.total;
      out.elderSelfCare = scored.band;
    }
  }
  return out;
}

function checkBp(path: string, bp: { sbp: number; dbp: number } | undefined, findings: CheckFindings): void {
  if (!bp) return;
  checkRange(`${path}.sbp`, bp.sbp, SBP_RANGE, findings);
  checkRange(`${path}.dbp`, bp.dbp, DBP_RANGE, findings);
  if (bp.sbp <= bp.dbp) findings.errors.push({ path: `${path}.sbp`, message: 'validation.sbpNotAboveDbp' });
}

function checkAges(c: HealthCheckDraft, age: number, findings: CheckFindings): void {
  const l = c.lifestyle;
  if (!l) return;
  const pairs = [
    ['smokingStartAge', 'smokingQuitAge'],
    ['drinkingStartAge', 'drinkingQuitAge'],
  ] as const;
  for (const [startKey, quitKey] of pairs) {
    const start = l[startKey];
    const quit = l[quitKey];
    for (const [key, v] of [[startKey, start], [quitKey, quit]] as const) {
      if (v !== undefined && (v < 0 || v > age)) {
        findings.errors.push({ path: `lifestyle.${key}`, message: 'validation.ageAboveCurrent', params: { max: age } });
      }
    }
    if (start !== undefined && quit !== undefined && quit < start) {
      findings.errors.push({ path: `lifestyle.${quitKey}`, message: 'validation.quitBeforeStart' });
    }
    if (start !== undefined && start >= 0 && start < 10) {
      findings.warnings.push({ path: `lifestyle.${startKey}`, message: 'validation.confirmValue', params: { min: 10, max: age, unit: 'y' } });
    }
  }
}

/**
 * What a 65+ check cannot be completed without besides the self-care assessment (README §1, elderly package: the
 * status self-assessments and the health guidance). These are asked and given at the check itself, so unlike lab
 * results, which may come later and are confirmed as warnings (health-check-judgement), they refuse completion.
 * Guidance is either field of 健康指导: 健康指导 (enrol, recheck, refer) or 危险因素控制 (which carries 其他 for the
 * elderly advice on falls and vaccination), since a healthy resident gets no 复查 or 转诊.
 */
export const ELDERLY_ASKED_PATHS = ['generalCondition.elderSelfHealth', 'generalCondition.elderCognition', 'generalCondition.elderMood'] as const;

function elderlyAskedMissing(c: HealthCheckDraft): FieldIssue[] {
  const g = c.generalCondition;
  const out: FieldIssue[] = [];
  for (const path of ELDERLY_ASKED_PATHS) {
    const key = path.slice('generalCondition.'.length) as 'elderSelfHealth' | 'elderCognition' | 'elderMood';
    if (g?.[key] === undefined) out.push({ path, message: 'validation.elderlyItemRequired' });
  }
  if ((c.guidance ?? []).length === 0 && (c.riskControl ?? []).length === 0) out.push({ path: 'guidance', message: 'validation.elderlyGuidanceRequired' });
  return out;
}

/**
 * 老年人健康管理 as indicators.md §4 counts it: the 健康体检表 filled in completely (the core fields), with the 65+
 * parts (self-care assessment, the ELDERLY_ASKED_PATHS items) and health guidance. The same rules refuse completing
 * a 65+ check, but a check completed before the resident turned 65, imported, or completed before these rules existed
 * may lack them, so the indicator asks again. Reads a stored form defensively: a value of the wrong shape is missing.
 */
export function isCompleteElderlyCheck(c: HealthCheckDraft): boolean {
  if (typeof c !== 'object' || c === null) return false;
  const lists = [c.guidance, c.riskControl, c.abnormalities];
  if (!Array.isArray(c.symptoms) || lists.some((v) => v !== undefined && !Array.isArray(v))) return false;
  if (missingCoreFields(c).length > 0 || elderlyAskedMissing(c).length > 0) return false;
  return typeof c.selfCare === 'object' && c.selfCare !== null && scoreSelfCare(c.selfCare).ok;
}

/**
 * All plausibility findings for a check. `complete` adds the completion rules: core fields and, for a resident
 * aged 65 or more on the check date, the self-care assessment and the items of ELDERLY_ASKED_PATHS and guidance.
 */
export function checkHealthCheck(c: HealthCheckDraft, ctx: CheckContext, mode: 'draft' | 'complete'): CheckFindings {
  const findings: CheckFindings = { errors: [], warnings: [] };
  if (!isValidDate(c.checkDate) || !isValidDate(ctx.birthDate)) {
    findings.errors.push({ path: 'checkDate', message: 'validation.date' });
    return findings;
  }
  if (compareDates(c.checkDate, ctx.today) > 0) findings.errors.push({ path: 'checkDate', message: 'validation.futureDate' });
  if (compareDates(c.checkDate, ctx.birthDate) < 0) {
    findings.errors.push({ path: 'checkDate', message: 'validation.beforeBirth' });
    return findings;
  }
  for (const [path, range] of Object.entries(PLAUSIBLE)) checkRange(path, valueAt(c, path), range, findings);
  checkBp('generalCondition.bpLeft', c.generalCondition?.bpLeft, findings);
  checkBp('generalCondition.bpRight', c.generalCondition?.bpRight, findings);

  const computed = computeHealthCheck(c, ctx.birthDate);
  const heightOk = !findings.errors.some((e) => e.path === 'generalCondition.height' || e.path === 'generalCondition.weight');
  // Only judge BMI when height and weight are each plausible: otherwise the single-field error says it better.
  if (heightOk && computed.bmi !== undefined) checkRange('generalCondition.bmi', computed.bmi, BMI_RANGE, findings);

  const a = c.auxExams;
  if (a?.directBilirubin !== undefined && a.totalBilirubin !== undefined && a.directBilirubin > a.totalBilirubin) {
    findings.errors.push({ path: 'auxExams.directBilirubin', message: 'validation.directAboveTotal' });
  }
  checkAges(c, computed.ageAtCheck, findings);

  const multi: Array<[string, readonly string[] | undefined]> = [
    ['symptoms', c.symptoms],
    ['physicalExam.breast', c.physicalExam?.breast],
    ...Object.entries(c.existingProblems ?? {}).map(
      ([k, v]): [string, readonly string[] | undefined] => [`existingProblems.${k}`, Array.isArray(v) ? v : undefined],
    ),
  ];
  for (const [path, values] of multi) {
    if (values && values.includes('1') && values.length > 1) findings.errors.push({ path, message: 'validation.noneExclusive' });
  }

  if (mode === 'complete') {
    for (const path of missingCoreFields(c)) findings.errors.push({ path, message: 'validation.required' });
    if (computed.ageAtCheck >= 65 && computed.elderSelfCare === undefined) {
      findings.errors.push({ path: 'selfCare', message: 'validation.selfCareRequired' });
    }
    if (computed.ageAtCheck >= 65) for (const issue of elderlyAskedMissing(c)) findings.errors.push(issue);
  }
  return findings;
}
