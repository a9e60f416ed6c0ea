import { describe, expect, it } from 'vitest';
import {
  clinicCoversVillage,
  countyPrefix,
  divisionLevel,
  hasKnownProvince,
  isClinicCode,
  isVillageCode,
  townshipPrefix,
  villageSegment,
} from '../../../../shared/domain/division-code';

describe('division codes (identifiers.md §3)', () => {
  it.each([
    ['440304', 'county'],
    ['440304001', 'township'],
    ['440304001101', 'village'],
    ['110105', 'county'],
    ['820000', 'county'],
    ['100304', null],
    ['990304001', null],
    ['44030400', null],
    ['4403040011012', null],
    ['44030400110A', null],
    ['', null],
  ] as const)('%s → %s', (code, level) => expect(divisionLevel(code)).toBe(level));

  it.each([
    ['11', true],
    ['15', true],
    ['16', false],
    ['20', false],
    ['65', true],
    ['66', false],
    ['71', true],
    ['81', true],
    ['82', true],
    ['83', false],
    ['90', false],
  ])('province %s known: %s', (p, known) => expect(hasKnownProvince(`${p}0304`)).toBe(known));

  it.each([
    ['440304001', true],
    ['440304001101', true],
    ['440304', false],
    ['44030400110', false],
  ])('clinic code %s → %s', (code, ok) => expect(isClinicCode(code)).toBe(ok));

  it('takes prefixes and the village segment', () => {
    expect(countyPrefix('440304001101')).toBe('440304');
    expect(townshipPrefix('440304001101')).toBe('440304001');
    expect(villageSegment('440304001101')).toBe('101');
    expect(isVillageCode('440304001101')).toBe(true);
    expect(isVillageCode('440304001')).toBe(false);
  });

  it.each([
    ['440304001', '440304001101', true],
    ['440304001', '440304002101', false],
    ['440304001101', '440304001101', true],
    ['440304001101', '440304001102', false],
    ['440304', '440304001101', false],
  ])('clinic %s covers %s: %s', (clinic, village, covers) => expect(clinicCoversVillage(clinic, village)).toBe(covers));
});
