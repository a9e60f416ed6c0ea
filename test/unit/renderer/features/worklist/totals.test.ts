/**
 * The 工作台 cards agree with the groups below them: the 逾期 card counts clinical lines only, says which groups hold
 * them, and contract renewals are counted on the 签约 card (the demo's 31 against 24).
 */
import { describe, expect, it } from 'vitest';
import type { Worklist } from '../../../../../shared/api/followups';
import { workTotals } from '../../../../../renderer/features/worklist/totals';

const zero = { overdue: 0, due: 0, upcoming: 0 };
const counts = (patch: Partial<Worklist['counts']>): Worklist['counts'] => ({
  followup: zero, recheck: zero, quarterGap: zero, missedQuarter: zero, healthCheck: zero, referralCheck: zero, screening: zero,
  contractExpiring: zero, noContract: zero, ...patch,
});
const groups = (patch: Partial<Worklist['groups']>): Worklist['groups'] => ({ overdue: 0, thisWeek: 0, recheck: 0, referral: 0, contracting: 0, later: 0, ...patch });

describe('workTotals', () => {
  it('the demo: 24 clinical overdue lines and 7 overdue renewals give 逾期 24 (= 已逾期) and 签约 7 overdue', () => {
    const list = {
      counts: counts({
        followup: { overdue: 10, due: 5, upcoming: 3 },
        missedQuarter: { overdue: 8, due: 0, upcoming: 0 },
        healthCheck: { overdue: 6, due: 2, upcoming: 1 },
        contractExpiring: { overdue: 4, due: 3, upcoming: 0 },
        noContract: { overdue: 3, due: 9, upcoming: 0 },
      }),
      groups: groups({ overdue: 24, thisWeek: 7, later: 4, contracting: 19 }),
    };
    const t = workTotals(list);
    expect(t.clinical).toEqual({ overdue: 24, due: 7, upcoming: 4 });
    expect(t.clinical.overdue).toBe(list.groups.overdue);
    expect(t.overdueIn).toEqual([{ group: 'overdue', count: 24 }]);
    expect(t.contracting).toEqual({ total: 19, overdue: 7 });
    expect(t.contracting.total).toBe(list.groups.contracting);
  });

  it('overdue re-checks and referral checks are counted on the 逾期 card and named by their own groups', () => {
    const t = workTotals({
      counts: counts({
        followup: { overdue: 2, due: 0, upcoming: 0 },
        recheck: { overdue: 3, due: 1, upcoming: 0 },
        referralCheck: { overdue: 1, due: 0, upcoming: 2 },
      }),
      groups: groups({ overdue: 2, recheck: 4, referral: 3 }),
    });
    expect(t.clinical.overdue).toBe(6);
    expect(t.overdueIn).toEqual([
      { group: 'overdue', count: 2 },
      { group: 'recheck', count: 3 },
      { group: 'referral', count: 1 },
    ]);
    expect(t.overdueIn.reduce((n, p) => n + p.count, 0)).toBe(t.clinical.overdue);
    expect(t.contracting).toEqual({ total: 0, overdue: 0 });
  });
});
