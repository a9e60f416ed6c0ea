import { describe, expect, it } from 'vitest';
import { inScope, planPurge, pushDecision, rehome, type CollectionDoc } from '../../../../shared/sync/moves';

const OLD = '441521101201';
const NEW = '441521102305';
const AT = 1_800_000_000_000;

const docs: CollectionDoc[] = [
  { collection: 'residents', doc: { id: 'r1', clinicCode: '441521101', villageCode: OLD, updatedAt: 10 } },
  { collection: 'encounters', doc: { id: 'e1', clinicCode: '441521101', villageCode: OLD, residentId: 'r1', updatedAt: 20 } },
  { collection: 'encounters', doc: { id: 'e2', clinicCode: '441521101', villageCode: OLD, residentId: 'r2', updatedAt: 20 } },
  { collection: 'contracts', doc: { id: 'c1', clinicCode: '441521101', villageCode: OLD, residentId: 'r1', updatedAt: 30 } },
  { collection: 'households', doc: { id: 'h1', clinicCode: '441521101', villageCode: OLD, updatedAt: 5 } },
  { collection: 'residents', doc: { id: 'r2', clinicCode: '441521101', villageCode: OLD, updatedAt: 10 } },
];

describe('re-homing a resident who moved (issue 13 item 6)', () => {
  it('moves the resident and every encounter and contract about them, nothing else', () => {
    const moved = rehome('r1', docs, { villageCode: NEW, clinicCode: '441521102', at: AT });
    expect(moved.map((m) => `${m.collection}/${m.doc.id}`)).toEqual(['residents/r1', 'encounters/e1', 'contracts/c1']);
    for (const m of moved) expect(m.doc).toMatchObject({ villageCode: NEW, clinicCode: '441521102', updatedAt: AT });
    expect(moved[0]?.doc).toMatchObject({ householdId: '' });
  });

  it('a second run writes nothing', () => {
    const once = rehome('r1', docs, { villageCode: NEW, clinicCode: '441521102', at: AT });
    const after = docs.map((d) => once.find((m) => m.doc.id === d.doc.id) ?? d);
    expect(rehome('r1', after, { villageCode: NEW, clinicCode: '441521102', at: AT + 1 })).toEqual([]);
  });

  it('the new updatedAt is later than the document’s own even when the platform clock is behind', () => {
    const [m] = rehome('r1', docs, { villageCode: NEW, clinicCode: '441521101', at: 1 });
    expect(m?.doc.updatedAt).toBe(11);
  });

  it.each(['44152110230', '4415211023051', '4415211023x5'])('refuses village code %s', (v) =>
    expect(() => rehome('r1', docs, { villageCode: v, clinicCode: '441521101', at: AT })).toThrow(RangeError));
});

describe('purging a resident who left the device scope', () => {
  const scope = new Set([OLD]);
  const moved = docs.map((d) => (d.doc.id === 'r1' || d.doc.residentId === 'r1' ? { ...d, doc: { ...d.doc, villageCode: NEW } } : d));

  it('nothing leaves while everything is in scope', () => {
    expect(planPurge(docs, scope, new Set())).toEqual({ purge: [], waiting: [] });
  });

  it('purges the resident and their documents once nothing of theirs is pending', () => {
    expect(planPurge(moved, scope, new Set(['e2']))).toEqual({
      purge: [
        { collection: 'contracts', id: 'c1' },
        { collection: 'encounters', id: 'e1' },
        { collection: 'residents', id: 'r1' },
      ],
      waiting: [],
    });
  });

  it.each(['r1', 'e1', 'c1'])('waits while %s has a pending edit', (pending) => {
    expect(planPurge(moved, scope, new Set([pending]))).toEqual({ purge: [], waiting: ['r1'] });
  });

  it('a document for a resident the device never had is left alone', () => {
    const orphan: CollectionDoc = { collection: 'encounters', doc: { id: 'e9', clinicCode: 'x', villageCode: NEW, residentId: 'r9' } };
    expect(planPurge([...docs, orphan], scope, new Set()).purge).toEqual([]);
  });
});

describe('what the platform does with a push', () => {
  const scope = new Set([OLD]);
  it.each([
    ['in scope, new', { villageCode: OLD }, null, { kind: 'accept' }],
    ['in scope, known', { villageCode: OLD }, { villageCode: OLD }, { kind: 'accept' }],
    ['resident moved away meanwhile', { villageCode: OLD }, { villageCode: NEW }, { kind: 'park', reason: 'movedAway' }],
    ['another village', { villageCode: NEW }, null, { kind: 'park', reason: 'outOfScope' }],
    ['no village', {}, null, { kind: 'park', reason: 'outOfScope' }],
  ])('%s', (_label, pushed, current, expected) => expect(pushDecision(pushed, current, scope)).toEqual(expected));

  it('inScope needs a village code', () => expect(inScope({}, scope)).toBe(false));
});
