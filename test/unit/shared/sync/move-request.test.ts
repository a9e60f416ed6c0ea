/**
 * 迁出申请 (issue 13 item 6): the request names its destination as `toVillageCode`, so the access check, which reaches
 * every `villageCode` an input names, asks only that the caller may reach the resident (a village doctor moves their
 * resident to another clinic's village they cannot see); and the synced document's shape.
 */
import { describe, expect, it } from 'vitest';
import { scopeTargets } from '../../../../shared/domain/access-scope';
import { MoveRequest, moveRequestId } from '../../../../shared/sync/moves';

describe('move requests', () => {
  it('are checked against the resident only, not the destination village', () => {
    expect(scopeTargets('residents.requestMove', { id: 'r1', toVillageCode: '441521102201', reason: '' })).toEqual([{ kind: 'resident', id: 'r1' }]);
  });

  it.each([
    ['pending', {}, true],
    ['applied', { toClinicCode: '441521102', decidedAt: 2 }, true],
    ['refused', { refusal: 'No registered clinic serves village 441521109901.', decidedAt: 2 }, true],
    ['unknown status', { status: 'done' }, false],
    ['an 11-digit village', { toVillageCode: '44152110220' }, false],
  ])('a %s request parses: %s', (_name, over, ok) => {
    const base = { residentId: 'r1', fromVillageCode: '441521101201', toVillageCode: '441521102201', reason: '', requestedBy: 'admin', requestedAt: 1, status: 'pending' };
    expect(MoveRequest.safeParse({ ...base, ...over }).success).toBe(ok);
  });

  it('has one document per resident', () => {
    expect(moveRequestId('r1')).toBe('moveRequest:r1');
  });
});
