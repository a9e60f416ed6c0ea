import { describe, expect, it } from 'vitest';
import { bpGrade, classificationReading, isIsolatedSystolic } from '../../../../shared/domain/blood-pressure';

describe('BP grades (followups.md §1, 2018 Chinese guideline)', () => {
  it.each([
    [119, 79, 'normal'],
    [120, 79, 'highNormal'],
    [119, 80, 'highNormal'],
    [139, 89, 'highNormal'],
    [140, 70, 'grade1'],
    [130, 90, 'grade1'],
    [159, 99, 'grade1'],
    [160, 80, 'grade2'],
    [150, 100, 'grade2'],
    [179, 109, 'grade2'],
    [180, 80, 'grade3'],
    [150, 110, 'grade3'],
  ] as const)('%i/%i → %s', (sbp, dbp, grade) => expect(bpGrade({ sbp, dbp })).toBe(grade));

  it.each([
    [140, 89, true],
    [139, 89, false],
    [140, 90, false],
    [190, 70, true],
  ])('%i/%i isolated systolic: %s', (sbp, dbp, isolated) => expect(isIsolatedSystolic({ sbp, dbp })).toBe(isolated));
});

describe('classificationReading: the higher arm (records.md §3.2, app convention)', () => {
  const r = (sbp: number, dbp: number) => ({ sbp, dbp });
  it.each([
    [r(150, 80), r(140, 95), r(150, 80)],
    [r(140, 95), r(150, 80), r(150, 80)],
    [r(140, 90), r(140, 85), r(140, 90)],
    [r(140, 85), r(140, 90), r(140, 90)],
    [r(140, 85), r(140, 85), r(140, 85)],
    [r(130, 80), null, r(130, 80)],
    [null, r(130, 80), r(130, 80)],
    [undefined, undefined, null],
  ])('left %o, right %o → %o', (left, right, expected) => expect(classificationReading(left, right)).toEqual(expected));
});
