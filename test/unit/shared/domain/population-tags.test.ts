import { describe, expect, it } from 'vitest';
import { populationTags, tagSourceFromResident, type TagSource } from '../../../../shared/domain/population-tags';

const base: TagSource = {
  birthDate: '1980-06-15',
  sex: '1',
  pastDiseaseCodes: [],
  disabilityCodes: [],
  activeRegistries: [],
  flags: {},
};
const TODAY = '2026-06-15';

describe('populationTags (contracting.md §4)', () => {
  it.each([
    ['1961-06-16', []],
    ['1961-06-15', ['elderly65']],
    ['1920-01-01', ['elderly65']],
    ['2019-06-16', ['child0to6']],
    ['2019-06-15', []],
    ['2026-06-15', ['child0to6']],
    ['2026-06-16', []],
  ])('born %s → %o', (birthDate, tags) => expect(populationTags({ ...base, birthDate }, TODAY)).toEqual(tags));

  it('turns 65 on 1 March in a common year when born on 29 February', () => {
    const b = { ...base, birthDate: '1960-02-29' };
    expect(populationTags(b, '2025-02-28')).toEqual([]);
    expect(populationTags(b, '2025-03-01')).toEqual(['elderly65']);
  });

  it.each([
    [{ pastDiseaseCodes: ['2'] }, ['htn']],
    [{ pastDiseaseCodes: ['3', '2'] }, ['htn', 't2dm']],
    [{ pastDiseaseCodes: ['8'] }, ['smi']],
    [{ pastDiseaseCodes: ['9'] }, []],
    [{ pastDiseaseCodes: ['1'] }, []],
    [{ activeRegistries: ['tb', 't2dm'] }, ['t2dm', 'tb']],
    [{ activeRegistries: ['htn'], pastDiseaseCodes: ['2'] }, ['htn']],
    [{ disabilityCodes: ['1'] }, []],
    [{ disabilityCodes: ['5'] }, ['disabled']],
    [{ flags: { isPregnant: true } }, []],
    [{ sex: '2', flags: { isPregnant: true } }, ['pregnant']],
    [{ flags: { isPoor: true, isFpSpecialFamily: true } }, ['poor', 'fpSpecialFamily']],
  ] as [Partial<TagSource>, string[]][])('%o → %o', (patch, tags) =>
    expect(populationTags({ ...base, ...patch }, TODAY)).toEqual(tags),
  );
});

describe('tagSourceFromResident', () => {
  it('feeds a stored resident into the tags', () => {
    const resident = {
      birthDate: '1950-01-01',
      sex: '2',
      pastDiseases: [{ code: '3', diagnosedMonth: '2010-01' }],
      disabilities: ['1'],
      flags: { isPoor: true },
    };
    expect(populationTags(tagSourceFromResident(resident, ['htn']), TODAY)).toEqual(['elderly65', 'htn', 't2dm', 'poor']);
  });
});
