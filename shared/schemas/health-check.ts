/**
 * 健康体检表 (records.md §3) and the 老年人生活自理能力评估表 (§4), stored as `encounters` documents of type
 * `healthCheck`. Schema version 0.
 *
 * A draft accepts any subset of fields (`HealthCheckDraft`); completing requires the core fields
 * (`HealthCheckComplete`). BMI, age and the self-care band are computed (`shared/domain/health-check-rules`),
 * never typed: the input has no such fields and unknown keys are stripped. Plausibility ranges live in the rules
 * module because they produce warnings as well as refusals.
 */
import { z } from 'zod';
import * as cs from '../domain/code-sets';
import { isAllowedScore, SELF_CARE_ITEMS, type SelfCareItem } from '../domain/self-care';
import { DeviceSources } from './device-source';
import { DateOfCare, ResidentId } from './resident';

const code = <C extends string>(set: cs.CodeSet<C>) => z.enum(cs.codesOf(set));
const codes = <C extends string>(set: cs.CodeSet<C>) => z.array(code(set)).max(set.length);
const text = (max = 100) => z.string().trim().max(max);
/** Finite number; ranges are checked by the rules so that drafts can hold an out-of-range value with its message. */
const num = () => z.number().finite();
const withText = <T extends z.ZodType>(c: T) => z.object({ code: c, text: text(100).optional() });

export const BpPair = z.object({ sbp: z.number().int(), dbp: z.number().int() });
export type BpPair = z.infer<typeof BpPair>;

const selfCareScore = (item: SelfCareItem) =>
  z.number().int().refine((v) => isAllowedScore(item, v), { message: 'validation.selfCareScore', params: { item } });

/** 老年人生活自理能力评估表: the item scores; total and band are computed. */
export const SelfCareAssessment = z.object(
  Object.fromEntries(SELF_CARE_ITEMS.map((item) => [item, selfCareScore(item)])) as Record<
    SelfCareItem,
    ReturnType<typeof selfCareScore>
  >,
);
export type SelfCareAssessment = z.infer<typeof SelfCareAssessment>;

export const GeneralCondition = z.object({
  temperature: num().optional(),
  pulseRate: z.number().int().optional(),
  respiratoryRate: z.number().int().optional(),
  bpLeft: BpPair.optional(),
  bpRight: BpPair.optional(),
  height: num().optional(),
  weight: num().optional(),
  waist: num().optional(),
  elderSelfHealth: code(cs.elderSelfHealth).optional(),
  elderCognition: code(cs.screenResult).optional(),
  /** 简易智力状态检查 total (MMSE, 0–30) when the screen is positive. */
  cognitionScore: z.number().int().min(0).max(30).optional(),
  elderMood: code(cs.screenResult).optional(),
  /** 老年抑郁评分 (GDS-15, 0–15) when the screen is positive. */
  moodScore: z.number().int().min(0).max(30).optional(),
});
export type GeneralCondition = z.infer<typeof GeneralCondition>;

const exposureAgent = z.object({ name: text(60).optional(), protection: code(cs.noneOrHas).optional(), protectionText: text(60).optional() });

export const Lifestyle = z.object({
  exerciseFrequency: code(cs.exerciseFrequency).optional(),
  exerciseMinutes: z.number().int().optional(),
  exerciseYears: num().optional(),
  exerciseType: text(60).optional(),
  dietHabits: codes(cs.dietHabits).optional(),
  smokingStatus: code(cs.smokingStatus).optional(),
  cigarettesPerDay: z.number().int().optional(),
  smokingStartAge: z.number().int().optional(),
  smokingQuitAge: z.number().int().optional(),
  drinkingFrequency: code(cs.drinkingFrequency).optional(),
  alcoholPerDayLiang: num().optional(),
  quitDrinking: code(cs.quitDrinking).optional(),
  drinkingQuitAge: z.number().int().optional(),
  drinkingStartAge: z.number().int().optional(),
  drunkLastYear: code(cs.yesNo).optional(),
  alcoholTypes: codes(cs.alcoholTypes).optional(),
  alcoholTypeOther: text(40).optional(),
  occupationalExposure: z
    .object({
      has: code(cs.noneOrHas),
      jobType: text(60).optional(),
      years: num().optional(),
      dust: exposureAgent.optional(),
      radiation: exposureAgent.optional(),
      physical: exposureAgent.optional(),
      chemical: exposureAgent.optional(),
      other: exposureAgent.optional(),
    })
    .optional(),
});
export type Lifestyle = z.infer<typeof Lifestyle>;

export const OrganFunction = z.object({
  lips: code(cs.lips).optional(),
  dentition: z.array(withText(code(cs.dentition))).max(4).optional(),
  pharynx: code(cs.pharynx).optional(),
  visionLeft: num().optional(),
  visionRight: num().optional(),
  correctedLeft: num().optional(),
  correctedRight: num().optional(),
  hearing: code(cs.hearing).optional(),
  motorFunction: code(cs.motorFunction).optional(),
});
export type OrganFunction = z.infer<typeof OrganFunction>;

const noneOrHasText = withText(code(cs.noneOrHas)).optional();
const notSeenText = withText(code(cs.notSeenAbnormal)).optional();

export const PhysicalExam = z.object({
  fundus: withText(code(cs.normalAbnormal)).optional(),
  skin: withText(code(cs.skin)).optional(),
  sclera: withText(code(cs.sclera)).optional(),
  lymphNodes: withText(code(cs.lymphNodes)).optional(),
  barrelChest: code(cs.barrelChest).optional(),
  breathSounds: withText(code(cs.normalAbnormal)).optional(),
  rales: withText(code(cs.rales)).optional(),
  heartRate: z.number().int().optional(),
  heartRhythm: code(cs.heartRhythm).optional(),
  heartMurmur: noneOrHasText,
  abdTenderness: noneOrHasText,
  abdMass: noneOrHasText,
  hepatomegaly: noneOrHasText,
  splenomegaly: noneOrHasText,
  shiftingDullness: noneOrHasText,
  legEdema: code(cs.legEdema).optional(),
  dorsalisPedisPulse: code(cs.dorsalisPedisPulse).optional(),
  digitalRectal: withText(code(cs.digitalRectal)).optional(),
  breast: codes(cs.breast).optional(),
  breastOther: text(60).optional(),
  gynVulva: notSeenText,
  gynVagina: notSeenText,
  gynCervix: notSeenText,
  gynUterus: notSeenText,
  gynAdnexa: notSeenText,
  examOther: text(200).optional(),
});
export type PhysicalExam = z.infer<typeof PhysicalExam>;

const dip = code(cs.dipstick).optional();

export const AuxExams = z.object({
  hemoglobin: num().optional(),
  wbc: num().optional(),
  platelets: num().optional(),
  bloodOther: text(100).optional(),
  urineProtein: dip,
  urineGlucose: dip,
  urineKetone: dip,
  urineOccultBlood: dip,
  urineOther: text(100).optional(),
  /** mmol/L as recorded; a mg/dL entry is converted before it reaches the form (DESIGN.md §1). */
  fastingGlucose: num().optional(),
  ecg: withText(code(cs.normalAbnormal)).optional(),
  urineMicroalbumin: num().optional(),
  fecalOccultBlood: code(cs.negativePositive).optional(),
  hba1c: num().optional(),
  hbsag: code(cs.negativePositive).optional(),
  alt: num().optional(),
  ast: num().optional(),
  albumin: num().optional(),
  totalBilirubin: num().optional(),
  directBilirubin: num().optional(),
  creatinine: num().optional(),
  urea: num().optional(),
  potassium: num().optional(),
  sodium: num().optional(),
  tc: num().optional(),
  tg: num().optional(),
  ldlc: num().optional(),
  hdlc: num().optional(),
  chestXray: withText(code(cs.normalAbnormal)).optional(),
  ultrasoundAbdomen: withText(code(cs.normalAbnormal)).optional(),
  ultrasoundOther: withText(code(cs.normalAbnormal)).optional(),
  cervicalSmear: withText(code(cs.normalAbnormal)).optional(),
  auxOther: text(200).optional(),
});
export type AuxExams = z.infer<typeof AuxExams>;

const problem = <C extends string>(set: cs.CodeSet<C>) => codes(set).optional();
export const ExistingProblems = z.object({
  cerebrovascular: problem(cs.existingProblems.cerebrovascular),
  renal: problem(cs.existingProblems.renal),
  cardiac: problem(cs.existingProblems.cardiac),
  vascular: problem(cs.existingProblems.vascular),
  eye: problem(cs.existingProblems.eye),
  neurological: problem(cs.existingProblems.neurological),
  otherSystem: problem(cs.existingProblems.otherSystem),
  otherText: text(200).optional(),
});
export type ExistingProblems = z.infer<typeof ExistingProblems>;

export const Hospitalization = z.object({
  kind: z.enum(['inpatient', 'homeBed']),
  /** 入院日期 / 建床日期 */
  startDate: DateOfCare.optional(),
  /** 出院日期 / 撤床日期 */
  endDate: DateOfCare.optional(),
  reason: text(100).optional(),
  facilityDept: text(100).optional(),
  caseNo: text(40).optional(),
});
export type Hospitalization = z.infer<typeof Hospitalization>;

export const Medication = z.object({
  drugName: text(60).min(1, 'validation.required'),
  route: text(40).optional(),
  dose: text(40).optional(),
  duration: text(40).optional(),
  adherence: code(cs.adherence).optional(),
});
export type Medication = z.infer<typeof Medication>;

export const Vaccination = z.object({ vaccineName: text(60).min(1, 'validation.required'), date: DateOfCare.optional(), org: text(60).optional() });
export type Vaccination = z.infer<typeof Vaccination>;

const healthCheckFields = {
  residentId: ResidentId,
  checkDate: DateOfCare,
  responsibleDoctor: text(40).optional(),
  symptoms: codes(cs.symptoms).optional(),
  symptomOther: text(100).optional(),
  generalCondition: GeneralCondition.optional(),
  selfCare: SelfCareAssessment.optional(),
  lifestyle: Lifestyle.optional(),
  organFunction: OrganFunction.optional(),
  physicalExam: PhysicalExam.optional(),
  auxExams: AuxExams.optional(),
  existingProblems: ExistingProblems.optional(),
  hospitalizations: z.array(Hospitalization).max(10).optional(),
  medications: z.array(Medication).max(20).optional(),
  vaccinations: z.array(Vaccination).max(20).optional(),
  assessment: code(cs.assessment).optional(),
  abnormalities: z.array(text(200)).max(10).optional(),
  guidance: codes(cs.guidance).optional(),
  riskControl: codes(cs.riskControl).optional(),
  targetWeightKg: num().optional(),
  vaccineAdvised: text(60).optional(),
  riskControlOther: text(100).optional(),
  /** Values that came from a device, with their provenance (device-source.ts); absent for typed values. */
  deviceSources: DeviceSources.optional(),
};

/** Any subset: what an in-progress check saves. */
export const HealthCheckDraft = z.object(healthCheckFields);
export type HealthCheckDraft = z.infer<typeof HealthCheckDraft>;

/** Fields that must be present to complete a check. The 65+ self-care rule needs the age: see the rules module. */
export function missingCoreFields(c: HealthCheckDraft): string[] {
  const missing: string[] = [];
  const g = c.generalCondition;
  if (!c.symptoms || c.symptoms.length === 0) missing.push('symptoms');
  for (const f of ['temperature', 'pulseRate', 'respiratoryRate', 'height', 'weight', 'waist'] as const) {
    if (g?.[f] === undefined) missing.push(`generalCondition.${f}`);
  }
  if (!g?.bpLeft && !g?.bpRight) missing.push('generalCondition.bpLeft');
  if (c.assessment === undefined) missing.push('assessment');
  if (c.assessment === '2' && (c.abnormalities ?? []).filter((a) => a.length > 0).length === 0) missing.push('abnormalities');
  return missing;
}

/** A check being completed: the core fields are required (records.md §3). */
export const HealthCheckComplete = HealthCheckDraft.superRefine((c, ctx) => {
  for (const path of missingCoreFields(c)) {
    ctx.addIssue({ code: 'custom', path: path.split('.'), message: 'validation.required' });
  }
});
export type HealthCheckComplete = z.infer<typeof HealthCheckComplete>;
