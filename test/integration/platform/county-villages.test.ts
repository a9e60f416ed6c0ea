/**
 * The county's village list on the platform (issue 13 item 6, platform/county-villages.ts), on PGlite and PostgreSQL:
 * - registering a clinic writes the list (every registered clinic's villages) into every clinic's settings, where
 *   each clinic's device pulls it; changing a clinic's villages rewrites it everywhere, keeping a kept village's
 *   `validFrom`;
 * - a device's change to the list is refused, logged, and the platform's copy is sent back (a new sequence);
 * - a 迁出申请 made with an edit of the resident (`residentUpdatedAt`) that reaches the platform before that edit
 *   waits, and the residents push that brings the edit applies it: the edit is written, not parked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformOptions } from '../../../platform';
import type { Device } from '../../../platform/store';
import { CountyVillages } from '../../../shared/schemas/county-villages';
import { MoveRequest } from '../../../shared/sync/moves';
import type { WireDocument } from '../../../shared/sync/protocol';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { CLINIC_A, CLINIC_B, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

const A_VILLAGE = CLINIC_A.villages[0]!.code;
const B_VILLAGE = CLINIC_B.villages[0]!.code;
const NOW = Date.parse('2026-03-02T02:00:00Z');

function scenario(name: string, backend: () => Partial<PlatformOptions>, stopBackend: () => void = () => undefined): void {
  describe(`the county village list (${name})`, () => {
    let p: TestPlatform;
    let devA: Device;
    let devB: Device;
    let at = NOW;

    beforeAll(async () => {
      p = await startTestPlatform({ ...backend(), now: () => at });
      for (const [clinic, id] of [[CLINIC_A, 'dev-a'], [CLINIC_B, 'dev-b']] as const) {
        const { enrolmentCode } = await p.store.addClinic(clinic);
        await p.store.enrol({ code: enrolmentCode, deviceId: id, blocks: [] });
      }
      // The devices as the store sees them after authentication: the whole clinic's villages.
      const device = async (id: string, code: string): Promise<Device> => {
        const clinic = (await p.store.clinic(code))!;
        return { id, clinic, villages: clinic.villages };
      };
      devA = await device('dev-a', CLINIC_A.code);
      devB = await device('dev-b', CLINIC_B.code);
    }, 120_000);
    afterAll(async () => {
      await p?.dispose();
      stopBackend();
    });

    const pulledList = async (device: Device, after = 0) => {
      const page = await p.store.pull(device, 'settings', after, 1000);
      const doc = page.bodies.map((b) => JSON.parse(b) as WireDocument).find((d) => d['id'] === 'countyVillages');
      return { doc, list: doc ? CountyVillages.parse(doc['data']) : null, seq: page.seq };
    };

    it('reaches every clinic with every clinic\'s villages, and follows a change of a clinic\'s villages', async () => {
      const { doc, list } = await pulledList(devA);
      expect(doc).toMatchObject({ type: 'countyVillages', clinicCode: CLINIC_A.code });
      expect(list!.villages.map((v) => [v.code, v.name, v.clinicCode, v.clinicName, v.validFrom])).toEqual([
        ...CLINIC_A.villages.map((v) => [v.code, v.name, CLINIC_A.code, CLINIC_A.name, '2026-03-02']),
        [B_VILLAGE, '大湖村', CLINIC_B.code, CLINIC_B.name, '2026-03-02'],
      ]);
      expect((await pulledList(devB)).list).toEqual(list);

      // The operator gives B a second village a month later: both clinics get the new list; 大湖村 keeps its date.
      at = Date.parse('2026-04-02T02:00:00Z');
      const before = (await pulledList(devA)).seq;
      await p.store.addClinic({ ...CLINIC_B, villages: [...CLINIC_B.villages, { code: '441521102202', name: '新塘村' }] });
      const changed = await pulledList(devA, before);
      expect(changed.list!.villages.filter((v) => v.clinicCode === CLINIC_B.code).map((v) => [v.code, v.validFrom])).toEqual([
        [B_VILLAGE, '2026-03-02'],
        ['441521102202', '2026-04-02'],
      ]);
      at = NOW;
      console.log(`${name}: the list reached both clinics (${list!.villages.length} villages) and followed B's new village`);
    });

    it('refuses a device\'s change to the list and sends the platform\'s copy back', async () => {
      const { doc, seq } = await pulledList(devA);
      const forged = { ...doc!, data: { villages: [], issuedAt: NOW + 1 }, updatedAt: NOW + 1 };
      expect(await p.store.push(devA, 'settings', [{ assumedMasterState: doc!, newDocumentState: forged }])).toEqual([]);
      const back = await pulledList(devA, seq);
      expect(back.doc).toEqual(doc);
      expect((await p.store.refusals()).filter((r) => r.documentId === `${CLINIC_A.code}/countyVillages`)).toEqual([
        { deviceId: 'dev-a', collection: 'settings', documentId: `${CLINIC_A.code}/countyVillages`, reason: 'county documents (indicator rules, village list) are set on the platform' },
      ]);
      console.log(`${name}: a device's change to the list was refused, logged, and the platform's copy pulled back`);
    });

    it('applies a 迁出申请 made with an edit only once that edit has arrived, so the edit is written, not parked', async () => {
      const resident = residentWire(A_VILLAGE, { phone: '13800000001', updatedAt: NOW - 10 });
      expect(await p.store.push(devA, 'residents', [{ newDocumentState: resident }])).toEqual([]);
      const edited = { ...resident, phone: '13911112222', updatedAt: NOW };
      const request: MoveRequest = {
        residentId: resident.id,
        fromVillageCode: A_VILLAGE,
        toVillageCode: B_VILLAGE,
        reason: '投靠子女',
        requestedBy: 'admin',
        requestedAt: NOW,
        status: 'pending',
        residentUpdatedAt: NOW,
      };
      const requestDoc = { id: `moveRequest:${resident.id}`, type: 'moveRequest', clinicCode: CLINIC_A.code, data: request, updatedAt: NOW, _deleted: false };
      // The settings push arrives first: the request waits for the edit it was made with.
      expect(await p.store.push(devA, 'settings', [{ newDocumentState: requestDoc }])).toEqual([]);
      const stored = async () => MoveRequest.parse((await p.store.allDocuments('settings')).find((d) => d['id'] === requestDoc.id)!['data']);
      expect((await stored()).status).toBe('pending');
      expect((await p.store.allDocuments('residents')).find((d) => d['id'] === resident.id)).toMatchObject({ villageCode: A_VILLAGE });

      expect(await p.store.push(devA, 'residents', [{ assumedMasterState: resident, newDocumentState: edited }])).toEqual([]);
      expect(await stored()).toMatchObject({ status: 'applied', toClinicCode: CLINIC_B.code });
      expect((await p.store.allDocuments('residents')).find((d) => d['id'] === resident.id)).toMatchObject({ villageCode: B_VILLAGE, clinicCode: CLINIC_B.code, phone: '13911112222' });
      expect(await p.store.parkedEdits()).toEqual([]);
      console.log(`${name}: a request that arrived before its edit waited; the edit's push applied it and nothing was parked`);
    });

    it('keeps a 迁出申请 about a resident it has not received yet pending, and applies it when the resident arrives', async () => {
      const resident = residentWire(A_VILLAGE, { updatedAt: NOW });
      const request: MoveRequest = { residentId: resident.id, fromVillageCode: A_VILLAGE, toVillageCode: B_VILLAGE, reason: '', requestedBy: 'admin', requestedAt: NOW, status: 'pending', residentUpdatedAt: NOW };
      const requestDoc = { id: `moveRequest:${resident.id}`, type: 'moveRequest', clinicCode: CLINIC_A.code, data: request, updatedAt: NOW, _deleted: false };
      expect(await p.store.push(devA, 'settings', [{ newDocumentState: requestDoc }])).toEqual([]);
      const stored = async () => MoveRequest.parse((await p.store.allDocuments('settings')).find((d) => d['id'] === requestDoc.id)!['data']);
      expect((await stored()).status).toBe('pending');
      expect(await p.store.push(devA, 'residents', [{ newDocumentState: resident }])).toEqual([]);
      expect(await stored()).toMatchObject({ status: 'applied', toClinicCode: CLINIC_B.code });
      expect((await p.store.allDocuments('residents')).find((d) => d['id'] === resident.id)).toMatchObject({ villageCode: B_VILLAGE });
      console.log(`${name}: a request about a resident made offline waited for the record and was applied when it arrived`);
    });
  });
}

scenario('PGlite', () => ({}));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`county village list on PostgreSQL: skipped: ${unavailable}`);
if (unavailable === null) {
  let pg: TestPostgres | null = null;
  scenario(
    'PostgreSQL',
    () => {
      pg ??= startPostgres();
      return { databaseUrl: pg.url };
    },
    () => pg?.stop(),
  );
}
