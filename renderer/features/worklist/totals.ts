/**
 * The 工作台's summary cards, in the groups' own terms (issue 10, note 3): the 逾期 card used to count every overdue
 * line, contract renewals included, while the 已逾期 group below holds clinical work only (31 against 24 on the
 * demo). Now the status cards count clinical work only, the 逾期 card says which groups its lines are in (已逾期, and
 * overdue 2-week re-checks and referral checks, which have groups of their own), and contracting work has its own
 * card with its overdue part, matching the 签约 group.
 */
import type { WorkGroup, Worklist, WorkStatus } from '../../../shared/api/followups';

const CONTRACTING: ReadonlySet<string> = new Set(['contractExpiring', 'noContract']);
/** Kinds that sit in a group of their own whatever their status (shared/domain/worklist-groups.ts). */
const OWN_GROUP: Readonly<Record<string, WorkGroup>> = { recheck: 'recheck', referralCheck: 'referral' };

export interface WorkTotals {
  /** Clinical lines per status (contracting left out). */
  clinical: Record<WorkStatus, number>;
  /** Where the overdue clinical lines are listed: 已逾期 first, then re-checks and referrals; groups with none left out. */
  overdueIn: { group: WorkGroup; count: number }[];
  /** Contracting lines (the 签约 group) and how many of them are overdue. */
  contracting: { total: number; overdue: number };
}

export function workTotals(list: Pick<Worklist, 'counts' | 'groups'>): WorkTotals {
  const clinical = { overdue: 0, due: 0, upcoming: 0 };
  const contracting = { total: 0, overdue: 0 };
  const overdueIn = new Map<WorkGroup, number>([['overdue', 0], ['recheck', 0], ['referral', 0]]);
  for (const [kind, c] of Object.entries(list.counts)) {
    if (CONTRACTING.has(kind)) {
      contracting.total += c.overdue + c.due + c.upcoming;
      contracting.overdue += c.overdue;
      continue;
    }
    clinical.overdue += c.overdue;
    clinical.due += c.due;
    clinical.upcoming += c.upcoming;
    const group = OWN_GROUP[kind] ?? 'overdue';
    overdueIn.set(group, (overdueIn.get(group) ?? 0) + c.overdue);
  }
  return {
    clinical,
    overdueIn: [...overdueIn].filter(([, count]) => count > 0).map(([group, count]) => ({ group, count })),
    contracting,
  };
}
