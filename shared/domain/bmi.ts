/** 体质指数 and central obesity for Chinese adults (records.md §3.2, WS/T 428-2013). BMI is computed, never typed. */

/**
 * BMI = kg / m², one decimal, rounded half-up. Computed in integer tenths of a unit where possible so that
 * 23.95 does not become 23.9 through binary floating point.
 */
export function computeBmi(weightKg: number, heightCm: number): number | null {
  if (!(weightKg > 0) || !(heightCm > 0) || !Number.isFinite(weightKg) || !Number.isFinite(heightCm)) return null;
  const raw = (weightKg * 10_000) / (heightCm * heightCm);
  return Math.round(raw * 10 + 1e-9) / 10;
}

export type BmiBand = 'underweight' | 'normal' | 'overweight' | 'obese';

/** WS/T 428: < 18.5 underweight; 18.5 ≤ BMI < 24 normal; 24 ≤ BMI < 28 overweight; ≥ 28 obese. */
export function bmiBand(bmi: number): BmiBand {
  if (bmi < 18.5) return 'underweight';
  if (bmi < 24) return 'normal';
  if (bmi < 28) return 'overweight';
  return 'obese';
}

/** 中心型肥胖: waist ≥ 90 cm for men, ≥ 85 cm for women (WS/T 428). Null when sex is not 1 or 2. */
export function hasCentralObesity(waistCm: number, sex: number): boolean | null {
  if (sex === 1) return waistCm >= 90;
  if (sex === 2) return waistCm >= 85;
  return null;
}
