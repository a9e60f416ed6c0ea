/**
 * Two clinic devices (each a runtime in its own worker thread, on its own encrypted file) and the platform (PGlite):
 * both edit the same resident while the platform is down. After both sync, both devices and the platform hold the
 * same resident; the edits to different fields from both devices survive (the replication's conflict handler runs
 * the shared three-way merge with the assumed master state as the base), and the field both changed differently is
 * a true conflict: the later save is kept for now and the device that met the conflict queues it for review, with
 * both values; the review syncs, so the other device sees it too. A second round settles nothing new, so the result
 * is stable on both sides.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { SyncStatus } from '../../../shared/api/sync';
import type { ConflictReview, ReviewItem } from '../../../shared/api/sync-review';
import { canonicalJson } from '../../../shared/sync/protocol';
import { residentInput } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { startWorkerClinic, type WorkerClinic } from '../../helpers/worker-clinic';

const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
let p: TestPlatform;
let a: WorkerClinic;
let b: WorkerClinic;

beforeAll(async () => {
  p = await startTestPlatform();
  // B saves later than A: its value of a true conflict is the one kept for now.
  [a, b] = await Promise.all([startWorkerClinic({ now: '2026-03-02T02:00:00Z' }), startWorkerClinic({ now: '2026-03-02T02:05:00Z' })]);
}, 180_000);
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await p?.dispose();
});

async function enrol(c: WorkerClinic): Promise<void> {
  const { enrolmentCode } = await p.store.addClinic(clinic);
  await c.ok<SyncStatus>('sync.enroll', { url: p.url, code: enrolmentCode });
}

/** The resident as a device stores it, without the fields each side writes for itself. */
function comparable(r: ResidentDetail['resident']): string {
  return canonicalJson(r);
}

describe('field merge in the replication conflict handler (issue 13 item 4)', () => {
  it('keeps both devices\' edits to different fields and queues the field both changed for review', async () => {
    await enrol(a);
    const created = (await a.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '合并测试' }) })).resident;
    await a.ok<SyncStatus>('sync.now');
    await enrol(b);
    await b.ok<SyncStatus>('sync.now');
    const onB = await b.ok<ResidentDetail>('residents.get', { id: created.id });
    expect(onB.resident.name).toBe('合并测试');

    // Offline on both sides: the platform is down while each device edits the resident.
    const port = p.port;
    await p.close();
    const base = residentInput({ name: '合并测试' });
    await a.ok('residents.update', { id: created.id, input: { ...base, currentAddress: '东光村 3 号', employer: 'A 厂' } });
    await b.ok('residents.update', { id: created.id, input: { ...base, phone: '13900000002', employer: 'B 厂' } });
    p = await startTestPlatform({ dataDir: p.dataDir, port });

    await a.ok<SyncStatus>('sync.now');
    await b.ok<SyncStatus>('sync.now');
    await a.ok<SyncStatus>('sync.now');

    const ra = (await a.ok<ResidentDetail>('residents.get', { id: created.id })).resident;
    const rb = (await b.ok<ResidentDetail>('residents.get', { id: created.id })).resident;
    expect(ra.currentAddress).toBe('东光村 3 号');
    expect(ra.phone).toBe('13900000002');
    expect(ra.employer).toBe('B 厂');
    expect(comparable(rb)).toBe(comparable(ra));
    const onPlatform = (await p.store.allDocuments('residents')).find((d) => d['id'] === created.id);
    expect(onPlatform).toMatchObject({ phone: '13900000002', data: { currentAddress: '东光村 3 号', phone: '13900000002', employer: 'B 厂' } });

    await vi.waitFor(async () => expect(await b.ok<ReviewItem[]>('syncReview.list', {})).toHaveLength(1), { timeout: 10_000 });
    const [item] = (await b.ok<ReviewItem[]>('syncReview.list', {})) as ConflictReview[];
    expect(item).toMatchObject({ kind: 'conflict', docId: created.id, source: 'platform' });
    const employer = item!.fields.find((f) => f.path === 'employer' || f.path === 'data.employer');
    expect(employer).toMatchObject({ kept: { value: 'B 厂', isLocal: true }, setAside: { value: 'A 厂', isLocal: false } });
    expect(item!.fields.map((f) => f.path).filter((x) => /address|phone/i.test(x))).toEqual([]);
    console.log(`merge: address from A, phone from B survive; employer conflict queued on B (kept ${String(employer?.kept.value)}, set aside ${String(employer?.setAside.value)})`);

    // Stable: another round on both sides changes nothing and queues nothing more.
    await b.ok<SyncStatus>('sync.now');
    await a.ok<SyncStatus>('sync.now');
    const again = (await a.ok<ResidentDetail>('residents.get', { id: created.id })).resident;
    expect(comparable(again)).toBe(comparable(ra));
    expect(await b.ok<ReviewItem[]>('syncReview.list', {})).toHaveLength(1);
    // The device whose value was set aside sees the same review once it pulls it (issue 13 item 4).
    await vi.waitFor(async () => {
      await a.ok<SyncStatus>('sync.now');
      expect((await a.ok<ConflictReview[]>('syncReview.list', {})).map((i) => i.id)).toEqual([item!.id]);
    }, { timeout: 30_000 });
  }, 120_000);
});
