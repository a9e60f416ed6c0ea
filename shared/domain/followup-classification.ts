/**
 * 此次随访分类 and 下一步管理措施 (followups.md §5): the app's proposal, which pre-fills the form. The doctor may
 * override it with a reason (`applyOverride`); the override is kept beside the proposal so audits see both.
 */
import type { FieldIssue } from '../api/errors';
import { addDays, addMonths, ageOn, compareDates, type CalendarDate } from './dates';
import { EMERGENCY_THRESHOLDS, emergencyCriteria, type ChronicDisease, type EmergencyCriterion, type EmergencyInput } from './followup-emergency';

/** 1 控制满意, 2 控制不满意, 3 不良反应, 4 并发症 */
export type FollowupClass = 1 | 2 | 3 | 4;
/** 1 常规随访, 2 第1次控制不满意2周随访, 3 两次控制不满意转诊随访, 4 紧急转诊 */
export type NextStep = 1 | 2 | 3 | 4;
/** 1 门诊, 2 家庭, 3 电话 */
export type VisitMode = 1 | 2 | 3;

export interface BpTarget {
  sbp: number;
  dbp: number;
}

export interface ClassificationInput extends Omit<EmergencyInput, 'disease'> {
  disease: ChronicDisease;
  visitDate: CalendarDate;
  birthDate: CalendarDate;
  hasAdverseReaction?: boolean | null;
  hasNewOrWorseComplication?: boolean | null;
  /** Doctor's flag: the adverse reaction is hard to control (§5: refer). */
  isAdverseHardToControl?: boolean | null;
  /** T2DM form 低血糖反应 reported (偶尔/频繁): an adverse reaction in the classification (§4). */
  hasHypoglycaemia?: boolean | null;
  /** Per-patient lower target set by the doctor (diabetes, CKD); replaces the age rule for HTN. */
  bpTarget?: BpTarget | null;
  /** Effective class of the previous face-to-face visit (see `previousFaceToFaceClass`). */
  previousClass?: FollowupClass | null;
}

export interface Classification {
  urgentReferral: boolean;
  emergency: EmergencyCriterion[];
  /** Age in completed years on the visit date. */
  age: number;
  /** BP at target; null when SBP or DBP is missing. Shown for both diseases. */
  bpControlled: boolean | null;
  /** FPG < 7.0; null when missing or for HTN. */
  glucoseControlled: boolean | null;
  /** The disease-specific control (HTN: BP, T2DM: glucose). */
  controlled: boolean | null;
  /** null when the values needed are missing and nothing else decides (the doctor must choose). */
  classification: FollowupClass | null;
  nextStep: NextStep | null;
  nextVisitDate: CalendarDate | null;
  referralAdvised: boolean;
  /** §6: every referral gets a check due visitDate + 14 days. */
  referralCheckDue: CalendarDate | null;
}

export const ELDERLY_AGE = 65;
export const HTN_TARGET_UNDER_65: BpTarget = { sbp: 140, dbp: 90 };
export const HTN_TARGET_65_PLUS: BpTarget = { sbp: 150, dbp: 90 };
export const GLUCOSE_TARGET = 7.0;
export const RECHECK_DAYS = 14;
export const ROUTINE_MONTHS = 3;

function num(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** BP target for this patient on this visit: per-patient target first, else by age (§5, Spec). */
export function bpTargetFor(age: number, bpTarget?: BpTarget | null): BpTarget {
  if (bpTarget) return bpTarget;
  return age >= ELDERLY_AGE ? HTN_TARGET_65_PLUS : HTN_TARGET_UNDER_65;
}

/** SBP < target and DBP < target; both must be known. */
export function isBpControlled(sbp: number | null | undefined, dbp: number | null | undefined, target: BpTarget): boolean | null {
  const s = num(sbp);
  const d = num(dbp);
  if (s === null || d === null) return null;
  return s < target.sbp && d < target.dbp;
}

export function isGlucoseControlled(fastingGlucose: number | null | undefined): boolean | null {
  const g = num(fastingGlucose);
  return g === null ? null : g < GLUCOSE_TARGET;
}

/** Next date for a step: routine +3 months, anything else +14 days (§5; the Spec's "2周内"/"2周时" both -> +14 d). */
export function nextVisitDateFor(visitDate: CalendarDate, step: NextStep): CalendarDate {
  return step === 1 ? addMonths(visitDate, ROUTINE_MONTHS) : addDays(visitDate, RECHECK_DAYS);
}

export function classifyFollowup(input: ClassificationInput): Classification {
  const emergency = emergencyCriteria(input);
  const urgentReferral = emergency.length > 0;
  const age = ageOn(input.birthDate, input.visitDate);
  const bpControlled = isBpControlled(input.sbp, input.dbp, bpTargetFor(age, input.bpTarget));
  const glucoseControlled = input.disease === 't2dm' ? isGlucoseControlled(input.fastingGlucose) : null;
  // §5: for T2DM patients the classification is glucose-based (Spec); BP status is shown separately.
  const controlled = input.disease === 'htn' ? bpControlled : glucoseControlled;

  const complication = input.hasNewOrWorseComplication === true;
  // followups.md §4/§5 row 20: hypoglycaemia (a reported 低血糖反应, or a fasting glucose ≤ 3.9) is an adverse
  // reaction, never 控制满意, although 3.9 < 7.0 reads as "controlled".
  const glucose = num(input.fastingGlucose);
  const hypoglycaemia =
    input.disease === 't2dm' && (input.hasHypoglycaemia === true || (glucose !== null && glucose <= EMERGENCY_THRESHOLDS.glucoseLow));
  const adverse = input.hasAdverseReaction === true || hypoglycaemia;
  // §5 app precedence when several apply: complication, then adverse reaction, then not controlled.
  let classification: FollowupClass | null;
  if (complication) classification = 4;
  else if (adverse) classification = 3;
  else if (controlled === null) classification = null;
  else classification = controlled ? 1 : 2;

  const unsatisfied = classification === 2 || classification === 3;
  // §5: the Spec refers after 连续两次控制不满意, i.e. class 2 twice; an adverse reaction (3) refers only when the
  // doctor marks it 难以控制 (handled above), so it neither starts nor continues the chain.
  const prevUnsat = input.previousClass === 2;

  let nextStep: NextStep | null;
  if (urgentReferral) nextStep = 4;
  else if (complication || (adverse && input.isAdverseHardToControl === true)) nextStep = 3;
  else if (classification === 2 && prevUnsat) nextStep = 3;
  else if (unsatisfied) nextStep = 2;
  else if (classification === 1) nextStep = 1;
  else nextStep = null;

  const referralAdvised = nextStep === 3 || nextStep === 4;
  return {
    urgentReferral,
    emergency,
    age,
    bpControlled,
    glucoseControlled,
    controlled,
    classification,
    nextStep,
    nextVisitDate: nextStep === null ? null : nextVisitDateFor(input.visitDate, nextStep),
    referralAdvised,
    referralCheckDue: referralAdvised ? addDays(input.visitDate, RECHECK_DAYS) : null,
  };
}

export interface PastVisit {
  visitDate: CalendarDate;
  visitMode: VisitMode;
  /** The effective class (the override when there is one). */
  classification: FollowupClass | null;
}

/**
 * Class of the most recent face-to-face visit strictly before `visitDate`. "Consecutive" = the two most recent
 * face-to-face visits regardless of the gap (§5, app interpretation); phone visits (mode 3) are skipped.
 * Visits on the same date as the current one are ignored: a second form on the same day is a correction.
 */
export function previousFaceToFaceClass(visits: readonly PastVisit[], visitDate: CalendarDate): FollowupClass | null {
  let best: PastVisit | null = null;
  for (const v of visits) {
    if (v.visitMode === 3 || compareDates(v.visitDate, visitDate) >= 0) continue;
    if (!best || compareDates(v.visitDate, best.visitDate) > 0) best = v;
  }
  return best?.classification ?? null;
}

export interface Override {
  classification?: FollowupClass;
  nextStep?: NextStep;
  nextVisitDate?: CalendarDate;
  reason: string;
}

export interface FinalClassification {
  classification: FollowupClass | null;
  nextStep: NextStep | null;
  nextVisitDate: CalendarDate | null;
  referralCheckDue: CalendarDate | null;
  proposed: Pick<Classification, 'classification' | 'nextStep' | 'nextVisitDate'>;
  override: Override | null;
}

export const OVERRIDE_REASON_MIN = 2;

/**
 * The doctor's decision over the proposal. Any change needs a reason (audited); an override that changes nothing is
 * accepted without one and recorded as no override. A changed step without a date gets the step's default date.
 */
export function applyOverride(
  proposal: Classification,
  visitDate: CalendarDate,
  override: Override | null,
): { ok: true; value: FinalClassification } | { ok: false; issues: FieldIssue[] } {
  const proposed = {
    classification: proposal.classification,
    nextStep: proposal.nextStep,
    nextVisitDate: proposal.nextVisitDate,
  };
  const classification = override?.classification ?? proposal.classification;
  const nextStep = override?.nextStep ?? proposal.nextStep;
  const nextVisitDate =
    override?.nextVisitDate ??
    (override?.nextStep !== undefined && override.nextStep !== proposal.nextStep
      ? nextVisitDateFor(visitDate, override.nextStep)
      : proposal.nextVisitDate);
  const changed =
    classification !== proposal.classification || nextStep !== proposal.nextStep || nextVisitDate !== proposal.nextVisitDate;
  if (!override || !changed) {
    return {
      ok: true,
      value: { ...proposed, referralCheckDue: proposal.referralCheckDue, proposed, override: null },
    };
  }
  const issues: FieldIssue[] = [];
  if (override.reason.trim().length < OVERRIDE_REASON_MIN) {
    issues.push({ path: 'override.reason', message: 'validation.followup.overrideReasonRequired' });
  }
  if (nextVisitDate !== null && compareDates(nextVisitDate, visitDate) <= 0) {
    issues.push({ path: 'nextVisitDate', message: 'validation.followup.nextVisitAfterVisit' });
  }
  if (issues.length > 0) return { ok: false, issues };
  const referral = nextStep === 3 || nextStep === 4;
  return {
    ok: true,
    value: {
      classification,
      nextStep,
      nextVisitDate,
      referralCheckDue: referral ? addDays(visitDate, RECHECK_DAYS) : null,
      proposed,
      override: { ...override, reason: override.reason.trim() },
    },
  };
}
