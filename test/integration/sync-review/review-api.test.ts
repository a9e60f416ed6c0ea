/**
 * The review queue through the API door, on a real encrypted clinic: conflicts recorded by sync are listed with both
 * values, who and when, and a person's decision is an audited write; duplicates found after sync merge into one
 * record with every encounter of both.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { ReviewItem } from '../../../shared/api/sync-review';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { resolveConflict, type SyncDoc } from '../../../shared/sync/merge';
import { syncReviewService } from '../../../main/api/handlers/sync-review';
import { reviewingConflictHandler } from '../../../main/services/sync-review/conflict-handler';
import { newEncounterDoc } from '../../../main/services/encounter-docs';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

let h: ApiHarness;
beforeEach(async () => {
  h = await clinicHarness();
});
afterEach(() => h.close());

async function residentDoc(id: string): Promise<SyncDoc> {
  const doc = await h.runtime.services.session.current().db.rx.residents.findOne(id).exec();
  return { ...(doc?.toJSON() as unknown as SyncDoc), _deleted: false };
}

/** Plays what the replication client does on a conflict: merge, write the result, queue the conflicts. */
async function arriveFromPlatform(local: SyncDoc, remote: SyncDoc, base: SyncDoc) {
  const { resolved, conflicts } = resolveConflict('residents', { assumedMasterState: base, realMasterState: remote, newDocumentState: local });
  const rx = h.runtime.services.session.current().db.rx.residents;
  const { _deleted: _d, ...body } = resolved;
  await rx.upsert(body);
  await syncReviewService(h.runtime.services).recordConflicts(conflicts, { source: 'platform', localDoc: local });
  return conflicts;
}

describe('conflicts a person settles (issue 13 item 4)', () => {
  it('lists both values with who and when; restoring the set-aside value is an audited write', async () => {
    const created = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
    const id = created.resident.id;
    const base = await residentDoc(id);
    h.clock.advance(60_000);
    await h.ok('residents.update', { id, input: { ...residentInput(), phone: '13811111111' } });
    const local = await residentDoc(id);
    const remote: SyncDoc = { ...base, phone: '13922222222', data: { ...(base['data'] as object), phone: '13922222222' }, updatedAt: local['updatedAt'] as number + 5_000 };
    const conflicts = await arriveFromPlatform(local, remote, base);
    expect(conflicts.map((c) => c.path)).toEqual(['data.phone', 'phone']);

    const [item] = await h.ok<ReviewItem[]>('syncReview.list', {});
    expect(item).toMatchObject({ kind: 'conflict', collection: 'residents', docId: id, residentName: '张三', source: 'platform', status: 'open' });
    if (item?.kind !== 'conflict') throw new Error('expected a conflict');
    const phone = item.fields.find((f) => f.path === 'phone');
    expect(phone).toMatchObject({
      base: '13812345678',
      kept: { value: '13922222222', by: 'platform', isLocal: false, updatedAt: remote['updatedAt'] },
      setAside: { value: '13811111111', by: 'admin', isLocal: true, updatedAt: local['updatedAt'] },
    });
    expect((await residentDoc(id))['phone']).toBe('13922222222');

    // Recording the same conflict again (a replayed pull) leaves the queue as it was.
    await syncReviewService(h.runtime.services).recordConflicts(conflicts, { source: 'platform', localDoc: local });
    expect(await h.ok<ReviewItem[]>('syncReview.list', {})).toEqual([item]);

    const missing = await h.call('syncReview.settleConflict', { id: item.id, choices: [{ path: 'phone', choose: 'setAside' }] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'choices.data.phone', message: 'validation.reviewChoiceMissing' }] } });

    h.clock.advance(60_000);
    const settled = await h.ok<ReviewItem>('syncReview.settleConflict', {
      id: item.id,
      choices: [
        { path: 'phone', choose: 'setAside' },
        { path: 'data.phone', choose: 'setAside' },
      ],
    });
    expect(settled).toMatchObject({ status: 'settled', settledBy: 'admin', choices: { phone: 'setAside', 'data.phone': 'setAside' } });
    const after = await residentDoc(id);
    expect(after['phone']).toBe('13811111111');
    expect((after['data'] as Record<string, unknown>)['phone']).toBe('13811111111');
    expect(after['updatedAt']).toBe(h.clock.now());
    const detail = await h.ok<ResidentDetail>('residents.get', { id });
    expect(detail.resident.phone).toBe('13811111111');

    const again = await h.call('syncReview.settleConflict', { id: item.id, choices: [{ path: 'phone', choose: 'kept' }, { path: 'data.phone', choose: 'kept' }] });
    expect(again).toMatchObject({ ok: false, error: { code: 'REVIEW_SETTLED' } });
    expect(await h.ok<ReviewItem[]>('syncReview.list', {})).toEqual([]);
    expect(await h.ok<ReviewItem[]>('syncReview.list', { status: 'settled' })).toHaveLength(1);

    const audit = await h.ok<{ action: string; recordId: string | null }[]>('audit.list', { residentId: id });
    expect(audit.find((a) => a.action === 'settle')).toMatchObject({ recordId: id });
  });

  it('keeping what sync kept changes nothing in the record', async () => {
    const created = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
    const id = created.resident.id;
    const base = await residentDoc(id);
    const local = { ...base, name: '张叁', updatedAt: (base['updatedAt'] as number) + 1 };
    const remote = { ...base, name: '张山', updatedAt: (base['updatedAt'] as number) + 2 };
    await arriveFromPlatform(local, remote, base);
    const before = await residentDoc(id);
    const [item] = await h.ok<ReviewItem[]>('syncReview.list', {});
    await h.ok('syncReview.settleConflict', { id: item?.id, choices: [{ path: 'name', choose: 'kept' }] });
    expect(await residentDoc(id)).toEqual(before);
  });

  it('the replication conflict handler resolves at once and queues the conflict for review', async () => {
    const created = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
    const base = await residentDoc(created.resident.id);
    const errors: string[] = [];
    const logger = { error: (m: string) => void errors.push(m), warn: () => undefined, info: () => undefined };
    const handler = reviewingConflictHandler<SyncDoc>('residents', () => syncReviewService(h.runtime.services), logger);
    const local = { ...base, phone: '13700000001', updatedAt: (base['updatedAt'] as number) + 1 };
    const remote = { ...base, phone: '13700000002', updatedAt: (base['updatedAt'] as number) + 2 };
    const resolved = await handler.resolve({ assumedMasterState: base, realMasterState: remote, newDocumentState: local }, 'test');
    expect(resolved['phone']).toBe('13700000002');
    await vi.waitFor(async () => expect(await h.ok<ReviewItem[]>('syncReview.list', {})).toHaveLength(1));
    const [item] = await h.ok<ReviewItem[]>('syncReview.list', {});
    expect(item).toMatchObject({ kind: 'conflict', source: 'platform', fields: [{ path: 'phone', kept: { value: '13700000002', isLocal: false }, setAside: { value: '13700000001', isLocal: true } }] });
    expect(errors).toEqual([]);
  });

  it('unknown review ids are NOT_FOUND', async () => {
    const r = await h.call('syncReview.settleConflict', { id: 'conflict:nope', choices: [{ path: 'name', choose: 'kept' }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('the same person, two records (issue 13 item 5)', () => {
  it('a record with the 15-digit form of an existing number is queued once and merges into one record with every encounter', async () => {
    const first = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
    const { db, deviceId: _d } = h.runtime.services.session.current();
    // Arrives by sync: created offline elsewhere with the first-generation number of the same person.
    const id18 = idNumber('1956-05-14', 11);
    const id15 = id18.slice(0, 6) + id18.slice(8, 17);
    const other: ResidentDoc = {
      ...(await db.rx.residents.findOne(first.resident.id).exec())!.toJSON(),
      id: '0190a000-0000-7000-8000-000000000002',
      recordNo: '44152110120199999',
      idNumber: id15,
      createdAt: first.resident.createdAt + 10,
      updatedAt: first.resident.createdAt + 10,
    };
    await db.rx.residents.insert(other);
    const ctx = { clinicCode: first.resident.clinicCode, clock: h.clock, user: { id: 'u', username: 'x', displayName: 'x', role: 'admin' as const } };
    const encounter = (residentId: string, date: string): EncounterDoc =>
      newEncounterDoc(ctx, { type: 'htnFollowup', resident: { id: residentId, villageCode: other.villageCode }, date, status: 'completed', data: { form: {} } });
    await db.rx.encounters.bulkInsert([encounter(first.resident.id, '2026-01-05'), encounter(other.id, '2026-02-05'), encounter(other.id, '2026-02-20')]);

    expect(await h.ok('syncReview.scanDuplicates', {})).toEqual({ queued: 1 });
    expect(await h.ok('syncReview.scanDuplicates', {})).toEqual({ queued: 0 });
    const [item] = await h.ok<ReviewItem[]>('syncReview.list', {});
    if (item?.kind !== 'duplicate') throw new Error('expected a duplicate');
    expect(item.residents.map((r) => r.id)).toEqual([first.resident.id, other.id]);
    expect(item.idNumberMasked).toBe(`${id18.slice(0, 6)}********${id18.slice(-4)}`);

    const wrongKeep = await h.call('syncReview.settleDuplicate', { id: item.id, decision: 'merge', keepId: 'someone-else', reason: '同一人' });
    expect(wrongKeep).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'keepId' }] } });

    const settled = await h.ok<ReviewItem>('syncReview.settleDuplicate', { id: item.id, decision: 'merge', reason: '同一人，两地建档' });
    expect(settled).toMatchObject({ status: 'settled', decision: 'merged', keptId: first.resident.id });
    expect(await db.rx.residents.count().exec()).toBe(1);
    const encounters = await db.rx.encounters.find({ selector: { residentId: first.resident.id } }).exec();
    expect(encounters).toHaveLength(3);
    const again = await h.call('syncReview.settleDuplicate', { id: item.id, decision: 'dismiss', reason: 'x' });
    expect(again).toMatchObject({ ok: false, error: { code: 'REVIEW_SETTLED' } });
  });
});
