import { describe, expect, it } from 'vitest';
import { Resident, ResidentInput, residentInputFor, residentInputIssues } from '../../../../shared/schemas/resident';

const valid = {
  name: '张三',
  createdDate: '2026-11-20',
  sex: '1',
  birthDate: '2000-02-29',
  idNumber: '440304200002291236',
  villageCode: '440304001101',
  phone: '13800138000',
};

function issuesOf(input: unknown, today?: string) {
  const r = (today ? residentInputFor(today) : ResidentInput).safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`);
}

describe('ResidentInput', () => {
  it('accepts a minimal valid resident and applies defaults', () => {
    const r = ResidentInput.parse(valid);
    expect(r.idType).toBe('residentId');
    expect(r.pastDiseases).toEqual([]);
    expect(r.flags).toEqual({});
  });

  it('accepts a lowercase x and a resident without an ID number', () => {
    expect(issuesOf({ ...valid, birthDate: '1949-12-31', sex: '2', idNumber: '11010519491231002x' })).toEqual([]);
    const { idNumber: _omit, ...noId } = valid;
    expect(issuesOf(noId)).toEqual([]);
  });

  it.each([
    [{ idNumber: '440304200002291235' }, ['idNumber:validation.idCheckDigit']],
    [{ idNumber: '44030420000229123' }, ['idNumber:validation.idLength']],
    [{ idNumber: '44030420000229123A' }, ['idNumber:validation.idFormat']],
    [{ idNumber: '440304190002291234' }, ['idNumber:validation.idBirthDate']],
    [{ birthDate: '2000-03-01' }, ['birthDate:validation.birthDateMismatch']],
    [{ sex: '2' }, ['sex:validation.sexMismatch']],
    [{ sex: '9' }, ['sex:validation.sexMismatch']],
    [{ phone: '23800138000' }, ['phone:validation.phoneFormat']],
    [{ phone: '1380013800' }, ['phone:validation.phoneFormat']],
    [{ phone: '0755-12345678' }, []],
    [{ phone: '010-1234567-89' }, []],
    [{ birthDate: '2000-02-30' }, ['birthDate:validation.date']],
    [{ createdDate: '1999-12-31' }, ['createdDate:validation.beforeBirth']],
    [{ drugAllergies: ['1', '2'] }, ['drugAllergies:validation.noneExclusive']],
    [{ disabilities: ['1', '5'] }, ['disabilities:validation.noneExclusive']],
    [{ exposures: ['2', '4'] }, []],
    [{ pastDiseases: [{ code: '1' }, { code: '2', diagnosedMonth: '2020-05' }] }, ['pastDiseases:validation.noneExclusive']],
    [{ pastDiseases: [{ code: '2', diagnosedMonth: '1999-05' }] }, ['pastDiseases.0.diagnosedMonth:validation.beforeBirth']],
    [{ familyHistory: { father: ['1', '2'] } }, ['familyHistory.father:validation.noneExclusive']],
    [{ villageCode: '440304001' }, ['villageCode:validation.villageCode']],
    [{ name: '  ' }, ['name:validation.required']],
  ])('%o → %o', (patch, expected) => expect(issuesOf({ ...valid, ...patch })).toEqual(expected));

  it.each([
    ['2026-11-20', []],
    ['2026-11-19', ['createdDate:validation.futureDate']],
  ])('with today %s the created date is checked: %o', (today, expected) => expect(issuesOf(valid, today)).toEqual(expected));

  it('refuses a future birth date once today is known', () => {
    const baby = { ...valid, birthDate: '2026-11-21', createdDate: '2026-11-21' };
    const { idNumber: _omit, ...noId } = baby;
    expect(issuesOf(noId, '2026-11-20')).toEqual(['birthDate:validation.futureDate', 'createdDate:validation.futureDate']);
    expect(issuesOf(noId, '2026-11-21')).toEqual([]);
  });

  it('reports an ID number born after today as such', () => {
    const input = ResidentInput.parse({ ...valid, birthDate: '2026-11-21', createdDate: '2026-11-21', idNumber: undefined });
    expect(residentInputIssues({ ...input, idNumber: '440304202611211237' }, '2026-11-20')[0]).toMatchObject({
      path: 'idNumber',
      message: expect.stringMatching(/^validation\.id/),
    });
  });

  it('validates other document types by their own rules', () => {
    expect(issuesOf({ ...valid, idType: 'other', idNumber: 'E12345678' })).toEqual([]);
  });
});

describe('Resident', () => {
  it('adds identity, status and timestamps', () => {
    const doc = {
      ...valid,
      id: '0190b5a0-0000-7000-8000-000000000001',
      clinicCode: '440304001',
      recordNo: '44030400110100001',
      status: 'active',
      createdAt: 1_763_600_000_000,
      updatedAt: 1_763_600_000_000,
    };
    expect(Resident.safeParse(doc).success).toBe(true);
    expect(Resident.safeParse({ ...doc, status: 'deleted' }).success).toBe(false);
    expect(Resident.safeParse({ ...doc, recordNo: '4403040011010000' }).success).toBe(false);
    expect(Resident.safeParse({ ...doc, clinicCode: '440304' }).success).toBe(false);
  });
});
