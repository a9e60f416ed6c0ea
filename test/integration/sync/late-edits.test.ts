/**
 * The old clinic learns what became of its late edits (issue 13 item 6), end to end with a clinic's device (a runtime
 * in its own worker thread) and the platform (PGlite):
 * - while the device is off, another device of the same clinic sends a 迁出申请 for resident R to clinic B's village
 *   (applied by the platform), and the operator moves resident S there without a request;
 * - the device, not yet aware, edits both; its next sync uploads them: R's edit is forwarded to clinic B, S's is
 *   parked for the county's operator;
 * - `sync.lateEdits` then lists R's as forwarded to clinic B's village (names and date) and S's as parked with its
 *   reason, also for one resident, and both are still listed after the device restarts with the platform down;
 * - a village doctor of their village (东光村) sees both, one of 西山村 sees neither;
 * - once the operator settles S's edit, the next sync shows it settled and the parked count goes to 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { SyncStatus } from '../../../shared/api/sync';
import type { MoveRequest } from '../../../shared/sync/moves';
import { PushResponse, type LateEditNotice } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { residentInput } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { enrolDevice, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { startWorkerClinic, type WorkerClinic } from '../../helpers/worker-clinic';

const CLINIC_B = { code: '441521102', name: '海丰县大湖镇卫生院', villages: [{ code: '441521102201', name: '大湖村' }] };
const B_VILLAGE = CLINIC_B.villages[0]!.code;
const A_VILLAGE = SETUP_INPUT.villages[0]!.code;
const clinicA = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };

type Late = { checkedAt: number | null; edits: LateEditNotice[] };

let p: TestPlatform;
let a: WorkerClinic;
let office: PlatformHttp | undefined;

beforeAll(async () => {
  p = await startTestPlatform();
  a = await startWorkerClinic();
}, 180_000);
afterAll(async () => {
  await office?.close();
  await a?.dispose();
  await p?.dispose();
});

describe("a late edit seen by the clinic that made it (issue 13 item 6)", () => {
  it('lists a forwarded edit with its destination and date and a parked one with its reason, across a restart', async () => {
    const { enrolmentCode } = await p.store.addClinic(clinicA);
    await p.store.addClinic(CLINIC_B);
    await a.ok<SyncStatus>('sync.enroll', { url: p.url, code: enrolmentCode });
    const inputR = residentInput({ name: '迁出者', birthDate: '1950-02-03', phone: '13800000001' });
    const inputS = residentInput({ name: '被迁者', birthDate: '1951-04-05', phone: '13800000002' });
    const r = (await a.ok<ResidentDetail>('residents.create', { input: inputR })).resident;
    const s = (await a.ok<ResidentDetail>('residents.create', { input: inputS })).resident;
    expect(await a.ok<SyncStatus>('sync.now')).toMatchObject({ lastError: null, pending: 0, parked: 0 });
    expect(await a.ok<Late>('sync.lateEdits')).toEqual({ checkedAt: expect.any(Number) as number, edits: [] });

    // The device is off. Another device of the clinic sends R's 迁出申请; the operator moves S without one.
    await a.close();
    office = (await enrolDevice(p, clinicA, 'device-office')).http;
    const onPlatform = (await p.store.allDocuments('residents')).find((d) => d['id'] === r.id)!;
    const request: MoveRequest = {
      residentId: r.id,
      fromVillageCode: A_VILLAGE,
      toVillageCode: B_VILLAGE,
      reason: '投靠子女',
      requestedBy: 'doctor',
      requestedAt: Date.now(),
      status: 'pending',
      residentUpdatedAt: Number(onPlatform['updatedAt']),
    };
    const requestDoc = { id: `moveRequest:${r.id}`, type: 'moveRequest', clinicCode: clinicA.code, data: request, updatedAt: Date.now(), _deleted: false };
    expect(await office.json('POST', '/settings/push', [{ newDocumentState: requestDoc }], PushResponse)).toEqual([]);
    await p.store.moveResident({ residentId: s.id, villageCode: B_VILLAGE, requestedBy: 'operator' });
    expect((await p.store.allDocuments('residents')).filter((d) => d['id'] === r.id || d['id'] === s.id).map((d) => d['villageCode'])).toEqual([B_VILLAGE, B_VILLAGE]);

    // Back on, with the platform down: the device edits both, not knowing they left; then it syncs.
    await p.close();
    await a.reopen();
    await a.ok('residents.update', { id: r.id, input: { ...inputR, phone: '13911110001' } });
    await a.ok('residents.update', { id: s.id, input: { ...inputS, phone: '13911110002' } });
    await p.restart();
    expect(await a.ok<SyncStatus>('sync.now')).toMatchObject({ lastError: null, pending: 0, parked: 1 });
    expect((await p.store.allDocuments('residents')).find((d) => d['id'] === r.id)).toMatchObject({ villageCode: B_VILLAGE, phone: '13911110001' });

    const late = await a.ok<Late>('sync.lateEdits');
    const forwardedAt = Number((await p.sql.query<{ settled_at: string | number }>("SELECT settled_at FROM parked WHERE document_id = $1 AND settlement = 'forward'", [r.id]))[0]!.settled_at);
    const place = { clinicCode: CLINIC_B.code, clinicName: CLINIC_B.name, villageCode: B_VILLAGE, villageName: '大湖村' };
    expect(late.edits).toEqual([
      expect.objectContaining({ collection: 'residents', documentId: r.id, residentId: r.id, residentName: '迁出者', status: 'forwarded', reason: 'FORWARDED', to: place, settledAt: forwardedAt, outcome: 'merged' }),
      expect.objectContaining({ collection: 'residents', documentId: s.id, residentId: s.id, residentName: '被迁者', status: 'parked', reason: 'MOVED_AWAY', to: place, settledAt: null, outcome: null }),
    ]);
    // The notices name residents: a village doctor sees those of their own villages only (R and S lived in 东光村).
    const own = { clinicCode: clinicA.code, clinicName: clinicA.name, villageCode: A_VILLAGE, villageName: SETUP_INPUT.villages[0]!.name };
    expect(late.edits.map((e) => e.from)).toEqual([own, own]);
    const OTHER_VILLAGE = SETUP_INPUT.villages[1]!.code;
    await a.ok('users.add', { username: 'dongguang', displayName: '东光村医', role: 'villageDoctor', password: 'village doc 1', villages: [A_VILLAGE] });
    await a.ok('users.add', { username: 'xishan', displayName: '西山村医', role: 'villageDoctor', password: 'village doc 2', villages: [OTHER_VILLAGE] });
    await a.ok('session.signIn', { username: 'dongguang', password: 'village doc 1' });
    expect(await a.ok<Late>('sync.lateEdits')).toEqual(late);
    await a.ok('session.signIn', { username: 'xishan', password: 'village doc 2' });
    expect(await a.ok<Late>('sync.lateEdits')).toEqual({ checkedAt: late.checkedAt, edits: [] });
    expect(await a.ok<Late>('sync.lateEdits', { residentId: s.id })).toEqual({ checkedAt: late.checkedAt, edits: [] });
    await a.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    console.log(`late edits: after its sync the device lists R's edit as forwarded to ${CLINIC_B.name} ${place.villageName} at ${new Date(forwardedAt).toISOString()}, S's as parked (MOVED_AWAY, moved to ${CLINIC_B.code})`);

    // The device restarts while the platform is down: the list and the parked count are read from its own file.
    await p.close();
    await a.reopen();
    expect(await a.ok<Late>('sync.lateEdits')).toEqual(late);
    expect(await a.ok<Late>('sync.lateEdits', { residentId: s.id })).toEqual({ checkedAt: late.checkedAt, edits: [late.edits[1]] });
    expect((await a.ok<SyncStatus>('sync.status')).parked).toBe(1);
    console.log('late edits: after a restart with the platform down, the device still lists both, and one per resident');

    // The operator discards S's edit with a reason: the next sync shows it settled.
    await p.restart();
    const [parked] = await p.store.parkedEdits();
    await p.store.settleParked({ id: parked!.id, action: 'discard', reason: '新辖区已核实电话', by: 'op' });
    expect(await a.ok<SyncStatus>('sync.now')).toMatchObject({ lastError: null, parked: 0 });
    expect((await a.ok<Late>('sync.lateEdits', { residentId: s.id })).edits).toEqual([
      expect.objectContaining({ status: 'discarded', reason: 'MOVED_AWAY', discardReason: '新辖区已核实电话', settledAt: expect.any(Number) as number }),
    ]);
    console.log('late edits: a parked edit the operator discarded is shown as discarded with the reason after the next sync');
  }, 180_000);
});
