/**
 * 下一位: after a visit opened from the work list, the next patient of the same list (issue 16: the doctor no longer
 * goes back to the list by hand). The list is the one the doctor came from: its village and doctor filter, its group
 * and the page they were on travel in the row's link (`WorklistPlace`), and the next patient is looked up through
 * `worklist.get` page by page, never by loading the whole list. Pure apart from the page fetcher, so it is unit-tested.
 */
import type { WorkGroup, WorkKind, WorklistFilter, WorkRow } from '../../../shared/api/followups';
import { WorkGroup as WorkGroupSchema } from '../../../shared/api/followups';
import type { HashParams } from '../worklist/hash-params';

/** The work-list kinds a follow-up visit settles, in the order the work list shows them (WorklistPage KIND_ORDER). */
export const FOLLOWUP_KINDS: readonly WorkKind[] = ['recheck', 'followup', 'quarterGap', 'missedQuarter'];

/** Rows asked for per look-up: a page of the list, not all of it. */
export const NEXT_PAGE_SIZE = 50;
/** Pages looked at before giving up (500 lines of one list): the button then simply does not appear. */
export const NEXT_MAX_PAGES = 10;

/** Where on the work list a row was opened: its filter, its group, and the offset of the page it was on. */
export interface WorklistPlace {
  villageCode?: string;
  doctor?: string;
  group?: WorkGroup;
  offset: number;
}

/** The hash parameters that carry a place (beside `from=worklist`); empty ones are left out of the link. */
export function placeParams(place: WorklistPlace): HashParams {
  return { listVillage: place.villageCode ?? '', listDoctor: place.doctor ?? '', listGroup: place.group ?? '', listOffset: place.offset > 0 ? String(place.offset) : '' };
}

/** The place back from the link; null for a link without one (the doctor's default list is meant then). */
export function placeFromParams(params: HashParams): WorklistPlace | null {
  const keys = ['listVillage', 'listDoctor', 'listGroup', 'listOffset'];
  if (!keys.some((k) => params[k] !== undefined)) return null;
  const group = WorkGroupSchema.safeParse(params['listGroup']);
  const offset = Number(params['listOffset'] ?? 0);
  return {
    ...(params['listVillage'] ? { villageCode: params['listVillage'] } : {}),
    ...(params['listDoctor'] ? { doctor: params['listDoctor'] } : {}),
    ...(group.success ? { group: group.data } : {}),
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

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

/** One page of the work list, as `worklist.get` answers it. */
export type FetchPage = (filter: Pick<WorklistFilter, 'villageCode' | 'doctor' | 'group' | 'kinds' | 'statuses' | 'offset' | 'limit'>) => Promise<{ total: number; items: WorkRow[] }>;

/**
 * The next patient of the list at `place`: first in its group, in the order the doctor sees it, from the page they
 * were on to the end and then from the top (the lines before were passed over, not forgotten); then, the group done,
 * the most urgent follow-up left anywhere in the same filtered list.
 */
export async function nextInList(fetch: FetchPage, place: WorklistPlace, seen: ReadonlySet<string>): Promise<WorkRow | null> {
  const base = { villageCode: place.villageCode, doctor: place.doctor, kinds: [...FOLLOWUP_KINDS] };
  if (place.group) {
    const inGroup = (offset: number) => fetch({ ...base, group: place.group, offset, limit: NEXT_PAGE_SIZE });
    const first = await scan(inGroup, place.offset, Infinity, (items) => items.find((r) => isCandidate(r, seen)) ?? null);
    if (first) return first;
    const before = place.offset > 0 ? await scan(inGroup, 0, place.offset, (items) => items.find((r) => isCandidate(r, seen)) ?? null) : null;
    if (before) return before;
  }
  const anywhere = (offset: number) => fetch({ ...base, statuses: ['overdue', 'due'], offset, limit: NEXT_PAGE_SIZE });
  return scan(anywhere, 0, Infinity, (items) => nextPatient(items, seen));
}

const isCandidate = (r: WorkRow, seen: ReadonlySet<string>) => FOLLOWUP_KINDS.includes(r.kind) && Boolean(r.disease) && !seen.has(r.residentId);

/** Pages from `start` until `end` (or the list's end, or NEXT_MAX_PAGES pages), returning the first page's pick. */
async function scan(page: (offset: number) => Promise<{ total: number; items: WorkRow[] }>, start: number, end: number, pick: (items: WorkRow[]) => WorkRow | null): Promise<WorkRow | null> {
  for (let offset = start, n = 0; offset < end && n < NEXT_MAX_PAGES; offset += NEXT_PAGE_SIZE, n++) {
    const got = await page(offset);
    const found = pick(got.items.slice(0, Math.max(0, end - offset)));
    if (found) return found;
    if (offset + NEXT_PAGE_SIZE >= got.total) return null;
  }
  return null;
}
