/**
 * 老年人生活自理能力评估表 (records.md §4): five self-rated items, each scored at one of four levels with
 * item-specific points. The band is copied to 健康体检表 `elderSelfCare`.
 */

export const SELF_CARE_ITEMS = ['meal', 'grooming', 'dressing', 'toileting', 'mobility'] as const;
export type SelfCareItem = (typeof SELF_CARE_ITEMS)[number];

/**
 * Points per level [可自理, 轻度依赖, 中度依赖, 不能自理]. Where two levels share 0 (meal, dressing) the
 * item has only three distinct scores.
 */
export const SELF_CARE_LEVEL_SCORES: Readonly<Record<SelfCareItem, readonly [number, number, number, number]>> = {
  meal: [0, 0, 3, 5],
  grooming: [0, 1, 3, 7],
  dressing: [0, 0, 3, 5],
  toileting: [0, 1, 5, 10],
  mobility: [0, 1, 5, 10],
};

export const SELF_CARE_ITEM_NAMES: Readonly<Record<SelfCareItem, { zh: string; en: string }>> = {
  meal: { zh: '进餐', en: 'Eating' },
  grooming: { zh: '梳洗', en: 'Grooming' },
  dressing: { zh: '穿衣', en: 'Dressing' },
  toileting: { zh: '如厕', en: 'Toileting' },
  mobility: { zh: '活动', en: 'Mobility' },
};

export function allowedScores(item: SelfCareItem): number[] {
  return [...new Set(SELF_CARE_LEVEL_SCORES[item])];
}

export function isAllowedScore(item: SelfCareItem, score: number): boolean {
  return SELF_CARE_LEVEL_SCORES[item].includes(score);
}

export type SelfCareScores = Record<SelfCareItem, number>;

/** 1 可自理, 2 轻度依赖, 3 中度依赖, 4 不能自理 — the codes of 健康体检表 `elderSelfCare`. */
export type SelfCareBand = 1 | 2 | 3 | 4;

/** records.md §4: 0–3 → 1, 4–8 → 2, 9–18 → 3, ≥ 19 → 4 (≥ 19, not "> 19": the Spec's intent). */
export function selfCareBand(total: number): SelfCareBand {
  if (total <= 3) return 1;
  if (total <= 8) return 2;
  if (total <= 18) return 3;
  return 4;
}

export type SelfCareResult =
  | { ok: true; total: number; band: SelfCareBand }
  | { ok: false; invalidItems: SelfCareItem[] };

/** Refuses any item score the form cannot produce (e.g. 进餐 = 1), rather than summing it. */
export function scoreSelfCare(scores: SelfCareScores): SelfCareResult {
  const invalidItems = SELF_CARE_ITEMS.filter((item) => !isAllowedScore(item, scores[item]));
  if (invalidItems.length > 0) return { ok: false, invalidItems };
  const total = SELF_CARE_ITEMS.reduce((sum, item) => sum + scores[item], 0);
  return { ok: true, total, band: selfCareBand(total) };
}
