/**
 * Report periods (月报, 季报, 年报) and the window their indicators look at. Indicators are "年内" figures
 * (indicators.md: "normally the calendar year up to the report date"), so a period's window runs from 1 January of
 * its year to its last day: the March report and the Q1 report agree, and the December report is the year's.
 */
import { addDays, addMonths, formatDate, type CalendarDate } from '../dates';
import type { IndicatorWindow } from './types';

export type PeriodKind = 'month' | 'quarter' | 'year';

/** `index` is the month 1–12, the quarter 1–4, or 1 for a year. */
export interface ReportPeriod {
  kind: PeriodKind;
  year: number;
  index: number;
}

const MONTHS_PER: Record<PeriodKind, number> = { month: 1, quarter: 3, year: 12 };

export function isValidPeriod(p: ReportPeriod): boolean {
  const max = p.kind === 'month' ? 12 : p.kind === 'quarter' ? 4 : 1;
  return Number.isInteger(p.year) && p.year >= 1900 && p.year <= 9999 && Number.isInteger(p.index) && p.index >= 1 && p.index <= max;
}

/** First and last day of the period itself. */
export function periodDates(p: ReportPeriod): IndicatorWindow {
  const start = formatDate(p.year, (p.index - 1) * MONTHS_PER[p.kind] + 1, 1);
  return { start, end: addDays(addMonths(start, MONTHS_PER[p.kind]), -1) };
}

/** 年内: 1 January of the period's year to the period's last day. */
export function indicatorWindow(p: ReportPeriod): IndicatorWindow {
  return { start: formatDate(p.year, 1, 1), end: periodDates(p).end };
}

/** The period of `kind` that contains `date`. */
export function periodContaining(kind: PeriodKind, date: CalendarDate): ReportPeriod {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return { kind, year, index: Math.floor((month - 1) / MONTHS_PER[kind]) + 1 };
}

/** The periods of one kind ending with `last`, oldest first (trend charts): e.g. the 12 months up to March. */
export function trailingPeriods(last: ReportPeriod, count: number): ReportPeriod[] {
  const perYear = 12 / MONTHS_PER[last.kind];
  const out: ReportPeriod[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    const n = last.year * perYear + (last.index - 1) - i;
    out.push({ kind: last.kind, year: Math.floor(n / perYear), index: (n % perYear) + 1 });
  }
  return out;
}

/** Stable label key: '2026-03', '2026-Q1', '2026'. */
export function periodKey(p: ReportPeriod): string {
  if (p.kind === 'year') return String(p.year);
  if (p.kind === 'quarter') return `${p.year}-Q${p.index}`;
  return `${p.year}-${String(p.index).padStart(2, '0')}`;
}
