import { describe, expect, it } from 'vitest';
import type { WorkRow } from '../../../../../shared/api/followups';
import { type FetchPage, NEXT_PAGE_SIZE, nextInList, placeFromParams, placeParams } from '../../../../../renderer/features/followups/next-patient';
import { parseHashParams } from '../../../../../renderer/features/worklist/hash-params';
import { workHref } from '../../../../../renderer/features/worklist/work-links';

const row = (residentId: string, kind: WorkRow['kind'] = 'followup', status: WorkRow['status'] = 'due', group = 'thisWeek', villageCode = 'v1'): WorkRow & { group: string } => ({
  residentId,
  name: residentId,
  sex: '1',
  age: 60,
  phone: '',
  villageCode,
  villageName: '',
  doctor: '',
  kind,
  disease: 'htn',
  dueDate: '2026-12-07',
  status,
  reason: '',
  yearly: [],
  group,
});

/** A work list served page by page as `worklist.get` does, recording every page asked for. */
function fakeList(rows: (WorkRow & { group: string })[]) {
  const asked: { group?: string; offset?: number; statuses?: string[] }[] = [];
  const fetch: FetchPage = (f) => {
    asked.push({ group: f.group, offset: f.offset, statuses: f.statuses });
    const matching = rows.filter((r) => (!f.group || r.group === f.group) && (!f.villageCode || r.villageCode === f.villageCode) && (!f.kinds || f.kinds.includes(r.kind)) && (!f.statuses || f.statuses.includes(r.status)));
    const offset = f.offset ?? 0;
    return Promise.resolve({ total: matching.length, items: matching.slice(offset, offset + (f.limit ?? 200)) });
  };
  return { fetch, asked };
}

describe('下一位 follows the list the doctor came from (issue 16)', () => {
  it('carries the filter, group and page in the row link and reads it back', () => {
    const place = { villageCode: '441521101201', doctor: '李医生', group: 'overdue' as const, offset: 20 };
    const href = workHref({ residentId: 'r1', kind: 'followup', disease: 'htn' }, place);
    expect(placeFromParams(parseHashParams(href))).toEqual(place);
    expect(parseHashParams(href)).toMatchObject({ from: 'worklist', listVillage: '441521101201', listDoctor: '李医生', listGroup: 'overdue', listOffset: '20' });
  });

  it('reads an unfiltered first page (everyone, no group) as such, and a link without a place as none', () => {
    expect(placeFromParams(placeParams({ group: 'later', offset: 0 }))).toEqual({ group: 'later', offset: 0 });
    expect(placeFromParams({ residentId: 'r1', from: 'worklist' })).toBeNull();
    expect(placeFromParams({ listGroup: 'nonsense', listOffset: '-3' })).toEqual({ offset: 0 });
  });

  it('takes the next patient of the same group, in the list order, from the page the doctor was on', async () => {
    const rows = [row('a', 'followup', 'overdue', 'overdue'), row('b', 'followup', 'due'), row('c', 'followup', 'due'), row('d', 'recheck', 'due', 'recheck')];
    const { fetch } = fakeList(rows);
    // The whole list's most urgent line is the overdue 'a', but the doctor works the 本周 group.
    expect((await nextInList(fetch, { group: 'thisWeek', offset: 0 }, new Set(['b'])))?.residentId).toBe('c');
    expect((await nextInList(fetch, { group: 'overdue', offset: 0 }, new Set()))?.residentId).toBe('a');
  });

  it('keeps to the village filter', async () => {
    const { fetch } = fakeList([row('a', 'followup', 'due', 'thisWeek', 'v1'), row('b', 'followup', 'due', 'thisWeek', 'v2')]);
    expect((await nextInList(fetch, { villageCode: 'v2', group: 'thisWeek', offset: 0 }, new Set()))?.residentId).toBe('b');
  });

  it('pages through the group without loading it whole, then wraps to the lines before the page', async () => {
    const rows = Array.from({ length: NEXT_PAGE_SIZE * 3 }, (_, i) => row(`p${String(i).padStart(3, '0')}`));
    const { fetch, asked } = fakeList(rows);
    const seen = new Set(rows.slice(NEXT_PAGE_SIZE, NEXT_PAGE_SIZE * 3).map((r) => r.residentId));
    // From the second page on everyone is seen: the search wraps to the first page.
    expect((await nextInList(fetch, { group: 'thisWeek', offset: NEXT_PAGE_SIZE }, seen))?.residentId).toBe('p000');
    expect(asked.map((a) => a.offset)).toEqual([NEXT_PAGE_SIZE, NEXT_PAGE_SIZE * 2, 0]);
  });

  it('with the group done, offers the most urgent follow-up left in the same filtered list; none when all are seen', async () => {
    const { fetch, asked } = fakeList([row('a'), row('b', 'recheck', 'due', 'recheck'), row('c', 'healthCheck', 'overdue', 'overdue')]);
    expect((await nextInList(fetch, { group: 'thisWeek', offset: 0 }, new Set(['a'])))?.residentId).toBe('b');
    expect(asked.at(-1)).toMatchObject({ group: undefined, statuses: ['overdue', 'due'] });
    expect(await nextInList(fetch, { group: 'thisWeek', offset: 0 }, new Set(['a', 'b']))).toBeNull();
  });
});
