/**
 * One BP / fasting-glucose reading as any quick entry takes it (门诊测量 now, devices later): the values a person can
 * have, refused at the field with the range when impossible (issue 12 §6). The ranges are the health check's hard
 * ranges (health-check-rules.ts), so a value refused in one form is refused in all of them.
 */
import type { FieldIssue } from '../api/errors';
import { compareDates, type CalendarDate } from './dates';
import { DBP_RANGE, PLAUSIBLE, SBP_RANGE, type Range } from './health-check-rules';

export const GLUCOSE_RANGE: Range = PLAUSIBLE['auxExams.fastingGlucose'] ?? { hard: [1, 40], unit: 'mmol/L' };
export const READING_RANGES = { sbp: SBP_RANGE, dbp: DBP_RANGE, fastingGlucose: GLUCOSE_RANGE } as const;

export interface ReadingValues {
  date: CalendarDate;
  sbp?: number | null;
  dbp?: number | null;
  fastingGlucose?: number | null;
}

/** Impossible values only (ranges, SBP ≤ DBP), for forms where a reading is one part of the form (follow-ups). */
export function valueIssues(r: Omit<ReadingValues, 'date'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const key of ['sbp', 'dbp', 'fastingGlucose'] as const) {
    const v = r[key];
    if (v === undefined || v === null) continue;
    const [min, max] = READING_RANGES[key].hard;
    if (!Number.isFinite(v) || v < min || v > max) {
      issues.push({ path: key, message: 'validation.outOfRange', params: { min, max, unit: READING_RANGES[key].unit } });
    }
  }
  if (typeof r.sbp === 'number' && typeof r.dbp === 'number' && r.sbp <= r.dbp) issues.push({ path: 'dbp', message: 'validation.sbpNotAboveDbp' });
  return issues;
}

/** Field issues of a reading; `today` refuses a date in the future. Empty when the reading can be saved. */
export function readingIssues(r: ReadingValues, today: CalendarDate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (compareDates(r.date, today) > 0) issues.push({ path: 'date', message: 'validation.futureDate' });
  for (const key of ['sbp', 'dbp', 'fastingGlucose'] as const) {
    const v = r[key];
    if (v === undefined || v === null) continue;
    const [min, max] = READING_RANGES[key].hard;
    if (!Number.isFinite(v) || v < min || v > max) {
      issues.push({ path: key, message: 'validation.outOfRange', params: { min, max, unit: READING_RANGES[key].unit } });
    }
  }
  const hasSbp = typeof r.sbp === 'number';
  const hasDbp = typeof r.dbp === 'number';
  if (hasSbp !== hasDbp) issues.push({ path: hasSbp ? 'dbp' : 'sbp', message: 'validation.required' });
  if (hasSbp && hasDbp && (r.sbp as number) <= (r.dbp as number)) issues.push({ path: 'dbp', message: 'validation.sbpNotAboveDbp' });
  if (!hasSbp && !hasDbp && typeof r.fastingGlucose !== 'number') issues.push({ path: 'sbp', message: 'validation.measurementEmpty' });
  return issues;
}
