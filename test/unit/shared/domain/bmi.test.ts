import { describe, expect, it } from 'vitest';
import { bmiBand, computeBmi, hasCentralObesity } from '../../../../shared/domain/bmi';

describe('BMI (records.md §3.2, WS/T 428)', () => {
  it.each([
    [70, 175, 22.9],
    [60, 160, 23.4],
    [80, 170, 27.7],
    [50, 170, 17.3],
    [100, 150, 44.4],
    [3.5, 50, 14],
  ])('%f kg, %f cm → %f', (w, h, bmi) => expect(computeBmi(w, h)).toBe(bmi));

  it('rounds half up at one decimal', () => {
    // 24.05 exactly: 96.2 kg at 200 cm
    expect(computeBmi(96.2, 200)).toBe(24.1);
    // 23.95: 95.8 kg at 200 cm
    expect(computeBmi(95.8, 200)).toBe(24);
  });

  it.each([
    [0, 170],
    [70, 0],
    [-1, 170],
    [Number.NaN, 170],
    [70, Number.POSITIVE_INFINITY],
  ])('refuses %f kg, %f cm', (w, h) => expect(computeBmi(w, h)).toBeNull());

  it.each([
    [10, 'underweight'],
    [18.4, 'underweight'],
    [18.5, 'normal'],
    [23.9, 'normal'],
    [24, 'overweight'],
    [27.9, 'overweight'],
    [28, 'obese'],
    [45, 'obese'],
  ] as const)('BMI %f is %s', (bmi, band) => expect(bmiBand(bmi)).toBe(band));

  it.each([
    [89.9, 1, false],
    [90, 1, true],
    [84.9, 2, false],
    [85, 2, true],
    [89, 2, true],
    [100, 0, null],
    [100, 9, null],
  ])('waist %f cm, sex %i → central obesity %s', (waist, sex, expected) => expect(hasCentralObesity(waist, sex)).toBe(expected));
});
