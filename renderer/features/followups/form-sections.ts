/**
 * The follow-up form's folded sections (issue 16: the first screen holds what a routine visit needs, the rest folds
 * away). Which section holds a field, so a refused save opens the section of each red field before bringing the
 * first one into view. Pure, so the mapping is unit-tested.
 */
import type { Disease, FollowupEvaluation } from '../../../shared/api/followups';
import type { VisitValues } from './followup-model';

export const SECTIONS = ['signs', 'emergency', 'detail', 'lifestyle', 'medication', 'adjustment', 'signature'] as const;
export type SectionKey = (typeof SECTIONS)[number];

const TOP: Record<string, SectionKey> = {
  heartRate: 'signs',
  temperature: 'signs',
  heightCm: 'signs',
  weight: 'signs',
  targetWeight: 'signs',
  signsOther: 'signs',
  isPregnantOrBreastfeeding: 'signs',
  hasUnmanageableCondition: 'signs',
  cigarettesPerDay: 'lifestyle',
  targetCigarettes: 'lifestyle',
  alcoholLiang: 'lifestyle',
  targetAlcoholLiang: 'lifestyle',
  exerciseTimesPerWeek: 'lifestyle',
  exerciseMinutes: 'lifestyle',
  targetExerciseTimesPerWeek: 'lifestyle',
  targetExerciseMinutes: 'lifestyle',
  psychAdjustment: 'lifestyle',
  compliance: 'lifestyle',
  auxExamText: 'lifestyle',
  medications: 'medication',
  hasNewOrWorseComplication: 'medication',
  isAdverseHardToControl: 'medication',
  medAdjustment: 'adjustment',
  insulinAdjustment: 'adjustment',
  referralReason: 'adjustment',
  referralOrgDept: 'adjustment',
  referralContactPerson: 'adjustment',
  referralContactPhone: 'adjustment',
  doctorSignature: 'signature',
  residentSignatureImage: 'signature',
  remark: 'signature',
};

const PER_DISEASE: Record<string, SectionKey> = {
  emergencySigns: 'emergency',
  saltIntake: 'detail',
  targetSaltIntake: 'detail',
  stapleGramsPerDay: 'detail',
  targetStapleGramsPerDay: 'detail',
  dorsalisPedis: 'detail',
  dorsalisPedisSide: 'detail',
  hypoglycemia: 'detail',
  hba1c: 'detail',
  hba1cDate: 'detail',
  insulin: 'medication',
};

/** The folded section a form field lives in; null for the first screen (date, BP, symptoms, adherence, proposal). */
export function sectionOf(name: readonly (string | number)[]): SectionKey | null {
  const [head, second] = name;
  if (head === 'htn' || head === 't2dm') return typeof second === 'string' ? (PER_DISEASE[second] ?? null) : null;
  return typeof head === 'string' ? (TOP[head] ?? null) : null;
}

/**
 * Sections open when the form opens or the proposal changes: the drug list carried from the last visit is a
 * clinical statement the doctor must check, and a patient who takes medicine needs one; a referral proposed
 * (下一步 3 or 4) needs its reason and institution;
 * a ticked emergency sign or special situation stays in sight.
 */
export function sectionsToOpen(values: VisitValues, diseases: readonly Disease[], evaluations: Partial<Record<Disease, FollowupEvaluation>>): SectionKey[] {
  const open: SectionKey[] = [];
  // Carried drugs need checking; a patient who takes medicine (规律, 间断) and has none listed needs them typed.
  const hasDrugs = (values.medications ?? []).some((m) => (m.drugName ?? '').trim() !== '');
  if (hasDrugs || values.adherence === 1 || values.adherence === 2) open.push('medication');
  // 有 to 有无危急情况 on the first screen opens the checklist to tick which sign (issue 16).
  if (values.hasEmergency === 2 || diseases.some((d) => (values[d]?.emergencySigns ?? []).length > 0)) open.push('emergency');
  if (values.isPregnantOrBreastfeeding || values.hasUnmanageableCondition) open.push('signs');
  if (diseases.some((d) => {
    const step = evaluations[d]?.proposed.nextStep;
    return step === 3 || step === 4;
  })) open.push('adjustment');
  return open;
}
