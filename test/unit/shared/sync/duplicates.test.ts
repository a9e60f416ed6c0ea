import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../../../shared/domain/id-number';
import {
  compareKeepOrder,
  decisionAfter,
  duplicateReviewId,
  duplicatesOf,
  findDuplicateResidents,
  mergedSurvivor,
  mergeTombstone,
  normaliseIdNumber,
  pendingMergeOf,
  resolvePendingMerge,
  withMergePending,
  withoutMergePending,
  type MergeableResident,
  type MergePending,
  type ResidentKey,
} from '../../../../shared/sync/duplicates';
import type { DuplicateReview } from '../../../../shared/api/sync-review';
import { resolveConflict, type SyncDoc } from '../../../../shared/sync/merge';

const first17 = '44152119560514001';
const ID18 = first17 + idCheckDigit(first17);
/** The first-generation number of the same person: no century, no check character. */
const ID15 = '441521560514001';
const OTHER17 = '44152119600101002';
const OTHER18 = OTHER17 + idCheckDigit(OTHER17);

describe('ID number normalisation for duplicate detection', () => {
  it.each([
    [ID18, ID18],
    [ID18.toLowerCase(), ID18],
    [` ${ID18} `, ID18],
    [ID15, ID18],
    ['', null],
    ['44152119560514001', null],
    [`${first17}${idCheckDigit(first17) === '0' ? '1' : '0'}`, null],
    ['44152156051400A', null],
    ['441521561314001', null],
  ])('%s → %s', (input, expected) => expect(normaliseIdNumber(input)).toBe(expected));
});

function r(id: string, idNumber: string, createdAt: number, deleted = false): ResidentKey {
  return { id, idNumber, createdAt, _deleted: deleted };
}

describe('the same person, two records (issue 13 item 5)', () => {
  it('finds a pair with the same 18-digit number, oldest first', () => {
    expect(findDuplicateResidents([r('b', ID18, 20), r('a', ID18, 30), r('c', OTHER18, 10)])).toEqual([{ idNumber: ID18, residentIds: ['b', 'a'] }]);
  });

  it('finds a 15-digit record and its 18-digit twin', () => {
    expect(findDuplicateResidents([r('x', ID15, 5), r('y', ID18, 5)])).toEqual([{ idNumber: ID18, residentIds: ['x', 'y'] }]);
  });

  it('ignores removed records, records without a number and the same record seen twice', () => {
    expect(findDuplicateResidents([r('a', ID18, 1), r('b', ID18, 2, true), r('c', '', 3), r('d', '', 4), r('a', ID18, 1)])).toEqual([]);
  });

  it('duplicatesOf: another live record with the same person', () => {
    const existing = [r('old', ID15, 1), r('gone', ID18, 0, true), r('other', OTHER18, 1)];
    expect(duplicatesOf(r('new', ID18, 9), existing).map((e) => e.id)).toEqual(['old']);
    expect(duplicatesOf(r('old', ID15, 1), existing)).toEqual([]);
    expect(duplicatesOf(r('n', '', 1), existing)).toEqual([]);
  });

  it('the keep order and the review id are the same whichever side asks', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (a, b, ta, tb) => {
        const x = r(a, ID18, ta);
        const y = r(b, ID18, tb);
        expect(Math.sign(compareKeepOrder(x, y))).toBe(-Math.sign(compareKeepOrder(y, x)));
        expect(duplicateReviewId(a, b)).toBe(duplicateReviewId(b, a));
        expect(duplicateReviewId(a, b).length).toBeLessThanOrEqual(60);
        expect(findDuplicateResidents([x, y])).toEqual(findDuplicateResidents([y, x]));
      }),
    );
  });
});

describe('the merge rule a device and the platform share (issue 13 item 5)', () => {
  const keep: MergeableResident = { id: 'k', idNumber: '', phone: '13800000001', recordNo: '44152110120100001', data: { address: '东光村 1 号', employer: '' }, updatedAt: 1 };
  const dup: MergeableResident = { id: 'd', idNumber: '441521195602030312', phone: '13900000002', recordNo: '44152110120100002', data: { employer: 'B 厂', mergedInto: 'x' }, updatedAt: 2 };

  it('fills what the kept record lacks, keeps what it has, and remembers the merged record number', () => {
    expect(mergedSurvivor(keep, dup, 9)).toEqual({
      id: 'k',
      idNumber: '441521195602030312',
      phone: '13800000001',
      recordNo: '44152110120100001',
      data: { address: '东光村 1 号', employer: 'B 厂', mergedRecordNos: ['44152110120100002'] },
      updatedAt: 9,
    });
  });

  it('changes nothing more when applied twice (the platform may see a merge a device already made)', () => {
    const once = mergedSurvivor(keep, dup, 9);
    expect(mergedSurvivor(once, dup, 9)).toEqual(once);
  });

  it('makes the duplicate a removed record that points at the survivor', () => {
    expect(mergeTombstone(dup, 'k', 9)).toEqual({ ...dup, data: { employer: 'B 厂', mergedInto: 'k' }, updatedAt: 9, _deleted: true });
  });
});

describe('a merge settled on a device before the platform confirms it (issue 13 item 5)', () => {
  const mark: MergePending = { reviewId: 'dup:1', keptId: 'y', by: 'doctorB', at: 100, reason: 'B' };
  const base = (id: string, over: Record<string, unknown> = {}): SyncDoc => ({ id, idNumber: ID18, phone: '', recordNo: `r-${id}`, data: {}, updatedAt: 50, _deleted: false, ...over });
  // The platform kept x (A's decision, first to arrive); device B merged x into y on its own, pending.
  const confirmedX = base('x', { data: { mergedRecordNos: ['r-y'] }, updatedAt: 90 });
  const pendingX = base('x', { data: { mergedInto: 'y', mergePending: mark }, updatedAt: 100, _deleted: true });
  const confirmedY = base('y', { data: { mergedInto: 'x' }, updatedAt: 90, _deleted: true });
  const pendingY = base('y', { data: { mergedRecordNos: ['r-x'], mergePending: mark }, updatedAt: 100 });

  it('reads, adds and removes the pending mark', () => {
    const marked = withMergePending({ id: 'y', idNumber: '', phone: '', recordNo: 'r', data: { a: 1 }, updatedAt: 1 }, mark);
    expect(pendingMergeOf(marked)).toEqual(mark);
    expect(withoutMergePending(marked).data).toEqual({ a: 1 });
    expect(pendingMergeOf(base('q'))).toBeNull();
    expect(pendingMergeOf(base('q', { data: { mergePending: { reviewId: 1 } } }))).toBeNull();
  });

  it.each([
    ['the platform\'s live survivor over the device\'s pending tombstone', confirmedX, pendingX],
    ['the platform\'s tombstone over the device\'s pending survivor', confirmedY, pendingY],
  ])('keeps %s, whichever side is passed first', (_name, confirmed, pending) => {
    for (const [a, b] of [[confirmed, pending], [pending, confirmed]] as const) {
      const r = resolveConflict('residents', { realMasterState: a, newDocumentState: b, assumedMasterState: base(confirmed.id) });
      expect(r).toEqual({ resolved: confirmed, conflicts: [] });
    }
  });

  it('sets aside a pending survivor edited after its merge for review, nothing lost', () => {
    const edited = { ...pendingY, phone: '13900000009', updatedAt: 120 };
    const r = resolveConflict('residents', { realMasterState: confirmedY, newDocumentState: edited, assumedMasterState: base('y') });
    expect(r.resolved).toEqual(confirmedY);
    expect(r.conflicts).toMatchObject([{ path: '_deleted', winner: { value: true }, loser: { value: { phone: '13900000009' } } }]);
  });

  it('leaves the field merge in charge when neither or both sides are pending', () => {
    expect(resolvePendingMerge('residents', confirmedX, confirmedY)).toBeNull();
    expect(resolvePendingMerge('residents', pendingX, pendingY)).toBeNull();
    expect(resolvePendingMerge('encounters', pendingX, confirmedX)).toBeNull();
  });

  const review: DuplicateReview = {
    kind: 'duplicate',
    id: 'dup:1',
    idNumberMasked: '441521********0312',
    residents: [
      { id: 'x', name: '甲', recordNo: 'r-x', villageCode: 'v', birthDate: '1956-05-14', createdAt: 1 },
      { id: 'y', name: '甲', recordNo: 'r-y', villageCode: 'v', birthDate: '1956-05-14', createdAt: 2 },
    ],
    source: 'platform',
    detectedAt: 10,
    status: 'open',
  };
  const byA: DuplicateReview = { ...review, status: 'settled', decision: 'merged', keptId: 'x', settledBy: 'doctorA', settledAt: 80, reason: 'A' };
  const byB: DuplicateReview = { ...review, status: 'settled', decision: 'merged', keptId: 'y', settledBy: 'doctorB', settledAt: 100, reason: 'B', pending: true };

  it('answers a later, different settlement with the first and lists it as overruled, once', () => {
    const after = decisionAfter(byA, byB);
    expect(after).toEqual({ ...byA, overruled: [{ decision: 'merged', keptId: 'y', settledBy: 'doctorB', settledAt: 100, reason: 'B' }] });
    expect(decisionAfter(after, byB)).toEqual(after);
    expect(decisionAfter(after, after)).toEqual(after);
    expect(decisionAfter(byA, { ...byA, settledBy: 'doctorC', pending: true })).toEqual(byA);
    expect(decisionAfter(byA, review)).toEqual(byA);
    expect(decisionAfter({ ...byB, keptId: 'x' }, byB).pending).toBeUndefined();
  });

  it('settles a review copy conflict for the confirmed decision, the pending one listed as overruled', () => {
    const setting = (data: DuplicateReview, updatedAt: number): SyncDoc => ({ id: 'dup:1', type: 'syncReview', clinicCode: 'c', data, updatedAt, _deleted: false });
    for (const [a, b] of [[setting(byA, 80), setting(byB, 100)], [setting(byB, 100), setting(byA, 80)]] as const) {
      const r = resolveConflict('settings', { realMasterState: a, newDocumentState: b, assumedMasterState: setting(review, 10) });
      expect(r.conflicts).toEqual([]);
      expect(r.resolved['data']).toEqual(decisionAfter(byA, byB));
    }
    const same = resolveConflict('settings', { realMasterState: setting(byA, 80), newDocumentState: setting({ ...byA, pending: true, settledAt: 81 }, 81) });
    expect(same.resolved).toEqual(setting(byA, 80));
  });
});
