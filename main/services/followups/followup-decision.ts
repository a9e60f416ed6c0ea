/**
 * What a follow-up form becomes when it is saved: the glucose accepted in mmol/L (raw kept), the rules' proposal
 * (classifyFollowup), and the doctor's choice over it (applyOverride). A field the rules could not propose (values
 * missing, e.g. a phone visit) is the doctor's to fill and needs no reason; a choice that differs from a proposal
 * is an override and needs one. The form then carries the final class / next step / next date, the proposal and the
 * override, so a report shows what the doctor saw and what they decided.
 */
import type { FieldIssue } from '../../../shared/api/errors';
import type { FollowupEvaluation, FollowupFormInput, GlucoseEntry } from '../../../shared/api/followups';
import type { CalendarDate } from '../../../shared/domain/dates';
import {
  applyOverride,
  classifyFollowup,
  nextVisitDateFor,
  RECHECK_DAYS,
  type BpTarget,
  type Classification,
  type FollowupClass,
  type Override,
} from '../../../shared/domain/followup-classification';
import { acceptGlucose } from '../../../shared/domain/glucose';
import { addDays } from '../../../shared/domain/dates';

export interface DecisionContext {
  birthDate: CalendarDate;
  bpTarget: BpTarget | null;
  previousClass: FollowupClass | null;
  /** Used as the visit date while a draft has none yet. */
  today: CalendarDate;
}

export function withGlucose(input: FollowupFormInput, glucose: GlucoseEntry | undefined): { value: FollowupFormInput; issues: FieldIssue[] } {
  if (!glucose) return { value: input, issues: [] };
  if (input.disease !== 't2dm') return { value: input, issues: [{ path: 'glucose', message: 'validation.followup.glucoseNotOnForm' }] };
  const reading = acceptGlucose(glucose.value, glucose.unit);
  const raw = { value: reading.rawValue, unit: reading.rawUnit, ...(glucose.readingId ? { readingId: glucose.readingId } : {}) };
  return { value: { disease: 't2dm', form: { ...input.form, fastingGlucose: reading.mmol, glucoseRaw: raw } }, issues: [] };
}

export function classify(input: FollowupFormInput, c: DecisionContext): Classification {
  const f = input.form;
  const glucose = input.disease === 't2dm' ? input.form.fastingGlucose : null;
  return classifyFollowup({
    disease: input.disease,
    visitDate: f.visitDate ?? c.today,
    birthDate: c.birthDate,
    sbp: f.sbp,
    dbp: f.dbp,
    fastingGlucose: glucose,
    heartRate: f.heartRate,
    temperature: f.temperature,
    isPregnantOrBreastfeeding: f.isPregnantOrBreastfeeding,
    hasUnmanageableCondition: f.hasUnmanageableCondition,
    signs: f.emergencySigns ?? [],
    hasAdverseReaction: f.adverseReaction === 2 ? true : f.adverseReaction === 1 ? false : null,
    hasNewOrWorseComplication: f.hasNewOrWorseComplication,
    isAdverseHardToControl: f.isAdverseHardToControl,
    hasHypoglycaemia: input.disease === 't2dm' ? input.form.hypoglycemia === 2 || input.form.hypoglycemia === 3 : null,
    bpTarget: c.bpTarget,
    previousClass: c.previousClass,
  });
}

export function evaluation(input: FollowupFormInput, proposal: Classification, c: DecisionContext, referralCheckDue: CalendarDate | null): FollowupEvaluation {
  return {
    age: proposal.age,
    urgentReferral: proposal.urgentReferral,
    emergency: proposal.emergency.map((e) => ({ ...e })),
    bpControlled: proposal.bpControlled,
    glucoseControlled: proposal.glucoseControlled,
    controlled: proposal.controlled,
    previousClass: c.previousClass,
    proposed: { classification: proposal.classification, nextStep: proposal.nextStep, nextVisitDate: proposal.nextVisitDate },
    referralAdvised: proposal.referralAdvised,
    referralCheckDue,
    fastingGlucose: input.disease === 't2dm' ? (input.form.fastingGlucose ?? null) : null,
  };
}

export interface Decision {
  form: FollowupFormInput;
  computed: FollowupEvaluation;
  referralCheckDue: CalendarDate | null;
  /** Override problems (no reason, next date not after the visit). Refuse a completion; a draft keeps them as warnings. */
  issues: FieldIssue[];
}

export function decide(input: FollowupFormInput, c: DecisionContext): Decision {
  const f = input.form;
  const visitDate = f.visitDate ?? c.today;
  const proposal = classify(input, c);
  const chosen = {
    classification: (f.override?.classification ?? f.classification ?? null),
    nextStep: (f.override?.nextStep ?? f.nextStep ?? null),
    nextVisitDate: f.override?.nextVisitDate ?? f.nextVisitDate ?? null,
  };
  // The form sends back the proposal it showed. A doctor who took it without overriding accepted the rules'
  // proposal, so it is recomputed for exactly the values saved (a corrected reading changes it) instead of being
  // judged as an override of the new one (integrity issue: type 150, correct to 128, save).
  if (!f.override && f.proposed && sameChoice(chosen, f.proposed)) {
    if (proposal.classification !== null) chosen.classification = null;
    if (proposal.nextStep !== null) chosen.nextStep = null;
    if (proposal.nextVisitDate !== null) chosen.nextVisitDate = null;
  }
  // Where the rules had nothing to propose, the doctor's entry is the baseline, not an override.
  const baseStep = proposal.nextStep ?? chosen.nextStep;
  const baseDate = proposal.nextVisitDate ?? (proposal.nextStep === null ? chosen.nextVisitDate : null) ?? (baseStep ? nextVisitDateFor(visitDate, baseStep) : null);
  const base: Classification = {
    ...proposal,
    classification: proposal.classification ?? chosen.classification,
    nextStep: baseStep,
    nextVisitDate: baseDate,
    referralCheckDue: baseStep === 3 || baseStep === 4 ? addDays(visitDate, RECHECK_DAYS) : null,
  };
  const override: Override = { reason: f.override?.reason ?? '' };
  if (chosen.classification !== null && chosen.classification !== base.classification) override.classification = chosen.classification;
  if (chosen.nextStep !== null && chosen.nextStep !== base.nextStep) override.nextStep = chosen.nextStep;
  if (chosen.nextVisitDate !== null && chosen.nextVisitDate !== base.nextVisitDate) override.nextVisitDate = chosen.nextVisitDate;
  const hasOverride = override.classification !== undefined || override.nextStep !== undefined || override.nextVisitDate !== undefined;
  const result = applyOverride(base, visitDate, hasOverride ? override : null);
  const proposed = { classification: proposal.classification, nextStep: proposal.nextStep, nextVisitDate: proposal.nextVisitDate };
  if (!result.ok) {
    // Kept as typed so the draft is not lost; completing will refuse it.
    const form = { ...f, proposed, override: f.override ?? null };
    return { form: { ...input, form } as FollowupFormInput, computed: evaluation(input, proposal, c, null), referralCheckDue: null, issues: result.issues };
  }
  const v = result.value;
  const form = {
    ...f,
    classification: v.classification,
    nextStep: v.nextStep,
    nextVisitDate: v.nextVisitDate,
    proposed,
    override: v.override ? { ...v.override } : null,
  };
  return {
    form: { ...input, form } as FollowupFormInput,
    computed: evaluation(input, proposal, c, v.referralCheckDue),
    referralCheckDue: v.referralCheckDue,
    issues: [],
  };
}

function sameChoice(
  a: { classification: unknown; nextStep: unknown; nextVisitDate: unknown },
  b: { classification?: unknown; nextStep?: unknown; nextVisitDate?: unknown },
): boolean {
  return a.classification === (b.classification ?? null) && a.nextStep === (b.nextStep ?? null) && a.nextVisitDate === (b.nextVisitDate ?? null);
}
