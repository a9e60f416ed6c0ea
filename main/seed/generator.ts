/**
 * `cunyi seed`'s township, as documents: PURE and deterministic. The same seed, profile, size, clinic, `now` and
 * `today` give byte-identical residents, households and encounters: all randomness comes from seeded streams
 * (random.ts), time only from the parameters. Ids do not even depend on the clock (SEED_ID_EPOCH); dates do, so
 * the pyramid and the visit history stay current on whatever day the demo is seeded. Record numbers are not issued
 * here; the writer takes them from the device's serial block, as the app does.
 *
 * Profiles (DESIGN.md §4):
 * - `realistic`: an ageing village pyramid; ≈ 11–14 % of residents in the hypertension registry and ≈ 3.5–4.5 % in
 *   the diabetes registry (weighted by age, diabetics more often hypertensive), 65+ mostly with 1–3 annual checks,
 *   chronic patients followed up quarterly since enrolment (at most the last 12 visits).
 * - `stress`: half the residents managed (¾ hypertension, ¼ diabetes, one registry each) with exactly 12 quarterly
 *   follow-ups each, and exactly one health check per resident in total (adults, the elderly and patients first).
 *   At the default 30,000 residents: 15,000 patients, 180,000 follow-ups, 30,000 checks.
 */
import { type CalendarDate, addDays, addMonths, addYears, compareDates } from '../../shared/domain/dates';
import type { EncounterDoc, HouseholdDoc, ResidentDoc } from '../../shared/schemas/collections';
import { enrolmentDoc, followupDocs, MAX_FOLLOWUPS } from './followups';
import { type EncounterContext, healthCheckDocs } from './health-checks';
import { DOCTOR_NAMES, VILLAGE_NAMES } from './names';
import { generatePeople, type Person, type Registration } from './people';
import { IdSequence, Rng, weightedSample } from './random';
import { householdDoc, residentDoc } from './resident-docs';

export type SeedProfile = 'realistic' | 'stress';
export const SEED_PROFILES: readonly SeedProfile[] = ['realistic', 'stress'];
export const DEFAULT_RESIDENTS: Readonly<Record<SeedProfile, number>> = { realistic: 3000, stress: 30_000 };

/**
 * The time part of seeded ids starts here, whatever `now` is: the ids depend on the seed, size and clinic only, and
 * sort before anything the app creates (its UUIDv7s carry the real time).
 */
export const SEED_ID_EPOCH = Date.UTC(2020, 0, 1);

export interface SeedVillage {
  code: string;
  name: string;
}

export interface GenerateInput {
  seed: string;
  profile: SeedProfile;
  residents: number;
  clinic: { clinicCode: string; clinicName: string; villages: readonly SeedVillage[] };
  /** Epoch ms: no timestamp is later than this. */
  now: number;
  /** The clinic's calendar date at `now`. */
  today: CalendarDate;
  /** The signed-in user who seeds: `createdBy` of every encounter. */
  user: { id: string };
  /**
   * Responsible doctors of the first villages, in order, before the generated names (the demo gives its village
   * doctor account 王村医 the first village, so the doctor's work list has a real caseload).
   */
  villageDoctors?: readonly string[];
}

export interface Family {
  household: HouseholdDoc;
  residents: ResidentDoc[];
}

export interface GeneratedTownship {
  /** The villages the residents live in; `villagesCreated` when the clinic had none and these must be saved. */
  villages: SeedVillage[];
  villagesCreated: boolean;
  /**
   * Households with their residents, in order (`recordNo` is '' until the writer issues one). Documents are made as
   * they are read and each call starts the same deterministic sequence again, so the writer streams a 200,000-resident
   * township instead of holding it in memory.
   */
  families(): Generator<Family>;
  /** Residents per village code: what the record-number check needs before anything is written. */
  residentsPerVillage: ReadonlyMap<string, number>;
  residentCount: number;
  householdCount: number;
  /** Every resident and household at once, made on first use (tests and small townships; the writer streams). */
  readonly residents: ResidentDoc[];
  readonly households: HouseholdDoc[];
  /** Encounters resident by resident; each call starts the same deterministic sequence again. */
  encounters(): Generator<EncounterDoc>;
  registries: { htn: number; t2dm: number };
}

/**
 * Residents per generated village, on average, beyond which the township gets more villages. A village's numbers
 * come from the first device block (9,999 serials); with village weights 0.6–1.4 the heaviest village of a
 * township of N residents and ⌈N / 4,000⌉ villages holds at most 1.4 / (1.4 + 0.6 · (⌈N / 4,000⌉ − 1)) of them:
 * 9,091 at the 200,000 maximum, 7,500 at 30,000, so a seed never runs out of numbers (RECORD_NUMBERS_EXHAUSTED).
 */
export const RESIDENTS_PER_VILLAGE = 4_000;
/** Village codes `<township>2nn` have two digits: 201–299. */
export const MAX_SEEDED_VILLAGES = 99;

/** 东光村 → 东光二村, 东光三村…: more names when a large township needs more villages than the list has. */
function villageName(names: string[], used: number): string[] {
  if (names.length > 0) return names;
  const numeral = '二三四五六七八九'[Math.floor(used / VILLAGE_NAMES.length) - 1] ?? '十';
  return VILLAGE_NAMES.map((n) => n.replace(/村$/, `${numeral}村`));
}

/**
 * The clinic's villages, or for a township clinic without any, 6–10 villages `<township>2nn` (the 2xx range is
 * where GB/T 10114 puts 村委会 codes), e.g. 441521101201, and more for a large township (RESIDENTS_PER_VILLAGE).
 * A village clinic without a list lives in its own code.
 */
export function planVillages(rng: Rng, clinic: GenerateInput['clinic'], residents = 0): { villages: SeedVillage[]; created: boolean } {
  if (clinic.villages.length > 0) return { villages: clinic.villages.map((v) => ({ code: v.code, name: v.name })), created: false };
  if (clinic.clinicCode.length === 12) return { villages: [{ code: clinic.clinicCode, name: rng.pick(VILLAGE_NAMES) }], created: true };
  const count = Math.min(MAX_SEEDED_VILLAGES, Math.max(rng.int(6, 10), Math.ceil(residents / RESIDENTS_PER_VILLAGE)));
  let names = [...VILLAGE_NAMES];
  const villages: SeedVillage[] = [];
  for (let i = 1; i <= count; i++) {
    names = villageName(names, i - 1);
    const name = names.splice(rng.int(0, names.length - 1), 1)[0] as string;
    villages.push({ code: `${clinic.clinicCode}2${String(i).padStart(2, '0')}`, name });
  }
  return { villages, created: true };
}

const htnWeight = (age: number) => (age < 35 ? 0 : age < 45 ? 1 : age < 55 ? 2.5 : age < 65 ? 5 : age < 75 ? 7 : 8);
const t2dmWeight = (age: number) => (age < 35 ? 0 : age < 45 ? 1 : age < 55 ? 2 : age < 75 ? 3.5 : 3);
const maxDate = (a: CalendarDate, b: CalendarDate) => (compareDates(a, b) >= 0 ? a : b);
const minDate = (a: CalendarDate, b: CalendarDate) => (compareDates(a, b) <= 0 ? a : b);

function realisticRegistration(rng: Rng, p: Person, disease: Registration['disease'], today: CalendarDate): Registration {
  const latest = addDays(today, -20);
  const from = minDate(maxDate(addYears(p.birthDate, 35), addYears(today, -15)), latest);
  const diagnosisDate = rng.dateBetween(from, latest);
  return { disease, diagnosisDate, enrolledDate: minDate(addDays(diagnosisDate, rng.int(0, 60)), today) };
}

/** Enrolled at least three years ago, so twelve quarterly visits fit after it. */
function stressRegistration(rng: Rng, p: Person, disease: Registration['disease'], today: CalendarDate): Registration {
  const enrolledDate = maxDate(addDays(addMonths(today, -36), -rng.int(0, 2000)), addYears(p.birthDate, 20));
  return { disease, enrolledDate, diagnosisDate: maxDate(addDays(enrolledDate, -rng.int(0, 60)), addYears(p.birthDate, 18)) };
}

function allocateRegistries(rng: Rng, people: Person[], profile: SeedProfile, today: CalendarDate): void {
  if (profile === 'realistic') {
    const n = people.length;
    const htn = weightedSample(rng, people.map((p) => ({ item: p, weight: htnWeight(p.age) })), Math.round(n * rng.float(0.11, 0.14, 3)));
    for (const p of htn) p.registrations.push(realisticRegistration(rng.derive('htn', p.index), p, 'htn', today));
    const t2dmTarget = Math.round(n * rng.float(0.035, 0.045, 3));
    // Diabetics are hypertensive far more often than others (about half of them in Chinese surveys).
    const t2dm = weightedSample(rng, people.map((p) => ({ item: p, weight: t2dmWeight(p.age) * (p.registrations.length > 0 ? 4 : 1) })), t2dmTarget);
    for (const p of t2dm) p.registrations.push(realisticRegistration(rng.derive('t2dm', p.index), p, 't2dm', today));
    return;
  }
  const managed = Math.round(people.length / 2);
  const pool = people.filter((p) => p.age >= 35);
  const fallback = people.filter((p) => p.age >= 25 && p.age < 35);
  const chosen = weightedSample(rng, pool.map((p) => ({ item: p, weight: htnWeight(p.age) })), managed);
  if (chosen.length < managed) chosen.push(...weightedSample(rng, fallback.map((p) => ({ item: p, weight: 1 })), managed - chosen.length));
  chosen.sort((a, b) => a.index - b.index);
  chosen.forEach((p, i) => {
    // Every fourth patient in record order is diabetic: ¾ hypertension, ¼ diabetes, spread over all villages.
    const disease = i % 4 === 3 ? 't2dm' : 'htn';
    p.registrations.push(stressRegistration(rng.derive('reg', p.index), p, disease, today));
  });
}

function allocateChecks(rng: Rng, people: Person[], profile: SeedProfile): void {
  if (profile === 'realistic') {
    for (const p of people) {
      const r = rng.derive('checks', p.index);
      if (p.age >= 65) p.checks = r.chance(0.9) ? r.weighted([[1, 30], [2, 35], [3, 35]] as const) : 0;
      else if (p.registrations.length > 0) p.checks = r.chance(0.7) ? r.int(1, 2) : 0;
      else if (p.age >= 35) p.checks = r.chance(0.08) ? 1 : 0;
    }
    return;
  }
  const target = people.length;
  const rank = (p: Person) => (p.age >= 65 ? 0 : p.registrations.length > 0 ? 1 : 2);
  const eligible = people.filter((p) => p.age >= 18).sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  let total = 0;
  for (let round = 0; round < 3 && total < target; round++) {
    for (const p of eligible) {
      if (total >= target) break;
      p.checks += 1;
      total += 1;
    }
  }
}

export function generateTownship(input: GenerateInput): GeneratedTownship {
  const root = new Rng(`cunyi-seed/${input.seed}/${input.profile}/${input.residents}/${input.clinic.clinicCode}`);
  const { villages, created } = planVillages(root.derive('villages'), input.clinic, input.residents);
  const villageRng = root.derive('village-weights');
  const { people, households: plans } = generatePeople({
    rng: root.derive('people'),
    residents: input.residents,
    villages: villages.map((v) => ({ ...v, weight: villageRng.float(0.6, 1.4, 2) })),
    county: input.clinic.clinicCode.slice(0, 6),
    today: input.today,
  });
  allocateRegistries(root.derive('registries'), people, input.profile, input.today);
  allocateChecks(root.derive('checks'), people, input.profile);

  const villageNames = new Map(villages.map((v) => [v.code, v.name]));
  const doctorOf = new Map(villages.map((v, i) => [v.code, input.villageDoctors?.[i] ?? (DOCTOR_NAMES[i % DOCTOR_NAMES.length] as string)]));
  const doctor = (villageCode: string) => doctorOf.get(villageCode) ?? '';
  const idBase = SEED_ID_EPOCH;
  const docContext = (villageCode: string) => ({
    clinicCode: input.clinic.clinicCode,
    clinicName: input.clinic.clinicName,
    villageNames,
    today: input.today,
    now: input.now,
    doctorName: doctor(villageCode),
  });
  function* families(): Generator<Family> {
    const residentIds = new IdSequence(root.derive('resident-ids'), idBase);
    const householdIds = new IdSequence(root.derive('household-ids'), idBase);
    for (const plan of plans) {
      const members = plan.memberIndexes.map((i) => people[i] as Person);
      const docs = members.map((p) => residentDoc(root.derive('resident', p.index), p, plan, members, { ...docContext(p.villageCode), ids: residentIds }));
      const household = householdDoc(householdIds, plan, docs, members, input.clinic.clinicCode);
      for (const d of docs) d.householdId = household.id;
      yield { household, residents: docs };
    }
  }
  // People are numbered in household order, and each resident document takes the next id: the same ids, without
  // making the documents, for the encounters to point at.
  const ids = new IdSequence(root.derive('resident-ids'), idBase);
  const residentIdOf = people.map(() => ids.next());
  const residentsPerVillage = new Map<string, number>();
  for (const p of people) residentsPerVillage.set(p.villageCode, (residentsPerVillage.get(p.villageCode) ?? 0) + 1);
  let all: { residents: ResidentDoc[]; households: HouseholdDoc[] } | null = null;
  const materialise = () => {
    if (all) return all;
    const made = { residents: [] as ResidentDoc[], households: [] as HouseholdDoc[] };
    for (const f of families()) {
      made.households.push(f.household);
      made.residents.push(...f.residents);
    }
    all = made;
    return made;
  };

  function* encounters(): Generator<EncounterDoc> {
    const ids = new IdSequence(root.derive('encounter-ids'), idBase);
    for (const p of people) {
      const resident = { id: residentIdOf[p.index] as string, villageCode: p.villageCode };
      const rng = root.derive('encounters', p.index);
      const ctx: EncounterContext = {
        clinicCode: input.clinic.clinicCode,
        clinicName: input.clinic.clinicName,
        today: input.today,
        now: input.now,
        userId: input.user.id,
        doctorName: doctor(p.villageCode),
        ids,
      };
      for (const reg of p.registrations) {
        yield enrolmentDoc(rng, reg, resident, ctx);
        yield* followupDocs(rng, p, reg, resident, ctx, MAX_FOLLOWUPS);
      }
      yield* healthCheckDocs(rng, p, resident, ctx);
    }
  }

  return {
    villages,
    villagesCreated: created,
    families,
    residentsPerVillage,
    residentCount: people.length,
    householdCount: plans.length,
    get residents() {
      return materialise().residents;
    },
    get households() {
      return materialise().households;
    },
    encounters,
    registries: {
      htn: people.filter((p) => p.registrations.some((r) => r.disease === 'htn')).length,
      t2dm: people.filter((p) => p.registrations.some((r) => r.disease === 't2dm')).length,
    },
  };
}
