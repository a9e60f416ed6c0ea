/**
 * 工作台 groups (issue 16 §3): what to do today, in the order a doctor works through them. A row belongs to exactly
 * one group: referral checks to confirm and 2-week re-checks are their own groups whatever their status; contracting
 * work (renewals, key-population residents without a contract) is kept apart so it never buries the clinical work;
 * every other row is overdue, due within the coming week (today included), or later.
 */
import { addDays, compareDates, type CalendarDate } from './dates';

export const WORK_GROUPS = ['overdue', 'thisWeek', 'recheck', 'referral', 'contracting', 'later'] as const;
export type WorkGroup = (typeof WORK_GROUPS)[number];

/** "This week": today and the six days after it. */
export const THIS_WEEK_DAYS = 7;

const CONTRACTING_KINDS: ReadonlySet<string> = new Set(['contractExpiring', 'noContract']);

export interface GroupedRow {
  kind: string;
  status: 'upcoming' | 'due' | 'overdue';
  dueDate: CalendarDate;
}

export function workGroup(row: GroupedRow, today: CalendarDate): WorkGroup {
  if (row.kind === 'referralCheck') return 'referral';
  if (row.kind === 'recheck') return 'recheck';
  if (CONTRACTING_KINDS.has(row.kind)) return 'contracting';
  if (row.status === 'overdue') return 'overdue';
  if (compareDates(row.dueDate, addDays(today, THIS_WEEK_DAYS - 1)) <= 0) return 'thisWeek';
  return 'later';
}
