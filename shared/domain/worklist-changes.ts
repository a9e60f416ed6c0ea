/**
 * When a patient's work-list rows next change on their own (issue 10 §4, the cold day): with no document written, the
 * rows `patientWorkItems` gives on `today` (and their 工作台 group, and the yearly quarter counts) stay the same on
 * every later day before the date returned here. The cache keeps that date per resident and, on a new day,
 * recomputes only the residents whose date has come.
 *
 * The date is collected rule by rule from every date a rule compares `today` with. It may be too early (a resident
 * is recomputed and nothing changed) but never too late; `test/unit/shared/domain/worklist-changes.test.ts` checks
 * every day up to it for random patients. A few rows are due "today" whatever the day (a 既往史 enrolment prompt, a
 * high-risk resident never measured, a key-population resident never signed): they float with the day
 * (`floatsWithToday`), so the reader moves their due date instead of recomputing them every day.
 */
import { RENEWAL_WINDOW_DAYS, type ContractFacts } from './contract-rules';
import { addDays, addYears, ageOn, compareDates, daysBetween, formatDate, startOfQuarter, yearOf, type CalendarDate } from './dates';
import { THIS_WEEK_DAYS } from './worklist-groups';
import {
  DUE_WINDOW_DAYS,
  endOfQuarter,
  HEALTH_CHECK_AGE,
  HEALTH_CHECK_DUE_DAYS,
  isFaceToFace,
  NEW_ENROLMENT_GRACE_DAYS,
  nextDueDate,
  patientScreening,
  QUARTER_GAP_DUE_DAYS,
  type PatientScreening,
  type PatientSummary,
} from './worklist-rules';
import { SCREENING_AGE, type DiseaseScreening } from './screening';

/** Ages at which a screening rule turns: 35 screening, 40 T2DM risk, 55 HTN risk (screening.ts). */
const SCREENING_AGES = [SCREENING_AGE, 40, 55] as const;
/** Ages at which a contracting tag turns: 7 ends 0–6岁儿童, 65 starts 老年人 (population-tags.ts). */
const TAG_AGES = [7, HEALTH_CHECK_AGE] as const;

/** The earliest candidate after `today`, kept as a day count (date strings are parsed once each). */
class Earliest {
  private best = Infinity;
  constructor(private readonly today: CalendarDate) {}

  private offset(n: number): void {
    if (n > 0 && n < this.best) this.best = n;
  }

  /** `d` plus `days`. */
  add(d: CalendarDate, days = 0): void {
    this.offset(daysBetween(this.today, d) + days);
  }

  /**
   * A row due on `due` changes status 7 days before (due), the day after (overdue), enters the horizon `horizon`
   * days before and the 本周 group 6 days before; `windowDays` adds another due window (health check 30 days).
   */
  due(due: CalendarDate, horizonDays: number, windowDays: number = DUE_WINDOW_DAYS): void {
    const n = daysBetween(this.today, due);
    for (const k of [-horizonDays, -windowDays, -DUE_WINDOW_DAYS, -(THIS_WEEK_DAYS - 1), 1]) this.offset(n + k);
  }

  /** The day someone born on `birthDate` turns `age` (and the day after, for a 29 February birthday), if still ahead. */
  birthday(birthDate: CalendarDate, age: number): void {
    if (ageOn(birthDate, this.today) >= age) return;
    const n = daysBetween(this.today, addYears(birthDate, age));
    this.offset(n);
    this.offset(n + 1);
  }

  get date(): CalendarDate | null {
    return this.best === Infinity ? null : addDays(this.today, this.best);
  }
}

/**
 * The first day after `today` on which `patientWorkItems(p, day, { upcomingDays })` or a row's group may differ.
 * `screened` is `patientScreening(p, today)` when the caller has it (the rows were computed with it).
 */
export function workChangesOn(
  p: PatientSummary,
  today: CalendarDate,
  upcomingDays: number,
  screened: PatientScreening | null = patientScreening(p, today),
): CalendarDate | null {
  if (p.residentStatus && p.residentStatus !== 'active') return null;
  const at = new Earliest(today);
  // A new year changes only the rows that count by the year (1 January is no cold day for everyone else):
  const newYear = formatDate(yearOf(today) + 1, 1, 1);
  const registries = p.registries.filter((r) => r.status === 'active');
  for (const reg of registries) at.add(reg.enrolledDate);
  const active = registries.filter((r) => compareDates(r.enrolledDate, today) <= 0);
  // Visits dated ahead count from their date (a visit, a reading).
  for (const f of p.followups) at.add(f.visitDate);
  // A new quarter (1 January included): the quarter lines, last year's missed quarters, the yearly counts.
  if (active.length > 0) at.add(endOfQuarter(today), 1);
  for (const reg of active) {
    const f2f = p.followups
      .filter((f) => f.disease === reg.disease && f.isCompleted && isFaceToFace(f.visitMode) && compareDates(f.visitDate, today) <= 0)
      .sort((a, b) => compareDates(a.visitDate, b.visitDate));
    const last = f2f[f2f.length - 1];
    if (last) at.due(nextDueDate(last), upcomingDays);
    else at.add(reg.enrolledDate, NEW_ENROLMENT_GRACE_DAYS + 1);
    // The quarter-gap line turns due two weeks before the quarter ends, unless a visit this quarter or one planned
    // in it keeps it off (a planned date that passes is a change of its own, the day after it).
    const start = startOfQuarter(today);
    const end = endOfQuarter(today);
    const seen = f2f.some((f) => compareDates(f.visitDate, start) >= 0);
    const planned = last !== undefined && compareDates(nextDueDate(last), today) >= 0 && compareDates(nextDueDate(last), end) <= 0;
    const newThisQuarter = !last && compareDates(reg.enrolledDate, start) >= 0;
    if (!seen && !planned && !newThisQuarter) {
      for (const n of [-(QUARTER_GAP_DUE_DAYS - 1), -upcomingDays, -(THIS_WEEK_DAYS - 1)]) at.add(end, n);
    }
  }
  // The yearly health check: 65 makes a resident eligible; a check is due a year after the last.
  at.birthday(p.birthDate, HEALTH_CHECK_AGE);
  if (ageOn(p.birthDate, today) >= HEALTH_CHECK_AGE || active.length > 0) {
    if (p.lastHealthCheckDate) at.due(addYears(p.lastHealthCheckDate, 1), upcomingDays, HEALTH_CHECK_DUE_DAYS);
    else {
      // Never checked: due by 31 December, overdue since then from the new year.
      at.add(formatDate(yearOf(today), 12, 31), -(THIS_WEEK_DAYS - 1));
      at.add(newYear);
    }
  }
  for (const ref of p.referrals ?? []) if (!ref.checkedDate) at.due(ref.checkDue, upcomingDays);
  if (p.screening) {
    for (const r of p.screening.readings) at.add(r.date);
    for (const age of SCREENING_AGES) at.birthday(p.birthDate, age);
    // With the readings, the ages and the year fixed, each disease's state is fixed, and so is its next due date.
    const s = screened ?? patientScreening(p, today);
    for (const d of s ? [s.htn, s.t2dm] : []) {
      if (d.nextDue !== null && !floatsWithToday({ kind: 'screening', status: 'due', params: screeningParams(d) })) at.due(d.nextDue, upcomingDays);
    }
    // The yearly BP (35+, not at high risk): due by 31 December, or measured this year and due again next year.
    if (s && (s.htn.state === 'yearlyDue' || s.htn.state === 'normal')) at.add(newYear);
  }
  return at.date;
}

/**
 * The first day after `today` on which the contracting rows (renewal, lapse, 未签约), the doctors a row matches
 * (contracts in force) or the key-population tags (ages 0–6 and 65+) may differ.
 */
export function contractChangesOn(contracts: readonly ContractFacts[], birthDate: CalendarDate, today: CalendarDate): CalendarDate | null {
  const at = new Earliest(today);
  at.add(birthDate);
  for (const age of TAG_AGES) at.birthday(birthDate, age);
  for (const c of contracts) {
    if (!c.signDate) continue;
    at.add(c.startDate);
    if (c.terminatedDate) {
      at.add(c.terminatedDate);
      at.add(c.terminatedDate, 1);
    }
    // Renewal window, end (in force, doctors), lapse (overdue for the window), then 未签约.
    for (const n of [-RENEWAL_WINDOW_DAYS, 0, 1, RENEWAL_WINDOW_DAYS + 1]) at.add(c.endDate, n);
  }
  return at.date;
}

/** The earlier of two change dates (null: never). */
export function earlierChange(a: CalendarDate | null, b: CalendarDate | null): CalendarDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareDates(a, b) <= 0 ? a : b;
}

/**
 * A row whose due date is the day it is read on, whatever the day: a 既往史 enrolment prompt, a high-risk resident
 * never measured (screening.ts: `nextDue` is today), a key-population resident never signed (未签约, due today).
 * Its status and group do not move with the day; only its due date does.
 */
export function floatsWithToday(row: { kind: string; status: string; params?: Record<string, string | number> | undefined }): boolean {
  if (row.kind === 'noContract') return row.status === 'due';
  if (row.kind !== 'screening') return false;
  const state = row.params?.['state'];
  return state === 'history' || (state === 'highRisk' && row.params?.['lastReadingDate'] === undefined);
}

function screeningParams(d: DiseaseScreening): Record<string, string | number> {
  return d.lastReadingDate ? { state: d.state, lastReadingDate: d.lastReadingDate } : { state: d.state };
}
