/**
 * 高血压患者随访服务记录表 and 2型糖尿病患者随访服务记录表 (followups.md §3.1/3.2), the `data` body of `encounters`
 * documents of type `htnFollowup` / `t2dmFollowup`; and the chronic-disease registry enrolment (`htnEnrolment` /
 * `t2dmEnrolment`). Schema version 0.
 *
 * A draft accepts any subset of fields, so the schemas leave almost everything optional; `completedFollowupIssues`
 * holds what a COMPLETED form needs, as FieldIssue paths + i18n keys. Form codes are the small integers printed on the
 * paper forms (1 门诊, 2 家庭, 3 电话 …), the same numbers the domain rules use.
 */
import { z } from 'zod';
import { DeviceSources } from './device-source';
import type { FieldIssue } from '../api/errors';
import { compareDates, type CalendarDate } from '../domain/dates';
import { HTN_EMERGENCY_SIGNS, T2DM_EMERGENCY_SIGNS } from '../domain/followup-emergency';
import { Signature } from './contract';
import { DateOfCare } from './resident';

const text = (max = 100) => z.string().trim().max(max);
const codeOf = <const T extends readonly number[]>(...values: T) => z.literal(values);
/** Physically possible ranges only: plausibility warnings belong to the rules, refusals here. */
const range = (min: number, max: number) => z.number().finite().min(min).max(max);
const intRange = (min: number, max: number) => z.number().int().min(min).max(max);
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();

export const VisitMode = codeOf(1, 2, 3);
export type VisitMode = z.infer<typeof VisitMode>;
export const FollowupClass = codeOf(1, 2, 3, 4);
export type FollowupClass = z.infer<typeof FollowupClass>;
export const NextStep = codeOf(1, 2, 3, 4);
export type NextStep = z.infer<typeof NextStep>;
/** 1 良好 / 规律 / 无 …: three-level answers. */
const Level3 = codeOf(1, 2, 3);

/** 用药情况 / 用药调整意见: one drug. */
export const Medication = z.object({
  drugName: text(60).min(1, 'validation.required'),
  timesPerDay: opt(intRange(1, 12)),
  /** mg per time. */
  doseMg: opt(range(0, 100_000)),
  /** Dose in another unit (片, IU …) when mg does not apply. */
  doseText: opt(text(40)),
});
export type Medication = z.infer<typeof Medication>;

/**
 * 胰岛素 (T2DM), in 用药情况 and in 用药调整意见 (issue 12): the kind, units per injection and injections a day, so the
 * 随访服务记录表 prints 种类 / 用法和用量 the same way for every record. Form version 2; version 1 had one free-text
 * `usageAndDose` beside `type` (form-versions.ts moves both into this shape).
 */
export const Insulin = z.object({
  kind: text(60).min(1, 'validation.required'),
  /** IU per injection. */
  doseUnits: opt(range(0, 200)),
  timesPerDay: opt(intRange(1, 6)),
  /** Anything the three fields do not say (a sliding scale, 餐前 …); version 1's free text lands here. */
  usage: opt(text(200)),
});
export type Insulin = z.infer<typeof Insulin>;

/** 转诊: the referral made at this visit; `result` (1 到位, 2 不到位) is filled in by the 2-week check. */
export const Referral = z.object({
  reason: text(200),
  orgDept: text(100),
  contactPerson: opt(text(40)),
  contactPhone: opt(text(20)),
  result: opt(codeOf(1, 2)),
});
export type Referral = z.infer<typeof Referral>;

/** The doctor's change to the app's proposal; a reason is mandatory (followup-classification.applyOverride). */
export const ClassificationOverride = z.object({
  classification: FollowupClass.optional(),
  nextStep: NextStep.optional(),
  nextVisitDate: DateOfCare.optional(),
  reason: text(500).min(2, 'validation.followup.overrideReasonRequired'),
});
export type ClassificationOverride = z.infer<typeof ClassificationOverride>;

/** The proposal as computed when the form was completed, kept so an audit sees what the doctor overrode. */
export const ProposedClassification = z.object({
  classification: FollowupClass.nullable(),
  nextStep: NextStep.nullable(),
  nextVisitDate: DateOfCare.nullable(),
});

/** Raw device value beside the mmol/L the form shows (DESIGN.md §1). */
export const GlucoseRaw = z.object({ value: range(0, 2000), unit: z.enum(['mmol/L', 'mg/dL']), readingId: opt(text(64)) });

/** 修订: a correction of a completed encounter is a new document naming the one it amends (DESIGN.md §1). */
export const Amendment = z.object({
  amends: z.string().min(1).max(40),
  reason: text(500).min(2, 'validation.followup.amendReasonRequired'),
  amendedAt: z.number().int().min(0),
  amendedBy: z.string().min(1).max(40),
});
export type Amendment = z.infer<typeof Amendment>;

const common = {
  visitDate: DateOfCare.optional(),
  visitMode: VisitMode.optional(),
  symptomsOther: opt(text(200)),
  sbp: opt(intRange(40, 300)),
  dbp: opt(intRange(20, 200)),
  weight: opt(range(2, 300)),
  targetWeight: opt(range(2, 300)),
  /** Computed from weight and the record's height; stored as shown. */
  bmi: opt(range(5, 100)),
  targetBmi: opt(range(5, 100)),
  heartRate: opt(intRange(20, 250)),
  /** ℃, for the emergency criterion "> 39 ℃" (§4). */
  temperature: opt(range(30, 45)),
  signsOther: opt(text(200)),
  cigarettesPerDay: opt(intRange(0, 200)),
  targetCigarettes: opt(intRange(0, 200)),
  /** 两 per day. */
  alcoholLiang: opt(range(0, 100)),
  targetAlcoholLiang: opt(range(0, 100)),
  exerciseTimesPerWeek: opt(intRange(0, 28)),
  exerciseMinutes: opt(intRange(0, 600)),
  targetExerciseTimesPerWeek: opt(intRange(0, 28)),
  targetExerciseMinutes: opt(intRange(0, 600)),
  psychAdjustment: opt(Level3),
  compliance: opt(Level3),
  auxExamText: opt(text(500)),
  adherence: opt(Level3),
  /** 1 无, 2 有 */
  adverseReaction: opt(codeOf(1, 2)),
  adverseReactionText: opt(text(200)),
  hasNewOrWorseComplication: opt(z.boolean()),
  isAdverseHardToControl: opt(z.boolean()),
  isPregnantOrBreastfeeding: opt(z.boolean()),
  hasUnmanageableCondition: opt(z.boolean()),
  classification: opt(FollowupClass),
  medications: z.array(Medication).max(20).optional(),
  nextStep: opt(NextStep),
  medAdjustment: z.array(Medication).max(20).optional(),
  referral: opt(Referral),
  nextVisitDate: opt(DateOfCare),
  proposed: opt(ProposedClassification),
  override: opt(ClassificationOverride),
  /** Name typed or the signed-in doctor's display name. */
  doctorSignature: opt(text(40)),
  residentSignature: opt(text(40)),
  /** 居民（家属）签名 drawn on the pad, as on the contract (issue 12). */
  residentSignatureImage: opt(Signature),
  remark: opt(text(500)),
  /** Local variants (患者接受管理度, 饮食合理性评价 …), keyed by the county's field id. */
  extensions: z.record(z.string().max(40), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])).optional(),
  /** Values that came from a device, with their provenance (device-source.ts); absent for typed values. */
  deviceSources: DeviceSources.optional(),
};

const SYMPTOM_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/** 高血压患者随访服务记录表 (followups.md §3.1). Symptoms: 1 无症状 … 10 其他. */
export const HtnFollowup = z.object({
  ...common,
  symptoms: z.array(codeOf(...SYMPTOM_CODES)).max(10).optional(),
  emergencySigns: z.array(z.enum(HTN_EMERGENCY_SIGNS)).max(HTN_EMERGENCY_SIGNS.length).optional(),
  /** 1 轻, 2 中, 3 重 */
  saltIntake: opt(Level3),
  targetSaltIntake: opt(Level3),
});
export type HtnFollowup = z.infer<typeof HtnFollowup>;

/** 足背动脉搏动: 1 触及正常, 2 减弱, 3 消失, with the side for 2 and 3. */
export const DorsalisPedis = z.object({ result: codeOf(1, 2, 3), side: opt(z.enum(['both', 'left', 'right'])) });

/** 2型糖尿病患者随访服务记录表 (followups.md §3.2). Symptoms: 1 无症状, 2 多饮 … 10 其他. */
export const T2dmFollowup = z.object({
  ...common,
  symptoms: z.array(codeOf(...SYMPTOM_CODES)).max(10).optional(),
  emergencySigns: z.array(z.enum(T2DM_EMERGENCY_SIGNS)).max(T2DM_EMERGENCY_SIGNS.length).optional(),
  dorsalisPedis: opt(DorsalisPedis),
  stapleGramsPerDay: opt(intRange(0, 2000)),
  targetStapleGramsPerDay: opt(intRange(0, 2000)),
  /** mmol/L, one decimal (glucose.ts). */
  fastingGlucose: opt(range(0.5, 60).refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, 'validation.followup.oneDecimal')),
  glucoseRaw: opt(GlucoseRaw),
  /** % */
  hba1c: opt(range(2, 25)),
  hba1cDate: opt(DateOfCare),
  /** 1 无, 2 偶尔, 3 频繁 */
  hypoglycemia: opt(Level3),
  insulin: opt(Insulin),
  /** The insulin part of 用药调整意见 (issue 12); the tablets are in `medAdjustment`. */
  insulinAdjustment: opt(Insulin),
});
export type T2dmFollowup = z.infer<typeof T2dmFollowup>;

export const RegistryStatus = z.enum(['active', 'died', 'movedOut', 'lostToFollowUp', 'excluded']);
export type RegistryStatus = z.infer<typeof RegistryStatus>;

/** 慢病登记: enrolment in the HTN or T2DM registry (followups.md §1–2, §6). */
export const ChronicEnrolment = z.object({
  disease: z.enum(['htn', 't2dm']),
  diagnosisDate: DateOfCare,
  diagnosingOrg: text(100).min(1, 'validation.required'),
  enrolledDate: DateOfCare,
  status: RegistryStatus,
  /** Date the status last changed (died, moved out …). */
  statusDate: opt(DateOfCare),
  statusReason: opt(text(200)),
  /** Per-patient lower BP target set by the doctor (diabetes, CKD), followups.md §5. */
  bpTarget: opt(z.object({ sbp: intRange(90, 160), dbp: intRange(50, 100) })),
  /** The registries are for residents aged 35+ (README §1): a younger confirmed patient is enrolled with a reason. */
  ageOverrideReason: opt(text(200)),
});
export type ChronicEnrolment = z.infer<typeof ChronicEnrolment>;

export type FollowupForm = { disease: 'htn'; form: HtnFollowup } | { disease: 't2dm'; form: T2dmFollowup };

const REQUIRED = 'validation.required';

/**
 * What a COMPLETED follow-up needs (followups.md §3). Face-to-face visits need measured BP, and for T2DM the
 * fasting glucose (the Spec's 4 free tests a year); phone visits do not. `today` refuses visits in the future.
 */
export function completedFollowupIssues(input: FollowupForm, today?: CalendarDate): FieldIssue[] {
  const f = input.form;
  const issues: FieldIssue[] = [];
  const need = (path: string, value: unknown) => {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      issues.push({ path, message: REQUIRED });
    }
  };
  need('visitDate', f.visitDate);
  need('visitMode', f.visitMode);
  need('symptoms', f.symptoms);
  const faceToFace = f.visitMode === 1 || f.visitMode === 2;
  if (faceToFace) {
    need('sbp', f.sbp);
    need('dbp', f.dbp);
    if (input.disease === 't2dm') need('fastingGlucose', input.form.fastingGlucose);
  }
  need('adherence', f.adherence);
  need('adverseReaction', f.adverseReaction);
  need('classification', f.classification);
  need('nextStep', f.nextStep);
  need('nextVisitDate', f.nextVisitDate);
  need('doctorSignature', f.doctorSignature);

  if (f.visitDate && today && compareDates(f.visitDate, today) > 0) {
    issues.push({ path: 'visitDate', message: 'validation.futureDate' });
  }
  if (f.visitDate && f.nextVisitDate && compareDates(f.nextVisitDate, f.visitDate) <= 0) {
    issues.push({ path: 'nextVisitDate', message: 'validation.followup.nextVisitAfterVisit' });
  }
  if (typeof f.sbp === 'number' && typeof f.dbp === 'number' && f.sbp <= f.dbp) {
    issues.push({ path: 'dbp', message: 'validation.sbpNotAboveDbp' });
  }
  if (f.symptoms && f.symptoms.includes(1) && f.symptoms.length > 1) {
    issues.push({ path: 'symptoms', message: 'validation.noneExclusive' });
  }
  if (f.symptoms?.includes(10)) need('symptomsOther', f.symptomsOther?.trim());
  if (f.adverseReaction === 2) need('adverseReactionText', f.adverseReactionText?.trim());
  if (f.adherence !== undefined && f.adherence !== null && f.adherence !== 3) need('medications', f.medications);
  if (f.nextStep === 3 || f.nextStep === 4) {
    if (!f.referral) issues.push({ path: 'referral', message: 'validation.followup.referralRequired' });
    else {
      need('referral.reason', f.referral.reason);
      need('referral.orgDept', f.referral.orgDept);
    }
  }
  if (input.disease === 't2dm') {
    const g = input.form;
    if ((g.dorsalisPedis?.result === 2 || g.dorsalisPedis?.result === 3) && !g.dorsalisPedis.side) {
      issues.push({ path: 'dorsalisPedis.side', message: REQUIRED });
    }
    if (g.hba1c != null) need('hba1cDate', g.hba1cDate);
  }
  const p = f.proposed;
  const o = f.override;
  const differs =
    p != null && (p.classification !== f.classification || p.nextStep !== f.nextStep || p.nextVisitDate !== f.nextVisitDate);
  if (differs && (!o || o.reason.trim().length < 2)) {
    issues.push({ path: 'override.reason', message: 'validation.followup.overrideReasonRequired' });
  }
  return issues;
}
