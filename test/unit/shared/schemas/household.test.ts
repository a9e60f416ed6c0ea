import { describe, expect, it } from 'vitest';
import { Household } from '../../../../shared/schemas/household';

const h = {
  id: 'h1',
  clinicCode: '440304001',
  villageCode: '440304001101',
  address: '一组12号',
  headResidentId: 'a',
  memberIds: ['a', 'b'],
  relations: { a: 'head', b: 'spouse' },
  createdAt: 1,
  updatedAt: 1,
};

describe('Household', () => {
  it.each([
    [{}, []],
    [{ headResidentId: 'c' }, ['headResidentId:validation.headNotMember']],
    [{ memberIds: ['a', 'b', 'b'] }, ['memberIds:validation.duplicateMember']],
    [{ relations: { a: 'head', c: 'child' } }, ['relations.c:validation.relationNotMember']],
    [{ relations: { a: 'spouse' } }, ['relations.a:validation.headRelation']],
  ])('%o → %o', (patch, expected) => {
    const r = Household.safeParse({ ...h, ...patch });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`)).toEqual(expected);
  });
});
