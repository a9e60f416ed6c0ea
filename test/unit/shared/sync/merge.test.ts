import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, conflictHandlerFor, isEqualDoc, resolveConflict, type FieldConflict, type SyncDoc } from '../../../../shared/sync/merge';

const base: SyncDoc = {
  id: 'r1',
  _deleted: false,
  name: '张三',
  phone: '13800000000',
  villageCode: '441521101201',
  updatedAt: 1_000,
  data: { address: '东光村1号', phone: '13800000000', allergies: ['青霉素'], contact: { name: '李四', phone: '13900000000' } },
};

function edit(doc: SyncDoc, at: number, patch: Record<string, unknown>, data: Record<string, unknown> = {}): SyncDoc {
  return { ...doc, ...patch, updatedAt: at, data: { ...(doc['data'] as object), ...data } };
}

/** `assumed` null: no base (first contact, offline bundle). */
function merge(a: SyncDoc, b: SyncDoc, assumed: SyncDoc | null = base, collection = 'residents') {
  return resolveConflict(collection, { assumedMasterState: assumed ?? undefined, realMasterState: a, newDocumentState: b });
}

function paths(conflicts: FieldConflict[]): string[] {
  return conflicts.map((c) => c.path);
}

describe('three-way merge of one document (issue 13 item 4)', () => {
  it('equal sides: the master state, no conflict', () => {
    const r = merge(base, { ...base, _rev: '2-x', _meta: { lwt: 5 } });
    expect(r.resolved).toBe(base);
    expect(r.conflicts).toEqual([]);
  });

  it('different fields changed on each side: both changes kept, no conflict', () => {
    const a = edit(base, 2_000, { name: '张叁' });
    const b = edit(base, 3_000, {}, { address: '东光村2号' });
    const r = merge(a, b);
    expect(r.resolved['name']).toBe('张叁');
    expect((r.resolved['data'] as Record<string, unknown>)['address']).toBe('东光村2号');
    expect(r.resolved['updatedAt']).toBe(3_000);
    expect(r.conflicts).toEqual([]);
  });

  it('fields of data merge one by one, nested objects too', () => {
    const a = edit(base, 2_000, {}, { contact: { name: '李四', phone: '13911111111' } });
    const b = edit(base, 2_500, {}, { contact: { name: '李五', phone: '13900000000' } });
    const r = merge(a, b);
    expect((r.resolved['data'] as Record<string, unknown>)['contact']).toEqual({ name: '李五', phone: '13911111111' });
    expect(r.conflicts).toEqual([]);
  });

  it('arrays are values: both sides changing one is a conflict, the later save wins', () => {
    const a = edit(base, 2_000, {}, { allergies: ['青霉素', '磺胺'] });
    const b = edit(base, 2_001, {}, { allergies: [] });
    const r = merge(a, b);
    expect((r.resolved['data'] as Record<string, unknown>)['allergies']).toEqual([]);
    expect(r.conflicts).toEqual([
      {
        collection: 'residents',
        docId: 'r1',
        path: 'data.allergies',
        base: ['青霉素'],
        winner: { value: [], updatedAt: 2_001 },
        loser: { value: ['青霉素', '磺胺'], updatedAt: 2_000 },
      },
    ]);
  });

  it('the same field changed both ways: the later save wins and the conflict is recorded with both values', () => {
    const a = edit(base, 5_000, { phone: '13811111111' });
    const b = edit(base, 4_000, { phone: '13822222222' });
    const r = merge(a, b);
    expect(r.resolved['phone']).toBe('13811111111');
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ path: 'phone', base: '13800000000', winner: { value: '13811111111', updatedAt: 5_000 }, loser: { value: '13822222222', updatedAt: 4_000 } });
  });

  it('the same field changed to the same value on both sides is no conflict', () => {
    const r = merge(edit(base, 2_000, { phone: '13833333333' }), edit(base, 2_100, { phone: '13833333333' }));
    expect(r.resolved['phone']).toBe('13833333333');
    expect(r.conflicts).toEqual([]);
  });

  it('a saved-at tie is broken by content, the same in both orders', () => {
    const a = edit(base, 2_000, { phone: '13811111111' });
    const b = edit(base, 2_000, { phone: '13822222222' });
    const ab = merge(a, b);
    const ba = merge(b, a);
    expect(ab.resolved).toEqual(ba.resolved);
    expect(ab.conflicts).toEqual(ba.conflicts);
    expect(paths(ab.conflicts)).toEqual(['phone']);
  });

  it('a field removed on one side and untouched on the other is removed', () => {
    const { phone: _p, ...rest } = base['data'] as Record<string, unknown>;
    const a: SyncDoc = { ...base, updatedAt: 2_000, data: rest };
    const r = merge(a, edit(base, 2_100, { name: '张叁' }));
    expect((r.resolved['data'] as Record<string, unknown>)['phone']).toBeUndefined();
    expect('phone' in (r.resolved['data'] as object)).toBe(false);
    expect(r.conflicts).toEqual([]);
  });

  it('without a base (first contact, offline bundle) every differing field is a conflict', () => {
    const a = edit(base, 2_000, { phone: '13811111111' });
    const b = edit(base, 2_100, { name: '张叁' });
    const r = merge(a, b, null);
    expect(paths(r.conflicts)).toEqual(['name', 'phone']);
    expect(r.resolved['name']).toBe('张叁');
    expect(r.resolved['phone']).toBe('13800000000');
  });

  it('a removal wins over an edit, and the edit is kept for review', () => {
    const a: SyncDoc = { ...base, _deleted: true, updatedAt: 2_000 };
    const b = edit(base, 3_000, { phone: '13811111111' });
    const r = merge(a, b);
    expect(r.resolved._deleted).toBe(true);
    expect(paths(r.conflicts)).toEqual(['_deleted']);
    expect(r.conflicts[0]?.loser.value).toMatchObject({ phone: '13811111111' });
  });

  it('a removal against an untouched side is no conflict', () => {
    const r = merge({ ...base, _deleted: true, updatedAt: 2_000 }, base);
    expect(r.resolved._deleted).toBe(true);
    expect(r.conflicts).toEqual([]);
  });

  it('local metadata (_rev, _meta) is neither compared nor merged', () => {
    const a = { ...edit(base, 2_000, { name: '张叁' }), _rev: '3-a', _meta: { lwt: 1 } };
    const b = { ...edit(base, 2_100, {}, { address: 'x' }), _rev: '4-b', _meta: { lwt: 2 } };
    const r = merge(a, b);
    expect(r.resolved['_rev']).toBeUndefined();
    expect(r.resolved['_meta']).toBeUndefined();
    expect(isEqualDoc(a, { ...a, _rev: '9-z', _meta: { lwt: 9 } })).toBe(true);
  });
});

describe('completed encounters never conflict (DESIGN.md §1)', () => {
  const draft: SyncDoc = { id: 'e1', _deleted: false, type: 'htnFollowup', status: 'draft', updatedAt: 1_000, completedAt: 0, data: { form: { sbp: 150 } } };
  const completed = { ...draft, status: 'completed', updatedAt: 2_000, completedAt: 2_000, data: { form: { sbp: 148 } } };
  const editedDraft = { ...draft, updatedAt: 3_000, data: { form: { sbp: 160 } } };

  it.each([
    ['completed first', completed, editedDraft],
    ['completed second', editedDraft, completed],
  ])('a completed side is the record (%s)', (_label, a, b) => {
    const r = merge(a, b, draft, 'encounters');
    expect(r.resolved).toEqual(completed);
    expect(r.conflicts).toEqual([]);
  });

  it('two completions of one draft keep the earlier one, in both orders', () => {
    const other = { ...draft, status: 'completed', updatedAt: 2_500, completedAt: 2_500, data: { form: { sbp: 170 } } };
    expect(merge(completed, other, draft, 'encounters').resolved).toEqual(completed);
    expect(merge(other, completed, draft, 'encounters').resolved).toEqual(completed);
  });

  it('a draft in another collection with status completed is merged as usual', () => {
    const r = merge(completed, editedDraft, draft, 'contracts');
    expect(r.conflicts.length).toBeGreaterThan(0);
  });
});

describe('merge properties (fast-check)', () => {
  const value = fc.oneof(fc.constantFrom('a', 'b', 'c', ''), fc.integer({ min: 0, max: 3 }), fc.constant(undefined), fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }));
  const body = fc.record({ f1: value, f2: value, nested: fc.record({ g1: value, g2: value }) });
  const docArb = fc.record({ name: value, phone: value, data: body, updatedAt: fc.integer({ min: 0, max: 4 }), _deleted: fc.boolean() });
  const triple = fc.tuple(docArb, docArb, docArb, fc.boolean(), fc.constantFrom('residents', 'encounters'));

  const asDoc = (d: object): SyncDoc => JSON.parse(JSON.stringify({ id: 'p1', ...d })) as SyncDoc;
  const strip = (d: SyncDoc) => canonicalJson({ ...d, _rev: undefined, _meta: undefined });

  it('merge(a, b) and merge(b, a) give the same document and the same conflicts', () => {
    fc.assert(
      fc.property(triple, ([b0, a0, n0, hasBase, collection]) => {
        const [b, a, n] = [asDoc(b0), asDoc(a0), asDoc(n0)];
        const ab = merge(a, n, hasBase ? b : null, collection);
        const ba = merge(n, a, hasBase ? b : null, collection);
        expect(strip(ab.resolved)).toBe(strip(ba.resolved));
        expect(canonicalJson(ab.conflicts)).toBe(canonicalJson(ba.conflicts));
      }),
      { numRuns: 500 },
    );
  });

  it('a field only one side changed takes that change; a conflict exists only where both changed it differently', () => {
    fc.assert(
      fc.property(triple, ([b0, a0, n0]) => {
        const [b, a, n] = [asDoc({ ...b0, _deleted: false }), asDoc({ ...a0, _deleted: false }), asDoc({ ...n0, _deleted: false })];
        const r = merge(a, n, b);
        for (const f of ['name', 'phone'] as const) {
          const [vb, va, vn] = [canonicalJson(b[f]), canonicalJson(a[f]), canonicalJson(n[f])];
          const got = canonicalJson(r.resolved[f]);
          if (va === vb) expect(got).toBe(vn);
          else if (vn === vb) expect(got).toBe(va);
          else if (va !== vn) expect(paths(r.conflicts)).toContain(f);
          if (va === vb || vn === vb || va === vn) expect(paths(r.conflicts)).not.toContain(f);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('merging the result again with either side changes nothing more (replays settle)', () => {
    fc.assert(
      fc.property(triple, ([b0, a0, n0]) => {
        const [b, a, n] = [asDoc({ ...b0, _deleted: false }), asDoc({ ...a0, _deleted: false }), asDoc({ ...n0, _deleted: false })];
        const once = merge(a, n, b).resolved;
        expect(strip(merge(once, n, n).resolved)).toBe(strip(once));
        expect(strip(merge(a, once, a).resolved)).toBe(strip(once));
      }),
      { numRuns: 300 },
    );
  });
});

describe('RxDB conflict handler', () => {
  it('reports true conflicts and resolves to the merged document', async () => {
    const seen: FieldConflict[][] = [];
    const handler = conflictHandlerFor<SyncDoc>('residents', (c) => seen.push(c));
    const a = edit(base, 5_000, { phone: '13811111111' });
    const b = edit(base, 4_000, { phone: '13822222222' });
    expect(handler.isEqual(a, { ...a, _rev: 'x' }, 'test')).toBe(true);
    expect(handler.isEqual(a, b, 'test')).toBe(false);
    const resolved = await handler.resolve({ assumedMasterState: base, realMasterState: a, newDocumentState: b }, 'test');
    expect(resolved['phone']).toBe('13811111111');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]?.path).toBe('phone');
  });
});
