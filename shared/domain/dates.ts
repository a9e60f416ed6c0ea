/**
 * Calendar dates of care ('YYYY-MM-DD') and the one injected clock. Dates of care are in the clinic's time zone
 * (default Asia/Shanghai, no DST), never the machine's: tests run in UTC and must agree with a clinic at 00:30 CST.
 * All arithmetic is done on the proleptic Gregorian calendar via UTC Date values, which never shift.
 */

/** 'YYYY-MM-DD' */
export type CalendarDate = string;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(at: number | string): Clock & { set(at: number | string): void; advance(ms: number): void } {
  let t = typeof at === 'number' ? at : Date.parse(at);
  return {
    now: () => t,
    set: (v) => {
      t = typeof v === 'number' ? v : Date.parse(v);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** The value of the ASCII digit at `i`, or -1. */
function digitAt(d: string, i: number): number {
  const c = d.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

export function parseDate(d: string): { year: number; month: number; day: number } | null {
  // /^(\d{4})-(\d{2})-(\d{2})$/ by hand: the indicators parse dates some hundred thousand times per report (issue 15).
  if (d.length !== 10 || d.charCodeAt(4) !== 45 || d.charCodeAt(7) !== 45) return null;
  const y0 = digitAt(d, 0), y1 = digitAt(d, 1), y2 = digitAt(d, 2), y3 = digitAt(d, 3);
  const m0 = digitAt(d, 5), m1 = digitAt(d, 6), d0 = digitAt(d, 8), d1 = digitAt(d, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isValidDate(d: string): boolean {
  return parseDate(d) !== null;
}

function mustParse(d: CalendarDate) {
  const p = parseDate(d);
  if (!p) throw new RangeError(`Not a calendar date: ${d}`);
  return p;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function formatDate(year: number, month: number, day: number): CalendarDate {
  // The common case without padStart (the indicators format dates some hundred thousand times per report).
  if ((year | 0) === year && (month | 0) === month && (day | 0) === day && year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
    return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The calendar date at instant `at` in `timeZone` (Intl does the zone rules, so any IANA zone works). */
export function dateInZone(at: number, timeZone: string = DEFAULT_TIME_ZONE): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(at),
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function today(clock: Clock, timeZone: string = DEFAULT_TIME_ZONE): CalendarDate {
  return dateInZone(clock.now(), timeZone);
}

function toUtcDays(d: CalendarDate): number {
  const { year, month, day } = mustParse(d);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function fromUtcDays(days: number): CalendarDate {
  const dt = new Date(days * 86_400_000);
  return formatDate(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

export function addDays(d: CalendarDate, n: number): CalendarDate {
  return fromUtcDays(toUtcDays(d) + n);
}

/** Adds months, clamping to the month's last day: 2024-01-31 + 1 month = 2024-02-29. */
export function addMonths(d: CalendarDate, n: number): CalendarDate {
  const { year, month, day } = mustParse(d);
  const index = year * 12 + (month - 1) + n;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatDate(y, m, Math.min(day, daysInMonth(y, m)));
}

export function addYears(d: CalendarDate, n: number): CalendarDate {
  return addMonths(d, n * 12);
}

/** b − a in days. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return toUtcDays(b) - toUtcDays(a);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Completed years on `on`. A person born on 29 February has their birthday on 1 March in common years
 * (the usual civil-law reading in China for age-based eligibility).
 */
export function ageOn(birthDate: CalendarDate, on: CalendarDate): number {
  const b = mustParse(birthDate);
  const o = mustParse(on);
  let age = o.year - b.year;
  const birthdayThisYear =
    b.month === 2 && b.day === 29 && !isLeapYear(o.year) ? { month: 3, day: 1 } : { month: b.month, day: b.day };
  if (o.month < birthdayThisYear.month || (o.month === birthdayThisYear.month && o.day < birthdayThisYear.day)) age -= 1;
  return age;
}

export function yearOf(d: CalendarDate): number {
  return mustParse(d).year;
}

/** Calendar quarter 1–4. */
export function quarterOf(d: CalendarDate): number {
  return Math.floor((mustParse(d).month - 1) / 3) + 1;
}

export function startOfQuarter(d: CalendarDate): CalendarDate {
  const { year } = mustParse(d);
  return formatDate(year, (quarterOf(d) - 1) * 3 + 1, 1);
}
