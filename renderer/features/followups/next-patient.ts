/**
 * 下一位: after a visit opened from the work list, the next patient of the same list (issue 16: the doctor no longer
 * goes back to the list by hand). Pure, so the choice is unit-tested; the page asks `worklist.get` for the rows.
 */
import type { WorkKind, WorkRow } from '../../../shared/api/followups';

/** The work-list kinds a follow-up visit settles, in the order the work list shows them (WorklistPage KIND_ORDER). */
export const FOLLOWUP_KINDS: readonly WorkKind[] = ['recheck', 'followup', 'quarterGap', 'missedQuarter'];

/**
 * The first follow-up line, in the list's group order, of someone not seen in this run of visits. Overdue and due
 * lines come before upcoming ones; within a group the service's order (most urgent first) is kept.
 */
export function nextPatient(rows: readonly WorkRow[], seen: ReadonlySet<string>): WorkRow | null {
  const rank = (r: WorkRow) => (r.status === 'upcoming' ? 1 : 0) * 10 + FOLLOWUP_KINDS.indexOf(r.kind);
  const candidates = rows.filter((r) => FOLLOWUP_KINDS.includes(r.kind) && r.disease && !seen.has(r.residentId));
  let best: WorkRow | null = null;
  for (const r of candidates) if (!best || rank(r) < rank(best)) best = r;
  return best;
}
