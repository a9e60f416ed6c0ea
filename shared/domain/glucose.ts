/**
 * Glucose as the doctor sees it: mmol/L with one decimal (DESIGN.md §1). Meter readings in mg/dL are converted on
 * acceptance and the raw value is kept. The emergency and classification rules compare the converted value, so the
 * rounding here decides whether 71 mg/dL (3.944…) is an emergency: it is recorded as 3.9, and 3.9 is one.
 * All rounding is done on integers: 3.95 is not representable in binary, and Math.round(3.95 * 10) gives 39.
 */

export type GlucoseUnit = 'mmol/L' | 'mg/dL';

/** mg/dL per mmol/L for glucose (DESIGN.md §1 fixes 18.0, not the molar 18.016). */
export const MG_DL_PER_MMOL_L = 18;

export interface GlucoseReading {
  /** The value the form shows and the rules compare: mmol/L, one decimal. */
  mmol: number;
  rawValue: number;
  rawUnit: GlucoseUnit;
}

/** Up to 6 decimals is far beyond any meter; the result is `value * 10^scale` as an exact integer. */
function toScaledInteger(value: number): { n: number; scale: number } {
  for (let scale = 0; scale <= 6; scale += 1) {
    const factor = 10 ** scale;
    const n = Math.round(value * factor);
    if (Math.abs(n - value * factor) < 1e-6) return { n, scale };
  }
  return { n: Math.round(value * 1e6), scale: 6 };
}

/** Integer division rounding half away from zero: glucose is never negative, so this is half-up. */
function divRoundHalfUp(numerator: number, denominator: number): number {
  const sign = numerator < 0 ? -1 : 1;
  const q = Math.floor((2 * Math.abs(numerator) + denominator) / (2 * denominator));
  return sign * q;
}

/** Round a mmol/L value to one decimal, half-up, without float artefacts (5.55 -> 5.6, 3.94 -> 3.9). */
export function roundMmol(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`Not a glucose value: ${value}`);
  const { n, scale } = toScaledInteger(value);
  return divRoundHalfUp(n * 10, 10 ** scale) / 10;
}

/** mg/dL -> mmol/L (÷ 18.0, half-up to one decimal): 71 -> 3.9, 300 -> 16.7, 99 -> 5.5, 81 -> 4.5. */
export function mgdlToMmol(mgdl: number): number {
  if (!Number.isFinite(mgdl) || mgdl < 0) throw new RangeError(`Not a glucose value: ${mgdl}`);
  const { n, scale } = toScaledInteger(mgdl);
  // mmol tenths = mgdl * 10 / 18 = n * 10 / (18 * 10^scale)
  return divRoundHalfUp(n * 10, MG_DL_PER_MMOL_L * 10 ** scale) / 10;
}

/** Accept a reading (device or typed) and keep the raw value beside the value the rules use. */
export function acceptGlucose(value: number, unit: GlucoseUnit): GlucoseReading {
  const mmol = unit === 'mg/dL' ? mgdlToMmol(value) : roundMmol(value);
  return { mmol, rawValue: value, rawUnit: unit };
}
