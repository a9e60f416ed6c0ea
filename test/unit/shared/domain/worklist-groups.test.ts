import { describe, expect, it } from 'vitest';
import { WORK_GROUPS, workGroup, type GroupedRow, type WorkGroup } from '../../../../shared/domain/worklist-groups';

const TODAY = '2026-03-02';

describe('workGroup: what to do today', () => {
  it.each<[string, GroupedRow, WorkGroup]>([
    // Kind decides first: a referral check or a re-check is its own group whatever its status.
    ['a referral check due today', { kind: 'referralCheck', status: 'due', dueDate: TODAY }, 'referral'],
    ['an overdue referral check', { kind: 'referralCheck', status: 'overdue', dueDate: '2026-02-20' }, 'referral'],
    ['an upcoming referral check', { kind: 'referralCheck', status: 'upcoming', dueDate: '2026-03-20' }, 'referral'],
    ['an overdue 2-week re-check', { kind: 'recheck', status: 'overdue', dueDate: '2026-03-01' }, 'recheck'],
    ['a 2-week re-check next month', { kind: 'recheck', status: 'upcoming', dueDate: '2026-04-01' }, 'recheck'],
    ['a resident without a contract', { kind: 'noContract', status: 'due', dueDate: TODAY }, 'contracting'],
    ['a lapsed contract', { kind: 'contractExpiring', status: 'overdue', dueDate: '2026-02-01' }, 'contracting'],
    // Then status: overdue from the day after the due date.
    ['a follow-up overdue by one day', { kind: 'followup', status: 'overdue', dueDate: '2026-03-01' }, 'overdue'],
    ['a missed quarter', { kind: 'missedQuarter', status: 'overdue', dueDate: '2025-12-31' }, 'overdue'],
    // Then the due date: today and the six days after it are this week.
    ['a follow-up due today', { kind: 'followup', status: 'due', dueDate: TODAY }, 'thisWeek'],
    ['a screening due in the past but not overdue', { kind: 'screening', status: 'due', dueDate: '2026-02-25' }, 'thisWeek'],
    ['a health check due on day 6', { kind: 'healthCheck', status: 'due', dueDate: '2026-03-08' }, 'thisWeek'],
    ['an upcoming follow-up on day 6', { kind: 'followup', status: 'upcoming', dueDate: '2026-03-08' }, 'thisWeek'],
    ['a follow-up due on day 7', { kind: 'followup', status: 'due', dueDate: '2026-03-09' }, 'later'],
    ['an upcoming quarter gap', { kind: 'quarterGap', status: 'upcoming', dueDate: '2026-03-31' }, 'later'],
  ])('%s', (_label, row, group) => {
    expect(workGroup(row, TODAY)).toBe(group);
  });

  it('across a month and a year end, "this week" is still seven days', () => {
    expect(workGroup({ kind: 'followup', status: 'due', dueDate: '2027-01-03' }, '2026-12-28')).toBe('thisWeek');
    expect(workGroup({ kind: 'followup', status: 'due', dueDate: '2027-01-04' }, '2026-12-28')).toBe('later');
  });

  it('lists the groups in the order a doctor works them', () => {
    expect(WORK_GROUPS).toEqual(['overdue', 'thisWeek', 'recheck', 'referral', 'contracting', 'later']);
  });
});
