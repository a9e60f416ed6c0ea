/**
 * Stored documents for the generated people: the resident (cover + 个人基本信息表, the shape ResidentsService
 * writes: the parsed form without `householdId`, in `data`) and the household (relations in `data`, as
 * HouseholdsService keeps them). Record numbers are left empty: the writer issues them from the device's block.
 */
import { type CalendarDate, addDays, addYears, compareDates, parseDate, yearOf } from '../../shared/domain/dates';
import type { HouseholdDoc, ResidentDoc } from '../../shared/schemas/collections';
import type { PastDisease, ResidentInput } from '../../shared/schemas/resident';
import type { HouseholdPlan, Person } from './people';
import type { IdSequence, Rng } from './random';

export interface DocContext {
  clinicCode: string;
  clinicName: string;
  villageNames: ReadonlyMap<string, string>;
  today: CalendarDate;
  now: number;
  doctorName: string;
  ids: IdSequence;
}

/** An instant during office hours (09:00–17:00 UTC+8) on `date`, never after `now`. */
export function instantOn(rng: Rng, date: CalendarDate, now: number): number {
  const parts = parseDate(date);
  if (!parts) throw new RangeError(`Not a calendar date: ${date}`);
  const { year, month, day } = parts;
  return Math.min(now, Date.UTC(year, month - 1, day) + rng.int(3_600, 9 * 3_600 - 1) * 1000);
}

function education(rng: Rng, birthYear: number, age: number): ResidentInput['education'] {
  if (age < 16) return undefined;
  if (birthYear < 1960) return rng.weighted([['9', 35], ['8', 50], ['7', 13], ['6', 2]] as const);
  if (birthYear < 1980) return rng.weighted([['8', 30], ['7', 50], ['6', 14], ['4', 6]] as const);
  return rng.weighted([['7', 30], ['6', 28], ['4', 10], ['3', 18], ['2', 14]] as const);
}

function occupation(rng: Rng, age: number): ResidentInput['occupation'] {
  if (age < 16) return undefined;
  if (age < 22 && rng.chance(0.6)) return '8';
  if (age >= 65) return rng.weighted([['4', 60], ['8', 40]] as const);
  return rng.weighted([['4', 62], ['3', 12], ['5', 12], ['7', 6], ['8', 5], ['1', 3]] as const);
}

function marital(rng: Rng, p: Person, hasSpouse: boolean): ResidentInput['maritalStatus'] {
  if (p.age < 20) return p.age >= 16 ? '1' : undefined;
  if (hasSpouse) return '2';
  if (p.age >= 60) return rng.weighted([['3', 80], ['2', 12], ['4', 5], ['1', 3]] as const);
  return rng.weighted([['1', 45], ['2', 40], ['4', 15]] as const);
}

function pastDiseases(p: Person): PastDisease[] {
  const list: PastDisease[] = [];
  for (const r of p.registrations) list.push({ code: r.disease === 'htn' ? '2' : '3', diagnosedMonth: r.diagnosisDate.slice(0, 7) });
  for (const d of p.otherDiseases) list.push({ code: d.code, diagnosedMonth: d.diagnosedMonth });
  list.sort((a, b) => Number(a.code) - Number(b.code));
  return list.length > 0 ? list : [{ code: '1' }];
}

const maxDate = (a: CalendarDate, b: CalendarDate) => (compareDates(a, b) >= 0 ? a : b);

/** The date the record was opened: years back for most, at birth for young children, before any enrolment. */
export function recordCreatedDate(rng: Rng, p: Person, today: CalendarDate): CalendarDate {
  const from = maxDate(p.birthDate, addYears(today, -10));
  const to = maxDate(p.birthDate, addDays(addYears(today, -3), -1));
  let created = rng.dateBetween(from, to);
  for (const r of p.registrations) if (compareDates(r.enrolledDate, created) < 0) created = r.enrolledDate;
  return created;
}

export function residentDoc(rng: Rng, p: Person, household: HouseholdPlan, members: readonly Person[], ctx: DocContext): ResidentDoc {
  const createdDate = recordCreatedDate(rng, p, ctx.today);
  const createdAt = instantOn(rng, createdDate, ctx.now);
  const id = ctx.ids.next();
  const has = (relation: string) => members.some((m) => m.relation === relation);
  const hasSpouse =
    p.relation === 'spouse' || p.relation === 'childInLaw' || (p.relation === 'head' && has('spouse')) || (p.relation === 'child' && has('childInLaw'));
  const contact = p.age >= 70 || p.age < 16 ? members.find((m) => m !== p && m.phone && m.age >= 18 && m.age < 70) : undefined;
  const familyHtn = p.registrations.length > 0 && rng.chance(0.4);
  const form: Omit<ResidentInput, 'householdId'> = {
    name: p.name,
    currentAddress: household.address,
    registeredAddress: household.address,
    ...(p.phone ? { phone: p.phone } : {}),
    townshipName: ctx.clinicName,
    villageName: ctx.villageNames.get(p.villageCode) ?? '',
    createdByOrg: ctx.clinicName,
    createdBy: ctx.doctorName,
    responsibleDoctor: ctx.doctorName,
    createdDate,
    sex: p.sex === 1 ? '1' : '2',
    birthDate: p.birthDate,
    idType: 'residentId',
    ...(p.idNumber ? { idNumber: p.idNumber } : {}),
    ...(contact ? { contactName: contact.name, contactPhone: contact.phone } : {}),
    residenceType: rng.chance(0.95) ? '1' : '2',
    ethnicity: rng.weighted([['01', 960], ['08', 12], ['22', 10], ['13', 8], ['15', 5], ['03', 5]] as const),
    bloodType: rng.weighted([['1', 28], ['2', 24], ['3', 34], ['4', 8], ['5', 6]] as const),
    rhNegative: rng.chance(0.8) ? '1' : '3',
    ...optional('education', education(rng, yearOf(p.birthDate), p.age)),
    ...optional('occupation', occupation(rng, p.age)),
    ...optional('maritalStatus', marital(rng, p, hasSpouse)),
    paymentMethods: rng.weighted([[['3'], 88], [['1'], 5], [['3', '5'], 4], [['3', '4'], 3]] as const).slice(),
    drugAllergies: rng.chance(0.95) ? ['1'] : [rng.pick(['2', '3', '4'] as const)],
    exposures: ['1'],
    pastDiseases: pastDiseases(p),
    surgeries: [],
    injuries: [],
    transfusions: [],
    familyHistory: {
      father: familyHtn ? ['2'] : ['1'],
      mother: ['1'],
      siblings: ['1'],
      children: ['1'],
    },
    geneticDisease: { has: '1' },
    disabilities: p.age >= 75 && rng.chance(0.04) ? [rng.pick(['2', '3', '5'] as const)] : ['1'],
    kitchenExhaust: rng.weighted([['1', 25], ['2', 30], ['3', 20], ['4', 25]] as const),
    fuelType: rng.weighted([['1', 55], ['5', 30], ['3', 10], ['4', 5]] as const),
    drinkingWater: rng.weighted([['1', 75], ['3', 20], ['2', 5]] as const),
    toiletType: rng.weighted([['1', 70], ['2', 20], ['3', 8], ['5', 2]] as const),
    livestockPen: rng.weighted([['1', 60], ['2', 30], ['4', 10]] as const),
    flags: {},
    villageCode: p.villageCode as ResidentInput['villageCode'],
  };
  return {
    id,
    clinicCode: ctx.clinicCode,
    villageCode: p.villageCode,
    recordNo: '',
    name: p.name,
    idNumber: p.idNumber,
    phone: p.phone,
    birthDate: p.birthDate,
    sex: p.sex,
    householdId: '',
    status: 'active',
    data: form,
    createdAt,
    updatedAt: createdAt,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function householdDoc(ids: IdSequence, plan: HouseholdPlan, members: readonly ResidentDoc[], relations: readonly Person[], clinicCode: string): HouseholdDoc {
  const head = members[0] as ResidentDoc;
  const id = ids.next();
  return {
    id,
    clinicCode,
    villageCode: plan.villageCode,
    headResidentId: head.id,
    address: plan.address,
    data: { relations: Object.fromEntries(members.map((m, i) => [m.id, relations[i]?.relation ?? 'otherRelative'])) },
    createdAt: head.createdAt,
    updatedAt: head.createdAt,
  };
}
