/** Blood-pressure grades for display and the arm used for classification (records.md §3.2, followups.md §1). */

export interface BpReading {
  sbp: number;
  dbp: number;
}

/** 2018 Chinese guideline grades. Display only: follow-up classification has its own rules (followups.md §5). */
export type BpGrade = 'normal' | 'highNormal' | 'grade1' | 'grade2' | 'grade3';

/**
 * The higher of the SBP-based and DBP-based grades ("and/or" in the guideline): 150/105 is grade 2.
 */
export function bpGrade({ sbp, dbp }: BpReading): BpGrade {
  if (sbp >= 180 || dbp >= 110) return 'grade3';
  if (sbp >= 160 || dbp >= 100) return 'grade2';
  if (sbp >= 140 || dbp >= 90) return 'grade1';
  if (sbp >= 120 || dbp >= 80) return 'highNormal';
  return 'normal';
}

/** 单纯收缩期高血压: SBP ≥ 140 and DBP < 90; shown beside the grade. */
export function isIsolatedSystolic({ sbp, dbp }: BpReading): boolean {
  return sbp >= 140 && dbp < 90;
}

/**
 * The reading used for classification when both arms are measured: the arm with the higher SBP, on a tie the
 * higher DBP (records.md §3.2, **app convention**). Null when neither arm was measured.
 */
export function classificationReading(left: BpReading | null | undefined, right: BpReading | null | undefined): BpReading | null {
  if (!left) return right ?? null;
  if (!right) return left;
  if (left.sbp !== right.sbp) return left.sbp > right.sbp ? left : right;
  return left.dbp >= right.dbp ? left : right;
}
