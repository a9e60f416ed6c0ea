/**
 * A resident moves to a village of another clinic (issue 13 item 6), end to end with two clinics' devices (each a
 * runtime in its own worker thread) and the platform (PGlite):
 * - `platform resident move` re-homes the resident and every encounter about them in one transaction (audited);
 * - clinic A's device had edits for the resident still waiting (made offline, before and after the move): they are
 *   uploaded and parked for review on the platform, not applied, not dropped, and the device is told, once, without
 *   a retry loop; then it purges the resident and their documents (the work list and search follow), and the purge
 *   is never pushed as a deletion;
 * - clinic B's device pulls the resident and the documents about them;
 * - moved back to A after A purged them, the resident arrives whole at A (B's encounters too), B purges them, and A's
 *   next edit is applied, not parked;
 * - a move started in the clinic (迁出申请, `residents.requestMove`) is refused for the clinic's own village and, by the
 *   platform, for a village it does not know; to B's village the platform applies it when it syncs;
 * - afterwards `cunyi export` of each device equals `platform export` of its clinic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { SyncStatus } from '../../../shared/api/sync';
import { main as platformCli } from '../../../platform/cli';
import { residentInput } from '../../helpers/api';
import { expectExportsEqual } from '../../helpers/exports';
import { SETUP_INPUT } from '../../helpers/host';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { startWorkerClinic, type WorkerClinic } from '../../helpers/worker-clinic';

const SETUP_B = {
  ...SETUP_INPUT,
  clinicCode: '441521102',
  clinicName: '海丰县大湖镇卫生院',
  villages: [{ code: '441521102201', name: '大湖村' }],
};
const B_VILLAGE = SETUP_B.villages[0]!.code;
const clinicOf = (s: typeof SETUP_INPUT) => ({ code: s.clinicCode, name: s.clinicName, villages: s.villages });

let p: TestPlatform;
let a: WorkerClinic;
let b: WorkerClinic;
let dir: string;

beforeAll(async () => {
  p = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'cunyi-moves-'));
  [a, b] = await Promise.all([startWorkerClinic(), startWorkerClinic({ setup: SETUP_B })]);
}, 180_000);
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await p?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function enrol(c: WorkerClinic, setup: typeof SETUP_INPUT): Promise<void> {
  const { enrolmentCode } = await p.store.addClinic(clinicOf(setup));
  await c.ok<SyncStatus>('sync.enroll', { url: p.url, code: enrolmentCode });
}

describe('a resident moves to another clinic (issue 13 item 6)', () => {
  it('re-homes them on the platform; the old device uploads its edits (parked), then purges; the new device pulls them', async () => {
    await enrol(a, SETUP_INPUT);
    await enrol(b, SETUP_B);
    const mover = (await a.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '迁出者', birthDate: '1950-02-03', phone: '13800000001' }) })).resident;
    const stayer = (await a.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '留守者', birthDate: '1951-04-05', phone: '13800000002' }) })).resident;
    await a.ok('measurements.record', { residentId: mover.id, date: '2026-03-01', sbp: 150, dbp: 95 });
    expect((await a.ok<SyncStatus>('sync.now')).lastError).toBeNull();
    expect((await b.ok<SyncStatus>('sync.now')).lastError).toBeNull();
    const moverEncounters = (await p.store.allDocuments('encounters')).filter((d) => d['residentId'] === mover.id);
    expect(moverEncounters).toHaveLength(1);
    console.log(`moves: clinic A recorded ${mover.name} with 1 encounter and ${stayer.name}; both on the platform`);

    // Offline: A edits the resident and records another measurement; meanwhile the operator moves the resident.
    const port = p.port;
    await p.close();
    await a.ok('residents.update', { id: mover.id, input: residentInput({ name: '迁出者', birthDate: '1950-02-03', phone: '13911112222' }) });
    await a.ok('measurements.record', { residentId: mover.id, date: '2026-03-02', sbp: 148, dbp: 92 });
    const errors: string[] = [];
    const err = console.error;
    console.error = (...x: unknown[]) => void errors.push(x.join(' '));
    let moveExit: number;
    let unknownExit: number;
    try {
      moveExit = await platformCli(['resident', 'move', '--data-dir', p.dataDir, '--id', mover.id, '--village', B_VILLAGE]);
      unknownExit = await platformCli(['resident', 'move', '--data-dir', p.dataDir, '--id', 'no-such-resident', '--village', B_VILLAGE]);
    } finally {
      console.error = err;
    }
    expect([moveExit, unknownExit]).toEqual([0, 1]);
    expect(errors.join('\n')).toContain('No resident no-such-resident on the platform.');
    p = await startTestPlatform({ dataDir: p.dataDir, port });
    const onPlatform = (await p.store.allDocuments('residents')).find((d) => d['id'] === mover.id)!;
    expect(onPlatform).toMatchObject({ villageCode: B_VILLAGE, clinicCode: SETUP_B.clinicCode, phone: '13800000001' });
    const moved = await p.sql.query<{ to_clinic: string; documents: number }>('SELECT to_clinic, documents FROM moves');
    expect(moved).toEqual([{ to_clinic: SETUP_B.clinicCode, documents: 2 }]);
    console.log(`moves: \`platform resident move\` re-homed the resident and 1 encounter to ${B_VILLAGE} (${SETUP_B.clinicCode}), audited; an unknown resident exits 1 with NOT_FOUND`);

    // A syncs: its two waiting edits reach the platform and are parked; then A purges the resident.
    const sa = await a.ok<SyncStatus>('sync.now');
    expect(sa).toMatchObject({ lastError: null, pending: 0, parked: 2 });
    const parked = await p.store.parkedEdits();
    expect(parked.map((x) => [x.deviceId === sa.deviceId, x.collection]).sort()).toEqual([
      [true, 'encounters'],
      [true, 'residents'],
    ]);
    expect(parked.find((x) => x.collection === 'residents')!.document).toMatchObject({ phone: '13911112222', villageCode: SETUP_INPUT.villages[0]!.code });
    expect((await p.store.allDocuments('residents')).find((d) => d['id'] === mover.id)).toMatchObject({ phone: '13800000001', villageCode: B_VILLAGE });
    expect((await p.store.status()).parked).toBe(2);
    const printed: string[] = [];
    const log0 = console.log;
    console.log = (...x: unknown[]) => void printed.push(x.join(' '));
    let parkedExit: number;
    try {
      parkedExit = await platformCli(['parked', '--data-dir', p.dataDir]);
    } finally {
      console.log = log0;
    }
    expect(parkedExit).toBe(0);
    const listed = JSON.parse(printed.join('\n')) as { parked: Array<{ documentId: string; reason: string }> };
    expect(listed.parked.map((x) => x.documentId)).toContain(mover.id);
    expect(listed.parked[0]!.reason).toBe(`resident ${mover.id} moved out of this device's villages`);
    console.log('moves: A\'s offline edit of the resident and its new encounter were uploaded and parked for review (platform status parked: 2), not applied');

    const gone = await a.call('residents.get', { id: mover.id });
    expect(gone.ok ? 'found' : gone.error.code).toBe('NOT_FOUND');
    const search = await a.ok<Array<{ id: string }>>('residents.search', { query: '迁出者' });
    expect(search.map((r) => r.id)).not.toContain(mover.id);
    expect((await a.ok<ResidentDetail>('residents.get', { id: stayer.id })).resident.name).toBe('留守者');
    const stillOnPlatform = (await p.store.allDocuments('encounters')).filter((d) => d['residentId'] === mover.id);
    expect(stillOnPlatform.map((d) => d['_deleted'])).toEqual([false]);
    expect((await p.store.allDocuments('residents')).find((d) => d['id'] === mover.id)?.['_deleted']).toBe(false);
    console.log('moves: A purged the resident and their encounters (get: NOT_FOUND, search misses them); the purge was not pushed as a deletion');

    // Told once, no retry loop: another round is clean and parks nothing more.
    const again = await a.ok<SyncStatus>('sync.now');
    expect(again).toMatchObject({ lastError: null, pending: 0, parked: 2 });
    expect(await p.store.parkedEdits()).toHaveLength(2);
    console.log('moves: a second round on A: no error, nothing pending, still 2 parked');

    // B pulls the resident and the encounter about them.
    expect((await b.ok<SyncStatus>('sync.now')).lastError).toBeNull();
    const onB = (await b.ok<ResidentDetail>('residents.get', { id: mover.id })).resident;
    expect(onB).toMatchObject({ villageCode: B_VILLAGE, phone: '13800000001' });
    const timeline = await b.ok<unknown[]>('residents.timeline', { id: mover.id });
    expect(JSON.stringify(timeline)).toContain('2026-03-01');
    console.log(`moves: B pulled the resident (village ${B_VILLAGE}) and their encounter`);

    // Online: the operator moves the other resident through the running server; both devices follow live, without
    // "sync now": A purges them (nothing of theirs is waiting), B pulls them.
    const log = console.log;
    let liveExit: number;
    console.log = () => undefined;
    try {
      liveExit = await platformCli(['resident', 'move', '--data-dir', p.dataDir, '--id', stayer.id, '--village', B_VILLAGE]);
    } finally {
      console.log = log;
    }
    expect(liveExit).toBe(0);
    await vi.waitFor(
      async () => {
        const r = await a.call('residents.get', { id: stayer.id });
        expect(r.ok ? 'found' : r.error.code).toBe('NOT_FOUND');
      },
      { timeout: 60_000, interval: 500 },
    );
    await vi.waitFor(async () => expect((await b.call('residents.get', { id: stayer.id })).ok).toBe(true), { timeout: 60_000, interval: 500 });
    expect((await p.store.status()).moves).toBe(2);
    console.log('moves: a move through the running server (admin endpoint): A purged the resident live, B pulled them live');

    // Move back after the purge (item 6): B records a measurement for the first resident, then the operator moves them
    // back to A's village. A gets them whole (both clinics' encounters), B purges them, and A no longer treats them
    // as departed: A's next edit of them is applied on the platform, not parked.
    await b.ok('measurements.record', { residentId: mover.id, date: '2026-02-20', sbp: 138, dbp: 86 });
    expect((await b.ok<SyncStatus>('sync.now')).pending).toBe(0);
    const log2 = console.log;
    let backExit: number;
    console.log = () => undefined;
    try {
      backExit = await platformCli(['resident', 'move', '--data-dir', p.dataDir, '--id', mover.id, '--village', SETUP_INPUT.villages[0]!.code]);
    } finally {
      console.log = log2;
    }
    expect(backExit).toBe(0);
    expect((await a.ok<SyncStatus>('sync.now')).lastError).toBeNull();
    const back = (await a.ok<ResidentDetail>('residents.get', { id: mover.id })).resident;
    expect(back).toMatchObject({ villageCode: SETUP_INPUT.villages[0]!.code, phone: '13800000001' });
    const backTimeline = JSON.stringify(await a.ok<unknown[]>('residents.timeline', { id: mover.id }));
    expect([backTimeline.includes('2026-03-01'), backTimeline.includes('2026-02-20')]).toEqual([true, true]);
    expect((await a.ok<Array<{ id: string }>>('residents.search', { query: '迁出者' })).map((r) => r.id)).toContain(mover.id);
    await vi.waitFor(
      async () => {
        await b.ok<SyncStatus>('sync.now');
        const r = await b.call('residents.get', { id: mover.id });
        expect(r.ok ? 'found' : r.error.code).toBe('NOT_FOUND');
      },
      { timeout: 60_000, interval: 500 },
    );
    await a.ok('residents.update', { id: mover.id, input: residentInput({ name: '迁出者', birthDate: '1950-02-03', phone: '13933334444' }) });
    expect(await a.ok<SyncStatus>('sync.now')).toMatchObject({ lastError: null, pending: 0, parked: 2 });
    expect((await p.store.allDocuments('residents')).find((d) => d['id'] === mover.id)).toMatchObject({ phone: '13933334444', villageCode: SETUP_INPUT.villages[0]!.code });
    console.log('moves: moved back after the purge, A pulled the resident whole (its own and B\'s encounters), B purged them, and A\'s next edit was applied, not parked');

    // And away again: A notices the new departure (the old, purged one was forgotten on return) and purges once more.
    console.log = () => undefined;
    try {
      backExit = await platformCli(['resident', 'move', '--data-dir', p.dataDir, '--id', mover.id, '--village', B_VILLAGE]);
    } finally {
      console.log = log2;
    }
    expect(backExit).toBe(0);
    await vi.waitFor(
      async () => {
        await a.ok<SyncStatus>('sync.now');
        const r = await a.call('residents.get', { id: mover.id });
        expect(r.ok ? 'found' : r.error.code).toBe('NOT_FOUND');
      },
      { timeout: 60_000, interval: 500 },
    );
    await vi.waitFor(async () => expect((await b.ok<ResidentDetail>('residents.get', { id: mover.id })).resident.phone).toBe('13933334444'), { timeout: 60_000, interval: 500 });
    console.log('moves: moved away from A a second time: A purged the resident again, B holds them with A\'s last edit');

    // A move started in the clinic (迁出申请): a village of the clinic's own is an address edit (MOVE_WITHIN_CLINIC); a
    // village not on the county list the device holds is refused on the device (MOVE_UNKNOWN_VILLAGE); one the platform
    // no longer knows (the list on the device is older) is refused there with its reason; B's village is applied when
    // it syncs: B pulls the resident with their encounters and A purges them. moves-address.test.ts: before the list.
    const leaver = (await a.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '申请迁出', birthDate: '1952-06-07', phone: '13800000003' }) })).resident;
    await a.ok('measurements.record', { residentId: leaver.id, date: '2026-03-01', sbp: 160, dbp: 100 });
    expect((await a.ok<SyncStatus>('sync.now')).pending).toBe(0);
    const own = await a.call('residents.requestMove', { id: leaver.id, toVillageCode: SETUP_INPUT.villages[0]!.code });
    expect(own.ok ? 'accepted' : own.error.code).toBe('MOVE_WITHIN_CLINIC');
    const unlisted = await a.call('residents.requestMove', { id: leaver.id, toVillageCode: '441521109901', reason: '投靠子女' });
    expect(unlisted.ok ? 'accepted' : unlisted.error.code).toBe('MOVE_UNKNOWN_VILLAGE');
    // The operator registers a clinic for 441521109901 and takes that village off it again before A syncs: A's list
    // still has it.
    await p.store.addClinic({ code: '441521109', name: '临时卫生院', villages: [{ code: '441521109901', name: '临时村' }] });
    expect((await a.ok<SyncStatus>('sync.now')).lastError).toBeNull();
    await p.store.addClinic({ code: '441521109', name: '临时卫生院', villages: [{ code: '441521109902', name: '新村' }] });
    expect(await a.ok('residents.requestMove', { id: leaver.id, toVillageCode: '441521109901', reason: '投靠子女' })).toMatchObject({ status: 'pending', toVillageCode: '441521109901' });
    expect(await a.ok('residents.moveRequest', { id: leaver.id })).toMatchObject({ status: 'pending' });
    await a.ok<SyncStatus>('sync.now');
    await vi.waitFor(async () => expect(await a.ok('residents.moveRequest', { id: leaver.id })).toMatchObject({ status: 'refused', refusal: 'No registered clinic serves village 441521109901.' }), {
      timeout: 60_000,
      interval: 500,
    });
    expect((await a.ok<ResidentDetail>('residents.get', { id: leaver.id })).resident.villageCode).toBe(SETUP_INPUT.villages[0]!.code);
    console.log('moves: a move request to a village of the clinic is refused on the device (MOVE_WITHIN_CLINIC), to one not on its county list too (MOVE_UNKNOWN_VILLAGE); to a village the platform no longer knows, refused by the platform with its reason');

    expect(await a.ok('residents.requestMove', { id: leaver.id, toVillageCode: B_VILLAGE, reason: '投靠子女' })).toMatchObject({ status: 'pending' });
    await vi.waitFor(
      async () => {
        await a.ok<SyncStatus>('sync.now');
        const r = await a.call('residents.get', { id: leaver.id });
        expect(r.ok ? 'found' : r.error.code).toBe('NOT_FOUND');
      },
      { timeout: 60_000, interval: 500 },
    );
    const gone2 = await a.call('residents.moveRequest', { id: leaver.id });
    expect(gone2.ok ? 'found' : gone2.error.code).toBe('NOT_FOUND');
    const movedByRequest = (await p.sql.query<{ requested_by: string; to_clinic: string }>('SELECT requested_by, to_clinic FROM moves WHERE resident_id = $1', [leaver.id]))[0];
    expect(movedByRequest).toMatchObject({ to_clinic: SETUP_B.clinicCode });
    expect(movedByRequest!.requested_by).toMatch(/^device .+ \(admin\)$/);
    await vi.waitFor(
      async () => {
        await b.ok<SyncStatus>('sync.now');
        expect((await b.ok<ResidentDetail>('residents.get', { id: leaver.id })).resident.villageCode).toBe(B_VILLAGE);
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(JSON.stringify(await b.ok<unknown[]>('residents.timeline', { id: leaver.id }))).toContain('160');
    const answered = (await p.store.allDocuments('settings')).find((d) => d['id'] === `moveRequest:${leaver.id}`);
    expect(answered?.['data']).toMatchObject({ status: 'applied', toClinicCode: SETUP_B.clinicCode });
    console.log('moves: a move request from clinic A to B\'s village, applied by the platform when it synced: A purged the resident, B pulled them with their encounter, the request says applied');

    const na = await expectExportsEqual(p, a, SETUP_INPUT.clinicCode, dir);
    const nb = await expectExportsEqual(p, b, SETUP_B.clinicCode, dir);
    console.log(`moves: cunyi export == platform export for A (${na} documents) and B (${nb} documents)`);
    // Neither purge reached the platform, not even as a parked deletion.
    expect((await p.store.parkedEdits()).map((x) => x.document['_deleted'])).toEqual([false, false]);
    expect((await p.store.allDocuments('residents')).filter((d) => d['_deleted'] === true)).toEqual([]);
  }, 300_000);
});
