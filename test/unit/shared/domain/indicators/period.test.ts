import { describe, expect, it } from 'vitest';
import { indicatorWindow, isValidPeriod, periodContaining, periodDates, periodKey, trailingPeriods } from '../../../../../shared/domain/indicators';

describe('report periods', () => {
  it.each([
    [{ kind: 'month', year: 2024, index: 2 }, '2024-02-01', '2024-02-29'],
    [{ kind: 'month', year: 2025, index: 2 }, '2025-02-01', '2025-02-28'],
    [{ kind: 'month', year: 2025, index: 12 }, '2025-12-01', '2025-12-31'],
    [{ kind: 'quarter', year: 2025, index: 1 }, '2025-01-01', '2025-03-31'],
    [{ kind: 'quarter', year: 2025, index: 4 }, '2025-10-01', '2025-12-31'],
    [{ kind: 'year', year: 2025, index: 1 }, '2025-01-01', '2025-12-31'],
  ] as const)('%o runs %s to %s', (p, start, end) => expect(periodDates(p)).toEqual({ start, end }));

  it('the window of every period is 年内: 1 January to the period end', () => {
    expect(indicatorWindow({ kind: 'month', year: 2025, index: 3 })).toEqual({ start: '2025-01-01', end: '2025-03-31' });
    expect(indicatorWindow({ kind: 'quarter', year: 2025, index: 2 })).toEqual({ start: '2025-01-01', end: '2025-06-30' });
  });

  it.each([
    [{ kind: 'month', year: 2025, index: 0 }, false],
    [{ kind: 'month', year: 2025, index: 13 }, false],
    [{ kind: 'quarter', year: 2025, index: 5 }, false],
    [{ kind: 'year', year: 2025, index: 2 }, false],
    [{ kind: 'month', year: 2025.5, index: 1 }, false],
    [{ kind: 'quarter', year: 2025, index: 4 }, true],
  ] as const)('%o valid: %s', (p, ok) => expect(isValidPeriod(p)).toBe(ok));

  it('finds the period of a date and the trailing periods across a year boundary', () => {
    expect(periodContaining('quarter', '2025-07-01')).toEqual({ kind: 'quarter', year: 2025, index: 3 });
    expect(periodContaining('month', '2025-12-31')).toEqual({ kind: 'month', year: 2025, index: 12 });
    expect(trailingPeriods({ kind: 'month', year: 2025, index: 2 }, 3).map(periodKey)).toEqual(['2024-12', '2025-01', '2025-02']);
    expect(trailingPeriods({ kind: 'quarter', year: 2025, index: 1 }, 2).map(periodKey)).toEqual(['2024-Q4', '2025-Q1']);
    expect(trailingPeriods({ kind: 'year', year: 2025, index: 1 }, 2).map(periodKey)).toEqual(['2024', '2025']);
  });
});
