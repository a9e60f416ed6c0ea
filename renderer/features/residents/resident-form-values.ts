/**
 * The 建档 form's values and the API's `ResidentInput`, both ways. The form keeps a few fields in shapes that are
 * easier to tick than the stored ones (past diseases as ticked codes + a month per code, 有/无 + rows for surgeries);
 * issue paths from the rules are mapped back onto those fields so each message lands next to its field.
 */
import type { Resident, ResidentInput } from '../../../shared/schemas/resident';

export interface PastEventRow {
  name?: string;
  date?: string;
}

export interface ResidentFormValues {
  name?: string;
  idType?: ResidentInput['idType'];
  idNumber?: string;
  sex?: string;
  birthDate?: string;
  phone?: string;
  villageCode?: string;
  currentAddress?: string;
  registeredAddress?: string;
  townshipName?: string;
  villageName?: string;
  createdByOrg?: string;
  createdBy?: string;
  responsibleDoctor?: string;
  createdDate?: string;
  employer?: string;
  contactName?: string;
  contactPhone?: string;
  residenceType?: string;
  ethnicity?: string;
  bloodType?: string;
  rhNegative?: string;
  education?: string;
  occupation?: string;
  maritalStatus?: string;
  paymentMethods?: string[];
  paymentOther?: string;
  drugAllergies?: string[];
  drugAllergyOther?: string;
  exposures?: string[];
  pastDiseaseCodes?: string[];
  pastDiseaseMonths?: Record<string, string | undefined>;
  pastDiseaseNames?: Record<string, string | undefined>;
  surgeriesHas?: string;
  surgeries?: PastEventRow[];
  injuriesHas?: string;
  injuries?: PastEventRow[];
  transfusionsHas?: string;
  transfusions?: PastEventRow[];
  familyFather?: string[];
  familyMother?: string[];
  familySiblings?: string[];
  familyChildren?: string[];
  geneticHas?: string;
  geneticName?: string;
  disabilities?: string[];
  disabilityOther?: string;
  kitchenExhaust?: string;
  fuelType?: string;
  drinkingWater?: string;
  toiletType?: string;
  livestockPen?: string;
  flags?: string[];
}

/** Past diseases that carry a name on the form: 恶性肿瘤, 职业病, 其他. */
export const NAMED_PAST_DISEASES = ['6', '12', '13'];
export const FLAG_KEYS = ['isPregnant', 'isPoor', 'isFpSpecialFamily'] as const;

const trimmed = (s: string | undefined): string | undefined => {
  const v = s?.trim();
  return v ? v : undefined;
};

function events(has: string | undefined, rows: PastEventRow[] | undefined): ResidentInput['surgeries'] {
  if (has === '1') return [];
  if (has !== '2') return undefined;
  return (rows ?? [])
    .filter((r) => trimmed(r.name))
    .map((r) => ({ name: r.name?.trim() ?? '', ...(trimmed(r.date) ? { date: r.date?.trim() } : {}) }));
}

/** What is sent to `residents.create` / `update`. Blank text becomes absent, so optional fields stay optional. */
export function toResidentInput(v: ResidentFormValues): Record<string, unknown> {
  const pastDiseases = (v.pastDiseaseCodes ?? []).map((code) => ({
    code,
    ...(trimmed(v.pastDiseaseMonths?.[code]) ? { diagnosedMonth: v.pastDiseaseMonths?.[code]?.trim() } : {}),
    ...(NAMED_PAST_DISEASES.includes(code) && trimmed(v.pastDiseaseNames?.[code]) ? { name: v.pastDiseaseNames?.[code]?.trim() } : {}),
  }));
  const family = [v.familyFather, v.familyMother, v.familySiblings, v.familyChildren];
  const flags = Object.fromEntries(FLAG_KEYS.filter((k) => v.flags?.includes(k)).map((k) => [k, true]));
  const out: Record<string, unknown> = {
    name: v.name?.trim() ?? '',
    idType: v.idType ?? 'residentId',
    idNumber: trimmed(v.idNumber)?.toUpperCase(),
    sex: v.sex,
    birthDate: v.birthDate?.trim(),
    phone: trimmed(v.phone),
    villageCode: v.villageCode,
    currentAddress: trimmed(v.currentAddress),
    registeredAddress: trimmed(v.registeredAddress),
    townshipName: trimmed(v.townshipName),
    villageName: trimmed(v.villageName),
    createdByOrg: trimmed(v.createdByOrg),
    createdBy: trimmed(v.createdBy),
    responsibleDoctor: trimmed(v.responsibleDoctor),
    createdDate: v.createdDate?.trim(),
    employer: trimmed(v.employer),
    contactName: trimmed(v.contactName),
    contactPhone: trimmed(v.contactPhone),
    residenceType: v.residenceType,
    ethnicity: v.ethnicity,
    bloodType: v.bloodType,
    rhNegative: v.rhNegative,
    education: v.education,
    occupation: v.occupation,
    maritalStatus: v.maritalStatus,
    paymentMethods: v.paymentMethods ?? [],
    paymentOther: trimmed(v.paymentOther),
    drugAllergies: v.drugAllergies ?? [],
    drugAllergyOther: trimmed(v.drugAllergyOther),
    exposures: v.exposures ?? [],
    pastDiseases,
    surgeries: events(v.surgeriesHas, v.surgeries),
    injuries: events(v.injuriesHas, v.injuries),
    transfusions: events(v.transfusionsHas, v.transfusions),
    familyHistory: family.some((f) => f && f.length > 0)
      ? { father: v.familyFather ?? [], mother: v.familyMother ?? [], siblings: v.familySiblings ?? [], children: v.familyChildren ?? [] }
      : undefined,
    geneticDisease: v.geneticHas ? { has: v.geneticHas, ...(v.geneticHas === '2' && trimmed(v.geneticName) ? { name: v.geneticName?.trim() } : {}) } : undefined,
    disabilities: v.disabilities ?? [],
    disabilityOther: trimmed(v.disabilityOther),
    kitchenExhaust: v.kitchenExhaust,
    fuelType: v.fuelType,
    drinkingWater: v.drinkingWater,
    toiletType: v.toiletType,
    livestockPen: v.livestockPen,
    flags,
  };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined));
}

const hasOf = (rows: Resident['surgeries']): string | undefined => (rows === undefined ? undefined : rows.length === 0 ? '1' : '2');

export function fromResident(r: Resident): ResidentFormValues {
  return {
    ...r,
    pastDiseaseCodes: r.pastDiseases.map((d) => d.code),
    pastDiseaseMonths: Object.fromEntries(r.pastDiseases.map((d) => [d.code, d.diagnosedMonth])),
    pastDiseaseNames: Object.fromEntries(r.pastDiseases.map((d) => [d.code, d.name])),
    surgeriesHas: hasOf(r.surgeries),
    surgeries: r.surgeries ?? [],
    injuriesHas: hasOf(r.injuries),
    injuries: r.injuries ?? [],
    transfusionsHas: hasOf(r.transfusions),
    transfusions: r.transfusions ?? [],
    familyFather: r.familyHistory?.father ?? [],
    familyMother: r.familyHistory?.mother ?? [],
    familySiblings: r.familyHistory?.siblings ?? [],
    familyChildren: r.familyHistory?.children ?? [],
    geneticHas: r.geneticDisease?.has,
    geneticName: r.geneticDisease?.name,
    flags: FLAG_KEYS.filter((k) => r.flags[k] === true),
  };
}

/**
 * A rule's dotted path (`pastDiseases.0.diagnosedMonth`, `familyHistory.father`, with an `input.` prefix when the
 * API door refused the shape) as the form field that shows it.
 */
export function formPathOf(path: string, input: Record<string, unknown>): (string | number)[] {
  const parts = path.replace(/^input\./, '').split('.');
  const [head, second, third] = parts;
  if (head === 'pastDiseases') {
    if (second === undefined || third === undefined) return ['pastDiseaseCodes'];
    const list = (input['pastDiseases'] ?? []) as { code: string }[];
    const code = list[Number(second)]?.code ?? '';
    return [third === 'name' ? 'pastDiseaseNames' : 'pastDiseaseMonths', code];
  }
  if (head === 'familyHistory' && second) {
    const key = { father: 'familyFather', mother: 'familyMother', siblings: 'familySiblings', children: 'familyChildren' }[second];
    return [key ?? 'familyFather'];
  }
  if (head === 'geneticDisease') return [second === 'name' ? 'geneticName' : 'geneticHas'];
  if ((head === 'surgeries' || head === 'injuries' || head === 'transfusions') && second !== undefined && third) return [head, Number(second), third];
  if (head === 'flags') return ['flags'];
  return [head ?? 'name'];
}
