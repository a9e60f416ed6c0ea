import { describe, expect, it } from 'vitest';
import {
  BIASED_TYPES,
  biasedResult,
  defaultGuidance,
  item28FromWaist,
  item9FromBmi,
  pingHeResult,
  scoreTcm,
  TCM_ITEMS,
  TYPE_ITEMS,
  type ConstitutionType,
  type TcmScore,
} from '../../../../shared/domain/tcm';

/** All 33 answers 1 (从来没有), then the given items set. */
function answers(set: Record<number, TcmScore> = {}): TcmScore[] {
  return Array.from({ length: 33 }, (_, i) => set[i + 1] ?? 1);
}

/** Answers giving a biased type (not sharing items with 平和质) the sum `sum` (4 items, each 1–5). */
function withSum(type: ConstitutionType, sum: number, base: Record<number, TcmScore> = {}): Record<number, TcmScore> {
  const items = TYPE_ITEMS[type];
  const out = { ...base };
  let rest = sum;
  items.forEach((no, i) => {
    const left = items.length - i - 1;
    const v = Math.min(5, Math.max(1, rest - left)) as TcmScore;
    out[no] = v;
    rest -= v;
  });
  return out;
}

describe('the form', () => {
  it('has 33 items numbered 1–33, each type summing 4 (平和质 5) distinct items', () => {
    expect(TCM_ITEMS.map((i) => i.no)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
    const biasedItems = BIASED_TYPES.flatMap((t) => TYPE_ITEMS[t]);
    expect(new Set(biasedItems).size).toBe(32);
    expect([...new Set([...biasedItems, ...TYPE_ITEMS.pingHe])].sort((a, b) => a - b)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
  });
});

describe('biased types (tcm.md: ≥ 11 是, 9–10 倾向是, ≤ 8 否)', () => {
  it.each([
    [8, 'no'],
    [9, 'tendency'],
    [10, 'tendency'],
    [11, 'yes'],
  ] as const)('sum %i -> %s', (sum, result) => expect(biasedResult(sum)).toBe(result));

  it.each(BIASED_TYPES.flatMap((t) => [8, 9, 10, 11].map((sum) => [t, sum] as const)))('%s at %i through the 33 answers', (type, sum) => {
    const r = scoreTcm(answers(withSum(type, sum)));
    if (!r.ok) throw new Error('not scored');
    expect(r.scores.find((s) => s.type === type)).toMatchObject({ sum, result: biasedResult(sum) });
    expect(r.constitutions.includes(type)).toBe(sum >= 9);
  });
});

describe('平和质 (reverse items 2, 4, 5, 13; ≥ 17 with others ≤ 8 是, ≤ 10 基本是)', () => {
  it.each([
    [16, [8], 'no'],
    [17, [8], 'yes'],
    [17, [9], 'basically'],
    [17, [10], 'basically'],
    [17, [11], 'no'],
    [25, [4, 4, 11], 'no'],
  ] as const)('sum %i, others %j -> %s', (sum, others, result) => expect(pingHeResult(sum, others)).toBe(result));

  // Items 1=5 and 2,4,5,13 answered 1 (reversed to 5): 平和质 25. Item 1 answered lower lowers it.
  const pingHeAnswers = (item1: TcmScore) => ({ 1: item1 });
  it.each([
    [1, 21],
    [4, 24],
    [5, 25],
  ] as const)('item 1 = %i gives 平和质 sum %i (the reversed items count 5 when answered 1)', (item1, sum) => {
    const r = scoreTcm(answers(pingHeAnswers(item1)));
    expect(r.ok && r.scores[0]).toMatchObject({ type: 'pingHe', sum, result: 'yes' });
  });

  it.each([
    [8, 'yes'],
    [9, 'basically'],
    [10, 'basically'],
    [11, 'no'],
  ] as const)('平和质 17 with 阳虚质 at %i -> %s', (other, result) => {
    // 平和质 17: item 1 = 1 and item 13 answered 1 (→5), items 2,4,5 answered 3 (→3): 1 + 3 + 3 + 3 + 5 = 15; item 1 = 3 → 17.
    const base: Record<number, TcmScore> = { 1: 3, 2: 3, 4: 3, 5: 3 };
    // 阳虚质 (11, 12, 13, 29) includes item 13, which 平和质 reverses: keep 13 at 1 and put the sum on 11, 12, 29.
    const rest = other - 1;
    const set: Record<number, TcmScore> = { ...base, 13: 1, 11: Math.min(5, rest - 2) as TcmScore };
    const left = rest - (set[11] ?? 0);
    set[12] = Math.min(5, left - 1) as TcmScore;
    set[29] = (left - set[12]) as TcmScore;
    const r = scoreTcm(answers(set));
    if (!r.ok) throw new Error('not scored');
    expect(r.scores.find((s) => s.type === 'yangXu')?.sum).toBe(other);
    expect(r.scores[0]).toMatchObject({ type: 'pingHe', sum: 17, result });
  });

  it('平和质 16 is 否 even with every other type at 4', () => {
    const r = scoreTcm(answers({ 1: 2, 2: 3, 4: 3, 5: 3 }));
    expect(r.ok && r.scores[0]).toMatchObject({ sum: 16, result: 'no' });
  });
});

describe('bad answers', () => {
  it('a blank item is refused with its number', () => {
    const a: unknown[] = answers();
    a[16] = undefined;
    a[32] = 6;
    expect(scoreTcm(a)).toEqual({ ok: false, missing: [17, 33] });
  });
  it('too few answers are refused', () => expect(scoreTcm(answers().slice(0, 32))).toEqual({ ok: false, missing: [33] }));
});

describe('items scored from measurements', () => {
  it.each([
    [23.9, 1],
    [24, 2],
    [24.9, 2],
    [25, 3],
    [26, 4],
    [27.9, 4],
    [28, 5],
  ] as const)('item 9: BMI %f -> %i', (bmi, score) => expect(item9FromBmi(bmi)).toBe(score));
  it.each([
    [79, 1],
    [80, 2],
    [85, 2],
    [86, 3],
    [90, 3],
    [91, 4],
    [105, 4],
    [106, 5],
  ] as const)('item 28: waist %i cm -> %i', (waist, score) => expect(item28FromWaist(waist)).toBe(score));
});

describe('guidance', () => {
  it('every type has 饮食调养 guidance; the defaults tick what the type has', () => {
    const all = defaultGuidance(['pingHe', ...BIASED_TYPES]);
    for (const t of ['pingHe', ...BIASED_TYPES] as const) expect(all[t]).toContain(2);
    expect(defaultGuidance(['qiXu']).qiXu).toEqual([1, 2, 3, 4, 5]);
  });
});
