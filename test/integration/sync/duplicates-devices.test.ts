/**
 * The same person recorded on two devices while the platform was down (issue 13 item 5), each device a runtime in
 * its own worker thread on its own encrypted file, with the platform on PGlite. After both sync, the platform has
 * found the pair and both devices' review queues show it, with where each record was made. One person settles it on
 * one device; after sync both devices hold one live record with the measurements of both, and the other record is a
 * merge tombstone pointing at it. When two people settle another pair offline with opposite choices, each device
 * merges at once (one record, both measurements, marked pending); after sync the decision that reached the platform
 * first is the one every device ends with, the other listed as overruled, nothing lost. Afterwards each device's
 * `cunyi export` equals the platform's export of the clinic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResidentDetail, TimelineItem } from '../../../shared/api/residents';
import type { SyncStatus } from '../../../shared/api/sync';
import type { ConflictReview, DuplicateReview, ReviewItem } from '../../../shared/api/sync-review';
import { idNumber, residentInput } from '../../helpers/api';
import { expectExportsEqual } from '../../helpers/exports';
import { SETUP_INPUT } from '../../helpers/host';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { startWorkerClinic, type WorkerClinic } from '../../helpers/worker-clinic';

const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
let p: TestPlatform;
let a: WorkerClinic;
let b: WorkerClinic;
let deviceA = '';
let deviceB = '';
let dir = '';

beforeAll(async () => {
  p = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'cunyi-dup-exports-'));
  [a, b] = await Promise.all([startWorkerClinic({ now: '2026-03-02T02:00:00Z' }), startWorkerClinic({ now: '2026-03-02T02:05:00Z' })]);
  for (const c of [a, b]) {
    const { enrolmentCode } = await p.store.addClinic(clinic);
    await c.ok<SyncStatus>('sync.enroll', { url: p.url, code: enrolmentCode });
    await c.ok<SyncStatus>('sync.now');
  }
  deviceA = (await a.ok<SyncStatus>('sync.status')).deviceId;
  deviceB = (await b.ok<SyncStatus>('sync.status')).deviceId;
}, 180_000);
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await p?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Sync rounds until `done` holds (the platform's own writes reach a device by the next pull). */
async function syncUntil(done: () => Promise<boolean>): Promise<void> {
  await vi.waitFor(
    async () => {
      await a.ok<SyncStatus>('sync.now');
      await b.ok<SyncStatus>('sync.now');
      expect(await done()).toBe(true);
    },
    { timeout: 60_000, interval: 200 },
  );
}

async function duplicateReviews(c: WorkerClinic, status: 'open' | 'settled' | 'all' = 'all'): Promise<DuplicateReview[]> {
  return (await c.ok<ReviewItem[]>('syncReview.list', { status })).filter((i): i is DuplicateReview => i.kind === 'duplicate');
}

/** The same person created on both devices while the platform is down, each with one BP measurement. */
async function samePersonOffline(seq: number, name: string): Promise<{ onA: string; onB: string }> {
  const port = p.port;
  await p.close();
  const input = residentInput({ name, birthDate: '1950-02-03', idNumber: idNumber('1950-02-03', seq) });
  const onA = (await a.ok<ResidentDetail>('residents.create', { input })).resident.id;
  const onB = (await b.ok<ResidentDetail>('residents.create', { input: { ...input, phone: '13900000003' } })).resident.id;
  await a.ok('measurements.record', { residentId: onA, date: '2026-03-01', sbp: 150, dbp: 95 });
  await b.ok('measurements.record', { residentId: onB, date: '2026-03-02', sbp: 128, dbp: 82 });
  p = await startTestPlatform({ dataDir: p.dataDir, port });
  return { onA, onB };
}

async function measurementDates(c: WorkerClinic, id: string): Promise<string[]> {
  return (await c.ok<TimelineItem[]>('residents.timeline', { id })).filter((t) => t.kind === 'measurement').map((t) => t.date).sort();
}

async function liveIds(c: WorkerClinic, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) if ((await c.call('residents.get', { id })).ok) found.push(id);
  return found;
}

describe('the same person recorded on two devices (issue 13 item 5)', () => {
  it('queues the pair on both devices, and one settlement leaves one record with every measurement on both', async () => {
    const { onA, onB } = await samePersonOffline(31, '赵同人');
    await syncUntil(async () => (await duplicateReviews(a)).length === 1 && (await duplicateReviews(b)).length === 1);
    const [itemA] = await duplicateReviews(a);
    const [itemB] = await duplicateReviews(b);
    expect(itemB).toEqual(itemA);
    expect(itemA).toMatchObject({ source: 'platform', status: 'open' });
    const where = Object.fromEntries(itemA!.residents.map((r) => [r.id, r.deviceId]));
    expect(where).toEqual({ [onA]: deviceA, [onB]: deviceB });
    expect(itemA!.residents.every((r) => r.clinicCode === clinic.code && r.clinicName === clinic.name)).toBe(true);

    // Settled once, on A, keeping the record made on B.
    await a.ok('syncReview.settleDuplicate', { id: itemA!.id, decision: 'merge', keepId: onB, reason: '同一人，两处建档' });
    await syncUntil(async () => (await liveIds(a, [onA, onB])).length === 1 && (await liveIds(b, [onA, onB])).length === 1);
    for (const c of [a, b]) {
      expect(await liveIds(c, [onA, onB])).toEqual([onB]);
      const timeline = await c.ok<TimelineItem[]>('residents.timeline', { id: onB });
      expect(timeline.filter((t) => t.kind === 'measurement').map((t) => t.date).sort()).toEqual(['2026-03-01', '2026-03-02']);
      expect((await duplicateReviews(c))[0]).toMatchObject({ status: 'settled', decision: 'merged', keptId: onB });
    }
    const tombstone = (await p.store.allDocuments('residents')).find((d) => d['id'] === onA);
    expect(tombstone).toMatchObject({ _deleted: true, data: { mergedInto: onB } });
    const measured = (await p.store.allDocuments('encounters')).filter((e) => e['residentId'] === onB && e['type'] === 'measurement');
    expect(measured).toHaveLength(2);
    console.log(`checked: pair queued on both devices (made on ${deviceA.slice(0, 8)} and ${deviceB.slice(0, 8)}), settled on A, one record ${onB.slice(0, 8)} with 2 measurements on both`);
  }, 180_000);

  it('merges at once on each device offline; both converge to the first decision to reach the platform, the other shown as overruled', async () => {
    const { onA, onB } = await samePersonOffline(33, '钱同人');
    await syncUntil(async () => (await duplicateReviews(a, 'open')).length === 1 && (await duplicateReviews(b, 'open')).length === 1);
    const [item] = await duplicateReviews(a, 'open');
    // What a doctor decides with: both records side by side, with encounters and who made each.
    expect(item!.residents.map((r) => [r.id, r.encounters])).toEqual(expect.arrayContaining([[onA, 1], [onB, 1]]));
    expect(item!.residents.every((r) => r.createdBy === SETUP_INPUT.admin.username)).toBe(true);
    // Both offline again, each keeping its own record.
    const port = p.port;
    await p.close();
    const settledA = await a.ok<DuplicateReview>('syncReview.settleDuplicate', { id: item!.id, decision: 'merge', keepId: onA, reason: 'A 的决定' });
    await b.ok('syncReview.settleDuplicate', { id: item!.id, decision: 'merge', keepId: onB, reason: 'B 的决定' });
    // Each device has its one record at once, with both measurements, marked as waiting for the platform.
    expect(settledA).toMatchObject({ status: 'settled', pending: true, keptId: onA });
    for (const [c, kept] of [[a, onA], [b, onB]] as const) {
      expect(await liveIds(c, [onA, onB])).toEqual([kept]);
      expect(await measurementDates(c, kept)).toEqual(['2026-03-01', '2026-03-02']);
      expect((await duplicateReviews(c))[0]).toMatchObject({ status: 'settled', pending: true, keptId: kept });
    }
    p = await startTestPlatform({ dataDir: p.dataDir, port });

    // A reaches the platform first; B's device clock is later, so a last-writer rule would have kept B's decision.
    await a.ok<SyncStatus>('sync.now');
    await syncUntil(async () => {
      const [ra, rb] = [(await duplicateReviews(a)).find((i) => i.id === item!.id), (await duplicateReviews(b)).find((i) => i.id === item!.id)];
      return (await liveIds(b, [onA, onB])).join() === onA && ra?.pending === undefined && rb?.pending === undefined && rb?.overruled?.length === 1 && ra?.overruled?.length === 1;
    });
    for (const c of [a, b]) {
      expect(await liveIds(c, [onA, onB])).toEqual([onA]);
      expect(await measurementDates(c, onA)).toEqual(['2026-03-01', '2026-03-02']);
      const settled = (await duplicateReviews(c)).find((i) => i.id === item!.id);
      expect(settled).toMatchObject({ status: 'settled', keptId: onA, reason: 'A 的决定', overruled: [{ decision: 'merged', keptId: onB, reason: 'B 的决定' }] });
      expect(settled?.pending).toBeUndefined();
      expect(await c.ok<ReviewItem[]>('syncReview.list', { status: 'open' })).toEqual([]);
    }
    const platformResidents = (await p.store.allDocuments('residents')).filter((d) => d['id'] === onA || d['id'] === onB);
    expect(platformResidents.map((d) => [d['id'], d['_deleted'], (d['data'] as Record<string, unknown>)['mergePending']])).toEqual(
      expect.arrayContaining([[onA, false, undefined], [onB, true, undefined]]),
    );
    console.log('checked: opposite offline merges applied at once on each device; both devices converge to the one A pushed first, B\'s decision listed as overruled, both measurements on the survivor');
  }, 180_000);
});

describe('a true conflict is queued on both devices (issue 13 item 4)', () => {
  it('shows the device whose value was set aside the same review, and a settlement on it reaches the other', async () => {
    const created = (await a.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '孙冲突', birthDate: '1950-02-03', idNumber: idNumber('1950-02-03', 35) }) })).resident;
    await syncUntil(async () => (await b.call('residents.get', { id: created.id })).ok);
    const port = p.port;
    await p.close();
    const base = residentInput({ name: '孙冲突', birthDate: '1950-02-03', idNumber: idNumber('1950-02-03', 35) });
    await a.ok('residents.update', { id: created.id, input: { ...base, employer: 'A 厂' } });
    await b.ok('residents.update', { id: created.id, input: { ...base, employer: 'B 厂' } });
    p = await startTestPlatform({ dataDir: p.dataDir, port });

    const conflictOn = async (c: WorkerClinic) => (await c.ok<ReviewItem[]>('syncReview.list', { status: 'all' })).find((i) => i.kind === 'conflict' && i.docId === created.id);
    await syncUntil(async () => (await conflictOn(a)) !== undefined && (await conflictOn(b)) !== undefined);
    // B saved later, so B met the conflict and its value is kept for now; A's value was set aside, and A sees it too.
    const onA = (await conflictOn(a)) as ConflictReview;
    const onB = (await conflictOn(b)) as ConflictReview;
    expect(onB.recordedOn).toBe(deviceB);
    const field = (r: ConflictReview) => r.fields.find((f) => f.path === 'data.employer');
    expect(field(onB)).toMatchObject({ kept: { value: 'B 厂', isLocal: true }, setAside: { value: 'A 厂', isLocal: false } });
    expect(field(onA)).toMatchObject({ kept: { value: 'B 厂', isLocal: false }, setAside: { value: 'A 厂', isLocal: false } });
    expect({ ...onA, fields: [] }).toEqual({ ...onB, fields: [] });

    // Settled once, on A (restore A's value); the decision and the restored value reach B.
    await a.ok('syncReview.settleConflict', { id: onA.id, choices: onA.fields.map((f) => ({ path: f.path, choose: f.path === 'data.employer' ? 'setAside' : 'kept' })) });
    await syncUntil(async () => (await conflictOn(b))?.status === 'settled' && (await b.ok<ResidentDetail>('residents.get', { id: created.id })).resident.employer === 'A 厂');
    for (const c of [a, b]) {
      expect((await c.ok<ResidentDetail>('residents.get', { id: created.id })).resident.employer).toBe('A 厂');
      expect(await conflictOn(c)).toMatchObject({ status: 'settled', choices: { 'data.employer': 'setAside' } });
    }
    console.log('checked: the conflict met on B is queued on A too; settled on A, B holds the decision and A\'s value');
  }, 180_000);
});

describe('afterwards (issue 13 item 8)', () => {
  it('each device\'s `cunyi export` equals the platform\'s export of the clinic', async () => {
    const n = await expectExportsEqual(p, a, clinic.code, dir);
    const m = await expectExportsEqual(p, b, clinic.code, dir);
    console.log(`checked: device A's export (${n} documents) and device B's (${m}) equal the platform's`);
  }, 180_000);
});
