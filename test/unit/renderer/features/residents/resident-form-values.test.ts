import { describe, expect, it } from 'vitest';
import { residentInputFor } from '../../../../../shared/schemas/resident';
import { exclusiveNoneChange } from '../../../../../renderer/features/residents/code-options';
import { formPathOf, fromResident, toResidentInput } from '../../../../../renderer/features/residents/resident-form-values';
import { parseRouteParams, routeHref } from '../../../../../renderer/features/residents/route';

const base = {
  name: ' 张三 ',
  idType: 'residentId' as const,
  idNumber: '11010519491231002x',
  sex: '2',
  birthDate: '1949-12-31',
  villageCode: '441521101201',
  createdDate: '2024-05-01',
  phone: '',
};

describe('exclusiveNoneChange: "无" (code 1) excludes every other code (records.md §2)', () => {
  it.each([
    [[], ['1'], ['1']],
    [['2', '3'], ['2', '3', '1'], ['1']],
    [['1'], ['1', '2'], ['2']],
    [['2'], ['2', '3'], ['2', '3']],
    [['2', '3'], ['3'], ['3']],
  ])('%j → %j gives %j', (prev, next, expected) => expect(exclusiveNoneChange(prev, next)).toEqual(expected));
});

describe('toResidentInput', () => {
  it('trims, upper-cases the check character, drops blank optional fields, and passes the shared rules', () => {
    const input = toResidentInput(base);
    expect(input).toMatchObject({ name: '张三', idNumber: '11010519491231002X', paymentMethods: [], pastDiseases: [], flags: {} });
    expect(input).not.toHaveProperty('phone');
    expect(residentInputFor('2024-06-01').safeParse(input).success).toBe(true);
  });

  it('keeps the diagnosis month and name per ticked past disease, and surgeries as 无 = [] / 有 = rows', () => {
    const input = toResidentInput({
      ...base,
      pastDiseaseCodes: ['2', '6'],
      pastDiseaseMonths: { '2': '2019-06', '6': '' },
      pastDiseaseNames: { '2': 'ignored', '6': '胃癌' },
      surgeriesHas: '1',
      injuriesHas: '2',
      injuries: [{ name: '骨折', date: '2001-02-03' }, { name: ' ' }],
      flags: ['isPoor'],
    });
    expect(input.pastDiseases).toEqual([{ code: '2', diagnosedMonth: '2019-06' }, { code: '6', name: '胃癌' }]);
    expect(input.surgeries).toEqual([]);
    expect(input.injuries).toEqual([{ name: '骨折', date: '2001-02-03' }]);
    expect(input).not.toHaveProperty('transfusions');
    expect(input.flags).toEqual({ isPoor: true });
  });

  it('round-trips through fromResident', () => {
    const input = residentInputFor('2024-06-01').parse(
      toResidentInput({ ...base, pastDiseaseCodes: ['3'], pastDiseaseMonths: { '3': '2020-01' }, familyFather: ['2'], geneticHas: '1' }),
    );
    const values = fromResident({ ...input, id: 'r1', clinicCode: '441521101', recordNo: '44152110120100001', status: 'active', createdAt: 1, updatedAt: 1 } as never);
    expect(residentInputFor('2024-06-01').parse(toResidentInput(values))).toEqual(input);
  });
});

describe('formPathOf puts each rule message next to its field', () => {
  const input = { pastDiseases: [{ code: '2' }, { code: '6' }] };
  it.each([
    ['input.name', ['name']],
    ['birthDate', ['birthDate']],
    ['pastDiseases.1.diagnosedMonth', ['pastDiseaseMonths', '6']],
    ['pastDiseases.1.name', ['pastDiseaseNames', '6']],
    ['pastDiseases', ['pastDiseaseCodes']],
    ['familyHistory.mother', ['familyMother']],
    ['injuries.0.date', ['injuries', 0, 'date']],
    ['geneticDisease.name', ['geneticName']],
  ])('%s → %j', (path, name) => expect(formPathOf(path, input)).toEqual(name));
});

describe('route', () => {
  it('writes and reads the parameters after the section', () => {
    expect(routeHref('checks', { residentId: 'a b', open: '' })).toBe('#/checks?residentId=a+b');
    expect(parseRouteParams('#/checks?residentId=a+b')).toEqual({ residentId: 'a b' });
    expect(parseRouteParams('#/residents')).toEqual({});
  });
});
