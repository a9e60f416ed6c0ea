/**
 * 重点人群 tags (contracting.md §4), derived from the record every time they are needed and never typed in,
 * so a tag cannot go stale when a birthday passes or a registry enrolment ends.
 */
import { type CalendarDate, ageOn, compareDates } from './dates';

export const POPULATION_TAGS = [
  'elderly65',
  'htn',
  't2dm',
  'child0to6',
  'disabled',
  'smi',
  'tb',
  'pregnant',
  'poor',
  'fpSpecialFamily',
] as const;
export type PopulationTag = (typeof POPULATION_TAGS)[number];

export type Registry = 'htn' | 't2dm' | 'smi' | 'tb';

export interface TagSource {
  birthDate: CalendarDate;
  /** 1 男, 2 女 (GB/T 2261.1 code as stored). */
  sex: string;
  /** 既往史 codes (records.md §2): 2 高血压, 3 糖尿病, 8 严重精神障碍. */
  pastDiseaseCodes: readonly string[];
  /** 残疾情况 codes; 1 = 无残疾. */
  disabilityCodes: readonly string[];
  /** Registries the resident is actively enrolled in (managed by the follow-up service). */
  activeRegistries: readonly Registry[];
  flags: { isPregnant?: boolean | undefined; isPoor?: boolean | undefined; isFpSpecialFamily?: boolean | undefined };
}

/**
 * Tags on `today`, in POPULATION_TAGS order.
 * - elderly65: age ≥ 65 in completed years (the elderly service's target group, README §1).
 * - child0to6: age 0–6 in completed years, i.e. up to the day before the 7th birthday (Spec "0～6岁").
 * - htn / t2dm / smi: an active registry enrolment, or the disease ticked on 既往史; tb: the registry only. A ticked disease without
 *   enrolment still marks a key-population member: the contracting team must see them (and the work list
 *   suggests enrolment, records.md §2).
 * - pregnant: only while the flag is set and the resident is female.
 */
export function populationTags(source: TagSource, today: CalendarDate): PopulationTag[] {
  const tags = new Set<PopulationTag>();
  const bornBy = compareDates(source.birthDate, today) <= 0;
  const age = bornBy ? ageOn(source.birthDate, today) : -1;
  if (age >= 65) tags.add('elderly65');
  if (age >= 0 && age <= 6) tags.add('child0to6');
  const past = new Set(source.pastDiseaseCodes);
  const registries = new Set(source.activeRegistries);
  if (registries.has('htn') || past.has('2')) tags.add('htn');
  if (registries.has('t2dm') || past.has('3')) tags.add('t2dm');
  if (registries.has('smi') || past.has('8')) tags.add('smi');
  // 既往史 "结核病" includes cured TB; only a patient under TB management is a key-population member.
  if (registries.has('tb')) tags.add('tb');
  if (source.disabilityCodes.some((c) => c !== '1')) tags.add('disabled');
  if (source.flags.isPregnant === true && source.sex === '2') tags.add('pregnant');
  if (source.flags.isPoor === true) tags.add('poor');
  if (source.flags.isFpSpecialFamily === true) tags.add('fpSpecialFamily');
  return POPULATION_TAGS.filter((t) => tags.has(t));
}

/** The tag inputs of a stored resident (structural, so the domain does not depend on the schema module). */
export function tagSourceFromResident(
  resident: {
    birthDate: CalendarDate;
    sex: string;
    pastDiseases: readonly { code: string }[];
    disabilities: readonly string[];
    flags: TagSource['flags'];
  },
  activeRegistries: readonly Registry[],
): TagSource {
  return {
    birthDate: resident.birthDate,
    sex: resident.sex,
    pastDiseaseCodes: resident.pastDiseases.map((d) => d.code),
    disabilityCodes: resident.disabilities,
    activeRegistries,
    flags: resident.flags,
  };
}
