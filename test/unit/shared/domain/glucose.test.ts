import { describe, expect, it } from 'vitest';
import { acceptGlucose, mgdlToMmol, roundMmol } from '../../../../shared/domain/glucose';

describe('mgdlToMmol (DESIGN.md §1: ÷ 18.0, half-up to one decimal)', () => {
  it.each([
    [71, 3.9], // 3.944… -> 3.9, an emergency (followups.md §4)
    [72, 4.0],
    [70, 3.9], // 3.888…
    [69, 3.8], // 3.833…
    [300, 16.7], // 16.666… -> 16.7, an emergency
    [299, 16.6], // 16.611…
    [301, 16.7],
    [126, 7.0],
    [125, 6.9], // 6.944…
    [81, 4.5], // exactly 4.5
    [99, 5.5],
    [0.9, 0.1], // 0.05 exactly: half-up
    [0.8, 0.0], // 0.0444…
    [2.7, 0.2], // 0.15 exactly: float would give 0.1 or 0.2 depending on path
    [18.9, 1.1], // 1.05 exactly
    [62.1, 3.5], // 3.45 exactly
    [0, 0],
    [600, 33.3],
  ])('%f mg/dL is %f mmol/L', (mgdl, mmol) => expect(mgdlToMmol(mgdl)).toBe(mmol));

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %f', (v) =>
    expect(() => mgdlToMmol(v)).toThrow(RangeError),
  );
});

describe('roundMmol (half-up on the decimal value, not the binary one)', () => {
  it.each([
    [3.94, 3.9],
    [3.95, 4.0],
    [5.55, 5.6],
    [1.05, 1.1],
    [16.65, 16.7],
    [16.649, 16.6],
    [7, 7],
    [6.95, 7.0],
    [0.15, 0.2],
  ])('%f -> %f', (v, r) => expect(roundMmol(v)).toBe(r));
});

describe('acceptGlucose', () => {
  it('keeps the raw mg/dL value', () =>
    expect(acceptGlucose(71, 'mg/dL')).toEqual({ mmol: 3.9, rawValue: 71, rawUnit: 'mg/dL' }));
  it('rounds a typed mmol/L value', () =>
    expect(acceptGlucose(6.95, 'mmol/L')).toEqual({ mmol: 7.0, rawValue: 6.95, rawUnit: 'mmol/L' }));
});
