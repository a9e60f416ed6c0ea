import { describe, expect, it } from 'vitest';
import { scopeTargets, villagesVisibleTo, type ScopeTarget } from '../../../../shared/domain/access-scope';

const A = '441521101201';

describe('villagesVisibleTo (issue 11 §1)', () => {
  it.each([
    ['villageDoctor', [A], [A]],
    ['villageDoctor', [], []],
    ['villageDoctor', undefined, []],
    ['townshipDoctor', [A], null],
    ['checkStaff', undefined, null],
    ['admin', [], null],
  ] as const)('%s with villages %j sees %j (null: clinic-wide)', (role, villages, expected) => {
    const seen = villagesVisibleTo({ role, villages });
    expect(seen === null ? null : [...seen]).toEqual(expected);
  });
});

describe('scopeTargets: what a call names', () => {
  it.each<[string, unknown, ScopeTarget[]]>([
    ['residents.get', { id: 'r1' }, [{ kind: 'resident', id: 'r1' }]],
    ['residents.merge', { keepId: 'r1', mergeId: 'r2', reason: 'x' }, [{ kind: 'resident', id: 'r1' }, { kind: 'resident', id: 'r2' }]],
    ['residents.create', { input: { villageCode: A, name: 'x' }, clientId: 'c1' }, [{ kind: 'village', code: A }, { kind: 'resident', id: 'c1' }]],
    ['households.addMember', { id: 'h1', residentId: 'r1' }, [{ kind: 'resident', id: 'r1' }, { kind: 'household', id: 'h1' }]],
    ['healthChecks.saveDraft', { data: { residentId: 'r1' } }, [{ kind: 'resident', id: 'r1' }]],
    ['healthChecks.amend', { id: 'e1', basedOn: 'e2', data: {} }, [{ kind: 'encounter', id: 'e1' }, { kind: 'encounter', id: 'e2' }]],
    ['followups.completeReferralCheck', { id: 'e1' }, [{ kind: 'encounter', id: 'e1' }]],
    ['contracts.sign', { householdId: 'h1', signerResidentId: 'r9' }, [{ kind: 'household', id: 'h1' }, { kind: 'resident', id: 'r9' }]],
    ['contracts.renew', { id: 'k1' }, [{ kind: 'contract', id: 'k1' }]],
    ['syncReview.settleDuplicate', { id: 'v1', keepId: 'r1' }, [{ kind: 'resident', id: 'r1' }, { kind: 'review', id: 'v1' }]],
    ['worklist.get', { villageCode: A, offset: 0 }, [{ kind: 'village', code: A }]],
    ['residents.list', { offset: 0, limit: 10 }, []],
    ['residents.search', { query: 'zs' }, []],
    ['reports.get', { scope: { kind: 'village', villageCode: A } }, [{ kind: 'village', code: A }]],
    ['reports.get', { scope: { kind: 'clinic' } }, [{ kind: 'clinicWide', what: 'report:clinic' }]],
    ['reports.exportXlsx', { scope: { kind: 'team', teamId: 't1' } }, [{ kind: 'clinicWide', what: 'report:team' }]],
    // `id` means nothing outside the domains that name their records by it.
    ['registries.forResident', { residentId: 'r1', id: 'x' }, [{ kind: 'resident', id: 'r1' }]],
    // Empty strings name nothing.
    ['residents.list', { villageCode: '' }, []],
  ])('%s %j', (method, input, expected) => {
    expect(scopeTargets(method, input)).toEqual(expected);
  });

  it('reads no deeper than a form nests, and ignores what is not an object', () => {
    const deep = { a: { b: { c: { d: { e: { residentId: 'r1' } } } } } };
    expect(scopeTargets('residents.update', deep)).toEqual([]);
    expect(scopeTargets('residents.get', null)).toEqual([]);
    expect(scopeTargets('residents.get', 'r1')).toEqual([]);
  });
});
