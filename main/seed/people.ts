/**
 * The people of the synthetic township, household by household. The mix of household kinds is what makes the
 * village pyramid old: elderly couples and grandparents raising grandchildren are common, and adults of working
 * age are few because they work in the cities. Each person gets a valid resident ID number on the clinic's county
 * address code (unique within the run) unless they are a young child not yet registered.
 */
import { type CalendarDate, addDays, addYears, ageOn, yearOf } from '../../shared/domain/dates';
import { idCheckDigit } from '../../shared/domain/id-number';
import type { HouseholdRelation } from '../../shared/schemas/household';
import { pickGivenName, pickSurname } from './names';
import type { Rng } from './random';

export interface Registration {
  disease: 'htn' | 't2dm';
  diagnosisDate: CalendarDate;
  enrolledDate: CalendarDate;
}

/** Lifestyle facts that stay the same from one check to the next. */
export interface Habits {
  smoking: '1' | '2' | '3';
  cigarettesPerDay: number;
  smokingStartAge: number;
  smokingQuitAge: number;
  drinking: '1' | '2' | '3' | '4';
  alcoholLiang: number;
  drinkingStartAge: number;
  exercise: '1' | '2' | '3' | '4';
}

export interface Person {
  index: number;
  householdIndex: number;
  villageCode: string;
  relation: HouseholdRelation;
  name: string;
  sex: 1 | 2;
  birthDate: CalendarDate;
  /** Completed years on the seed's today. */
  age: number;
  idNumber: string;
  phone: string;
  heightCm: number;
  /** The person's usual BMI; checks and follow-ups vary around it. */
  bmi: number;
  habits: Habits;
  /** 既往史 other than the two registries: 4 冠心病, 5 COPD, 7 脑卒中. */
  otherDiseases: { code: '4' | '5' | '7'; diagnosedMonth: string }[];
  registrations: Registration[];
  /** How many annual health checks to generate (most recent first, one per year). */
  checks: number;
}

export interface HouseholdPlan {
  index: number;
  villageCode: string;
  address: string;
  memberIndexes: number[];
}

interface MemberSpec {
  relation: HouseholdRelation;
  age: number;
  sex: 1 | 2;
  /** Shares the family surname (the head's line) or brings their own (spouses, in-laws). */
  familySurname: boolean;
}

const clampAge = (a: number) => Math.max(0, Math.min(99, a));

/** One household's members; sizes 1–6. Kinds and weights shape the ageing pyramid. */
function householdMembers(rng: Rng): MemberSpec[] {
  const kind = rng.weighted([
    ['elderCouple', 22],
    ['elderAlone', 10],
    ['threeGenerations', 18],
    ['leftBehind', 18],
    ['nuclear', 14],
    ['couplePlusAdultChild', 12],
    ['adultAlone', 6],
  ] as const);
  const male = (p = 0.5): 1 | 2 => (rng.chance(p) ? 1 : 2);
  const head = (min: number, max: number, pMale = 0.85): MemberSpec => ({ relation: 'head', age: rng.int(min, max), sex: male(pMale), familySurname: true });
  const spouseOf = (h: MemberSpec): MemberSpec => ({
    relation: 'spouse',
    age: clampAge(h.age + (h.sex === 1 ? -rng.int(0, 5) : rng.int(0, 5))),
    sex: h.sex === 1 ? 2 : 1,
    familySurname: false,
  });
  const child = (parentAge: number, relation: HouseholdRelation = 'child'): MemberSpec => ({
    relation,
    age: clampAge(parentAge - rng.int(22, 32)),
    sex: male(0.52),
    familySurname: true,
  });
  switch (kind) {
    case 'elderCouple': {
      const h = head(58, 86);
      return [h, spouseOf(h)];
    }
    case 'elderAlone':
      return [head(62, 94, 0.4)];
    case 'threeGenerations': {
      const h = head(46, 64);
      const members = [h, spouseOf(h)];
      const son = child(h.age);
      members.push({ ...son, sex: 1 });
      if (rng.chance(0.7)) members.push({ relation: 'childInLaw', age: clampAge(son.age - rng.int(0, 4)), sex: 2, familySurname: false });
      const grandchildren = son.age >= 23 ? rng.int(1, 2) : 0;
      for (let i = 0; i < grandchildren && members.length < 6; i++) {
        members.push({ relation: 'grandchild', age: rng.int(0, Math.min(12, son.age - 22)), sex: male(0.52), familySurname: true });
      }
      if (members.length < 6 && rng.chance(0.35)) members.push({ relation: 'parent', age: clampAge(h.age + rng.int(22, 30)), sex: male(0.3), familySurname: true });
      return members;
    }
    case 'leftBehind': {
      const h = head(55, 76);
      const members = rng.chance(0.8) ? [h, spouseOf(h)] : [h];
      const grandchildren = rng.int(1, 2);
      for (let i = 0; i < grandchildren; i++) {
        members.push({ relation: 'grandchild', age: rng.int(0, Math.min(14, h.age - 46)), sex: male(0.53), familySurname: true });
      }
      return members;
    }
    case 'nuclear': {
      const h = head(28, 50);
      const members = [h, spouseOf(h)];
      const children = rng.weighted([[1, 4], [2, 5], [3, 1]] as const);
      for (let i = 0; i < children; i++) members.push({ ...child(h.age), age: rng.int(0, Math.max(0, Math.min(20, h.age - 22))) });
      return members;
    }
    case 'couplePlusAdultChild': {
      const h = head(45, 62);
      return [h, spouseOf(h), { ...child(h.age), age: clampAge(Math.max(16, h.age - rng.int(22, 30))) }];
    }
    case 'adultAlone':
      return [head(25, 58, 0.75)];
  }
}

function birthDateFor(rng: Rng, age: number, today: CalendarDate): CalendarDate {
  // Any of the 365 days after the (age+1)th birthday-eve: completed years on `today` stay exactly `age`.
  return addDays(addYears(today, -age), -rng.int(0, 364));
}

function makeIdNumber(rng: Rng, county: string, birthDate: CalendarDate, sex: 1 | 2, used: Set<string>): string {
  for (;;) {
    const seq2 = String(rng.int(0, 99)).padStart(2, '0');
    // GB 11643: the 17th digit is odd for men and even for women.
    const parity = sex === 1 ? rng.pick(['1', '3', '5', '7', '9']) : rng.pick(['0', '2', '4', '6', '8']);
    const first17 = `${county}${birthDate.replace(/-/g, '')}${seq2}${parity}`;
    if (used.has(first17)) continue;
    used.add(first17);
    return first17 + (idCheckDigit(first17) ?? '');
  }
}

function makePhone(rng: Rng): string {
  return `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
}

function makeHabits(rng: Rng, sex: 1 | 2, age: number): Habits {
  const adult = age >= 18;
  const smoking = !adult ? '1' : sex === 1 ? rng.weighted([['1', 40], ['2', 15], ['3', 45]] as const) : rng.weighted([['1', 97], ['2', 1], ['3', 2]] as const);
  const smokingStartAge = Math.min(age, rng.int(16, 25));
  const drinking = !adult ? '1' : sex === 1 ? rng.weighted([['1', 45], ['2', 30], ['3', 15], ['4', 10]] as const) : rng.weighted([['1', 90], ['2', 10]] as const);
  return {
    smoking,
    cigarettesPerDay: rng.int(5, 30),
    smokingStartAge,
    smokingQuitAge: Math.min(age, smokingStartAge + rng.int(5, 30)),
    drinking,
    alcoholLiang: rng.float(0.5, 4, 1),
    drinkingStartAge: Math.min(age, rng.int(18, 30)),
    exercise: age >= 65 ? rng.weighted([['1', 35], ['2', 15], ['3', 20], ['4', 30]] as const) : rng.weighted([['1', 15], ['2', 20], ['3', 30], ['4', 35]] as const),
  };
}

function heightFor(rng: Rng, sex: 1 | 2, age: number): number {
  if (age < 18) {
    const adult = sex === 1 ? 168 : 157;
    // A rough growth curve: 50 cm at birth, adult height by 18.
    const h = age === 0 ? rng.int(50, 75) : 75 + ((adult - 75) * Math.min(age, 18)) / 18 + rng.int(-6, 6);
    return Math.max(45, Math.round(h));
  }
  const base = sex === 1 ? rng.normal(167, 5.5, 152, 185, 0) : rng.normal(156, 5, 142, 172, 0);
  // Older cohorts are shorter and lose height with age.
  return base - (age >= 70 ? 3 : age >= 55 ? 1 : 0);
}

export interface PeopleInput {
  rng: Rng;
  residents: number;
  villages: readonly { code: string; name: string; weight: number }[];
  county: string;
  today: CalendarDate;
}

/** Households and their members until exactly `residents` people exist (the last household is cut to fit). */
export function generatePeople(input: PeopleInput): { people: Person[]; households: HouseholdPlan[] } {
  const { rng, today } = input;
  const people: Person[] = [];
  const households: HouseholdPlan[] = [];
  const usedIds = new Set<string>();
  const houseNumbers = new Map<string, number>();
  while (people.length < input.residents) {
    const hRng = rng.derive('household', households.length);
    const village = hRng.weighted(input.villages.map((v) => [v, v.weight] as const));
    const houseNo = (houseNumbers.get(village.code) ?? 0) + 1;
    houseNumbers.set(village.code, houseNo);
    const plan: HouseholdPlan = {
      index: households.length,
      villageCode: village.code,
      address: `${village.name}${1 + Math.floor((houseNo - 1) / 40)}组${houseNo}号`,
      memberIndexes: [],
    };
    const familySurname = pickSurname(hRng);
    const specs = householdMembers(hRng).slice(0, input.residents - people.length);
    for (const spec of specs) {
      const pRng = rng.derive('person', people.length);
      const birthDate = birthDateFor(pRng, spec.age, today);
      const age = ageOn(birthDate, today);
      const surname = spec.familySurname ? familySurname : pickSurname(pRng);
      // Children under 6 are often not yet registered (no ID card until the 户口 entry is made).
      const hasId = age >= 16 || !pRng.chance(age < 6 ? 0.2 : 0.01);
      const hasPhone = age >= 18 && pRng.chance(age >= 75 ? 0.55 : 0.92);
      const person: Person = {
        index: people.length,
        householdIndex: plan.index,
        villageCode: village.code,
        relation: spec.relation,
        name: surname + pickGivenName(pRng, yearOf(birthDate), spec.sex),
        sex: spec.sex,
        birthDate,
        age,
        idNumber: hasId ? makeIdNumber(pRng, input.county, birthDate, spec.sex, usedIds) : '',
        phone: hasPhone ? makePhone(pRng) : '',
        heightCm: heightFor(pRng, spec.sex, age),
        bmi: age < 18 ? pRng.float(15, 20) : pRng.normal(23.3, 2.6, 18.6, 30.5),
        habits: makeHabits(pRng, spec.sex, age),
        otherDiseases: [],
        registrations: [],
        checks: 0,
      };
      const month = (minAge: number) => pRng.dateBetween(addYears(birthDate, minAge), addDays(today, -30)).slice(0, 7);
      if (age >= 55 && pRng.chance(0.04)) person.otherDiseases.push({ code: '4', diagnosedMonth: month(45) });
      if (age >= 60 && pRng.chance(0.025)) person.otherDiseases.push({ code: '5', diagnosedMonth: month(50) });
      if (age >= 60 && pRng.chance(0.02)) person.otherDiseases.push({ code: '7', diagnosedMonth: month(50) });
      people.push(person);
      plan.memberIndexes.push(person.index);
    }
    households.push(plan);
  }
  return { people, households };
}
