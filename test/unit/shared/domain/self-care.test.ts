import { describe, expect, it } from 'vitest';
import {
  allowedScores,
  isAllowedScore,
  scoreSelfCare,
  SELF_CARE_ITEMS,
  selfCareBand,
  type SelfCareScores,
} from '../../../../shared/domain/self-care';

const zero: SelfCareScores = { meal: 0, grooming: 0, dressing: 0, toileting: 0, mobility: 0 };

describe('老年人生活自理能力评估 (records.md §4)', () => {
  it.each([
    ['meal', [0, 3, 5]],
    ['grooming', [0, 1, 3, 7]],
    ['dressing', [0, 3, 5]],
    ['toileting', [0, 1, 5, 10]],
    ['mobility', [0, 1, 5, 10]],
  ] as const)('%s allows %o', (item, scores) => expect(allowedScores(item)).toEqual(scores));

  it.each([
    ['meal', 1],
    ['meal', 2],
    ['meal', 7],
    ['grooming', 5],
    ['dressing', 1],
    ['toileting', 3],
    ['mobility', 7],
    ['mobility', -1],
    ['mobility', 1.5],
  ] as const)('%s = %f is impossible', (item, score) => expect(isAllowedScore(item, score)).toBe(false));

  it.each([
    [0, 1],
    [3, 1],
    [4, 2],
    [8, 2],
    [9, 3],
    [18, 3],
    [19, 4],
    [37, 4],
  ])('total %i → band %i', (total, band) => expect(selfCareBand(total)).toBe(band));

  it.each([
    [zero, 0, 1],
    [{ ...zero, meal: 3 }, 3, 1],
    [{ ...zero, meal: 3, grooming: 1 }, 4, 2],
    [{ ...zero, meal: 3, dressing: 5 }, 8, 2],
    [{ ...zero, meal: 3, dressing: 5, toileting: 1 }, 9, 3],
    [{ ...zero, meal: 3, dressing: 5, toileting: 10 }, 18, 3],
    [{ ...zero, grooming: 1, dressing: 3, toileting: 5, mobility: 10 }, 19, 4],
    [{ meal: 5, grooming: 7, dressing: 5, toileting: 10, mobility: 10 }, 37, 4],
  ])('%o → total %i, band %i', (scores, total, band) => expect(scoreSelfCare(scores)).toEqual({ ok: true, total, band }));

  it('rejects impossible item scores instead of summing them', () => {
    expect(scoreSelfCare({ ...zero, meal: 1, dressing: 2 })).toEqual({ ok: false, invalidItems: ['meal', 'dressing'] });
  });

  it('has five items', () => expect(SELF_CARE_ITEMS).toHaveLength(5));
});
