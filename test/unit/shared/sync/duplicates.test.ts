import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../../../shared/domain/id-number';
import {
  compareKeepOrder,
  duplicateReviewId,
  duplicatesOf,
  findDuplicateResidents,
  mergedSurvivor,
  mergeTombstone,
  normaliseIdNumber,
  type MergeableResident,
  type ResidentKey,
} from '../../../../shared/sync/duplicates';

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
