/**
 * 考核指标 computed from records (indicators.md). Pure: the clinic passes arrays read from its collections, the
 * county platform the same arrays from its tables, and both get the same numbers. Every indicator carries its
 * numerator, denominator and the resident ids behind both, so any number on the 报表 screen opens its list.
 *
 * Conventions (each marked in indicators.md as app convention or unconfirmed):
 * - Who is counted ("present during the window"): the record exists by the window's end (建档日期 ≤ end), and the
 *   resident is active or died / moved away on or after the window's start (§6: a change during the period still
 *   counts, one before it does not). The same rule applies to registry enrolments.
 * - Ages (65+, 35+) are completed years on the window's end (§4, app convention); with the `turnsInYear` rule a
 *   resident born on or before 31 Dec of the window's year − 65 is elderly (rules.ts).
 * - 规范管理 (rules.ts `standardRule`): the quarters under management are the calendar quarters of the window from
 *   the enrolment quarter on, up to the quarter the patient died or moved away. `ONE_PER_QUARTER`: each has a
 *   completed face-to-face follow-up (门诊 or 家庭; 电话 does not count), as the work list requires.
 *   `FOUR_PER_YEAR`: at least as many face-to-face follow-ups in those quarters as there are quarters (4 in a
 *   whole year, pro-rated). `+ANNUAL_CHECK`: also a completed health check in the window (like the elderly
 *   indicator, a 年内 figure that climbs through the year).
 * - 控制率: the latest completed follow-up in the window that recorded the value decides; a patient lost to
 *   follow-up, or without any such follow-up, is not controlled. BP target < 140/90, < 150/90 from age 65 (on the
 *   visit date); fasting glucose < 7.0 mmol/L.
 * - 动态使用: a completed service or visit record (any encounter but a bare device reading) dated in the 365 days
 *   ending on the window's end; the denominator is every record of the window, or (`persons`) the residents still
 *   living in the area on its end (rules.ts).
 * - 筛查 35+: a completed encounter in the window that recorded both SBP and DBP (follow-up, health check, reading).
 * - 老年人健康管理 / 中医药健康管理 (§4): a check (TCM assessment) in the window whose latest version is complete as
 *   the indicator requires (`isServiceComplete`: the 65+ parts and guidance; constitution and 保健指导).
 */
import { contractFulfilment, serviceRecordsFromEncounters, type EncounterLike } from '../contract-rules';
import { addDays, addMonths, ageOn, compareDates, isValidDate, startOfQuarter, yearOf, type CalendarDate } from '../dates';
import type {
  ContractRecord,
  EncounterRecord,
  EnrolmentFacts,
  EnteredDenominator,
  IndicatorInput,
  IndicatorScope,
  IndicatorWindow,
  ResidentGroup,
  ResidentRecord,
  ScopeDenominators,
} from './types';
import { DEFAULT_INDICATOR_RULES, rulesKey, type IndicatorRules } from './rules';

export const INDICATOR_IDS = [
  'recordCoverageRate',
  'eRecordDynamicUseRate',
  'htnManagementRate',
  'htnStandardManagementRate',
  'htnControlRate',
  't2dmManagementRate',
  't2dmStandardManagementRate',
  't2dmControlRate',
  'elderlyManagementRate',
  'elderlyTcmRate',
  'contractCoverageRate',
  'contractFulfilmentRate',
  'screeningCoverage35',
] as const;
export type IndicatorId = (typeof INDICATOR_IDS)[number];

/** Why a rate is missing: nobody in the denominator, or a denominator only a person can enter (设置) is missing. */
export type RateReason = 'noDenominator' | 'denominatorNotEntered';

export interface IndicatorValue {
  id: IndicatorId;
  numerator: number;
  /** null only when an entered denominator is missing. */
  denominator: number | null;
  /** numerator / denominator, null (never NaN) with `reason` when it cannot be computed. */
  rate: number | null;
  reason: RateReason | null;
  numeratorIds: string[];
  /** The residents behind the denominator; null when the denominator is an entered figure (census, estimate). */
  denominatorIds: string[] | null;
  denominatorSource: 'records' | 'entered';
  /** The date of the entered figure used, shown beside the rate. */
  enteredAsOf: CalendarDate | null;
}

export type IndicatorSet = Record<IndicatorId, IndicatorValue>;

export const ELDERLY_AGE = 65;
export const SCREENING_AGE = 35;
export const BP_TARGET = { sbp: 140, dbp: 90 } as const;
export const BP_TARGET_65 = { sbp: 150, dbp: 90 } as const;
export const FASTING_GLUCOSE_TARGET = 7.0;
/** Days (report date included) in which a record must have a new entry to be "dynamic" (indicators.md §1). */
export const DYNAMIC_USE_DAYS = 365;
const FACE_TO_FACE_MODES = new Set([1, 2]);

function isPresent(status: string, statusDate: CalendarDate | null | undefined, w: IndicatorWindow): boolean {
  if (status === 'active') return true;
  return Boolean(statusDate) && compareDates(statusDate as string, w.start) >= 0;
}

/** Of an event and its amendments, the latest completed version (ties: the later one in the input). */
export function latestVersions(encounters: readonly EncounterRecord[]): EncounterRecord[] {
  const latest = new Map<string, EncounterRecord>();
  for (const e of encounters) {
    if (e.status !== 'completed') continue;
    const eventId = e.amends ? e.amends : e.id;
    const prev = latest.get(eventId);
    // An original already carries the event's id: no copy (a township has ~200,000 of them).
    if (!prev || (e.completedAt ?? 0) >= (prev.completedAt ?? 0)) latest.set(eventId, e.id === eventId ? e : { ...e, id: eventId });
  }
  return [...latest.values()];
}

interface Patient {
  resident: ResidentRecord;
  /** Latest completed versions, by date. */
  events: EncounterRecord[];
  enrolments: Partial<Record<'htn' | 't2dm', EnrolmentFacts>>;
  contracts: ContractRecord[];
}

const prepared = new WeakMap<readonly ResidentRecord[], { encounters: unknown; contracts: unknown; groups: unknown; patients: Patient[] }>();
/** A group passed again unchanged keeps its patient, and with it the facts worked out per window (factsOf). */
const patientOfGroup = new WeakMap<ResidentGroup, Patient>();

function newPatient(resident: ResidentRecord, events: EncounterRecord[], contracts: ContractRecord[], sorted = false): Patient {
  const p: Patient = { resident, events, enrolments: {}, contracts };
  if (!sorted) p.events.sort((a, b) => compareDates(a.date, b.date) || (a.completedAt ?? 0) - (b.completedAt ?? 0));
  for (const e of p.events) {
    const en = e.enrolment;
    if (!en || (e.type !== 'htnEnrolment' && e.type !== 't2dmEnrolment')) continue;
    const prev = p.enrolments[en.disease];
    // A patient enrolled again (moved back) has the later enrolment.
    if (!prev || compareDates(en.enrolledDate, prev.enrolledDate) >= 0) p.enrolments[en.disease] = en;
  }
  return p;
}

function patientOf(g: ResidentGroup): Patient {
  let p = patientOfGroup.get(g);
  if (!p) {
    p = g.current ? newPatient(g.resident, g.encounters as EncounterRecord[], [...g.contracts], true) : newPatient(g.resident, latestVersions(g.encounters), [...g.contracts]);
    patientOfGroup.set(g, p);
  }
  return p;
}

const byId = (a: Patient, b: Patient) => (a.resident.id < b.resident.id ? -1 : a.resident.id > b.resident.id ? 1 : 0);

function patientsOf(input: IndicatorInput): Patient[] {
  const cached = prepared.get(input.residents);
  // With groups, only they are read (an input may then flatten its encounters and contracts only when asked).
  const same = (c: NonNullable<typeof cached>) => (input.groups ? c.groups === input.groups : c.groups === undefined && c.encounters === input.encounters && c.contracts === input.contracts);
  if (cached && same(cached)) return cached.patients;
  let patients: Patient[];
  if (input.groups) {
    patients = input.groups.map(patientOf);
  } else {
    const events = new Map<string, EncounterRecord[]>();
    const contracts = new Map<string, ContractRecord[]>();
    const residents = new Map<string, ResidentRecord>();
    for (const r of input.residents) {
      residents.set(r.id, r);
      events.set(r.id, []);
      contracts.set(r.id, []);
    }
    for (const e of latestVersions(input.encounters)) events.get(e.residentId)?.push(e);
    for (const c of input.contracts) contracts.get(c.residentId)?.push(c);
    patients = [...residents.values()].map((r) => newPatient(r, events.get(r.id) ?? [], contracts.get(r.id) ?? []));
  }
  // In id order, so the id lists behind every number are built sorted (fromRecords' sort then costs one pass).
  patients.sort(byId);
  prepared.set(input.residents, input.groups ? { encounters: null, contracts: null, groups: input.groups, patients } : { encounters: input.encounters, contracts: input.contracts, groups: undefined, patients });
  return patients;
}

/** The latest completed version of every event of the input's residents (the 报表 screen's period counts). */
export function currentEvents(input: IndicatorInput): readonly EncounterRecord[] {
  const patients = patientsOf(input);
  let events = eventsCache.get(patients);
  if (!events) {
    events = patients.flatMap((p) => p.events);
    eventsCache.set(patients, events);
  }
  return events;
}

const eventsCache = new WeakMap<Patient[], EncounterRecord[]>();

function inScope(villageCode: string, scope: IndicatorScope): boolean {
  switch (scope.kind) {
    case 'clinic':
      return true;
    case 'village':
      return villageCode === scope.villageCode;
    case 'team':
      return scope.villageCodes.includes(villageCode);
    default: {
      const never: never = scope;
      throw new Error(`unknown scope ${JSON.stringify(never)}`);
    }
  }
}

function inWindow(date: CalendarDate, w: IndicatorWindow): boolean {
  return compareDates(date, w.start) >= 0 && compareDates(date, w.end) <= 0;
}

function isManaged(p: Patient, disease: 'htn' | 't2dm', w: IndicatorWindow): boolean {
  const en = p.enrolments[disease];
  if (!en || compareDates(en.enrolledDate, w.end) > 0 || en.status === 'excluded') return false;
  if (en.status === 'died' || en.status === 'movedOut') return isPresent(en.status, en.statusDate, w);
  return true;
}

/** Quarter ends by date: a township's reports ask for the same few quarters 100,000 times. */
const quarterEnds = new Map<CalendarDate, CalendarDate>();

function quarterEnd(d: CalendarDate): CalendarDate {
  let end = quarterEnds.get(d);
  if (end === undefined) {
    end = addDays(addMonths(startOfQuarter(d), 3), -1);
    if (quarterEnds.size < 10_000) quarterEnds.set(d, end);
  }
  return end;
}

/**
 * 规范管理 under `rules`: the quarters the patient was under management in the window, each with a face-to-face
 * visit (ONE_PER_QUARTER) or as many visits in them as quarters (FOUR_PER_YEAR); +ANNUAL_CHECK a check as well.
 */
function isStandardManagedByDates(p: Patient, disease: 'htn' | 't2dm', w: IndicatorWindow, rules: IndicatorRules): boolean {
  const en = p.enrolments[disease];
  if (!en) return false;
  const type = disease === 'htn' ? 'htnFollowup' : 't2dmFollowup';
  const visits = p.events.filter((e) => e.type === type && FACE_TO_FACE_MODES.has(e.visitMode ?? 0) && inWindow(e.date, w));
  let last = w.end;
  const exits = [en.status === 'died' || en.status === 'movedOut' ? en.statusDate : null, p.resident.status !== 'active' ? p.resident.statusDate : null];
  for (const d of exits) if (d && compareDates(d, last) < 0) last = d;
  let q = startOfQuarter(compareDates(en.enrolledDate, w.start) > 0 ? en.enrolledDate : w.start);
  const first = compareDates(q, w.start) > 0 ? q : w.start;
  let quarters = 0;
  let to = first;
  while (compareDates(q, last) <= 0) {
    const from = compareDates(q, w.start) > 0 ? q : w.start;
    to = compareDates(quarterEnd(q), w.end) < 0 ? quarterEnd(q) : w.end;
    if (rules.standardRule === 'ONE_PER_QUARTER' && !visits.some((v) => compareDates(v.date, from) >= 0 && compareDates(v.date, to) <= 0)) return false;
    quarters += 1;
    q = addMonths(q, 3);
  }
  if (rules.standardRule === 'FOUR_PER_YEAR' && visits.filter((v) => compareDates(v.date, first) >= 0 && compareDates(v.date, to) <= 0).length < quarters) return false;
  return !rules.annualCheck || p.events.some((e) => e.type === 'healthCheck' && inWindow(e.date, w));
}

/** One calendar quarter of a window: its first day, and its days within the window. */
interface WindowQuarter {
  start: CalendarDate;
  from: CalendarDate;
  to: CalendarDate;
}

/** The calendar quarters a window touches, in order (each window's few, worked out once: datesOf). */
function quartersOf(w: IndicatorWindow): WindowQuarter[] {
  const out: WindowQuarter[] = [];
  for (let q = startOfQuarter(w.start); compareDates(q, w.end) <= 0; q = addMonths(q, 3)) {
    const end = quarterEnd(q);
    out.push({ start: q, from: compareDates(q, w.start) > 0 ? q : w.start, to: compareDates(end, w.end) < 0 ? end : w.end });
  }
  return out;
}

/**
 * `isStandardManagedByDates` over the window's quarters worked out once: the same quarters, from the one holding the
 * enrolment (or the window's start) up to the one the patient left in. An enrolment date that is not a calendar date
 * takes the by-dates path, which refuses it as it always did.
 */
function isStandardManaged(p: Patient, disease: 'htn' | 't2dm', w: IndicatorWindow, rules: IndicatorRules, quarters: readonly WindowQuarter[]): boolean {
  const en = p.enrolments[disease];
  if (!en) return false;
  const begin = compareDates(en.enrolledDate, w.start) > 0 ? en.enrolledDate : w.start;
  let i = 0;
  while (i < quarters.length && compareDates((quarters[i] as WindowQuarter).to, begin) < 0) i += 1;
  if (i === quarters.length || !isValidDate(begin)) return isStandardManagedByDates(p, disease, w, rules);
  const type = disease === 'htn' ? 'htnFollowup' : 't2dmFollowup';
  const visits: CalendarDate[] = [];
  for (const e of p.events) if (e.type === type && FACE_TO_FACE_MODES.has(e.visitMode ?? 0) && inWindow(e.date, w)) visits.push(e.date);
  let last = w.end;
  const exits = [en.status === 'died' || en.status === 'movedOut' ? en.statusDate : null, p.resident.status !== 'active' ? p.resident.statusDate : null];
  for (const d of exits) if (d && compareDates(d, last) < 0) last = d;
  const first = (quarters[i] as WindowQuarter).from;
  let count = 0;
  let to = first;
  for (let j = i; j < quarters.length; j += 1) {
    const q = quarters[j] as WindowQuarter;
    if (compareDates(q.start, last) > 0) break;
    to = q.to;
    if (rules.standardRule === 'ONE_PER_QUARTER' && !visits.some((v) => compareDates(v, q.from) >= 0 && compareDates(v, q.to) <= 0)) return false;
    count += 1;
  }
  if (rules.standardRule === 'FOUR_PER_YEAR' && visits.filter((v) => compareDates(v, first) >= 0 && compareDates(v, to) <= 0).length < count) return false;
  return !rules.annualCheck || p.events.some((e) => e.type === 'healthCheck' && inWindow(e.date, w));
}

function isControlled(p: Patient, disease: 'htn' | 't2dm', w: IndicatorWindow): boolean {
  if (p.enrolments[disease]?.status === 'lostToFollowUp') return false;
  const type = disease === 'htn' ? 'htnFollowup' : 't2dmFollowup';
  // The events are in date order: the latest follow-up in the window that recorded the value is the last one found.
  let last: EncounterRecord | null = null;
  for (let i = p.events.length - 1; i >= 0; i -= 1) {
    const e = p.events[i] as EncounterRecord;
    if (e.type !== type || e.date > w.end || e.date < w.start) continue;
    if (disease === 'htn' ? typeof e.sbp === 'number' && typeof e.dbp === 'number' : typeof e.fastingGlucose === 'number') {
      last = e;
      break;
    }
  }
  if (!last) return false;
  if (disease === 't2dm') return (last.fastingGlucose as number) < FASTING_GLUCOSE_TARGET;
  const target = ageOn(p.resident.birthDate, last.date) >= ELDERLY_AGE ? BP_TARGET_65 : BP_TARGET;
  return (last.sbp as number) < target.sbp && (last.dbp as number) < target.dbp;
}

function effectiveEnd(c: ContractRecord): CalendarDate {
  return c.terminatedDate && compareDates(c.terminatedDate, c.endDate) < 0 ? c.terminatedDate : c.endDate;
}

/** The signed contract in force on some day of the window, the latest one when there were several (renewals). */
function contractInWindow(p: Patient, w: IndicatorWindow): ContractRecord | null {
  let found: ContractRecord | null = null;
  for (const c of p.contracts) {
    if (!c.signDate || compareDates(c.startDate, w.end) > 0 || compareDates(effectiveEnd(c), w.start) < 0) continue;
    if (!found || compareDates(c.startDate, found.startDate) > 0) found = c;
  }
  return found;
}

function isFulfilled(p: Patient, c: ContractRecord, w: IndicatorWindow): boolean {
  const upToEnd: EncounterLike[] = p.events
    .filter((e) => compareDates(e.date, w.end) <= 0)
    .map((e) => ({
      id: e.id,
      type: e.type,
      date: e.date,
      status: e.status,
      amends: '',
      completedAt: e.completedAt ?? 0,
      data: { visitMode: e.visitMode, fastingGlucose: e.fastingGlucose, serviceCode: e.serviceCode },
    }));
  const c2 = { startDate: c.startDate, endDate: c.endDate, terminatedDate: c.terminatedDate ?? undefined };
  return contractFulfilment(c2, c.items, serviceRecordsFromEncounters(upToEnd)).isFulfilled;
}

/** What one resident counts towards in one window: computed once per window, then summed for any scope. */
interface Facts {
  id: string;
  villageCode: string;
  dynamic: boolean;
  /** Still living in the area on the window's end (the `persons` 动态使用率 denominator). */
  livingAtEnd: boolean;
  elderly: boolean;
  elderlyChecked: boolean;
  elderlyTcm: boolean;
  age35: boolean;
  screened: boolean;
  contracted: boolean;
  fulfilled: boolean;
  htn: ChronicFacts | null;
  t2dm: ChronicFacts | null;
}

interface ChronicFacts {
  standard: boolean;
  controlled: boolean;
}

/** The residents present during the window (in id order) with their facts; kept per input and window. */
const factsCache = new WeakMap<Patient[], Map<string, Facts[]>>();
/** Per patient and window: what the patient counts towards (null: not present in the window). */
const patientFacts = new WeakMap<Patient, Map<string, Facts | null>>();

/** `keep`: kept for the next call with this input or group (false: used once, e.g. stored by the caller). */
function factsOf(input: IndicatorInput, w: IndicatorWindow, rules: IndicatorRules, keep = true): Facts[] {
  const patients = patientsOf(input);
  let perWindow = factsCache.get(patients);
  if (!perWindow && keep) {
    perWindow = new Map();
    factsCache.set(patients, perWindow);
  }
  const key = `${w.start}/${w.end}/${rulesKey(rules)}`;
  const dates = datesOf(w);
  const cached = perWindow?.get(key);
  if (cached) return cached;
  const out: Facts[] = [];
  for (const p of patients) {
    let mine = patientFacts.get(p);
    let f = mine?.get(key);
    if (f === undefined) {
      f = factsOfPatient(p, w, rules, dates);
      if (keep) {
        if (!mine) patientFacts.set(p, (mine = new Map<string, Facts | null>()));
        mine.set(key, f);
      }
    }
    if (f) out.push(f);
  }
  perWindow?.set(key, out);
  return out;
}

/** What every patient's facts compare with in one window, worked out once per window (not 30,000 times). */
interface WindowDates {
  /** The first day of the 365 that make a record "dynamic". */
  dynamicFrom: CalendarDate;
  /** `turnsInYear`: born on or before this day is 65+ (31 Dec of the window's year − 65). */
  elderlyBornBy: CalendarDate;
  quarters: WindowQuarter[];
}

const windowDates = new Map<string, WindowDates>();

function datesOf(w: IndicatorWindow): WindowDates {
  const key = `${w.start}/${w.end}`;
  let d = windowDates.get(key);
  if (!d) {
    d = { dynamicFrom: addDays(w.end, -(DYNAMIC_USE_DAYS - 1)), elderlyBornBy: `${String(yearOf(w.end) - ELDERLY_AGE).padStart(4, '0')}-12-31`, quarters: quartersOf(w) };
    if (windowDates.size > 1_000) windowDates.clear();
    windowDates.set(key, d);
  }
  return d;
}

function chronicFacts(p: Patient, disease: 'htn' | 't2dm', w: IndicatorWindow, rules: IndicatorRules, d: WindowDates): ChronicFacts | null {
  return isManaged(p, disease, w) ? { standard: isStandardManaged(p, disease, w, rules, d.quarters), controlled: isControlled(p, disease, w) } : null;
}

function factsOfPatient(p: Patient, w: IndicatorWindow, rules: IndicatorRules, d: WindowDates): Facts | null {
  const r = p.resident;
  if (compareDates(r.createdDate, w.end) > 0 || !isPresent(r.status, r.statusDate, w)) return null;
  const { dynamicFrom, elderlyBornBy } = d;
  const age = ageOn(r.birthDate, w.end);
  // 65+ under the elderly age rule: on the window's end, or born on or before 31 Dec of the window's year − 65.
  const elderly = rules.elderlyAgeRule === 'turnsInYear' ? compareDates(r.birthDate, elderlyBornBy) <= 0 : age >= ELDERLY_AGE;
  const age35 = age >= SCREENING_AGE;
  // One pass over the events (in date order) for every fact that looks at them one by one.
  let dynamic = false;
  let checked = false;
  let tcm = false;
  let screened = false;
  for (const e of p.events) {
    if (e.date > w.end) break;
    if (!dynamic && e.date >= dynamicFrom && e.type !== 'deviceReading') dynamic = true;
    if (e.date < w.start) continue;
    if (e.isServiceComplete === true) {
      if (e.type === 'healthCheck') checked = true;
      else if (e.type === 'tcmAssessment') tcm = true;
    }
    if (!screened && typeof e.sbp === 'number' && typeof e.dbp === 'number') screened = true;
  }
  const contract = contractInWindow(p, w);
  return {
    id: r.id,
    villageCode: r.villageCode,
    dynamic,
    livingAtEnd: r.status === 'active' || (Boolean(r.statusDate) && compareDates(r.statusDate as string, w.end) > 0),
    elderly,
    elderlyChecked: elderly && checked,
    elderlyTcm: elderly && tcm,
    age35,
    screened: age35 && screened,
    contracted: contract !== null,
    fulfilled: contract !== null && isFulfilled(p, contract, w),
    htn: chronicFacts(p, 'htn', w, rules, d),
    t2dm: chronicFacts(p, 't2dm', w, rules, d),
  };
}

/**
 * What one resident present in a window can count towards (indicators.md): bit i of a contribution mask is
 * `COUNTS[i]`. Summed over a scope these are the plain counts behind every indicator; `INDICATOR_PARTS` says which
 * count is each indicator's numerator and denominator. Append only: stored masks (the clinic's per-resident
 * contributions) are read by position.
 */
export const COUNTS = [
  'records',
  'dynamicBase',
  'dynamic',
  'elderly',
  'elderlyChecked',
  'elderlyTcm',
  'age35',
  'screened',
  'contracted',
  'fulfilled',
  'htnManaged',
  'htnStandard',
  'htnControlled',
  't2dmManaged',
  't2dmStandard',
  't2dmControlled',
] as const;
export type CountId = (typeof COUNTS)[number];
export type IndicatorCounts = Record<CountId, number>;
/** The bit of each count in a contribution mask. */
export const COUNT_BIT = Object.fromEntries(COUNTS.map((c, i) => [c, 1 << i])) as Record<CountId, number>;

/** A denominator that is an entered figure; `populationOrRecords`: the entered population if any, else the records. */
type EnteredPart = 'population' | 'htnPatients' | 't2dmPatients' | 'populationOrRecords';

/** Each indicator's numerator and denominator: the single definition both the id lists and the stored sums use. */
export const INDICATOR_PARTS: Record<IndicatorId, { numerator: CountId; denominator: CountId | EnteredPart }> = {
  recordCoverageRate: { numerator: 'records', denominator: 'population' },
  eRecordDynamicUseRate: { numerator: 'dynamic', denominator: 'dynamicBase' },
  htnManagementRate: { numerator: 'htnManaged', denominator: 'htnPatients' },
  htnStandardManagementRate: { numerator: 'htnStandard', denominator: 'htnManaged' },
  htnControlRate: { numerator: 'htnControlled', denominator: 'htnManaged' },
  t2dmManagementRate: { numerator: 't2dmManaged', denominator: 't2dmPatients' },
  t2dmStandardManagementRate: { numerator: 't2dmStandard', denominator: 't2dmManaged' },
  t2dmControlRate: { numerator: 't2dmControlled', denominator: 't2dmManaged' },
  elderlyManagementRate: { numerator: 'elderlyChecked', denominator: 'elderly' },
  elderlyTcmRate: { numerator: 'elderlyTcm', denominator: 'elderly' },
  contractCoverageRate: { numerator: 'contracted', denominator: 'populationOrRecords' },
  contractFulfilmentRate: { numerator: 'fulfilled', denominator: 'contracted' },
  screeningCoverage35: { numerator: 'screened', denominator: 'age35' },
};

function maskOf(f: Facts, rules: IndicatorRules): number {
  const b = COUNT_BIT;
  let m = b.records;
  if (rules.dynamicUseDenominator !== 'persons' || f.livingAtEnd) {
    m |= b.dynamicBase;
    if (f.dynamic) m |= b.dynamic;
  }
  if (f.elderly) m |= b.elderly;
  if (f.elderlyChecked) m |= b.elderlyChecked;
  if (f.elderlyTcm) m |= b.elderlyTcm;
  if (f.age35) m |= b.age35;
  if (f.screened) m |= b.screened;
  if (f.contracted) m |= b.contracted;
  if (f.fulfilled) m |= b.fulfilled;
  if (f.htn) m |= b.htnManaged | (f.htn.standard ? b.htnStandard : 0) | (f.htn.controlled ? b.htnControlled : 0);
  if (f.t2dm) m |= b.t2dmManaged | (f.t2dm.standard ? b.t2dmStandard : 0) | (f.t2dm.controlled ? b.t2dmControlled : 0);
  return m;
}

/** One resident present in a window, with the counts they are in (a mask over `COUNTS`). */
export interface Contribution {
  id: string;
  villageCode: string;
  mask: number;
}

/**
 * Every resident present during the window with what they count towards, in id order: summing the masks over a
 * scope's residents gives `computeIndicators`' numbers for that scope (`indicatorsFromCounts`).
 */
export function indicatorContributions(input: IndicatorInput, window: IndicatorWindow, rules: IndicatorRules = DEFAULT_INDICATOR_RULES): Contribution[] {
  // Stored or summed by the caller: the facts behind them are not kept per group (a trend's 12 windows × 30,000).
  return factsOf(input, window, rules, false).map((f) => ({ id: f.id, villageCode: f.villageCode, mask: maskOf(f, rules) }));
}

/** Adds `times` residents with contribution `mask` to `counts`. */
export function addContribution(counts: IndicatorCounts, mask: number, times = 1): void {
  for (let i = 0; i < COUNTS.length; i += 1) if (mask & (1 << i)) counts[COUNTS[i] as CountId] += times;
}

export function emptyCounts(): IndicatorCounts {
  return Object.fromEntries(COUNTS.map((c) => [c, 0])) as IndicatorCounts;
}

/** An indicator's numbers without the lists of residents behind them. */
export type IndicatorFigureValue = Omit<IndicatorValue, 'numeratorIds' | 'denominatorIds'> & { denominatorFromRecords: CountId | null };

const isCount = (part: CountId | EnteredPart): part is CountId => part in COUNT_BIT;

function figureOf(id: IndicatorId, counts: IndicatorCounts, denominators: ScopeDenominators): IndicatorFigureValue {
  const { numerator, denominator: part } = INDICATOR_PARTS[id];
  const num = counts[numerator];
  // 签约覆盖率: over the entered population when there is one, else over the records.
  const fromRecords = isCount(part) ? part : part === 'populationOrRecords' && !denominators.population ? 'records' : null;
  if (fromRecords !== null) {
    const den = counts[fromRecords];
    return { id, numerator: num, denominator: den, rate: den === 0 ? null : num / den, reason: den === 0 ? 'noDenominator' : null, denominatorSource: 'records', enteredAsOf: null, denominatorFromRecords: fromRecords };
  }
  const entered = denominators[part === 'populationOrRecords' ? 'population' : (part as Exclude<EnteredPart, 'populationOrRecords'>)];
  const value = entered?.value ?? null;
  return {
    id,
    numerator: num,
    denominator: value,
    rate: value === null ? null : value === 0 ? null : num / value,
    reason: value === null ? 'denominatorNotEntered' : value === 0 ? 'noDenominator' : null,
    denominatorSource: 'entered',
    enteredAsOf: entered?.asOf ?? null,
    denominatorFromRecords: null,
  };
}

/**
 * All indicators of one scope from its summed counts (the stored contributions): the numbers `computeIndicators`
 * gives for the same residents, without the lists.
 */
export function indicatorsFromCounts(counts: IndicatorCounts, denominators: ScopeDenominators = {}): Record<IndicatorId, IndicatorFigureValue> {
  return Object.fromEntries(INDICATOR_IDS.map((id) => [id, figureOf(id, counts, denominators)])) as Record<IndicatorId, IndicatorFigureValue>;
}

/**
 * All indicators of one scope over one window. `denominators` are the entered figures for that scope, `rules` the
 * 口径 in force for the window (rules.ts `rulesInForce`).
 */
export function computeIndicators(
  input: IndicatorInput,
  window: IndicatorWindow,
  scope: IndicatorScope = { kind: 'clinic' },
  denominators: ScopeDenominators = input.denominators ?? {},
  rules: IndicatorRules = DEFAULT_INDICATOR_RULES,
): IndicatorSet {
  const lists = COUNTS.map(() => [] as string[]);
  for (const f of factsOf(input, window, rules)) {
    if (!inScope(f.villageCode, scope)) continue;
    const mask = maskOf(f, rules);
    for (let i = 0; i < COUNTS.length; i += 1) if (mask & (1 << i)) (lists[i] as string[]).push(f.id);
  }
  const listOf = (c: CountId) => lists[COUNTS.indexOf(c)] as string[];
  const counts = Object.fromEntries(COUNTS.map((c, i) => [c, (lists[i] as string[]).length])) as IndicatorCounts;
  return Object.fromEntries(
    INDICATOR_IDS.map((id) => {
      const { denominatorFromRecords, ...figure } = figureOf(id, counts, denominators);
      const value: IndicatorValue = {
        ...figure,
        numeratorIds: [...listOf(INDICATOR_PARTS[id].numerator)].sort(),
        denominatorIds: denominatorFromRecords === null ? null : [...listOf(denominatorFromRecords)].sort(),
      };
      return [id, value];
    }),
  ) as IndicatorSet;
}

/**
 * The entered figure valid on `on` for each village (the latest with asOf ≤ on), summed over `villageCodes`. Missing
 * when any village of the scope has none: a partial sum would make the rate look better than it is.
 */
export function sumDenominators(
  entries: readonly { villageCode: string; value: number; asOf: CalendarDate }[],
  villageCodes: readonly string[],
  on: CalendarDate,
): EnteredDenominator | null {
  if (villageCodes.length === 0) return null;
  let value = 0;
  let asOf = '';
  for (const code of villageCodes) {
    let best: { value: number; asOf: CalendarDate } | null = null;
    for (const e of entries) {
      if (e.villageCode !== code || compareDates(e.asOf, on) > 0) continue;
      if (!best || compareDates(e.asOf, best.asOf) >= 0) best = e;
    }
    if (!best) return null;
    value += best.value;
    if (best.asOf > asOf) asOf = best.asOf;
  }
  return { value, asOf };
}
