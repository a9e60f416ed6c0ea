/**
 * 紧急转诊 criteria (followups.md §4), checked on whatever has been typed so far: the form calls this on every change
 * and flags the visit the moment one value crosses a line. A missing or non-numeric value never triggers anything.
 * Thresholds compare the values as recorded (BP integers, glucose mmol/L with one decimal, see glucose.ts).
 */

export type ChronicDisease = 'htn' | 't2dm';

/** Ticks on the emergency checklist of the 高血压 form (followups.md §4). */
export const HTN_EMERGENCY_SIGNS = [
  'alteredConsciousness',
  'severeHeadacheOrDizziness',
  'nauseaVomiting',
  'blurredVision',
  'eyePain',
  'palpitations',
  'chestTightness',
  'breathlessCannotLieFlat',
  // followups.md §4: listed by some implementations, unconfirmed in the Spec; kept because missing it is the worse error.
  'precordialPain',
] as const;
export type HtnEmergencySign = (typeof HTN_EMERGENCY_SIGNS)[number];

/** Ticks on the emergency checklist of the 2型糖尿病 form (followups.md §4). */
export const T2DM_EMERGENCY_SIGNS = [
  'alteredConsciousnessOrBehaviour',
  'acetoneBreath',
  'palpitations',
  'sweating',
  'lossOfAppetite',
  'nausea',
  'vomiting',
  'polydipsia',
  'polyuria',
  'abdominalPain',
  'deepRapidBreathing',
  'flushedSkin',
  'suddenVisionLoss',
] as const;
export type T2dmEmergencySign = (typeof T2DM_EMERGENCY_SIGNS)[number];

export type EmergencyCode =
  | 'SBP_HIGH'
  | 'DBP_HIGH'
  | 'GLUCOSE_HIGH'
  | 'GLUCOSE_LOW'
  | 'HEART_RATE_HIGH'
  | 'TEMPERATURE_HIGH'
  | 'PREGNANT_BP_HIGH'
  | 'PREGNANT_GLUCOSE_HIGH'
  | 'UNMANAGEABLE_CONDITION'
  | 'SIGN';

export interface EmergencyCriterion {
  code: EmergencyCode;
  /** i18n key (followup-messages.ts). */
  messageKey: string;
  /** Form path of the value that triggered it, for highlighting. */
  path: string;
  params?: Record<string, string | number>;
}

/** Partial input: anything may be missing while the doctor types. */
export interface EmergencyInput {
  disease: ChronicDisease;
  sbp?: number | null;
  dbp?: number | null;
  /** mmol/L, one decimal (T2DM). */
  fastingGlucose?: number | null;
  heartRate?: number | null;
  /** ℃ */
  temperature?: number | null;
  isPregnantOrBreastfeeding?: boolean | null;
  hasUnmanageableCondition?: boolean | null;
  /** Checklist ticks; codes of the other disease are ignored. */
  signs?: readonly string[] | null;
}

export const EMERGENCY_THRESHOLDS = {
  sbp: 180,
  dbp: 110,
  glucoseHigh: 16.7,
  glucoseLow: 3.9,
  heartRate: 100,
  temperature: 39,
  // "BP above normal" for a pregnant or breastfeeding patient: the diagnostic line SBP ≥ 140 or DBP ≥ 90 (§4).
  pregnantSbp: 140,
  pregnantDbp: 90,
  // "glucose above normal" (§4): normal fasting glucose is below 6.1 mmol/L, so 6.1 is already above normal.
  pregnantGlucose: 6.1,
} as const;

function num(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** All criteria met by the input, in form order. Empty means no emergency (so far). */
export function emergencyCriteria(input: EmergencyInput): EmergencyCriterion[] {
  const out: EmergencyCriterion[] = [];
  const hit = (code: EmergencyCode, key: string, path: string, params?: Record<string, string | number>) => {
    const criterion: EmergencyCriterion = { code, messageKey: `followup.emergency.${key}`, path };
    if (params) criterion.params = params;
    out.push(criterion);
  };
  const t = EMERGENCY_THRESHOLDS;
  const sbp = num(input.sbp);
  const dbp = num(input.dbp);
  const glucose = num(input.fastingGlucose);
  const hr = num(input.heartRate);
  const temp = num(input.temperature);
  const pregnant = input.isPregnantOrBreastfeeding === true;

  // §4: "SBP ≥ 180 or DBP ≥ 110" for both diseases.
  if (sbp !== null && sbp >= t.sbp) hit('SBP_HIGH', 'sbpHigh', 'sbp', { limit: t.sbp });
  if (dbp !== null && dbp >= t.dbp) hit('DBP_HIGH', 'dbpHigh', 'dbp', { limit: t.dbp });

  let signs: readonly string[];
  if (input.disease === 'htn') {
    const bpAboveNormal = (sbp !== null && sbp >= t.pregnantSbp) || (dbp !== null && dbp >= t.pregnantDbp);
    if (pregnant && bpAboveNormal) hit('PREGNANT_BP_HIGH', 'pregnantBpHigh', 'isPregnantOrBreastfeeding');
    signs = HTN_EMERGENCY_SIGNS;
  } else {
    // §4: "≥ 16.7 or ≤ 3.9", both ends inclusive.
    if (glucose !== null && glucose >= t.glucoseHigh) hit('GLUCOSE_HIGH', 'glucoseHigh', 'fastingGlucose', { limit: t.glucoseHigh });
    if (glucose !== null && glucose <= t.glucoseLow) hit('GLUCOSE_LOW', 'glucoseLow', 'fastingGlucose', { limit: t.glucoseLow });
    // §4: strict ">": 100/min and 39.0 ℃ are not triggers.
    if (hr !== null && hr > t.heartRate) hit('HEART_RATE_HIGH', 'heartRateHigh', 'heartRate', { limit: t.heartRate });
    if (temp !== null && temp > t.temperature) hit('TEMPERATURE_HIGH', 'temperatureHigh', 'temperature', { limit: t.temperature });
    if (pregnant && glucose !== null && glucose >= t.pregnantGlucose) {
      hit('PREGNANT_GLUCOSE_HIGH', 'pregnantGlucoseHigh', 'isPregnantOrBreastfeeding');
    }
    signs = T2DM_EMERGENCY_SIGNS;
  }
  for (const sign of input.signs ?? []) {
    if (signs.includes(sign)) hit('SIGN', `sign.${sign}`, 'emergencySigns', { sign });
  }
  if (input.hasUnmanageableCondition === true) hit('UNMANAGEABLE_CONDITION', 'unmanageableCondition', 'hasUnmanageableCondition');
  return out;
}

export function isUrgentReferral(input: EmergencyInput): boolean {
  return emergencyCriteria(input).length > 0;
}
