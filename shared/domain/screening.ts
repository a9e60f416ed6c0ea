/**
 * 筛查: how residents become patients (followups.md §1–2, README §2). Every blood pressure or fasting glucose recorded
 * anywhere (health check, outpatient measurement, follow-up, later a device) is one `ScreeningReading`; this module
 * turns a resident's readings into a state per disease: yearly BP due (35+), 疑似 after a high reading, confirmed or
 * cleared by readings on three different days, high-risk re-measurement, and the enrolment prompt.
 *
 * Pure and table-tested (test/unit/shared/domain/screening.test.ts). App conventions, each marked where used:
 * one value per day (the mean of that day's readings), re-measurement within 7 days, a 疑似 episode decided on its
 * third day.
 */
import { addDays, addMonths, ageOn, compareDates, formatDate, yearOf, type CalendarDate } from './dates';
import type { ChronicDisease } from './followup-emergency';

export type ReadingSource = 'healthCheck' | 'measurement' | 'followup' | 'device';

/** One measurement from any source; a BP needs both values to count. */
export interface ScreeningReading {
  date: CalendarDate;
  sbp?: number | null;
  dbp?: number | null;
  /** mmol/L, one decimal. */
  fastingGlucose?: number | null;
  source: ReadingSource;
}

/** Risk factors on the record (followups.md §1 易患人群, §2 高危人群); all optional. */
export interface RiskFactors {
  bmi?: number | null;
  waistCm?: number | null;
  /** GB/T 2261.1: 1 男, 2 女 */
  sex?: number | null;
  familyHistoryHtn?: boolean;
  familyHistoryT2dm?: boolean;
}

export interface ScreeningInput {
  birthDate: CalendarDate;
  today: CalendarDate;
  readings: readonly ScreeningReading[];
  /** 既往史 on the 个人基本信息表 (records.md §2: codes 2 高血压 / 3 糖尿病). */
  history: { htn: boolean; t2dm: boolean };
  /** An active registry: the resident is already managed, screening stops. */
  enrolled: { htn: boolean; t2dm: boolean };
  risk?: RiskFactors;
}

/**
 * notEligible: nothing to do; yearlyDue: 35+ without a BP this year; normal: screened this year, nothing found;
 * highRisk: re-measure on a schedule; suspected: 疑似, re-measure on another day; confirmed: three high days;
 * history: 既往史 says so; enrolled: in the registry.
 */
export type ScreeningState = 'notEligible' | 'yearlyDue' | 'normal' | 'highRisk' | 'suspected' | 'confirmed' | 'history' | 'enrolled';

export interface ScreeningDay {
  date: CalendarDate;
  high: boolean;
}

export interface DiseaseScreening {
  disease: ChronicDisease;
  state: ScreeningState;
  /** Days of the open 疑似 episode (suspected) or of the confirming episode (confirmed), oldest first, at most 3. */
  episode: ScreeningDay[];
  lastReadingDate: CalendarDate | null;
  /** When the next measurement is due; null when none is. */
  nextDue: CalendarDate | null;
  /** A re-measurement must be on another day: the earliest date that counts. */
  earliest: CalendarDate | null;
  /** Date the state was decided (confirmation day); null otherwise. */
  decidedOn: CalendarDate | null;
  /** Date the last 疑似 episode was cleared, if any. */
  clearedOn: CalendarDate | null;
  promptEnrolment: boolean;
  /** Spec: confirm at a higher-level hospital (HTN); a finger-stick glucose is not diagnostic (T2DM). */
  suggestReferral: boolean;
  /** The registries are for residents aged 35+: a younger patient is enrolled only with a reason. */
  needsAgeOverride: boolean;
}

export const SCREENING_AGE = 35;
export const DIAGNOSIS_DAYS = 3;
/** App convention: a re-measurement after a high reading within a week. */
export const RECHECK_WITHIN_DAYS = 7;
export const HIGH_RISK_BP_MONTHS = 6;
export const HIGH_RISK_GLUCOSE_MONTHS = 12;
export const HTN_HIGH = { sbp: 140, dbp: 90 } as const;
export const HTN_HIGH_NORMAL = { sbp: 130, dbp: 85 } as const;
export const GLUCOSE_HIGH = 7.0;
export const IFG_LOW = 6.1;

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

interface DayValue {
  date: CalendarDate;
  sbp?: number;
  dbp?: number;
  glucose?: number;
}

/** One value per day: the mean of the day's readings (app convention; guidelines average repeated readings). */
function dailyValues(readings: readonly ScreeningReading[], today: CalendarDate, disease: ChronicDisease): DayValue[] {
  const byDay = new Map<CalendarDate, { s: number[]; d: number[]; g: number[] }>();
  for (const r of readings) {
    // A reading dated in the future is an entry error; it is refused at the door and never counts here.
    if (compareDates(r.date, today) > 0) continue;
    const day = byDay.get(r.date) ?? { s: [], d: [], g: [] };
    if (disease === 'htn' && finite(r.sbp) && finite(r.dbp)) {
      day.s.push(r.sbp);
      day.d.push(r.dbp);
    }
    if (disease === 't2dm' && finite(r.fastingGlucose)) day.g.push(r.fastingGlucose);
    byDay.set(r.date, day);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const out: DayValue[] = [];
  for (const [date, v] of byDay) {
    if (disease === 'htn' && v.s.length > 0) out.push({ date, sbp: Math.round(mean(v.s)), dbp: Math.round(mean(v.d)) });
    if (disease === 't2dm' && v.g.length > 0) out.push({ date, glucose: Math.round(mean(v.g) * 10) / 10 });
  }
  return out.sort((a, b) => compareDates(a.date, b.date));
}

/** followups.md §1: SBP ≥ 140 and/or DBP ≥ 90 is a high reading. */
export function isHighBp(sbp: number, dbp: number): boolean {
  return sbp >= HTN_HIGH.sbp || dbp >= HTN_HIGH.dbp;
}

/** followups.md §1 正常高值 as a risk factor: SBP 130–139 and/or DBP 85–89 (and not high). */
export function isHighNormalBp(sbp: number, dbp: number): boolean {
  return !isHighBp(sbp, dbp) && (sbp >= HTN_HIGH_NORMAL.sbp || dbp >= HTN_HIGH_NORMAL.dbp);
}

/** followups.md §2: fasting glucose ≥ 7.0 mmol/L. */
export function isHighGlucose(glucose: number): boolean {
  return glucose >= GLUCOSE_HIGH;
}

function isHigh(v: DayValue): boolean {
  if (v.glucose !== undefined) return isHighGlucose(v.glucose);
  return v.sbp !== undefined && v.dbp !== undefined && isHighBp(v.sbp, v.dbp);
}

interface Episodes {
  open: ScreeningDay[];
  confirmed: ScreeningDay[] | null;
  clearedOn: CalendarDate | null;
}

/**
 * The 疑似 episodes: a high day opens one; the next two different days complete it. Three high days confirm
 * (非同日三次测量); a normal day among the three clears it (app convention: the episode is judged on its third day,
 * so a single normal reading does not wipe out two high ones before the third). A later high day opens a new one.
 */
function episodes(days: readonly DayValue[]): Episodes {
  let open: ScreeningDay[] = [];
  let clearedOn: CalendarDate | null = null;
  for (const v of days) {
    const day = { date: v.date, high: isHigh(v) };
    if (open.length === 0) {
      if (day.high) open = [day];
      continue;
    }
    open.push(day);
    if (open.length === DIAGNOSIS_DAYS) {
      if (open.every((d) => d.high)) return { open: [], confirmed: open, clearedOn };
      clearedOn = day.date;
      open = [];
    }
  }
  return { open, confirmed: null, clearedOn };
}

function centralObesity(risk: RiskFactors | undefined): boolean {
  if (!risk || !finite(risk.waistCm)) return false;
  if (risk.sex === 1) return risk.waistCm >= 90;
  if (risk.sex === 2) return risk.waistCm >= 85;
  return false;
}

function overweight(risk: RiskFactors | undefined): boolean {
  return risk !== undefined && finite(risk.bmi) && risk.bmi >= 24;
}

function base(disease: ChronicDisease, state: ScreeningState, days: readonly DayValue[]): DiseaseScreening {
  return {
    disease,
    state,
    episode: [],
    lastReadingDate: days[days.length - 1]?.date ?? null,
    nextDue: null,
    earliest: null,
    decidedOn: null,
    clearedOn: null,
    promptEnrolment: false,
    suggestReferral: false,
    needsAgeOverride: false,
  };
}

function screenDisease(disease: ChronicDisease, input: ScreeningInput, htnFound: boolean): DiseaseScreening {
  const days = dailyValues(input.readings, input.today, disease);
  const age = ageOn(input.birthDate, input.today);
  if (input.enrolled[disease]) return base(disease, 'enrolled', days);
  const e = episodes(days);
  const out = base(disease, 'notEligible', days);
  out.clearedOn = e.clearedOn;
  out.needsAgeOverride = age < SCREENING_AGE;
  if (e.confirmed) {
    const decidedOn = e.confirmed[e.confirmed.length - 1]?.date ?? input.today;
    return { ...out, state: 'confirmed', episode: e.confirmed, decidedOn, nextDue: decidedOn, promptEnrolment: true, suggestReferral: true };
  }
  if (input.history[disease]) return { ...out, state: 'history', nextDue: input.today, promptEnrolment: true };
  const last = days[days.length - 1];
  if (e.open.length > 0 && last) {
    return { ...out, state: 'suspected', episode: e.open, earliest: addDays(last.date, 1), nextDue: addDays(last.date, RECHECK_WITHIN_DAYS) };
  }
  const thisYear = yearOf(input.today);
  if (disease === 'htn') {
    const risky =
      (last?.sbp !== undefined && last.dbp !== undefined && isHighNormalBp(last.sbp, last.dbp)) ||
      overweight(input.risk) ||
      centralObesity(input.risk) ||
      input.risk?.familyHistoryHtn === true ||
      age >= 55;
    if (risky && age >= SCREENING_AGE) {
      return { ...out, state: 'highRisk', nextDue: last ? addMonths(last.date, HIGH_RISK_BP_MONTHS) : input.today };
    }
    if (age < SCREENING_AGE) return out;
    if (!last || yearOf(last.date) < thisYear) return { ...out, state: 'yearlyDue', nextDue: formatDate(thisYear, 12, 31) };
    return { ...out, state: 'normal', nextDue: formatDate(thisYear + 1, 1, 1) };
  }
  // T2DM: high-risk adults get a fasting glucose at least yearly (followups.md §2; Chinese T2DM guideline 2017).
  const risky =
    age >= 40 ||
    (last?.glucose !== undefined && last.glucose >= IFG_LOW) ||
    overweight(input.risk) ||
    centralObesity(input.risk) ||
    input.risk?.familyHistoryT2dm === true ||
    htnFound;
  if (risky) return { ...out, state: 'highRisk', nextDue: last ? addMonths(last.date, HIGH_RISK_GLUCOSE_MONTHS) : input.today };
  return last ? { ...out, state: 'normal' } : out;
}

/** The screening state of one resident for both diseases on `input.today`. */
export function screen(input: ScreeningInput): { htn: DiseaseScreening; t2dm: DiseaseScreening } {
  const htn = screenDisease('htn', input, false);
  // Hypertension is a T2DM risk factor (followups.md §2): known, enrolled, confirmed or suspected.
  const htnFound = htn.state === 'enrolled' || htn.state === 'confirmed' || htn.state === 'history' || htn.state === 'suspected';
  return { htn, t2dm: screenDisease('t2dm', input, htnFound) };
}
