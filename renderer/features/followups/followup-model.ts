/**
 * The follow-up screen's values and the API's forms. One visit can fill the 高血压 and the 2型糖尿病 forms at once
 * (followups.md §5, "record once"): measurements, lifestyle, medication and referral are typed once and copied into
 * each form; symptoms, the emergency checklist, disease-specific items and the classification are per disease.
 * Pure, so the mapping is unit-tested without a browser.
 */
import type { Disease, FollowupEvaluation, FollowupFormInput, FollowupView, GlucoseEntry } from '../../../shared/api/followups';
import { computeBmi } from '../../../shared/domain/bmi';
import { emergencyCriteria, type EmergencyCriterion } from '../../../shared/domain/followup-emergency';
import { acceptGlucose, type GlucoseUnit } from '../../../shared/domain/glucose';
import { keepSourcesIn } from '../../../shared/domain/device-sources';
import type { DeviceSources } from '../../../shared/schemas/device-source';
import type { HtnFollowup, Insulin, Medication, Referral, T2dmFollowup } from '../../../shared/schemas/followup';

type Num = number | null | undefined;

export interface MedicationValues {
  drugName?: string;
  timesPerDay?: Num;
  doseMg?: Num;
  doseText?: string;
}

/** What the doctor decides per disease; `isOverriding` opens the fields and asks for a reason. */
export interface DecisionValues {
  classification?: 1 | 2 | 3 | 4 | null;
  nextStep?: 1 | 2 | 3 | 4 | null;
  nextVisitDate?: string | null;
  isOverriding?: boolean;
  overrideReason?: string;
}

export interface HtnValues extends DecisionValues {
  symptoms?: number[];
  emergencySigns?: string[];
  saltIntake?: 1 | 2 | 3 | null;
  targetSaltIntake?: 1 | 2 | 3 | null;
}

export interface T2dmValues extends DecisionValues {
  symptoms?: number[];
  emergencySigns?: string[];
  glucoseValue?: Num;
  glucoseUnit?: GlucoseUnit;
  dorsalisPedis?: 1 | 2 | 3 | null;
  dorsalisPedisSide?: 'both' | 'left' | 'right' | null;
  stapleGramsPerDay?: Num;
  targetStapleGramsPerDay?: Num;
  hba1c?: Num;
  hba1cDate?: string | null;
  hypoglycemia?: 1 | 2 | 3 | null;
  insulin?: InsulinValues;
}

/** 胰岛素: kind, IU per injection, injections a day (form version 2), plus any free text. */
export interface InsulinValues {
  kind?: string;
  doseUnits?: Num;
  timesPerDay?: Num;
  usage?: string;
}

export interface VisitValues {
  /** Provenance of the values accepted from a device (ReadingOffer); kept only while the value is unchanged. */
  deviceSources?: DeviceSources;
  visitDate?: string | null;
  visitMode?: 1 | 2 | 3 | null;
  sbp?: Num;
  dbp?: Num;
  weight?: Num;
  targetWeight?: Num;
  /** Only to compute BMI; not stored on the form. */
  heightCm?: Num;
  heartRate?: Num;
  temperature?: Num;
  signsOther?: string;
  symptomsOther?: string;
  cigarettesPerDay?: Num;
  targetCigarettes?: Num;
  alcoholLiang?: Num;
  targetAlcoholLiang?: Num;
  exerciseTimesPerWeek?: Num;
  exerciseMinutes?: Num;
  targetExerciseTimesPerWeek?: Num;
  targetExerciseMinutes?: Num;
  psychAdjustment?: 1 | 2 | 3 | null;
  compliance?: 1 | 2 | 3 | null;
  auxExamText?: string;
  adherence?: 1 | 2 | 3 | null;
  adverseReaction?: 1 | 2 | null;
  adverseReactionText?: string;
  hasNewOrWorseComplication?: boolean;
  isAdverseHardToControl?: boolean;
  isPregnantOrBreastfeeding?: boolean;
  hasUnmanageableCondition?: boolean;
  medications?: MedicationValues[];
  medAdjustment?: MedicationValues[];
  referralReason?: string;
  referralOrgDept?: string;
  referralContactPerson?: string;
  referralContactPhone?: string;
  doctorSignature?: string;
  /** 居民（家属）签名 as drawn (a PNG data URL), or null once cleared. */
  residentSignatureImage?: string | null;
  /** The insulin part of 用药调整意见; stored on the diabetes form only. */
  insulinAdjustment?: InsulinValues;
  remark?: string;
  /**
   * 有无危急情况 (1 无, 2 有), asked on the first screen so the folded checklist cannot be missed (issue 16). Not
   * stored: the ticked signs are; a completed visit without a sign answered 无.
   */
  hasEmergency?: 1 | 2 | null;
  htn?: HtnValues;
  t2dm?: T2dmValues;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const text = (v: string | null | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);

/** Drops empty values so a draft sends only what was typed. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}

/** BMI from weight and height, one decimal; null until both are typed. */
export function bmiOf(weight: Num, heightCm: Num): number | null {
  return isNum(weight) && isNum(heightCm) ? computeBmi(weight, heightCm) : null;
}

/** Height back from a stored weight and BMI, so the next visit's BMI needs only the new weight. */
export function heightFrom(weight: Num, bmi: Num): number | null {
  if (!isNum(weight) || !isNum(bmi) || bmi <= 0) return null;
  return Math.round(Math.sqrt(weight / bmi) * 100);
}

/** The glucose the rules see (mmol/L, one decimal), converting mg/dL half-up as the services do. */
export function glucoseMmol(value: Num, unit: GlucoseUnit | undefined): number | null {
  if (!isNum(value) || value < 0) return null;
  try {
    return acceptGlucose(value, unit ?? 'mmol/L').mmol;
  } catch {
    return null;
  }
}

/**
 * The stored insulin entry, or nothing when nothing was typed. Numbers without a kind are sent as they are, with an
 * empty kind, so the door refuses them at the kind field rather than the dose being dropped silently.
 */
export function insulinOf(v: InsulinValues | undefined): Insulin | undefined {
  if (!v) return undefined;
  const kind = text(v.kind);
  if (!kind && !isNum(v.doseUnits) && !isNum(v.timesPerDay) && !text(v.usage)) return undefined;
  return { kind: kind ?? '', ...compact({ doseUnits: v.doseUnits, timesPerDay: v.timesPerDay, usage: text(v.usage) }) };
}

function insulinValues(i: Insulin | null | undefined): InsulinValues {
  return { kind: i?.kind ?? '', doseUnits: i?.doseUnits ?? undefined, timesPerDay: i?.timesPerDay ?? undefined, usage: i?.usage ?? '' };
}

function medications(list: MedicationValues[] | undefined): Medication[] {
  return (list ?? [])
    .filter((m) => text(m.drugName))
    .map((m) => compact({ drugName: text(m.drugName) ?? '', timesPerDay: m.timesPerDay ?? undefined, doseMg: m.doseMg ?? undefined, doseText: text(m.doseText) }) as Medication);
}

/** The decision sent: the proposal where the doctor did not take over, the doctor's choice (and reason) where they did. */
export function chosenDecision(d: DecisionValues | undefined, evaluation: FollowupEvaluation | null) {
  const p = evaluation?.proposed;
  const own = d ?? {};
  const pick = <T>(mine: T | null | undefined, proposed: T | null | undefined): T | undefined =>
    (own.isOverriding ? (mine ?? proposed) : (proposed ?? mine)) ?? undefined;
  return {
    classification: pick(own.classification, p?.classification as DecisionValues['classification']),
    nextStep: pick(own.nextStep, p?.nextStep as DecisionValues['nextStep']),
    nextVisitDate: pick(own.nextVisitDate, p?.nextVisitDate),
    overrideReason: own.isOverriding ? text(own.overrideReason) : undefined,
  };
}

function commonForm(v: VisitValues, d: DecisionValues | undefined, evaluation: FollowupEvaluation | null) {
  const decision = chosenDecision(d, evaluation);
  const bmi = bmiOf(v.weight, v.heightCm);
  const targetBmi = bmiOf(v.targetWeight, v.heightCm);
  const referral: Referral | undefined =
    text(v.referralReason) || text(v.referralOrgDept)
      ? {
          reason: text(v.referralReason) ?? '',
          orgDept: text(v.referralOrgDept) ?? '',
          ...compact({ contactPerson: text(v.referralContactPerson), contactPhone: text(v.referralContactPhone) }),
        }
      : undefined;
  return compact({
    visitDate: v.visitDate ?? undefined,
    visitMode: v.visitMode ?? undefined,
    symptomsOther: text(v.symptomsOther),
    sbp: v.sbp,
    dbp: v.dbp,
    weight: v.weight,
    targetWeight: v.targetWeight,
    bmi,
    targetBmi,
    heartRate: v.heartRate,
    temperature: v.temperature,
    signsOther: text(v.signsOther),
    cigarettesPerDay: v.cigarettesPerDay,
    targetCigarettes: v.targetCigarettes,
    alcoholLiang: v.alcoholLiang,
    targetAlcoholLiang: v.targetAlcoholLiang,
    exerciseTimesPerWeek: v.exerciseTimesPerWeek,
    exerciseMinutes: v.exerciseMinutes,
    targetExerciseTimesPerWeek: v.targetExerciseTimesPerWeek,
    targetExerciseMinutes: v.targetExerciseMinutes,
    psychAdjustment: v.psychAdjustment,
    compliance: v.compliance,
    auxExamText: text(v.auxExamText),
    adherence: v.adherence,
    adverseReaction: v.adverseReaction,
    adverseReactionText: v.adverseReaction === 2 ? text(v.adverseReactionText) : undefined,
    hasNewOrWorseComplication: v.hasNewOrWorseComplication || undefined,
    isAdverseHardToControl: v.isAdverseHardToControl || undefined,
    isPregnantOrBreastfeeding: v.isPregnantOrBreastfeeding || undefined,
    hasUnmanageableCondition: v.hasUnmanageableCondition || undefined,
    medications: medications(v.medications),
    medAdjustment: medications(v.medAdjustment),
    referral,
    classification: decision.classification,
    nextStep: decision.nextStep,
    nextVisitDate: decision.nextVisitDate,
    override: decision.overrideReason ? { reason: decision.overrideReason } : undefined,
    // What the form showed as the proposal: the service tells an accepted (maybe stale) proposal from an override.
    proposed: evaluation ? (evaluation.proposed as HtnFollowup['proposed']) : undefined,
    doctorSignature: text(v.doctorSignature),
    residentSignatureImage: v.residentSignatureImage ?? undefined,
    remark: text(v.remark),
  });
}

export interface FollowupPayload {
  followup: FollowupFormInput;
  glucose?: GlucoseEntry;
}

/** The device sources whose value this disease's form still holds (an HTN form has no glucose). */
function withSources<F extends HtnFollowup | T2dmFollowup>(form: F, v: VisitValues): F {
  const deviceSources = keepSourcesIn(form, v.deviceSources);
  return deviceSources ? { ...form, deviceSources } : form;
}

/** One disease's form from the visit's values. */
export function toPayload(disease: Disease, v: VisitValues, evaluation: FollowupEvaluation | null): FollowupPayload {
  if (disease === 'htn') {
    const h = v.htn ?? {};
    const form: HtnFollowup = {
      ...commonForm(v, h, evaluation),
      ...compact({
        symptoms: h.symptoms as HtnFollowup['symptoms'],
        emergencySigns: h.emergencySigns as HtnFollowup['emergencySigns'],
        saltIntake: h.saltIntake,
        targetSaltIntake: h.targetSaltIntake,
      }),
    };
    return { followup: { disease: 'htn', form: withSources(form, v) } };
  }
  const g = v.t2dm ?? {};
  const mmol = glucoseMmol(g.glucoseValue, g.glucoseUnit);
  const dorsalisPedis = g.dorsalisPedis ? compact({ result: g.dorsalisPedis, side: g.dorsalisPedis === 1 ? undefined : g.dorsalisPedisSide }) : undefined;
  const form: T2dmFollowup = {
    ...commonForm(v, g, evaluation),
    ...compact({
      symptoms: g.symptoms as T2dmFollowup['symptoms'],
      emergencySigns: g.emergencySigns as T2dmFollowup['emergencySigns'],
      dorsalisPedis: dorsalisPedis as T2dmFollowup['dorsalisPedis'],
      stapleGramsPerDay: g.stapleGramsPerDay,
      targetStapleGramsPerDay: g.targetStapleGramsPerDay,
      fastingGlucose: mmol,
      hba1c: g.hba1c,
      hba1cDate: g.hba1c != null ? g.hba1cDate : undefined,
      hypoglycemia: g.hypoglycemia,
      insulin: insulinOf(g.insulin),
      insulinAdjustment: insulinOf(v.insulinAdjustment),
    }),
  };
  const payload: FollowupPayload = { followup: { disease: 't2dm', form: withSources(form, v) } };
  // The raw value travels beside the converted one so the record keeps what the meter or doctor gave (DESIGN.md §1).
  if (mmol !== null && isNum(g.glucoseValue)) payload.glucose = { value: g.glucoseValue, unit: g.glucoseUnit ?? 'mmol/L' };
  return payload;
}

/** Emergency criteria on what has been typed so far, for the red flags (followups.md §4). */
export function emergencyNow(disease: Disease, v: VisitValues): EmergencyCriterion[] {
  const own = disease === 'htn' ? v.htn : v.t2dm;
  return emergencyCriteria({
    disease,
    sbp: v.sbp,
    dbp: v.dbp,
    fastingGlucose: disease === 't2dm' ? glucoseMmol(v.t2dm?.glucoseValue, v.t2dm?.glucoseUnit) : null,
    heartRate: v.heartRate,
    temperature: v.temperature,
    isPregnantOrBreastfeeding: v.isPregnantOrBreastfeeding,
    hasUnmanageableCondition: v.hasUnmanageableCondition,
    signs: own?.emergencySigns ?? [],
  });
}

function medValues(list: readonly Medication[] | undefined): MedicationValues[] {
  return (list ?? []).map((m) => ({ drugName: m.drugName, timesPerDay: m.timesPerDay, doseMg: m.doseMg, doseText: m.doseText ?? undefined }));
}

function decisionValues(f: HtnFollowup | T2dmFollowup): DecisionValues {
  const hasOverride = Boolean(f.override?.reason);
  return {
    classification: f.classification ?? null,
    nextStep: f.nextStep ?? null,
    nextVisitDate: f.nextVisitDate ?? null,
    isOverriding: hasOverride,
    overrideReason: f.override?.reason ?? '',
  };
}

/** A saved form back into the screen's values (continue a draft, or start an amendment). */
export function fromView(view: FollowupView): VisitValues {
  const f = view.followup.form;
  const values: VisitValues = {
    visitDate: f.visitDate ?? null,
    visitMode: f.visitMode ?? null,
    sbp: f.sbp,
    dbp: f.dbp,
    weight: f.weight,
    targetWeight: f.targetWeight,
    heightCm: heightFrom(f.weight, f.bmi),
    heartRate: f.heartRate,
    temperature: f.temperature,
    signsOther: f.signsOther ?? '',
    symptomsOther: f.symptomsOther ?? '',
    cigarettesPerDay: f.cigarettesPerDay,
    targetCigarettes: f.targetCigarettes,
    alcoholLiang: f.alcoholLiang,
    targetAlcoholLiang: f.targetAlcoholLiang,
    exerciseTimesPerWeek: f.exerciseTimesPerWeek,
    exerciseMinutes: f.exerciseMinutes,
    targetExerciseTimesPerWeek: f.targetExerciseTimesPerWeek,
    targetExerciseMinutes: f.targetExerciseMinutes,
    psychAdjustment: f.psychAdjustment ?? null,
    compliance: f.compliance ?? null,
    auxExamText: f.auxExamText ?? '',
    adherence: f.adherence ?? null,
    adverseReaction: f.adverseReaction ?? null,
    adverseReactionText: f.adverseReactionText ?? '',
    hasNewOrWorseComplication: f.hasNewOrWorseComplication ?? false,
    isAdverseHardToControl: f.isAdverseHardToControl ?? false,
    isPregnantOrBreastfeeding: f.isPregnantOrBreastfeeding ?? false,
    hasUnmanageableCondition: f.hasUnmanageableCondition ?? false,
    medications: medValues(f.medications),
    medAdjustment: medValues(f.medAdjustment),
    referralReason: f.referral?.reason ?? '',
    referralOrgDept: f.referral?.orgDept ?? '',
    referralContactPerson: f.referral?.contactPerson ?? '',
    referralContactPhone: f.referral?.contactPhone ?? '',
    doctorSignature: f.doctorSignature ?? '',
    residentSignatureImage: f.residentSignatureImage ?? null,
    remark: f.remark ?? '',
    ...(f.deviceSources ? { deviceSources: f.deviceSources } : {}),
  };
  if (view.followup.disease === 'htn') {
    const h = view.followup.form;
    values.htn = {
      ...decisionValues(h),
      symptoms: h.symptoms ?? [],
      emergencySigns: h.emergencySigns ?? [],
      saltIntake: h.saltIntake ?? null,
      targetSaltIntake: h.targetSaltIntake ?? null,
    };
  } else {
    const g = view.followup.form;
    values.t2dm = {
      ...decisionValues(g),
      symptoms: g.symptoms ?? [],
      emergencySigns: g.emergencySigns ?? [],
      glucoseValue: g.glucoseRaw?.value ?? g.fastingGlucose,
      glucoseUnit: g.glucoseRaw?.unit ?? 'mmol/L',
      dorsalisPedis: g.dorsalisPedis?.result ?? null,
      dorsalisPedisSide: g.dorsalisPedis?.side ?? null,
      stapleGramsPerDay: g.stapleGramsPerDay,
      targetStapleGramsPerDay: g.targetStapleGramsPerDay,
      hba1c: g.hba1c,
      hba1cDate: g.hba1cDate ?? null,
      hypoglycemia: g.hypoglycemia ?? null,
      insulin: insulinValues(g.insulin),
    };
    values.insulinAdjustment = insulinValues(g.insulinAdjustment);
  }
  const signs = values.htn?.emergencySigns?.length ?? values.t2dm?.emergencySigns?.length ?? 0;
  values.hasEmergency = signs > 0 ? 2 : view.status === 'completed' ? 1 : null;
  return values;
}

/**
 * Why the 有无危急情况 answer disagrees with the checklist: 有 without a ticked sign says nothing a referral can
 * name; 无 beside a ticked sign contradicts it. Null when they agree or the question is not answered yet.
 */
export function emergencyAnswerIssue(v: VisitValues, diseases: readonly Disease[]): 'noSignTicked' | 'signTicked' | null {
  const ticked = diseases.some((d) => (v[d]?.emergencySigns ?? []).length > 0);
  if (v.hasEmergency === 2 && !ticked) return 'noSignTicked';
  if (v.hasEmergency === 1 && ticked) return 'signTicked';
  return null;
}

/**
 * Values carried from the last completed visit of each disease being recorded now: targets, height, medication;
 * the measurements are typed fresh. Medication comes only from the same disease's record, so a diabetes visit never
 * inherits the hypertension drugs (issue 16); a visit for both lists each disease's drugs once. Targets and height
 * come from the more recent of those visits.
 */
export function carriedFrom(lastVisit: Partial<Record<Disease, FollowupView>>, diseases: readonly Disease[]): Partial<VisitValues> {
  const views = diseases.flatMap((d) => {
    const v = lastVisit[d];
    return v && v.followup.disease === d ? [v] : [];
  });
  if (views.length === 0) return {};
  const latest = views.reduce((a, b) => (b.visitDate > a.visitDate ? b : a));
  const all = fromView(latest);
  const seen = new Set<string>();
  const medications: MedicationValues[] = [];
  for (const v of views) {
    for (const m of fromView(v).medications ?? []) {
      const key = (m.drugName ?? '').trim();
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      medications.push(m);
    }
  }
  return {
    heightCm: all.heightCm,
    targetWeight: all.targetWeight,
    targetCigarettes: all.targetCigarettes,
    targetAlcoholLiang: all.targetAlcoholLiang,
    targetExerciseTimesPerWeek: all.targetExerciseTimesPerWeek,
    targetExerciseMinutes: all.targetExerciseMinutes,
    medications,
  };
}

/**
 * A draft of today for one of the diseases a new visit is about: offered before a second record of the same visit
 * is started (issue 16: the work list opened a fresh form while the morning's draft lingered).
 */
export function sameDayDraft(followups: readonly FollowupView[], diseases: readonly Disease[], today: string): FollowupView | undefined {
  return followups.find((f) => f.status === 'draft' && f.visitDate === today && diseases.includes(f.followup.disease));
}
