/**
 * A village doctor's device holds only their villages (issue 13 item 2): two devices of one clinic, each enrolled
 * with a code issued for one village, pull only that village's residents and documents (and the clinic's settings as
 * before), and a push into the other village is refused with a clear error and logged. `platform status` shows each
 * device's villages. The same test runs on PGlite and, where its binaries exist, on a throw-away PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { ParkedResponse, PullResponse, PushResponse } from '../../../shared/sync/protocol';
import { PlatformHttp } from '../../../main/sync/platform-http';
import { main as platformCli } from '../../../platform/cli';
import { CLINIC_A, encounterWire, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';

const [EAST, WEST] = CLINIC_A.villages.map((v) => v.code) as [string, string];

function scenario(name: string, start: () => Promise<{ p: TestPlatform; stop?: () => void }>): void {
  describe(`device villages (${name})`, () => {
    let p: TestPlatform;
    let stop: (() => void) | undefined;
    const clients: PlatformHttp[] = [];

    beforeAll(async () => {
      ({ p, stop } = await start());
    }, 120_000);
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await p?.dispose();
      stop?.();
    });

    async function enrol(deviceId: string, villages: string[] | undefined): Promise<PlatformHttp> {
      const { enrolmentCode } = await p.store.issueCode(CLINIC_A.code, villages);
      const r = await p.store.enrol({ code: enrolmentCode, deviceId, blocks: [] });
      expect(r.villages.map((v) => v.code)).toEqual(villages ?? [EAST, WEST]);
      const http = new PlatformHttp({ url: p.url, fingerprint256: p.tls.fingerprint256, credential: r.credential });
      clients.push(http);
      return http;
    }

    async function pullIds(http: PlatformHttp, collection: string): Promise<string[]> {
      const page = await http.json('GET', `/${collection}/pull?seq=0&limit=1000`, undefined, PullResponse);
      return page.documents.map((d) => String(d['id'])).sort();
    }

    it('pulls only the device\'s villages, refuses and logs a push into another village, and shows the villages in status', async () => {
      await p.store.addClinic(CLINIC_A);
      const whole = await enrol('whole-clinic', undefined);
      const east = await enrol('east-doctor', [EAST]);
      const west = await enrol('west-doctor', [WEST]);

      const rEast = residentWire(EAST);
      const rWest = residentWire(WEST);
      expect(await whole.json('POST', '/residents/push', [{ newDocumentState: rEast }, { newDocumentState: rWest }], PushResponse)).toEqual([]);
      const eEast = encounterWire(rEast);
      const eWest = encounterWire(rWest);
      expect(await whole.json('POST', '/encounters/push', [{ newDocumentState: eEast }, { newDocumentState: eWest }], PushResponse)).toEqual([]);
      const setting = { id: 'clinic', type: 'clinic', clinicCode: CLINIC_A.code, data: {}, updatedAt: 1, _deleted: false };
      expect(await whole.json('POST', '/settings/push', [{ newDocumentState: setting }], PushResponse)).toEqual([]);

      expect(await pullIds(east, 'residents')).toEqual([rEast.id]);
      expect(await pullIds(west, 'residents')).toEqual([rWest.id]);
      expect(await pullIds(east, 'encounters')).toEqual([eEast['id']]);
      expect(await pullIds(west, 'encounters')).toEqual([eWest['id']]);
      expect(await pullIds(whole, 'residents')).toEqual([rEast.id, rWest.id].sort());
      expect(await east.json('GET', '/residents/remaining?seq=0', undefined, z.object({ remaining: z.number() }))).toEqual({ remaining: 1 });
      // Clinic-scoped documents are the clinic's, whichever village the device serves (the county's village list too).
      expect(await pullIds(east, 'settings')).toEqual(['clinic', 'countyVillages']);
      console.log(`${name}: the east device pulls 1 resident and 1 encounter of ${EAST}, the west device those of ${WEST}, the whole-clinic device both`);

      const intoWest = residentWire(WEST);
      const refused = await east.json('POST', '/residents/push', [{ newDocumentState: intoWest }], PushResponse).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('PLATFORM_REFUSED');
      expect((refused as AppError).details).toMatchObject({ status: 403, error: 'OUT_OF_JURISDICTION' });
      expect(String((refused as AppError).details?.['message'])).toContain(`village ${WEST} is not one of this device's villages (${EAST})`);
      // An edit of the west resident by the east device is refused the same way, and nothing of either was written.
      const editWest = await east.json('POST', '/residents/push', [{ assumedMasterState: rWest, newDocumentState: { ...rWest, name: '越界' } }], PushResponse).catch((e: unknown) => e);
      expect((editWest as AppError).details).toMatchObject({ error: 'OUT_OF_JURISDICTION' });
      expect(await pullIds(whole, 'residents')).toEqual([rEast.id, rWest.id].sort());
      const refusals = await p.store.refusals();
      expect(refusals.filter((r) => r.deviceId === 'east-doctor').map((r) => r.documentId)).toEqual([intoWest.id, rWest.id]);
      console.log(`${name}: the east device's push into ${WEST} refused (403 OUT_OF_JURISDICTION) and logged, twice; nothing written`);

      const status = await p.store.status();
      const devices = status.clinics.find((c) => c.code === CLINIC_A.code)!.devices;
      expect(devices.map((d) => [d.deviceId, d.villages])).toEqual([
        ['whole-clinic', null],
        ['east-doctor', [EAST]],
        ['west-doctor', [WEST]],
      ]);
      console.log(`${name}: platform status shows each device's villages`);
    }, 120_000);

    it('moves a resident between the villages: the old village\'s device is told it departed, its late edit is parked, the new one pulls', async () => {
      const east = await enrol('east-mover', [EAST]);
      const west = await enrol('west-mover', [WEST]);
      const whole = await enrol('whole-mover', undefined);
      const r = residentWire(EAST);
      expect(await east.json('POST', '/residents/push', [{ newDocumentState: r }], PushResponse)).toEqual([]);
      const e = encounterWire(r);
      expect(await east.json('POST', '/encounters/push', [{ newDocumentState: e }], PushResponse)).toEqual([]);
      const before = await east.json('GET', '/residents/pull?seq=0&limit=1000', undefined, PullResponse);
      const wholeBefore = await whole.json('GET', '/residents/pull?seq=0&limit=1000', undefined, PullResponse);

      const moved = await p.store.moveResident({ residentId: r.id, villageCode: WEST, requestedBy: 'test' });
      expect(moved).toMatchObject({ fromVillage: EAST, toVillage: WEST, fromClinic: CLINIC_A.code, toClinic: CLINIC_A.code, documents: 2 });
      expect(await p.store.moveResident({ residentId: r.id, villageCode: WEST, requestedBy: 'test' })).toMatchObject({ documents: 0 });

      const eastAfter = await east.json('GET', `/residents/pull?seq=${before.checkpoint.seq}&limit=1000`, undefined, PullResponse);
      expect(eastAfter).toMatchObject({ documents: [], departed: [r.id] });
      expect((await east.json('GET', `/encounters/pull?seq=0&limit=1000`, undefined, PullResponse)).documents.map((d) => d['id'])).not.toContain(e['id']);
      const wholeAfter = await whole.json('GET', `/residents/pull?seq=${wholeBefore.checkpoint.seq}&limit=1000`, undefined, PullResponse);
      expect(wholeAfter.departed ?? []).toEqual([]);
      expect(wholeAfter.documents.map((d) => [d['id'], d['villageCode']])).toEqual([[r.id, WEST]]);
      expect((await west.json('GET', '/encounters/pull?seq=0&limit=1000', undefined, PullResponse)).documents.map((d) => [d['id'], d['villageCode']])).toContainEqual([e['id'], WEST]);
      console.log(`${name}: moved ${EAST} → ${WEST} inside the clinic: the east device pulls a departure, the west device the resident and encounter, the whole-clinic device the new version only`);

      // The east device's edit made before it heard of the move: parked (not refused, not applied), once even if sent twice.
      const late = { assumedMasterState: r, newDocumentState: { ...r, phone: '13700000000' } };
      expect(await east.json('POST', '/residents/push', [late], PushResponse)).toEqual([]);
      expect(await east.json('POST', '/residents/push', [late], PushResponse)).toEqual([]);
      const told = await east.json('GET', '/parked', undefined, ParkedResponse);
      expect(told.parked.map((x) => [x.collection, x.documentId])).toEqual([['residents', r.id]]);
      expect((await p.store.allDocuments('residents')).find((d) => d['id'] === r.id)).toMatchObject({ villageCode: WEST, phone: r['phone'] });
      expect((await p.store.status()).parked).toBe(1);
      console.log(`${name}: the east device's late edit was parked once (sent twice), the platform copy untouched`);
    }, 120_000);

    it('refuses an enrolment code for villages that are not the clinic\'s', async () => {
      const e = await p.store.issueCode(CLINIC_A.code, ['441521102201']).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'BAD_REQUEST', message: `Not villages of clinic ${CLINIC_A.code}: 441521102201.` });
      console.log(`${name}: a code for another clinic's village is refused (BAD_REQUEST)`);
    });
  });
}

scenario('PGlite', async () => ({ p: await startTestPlatform() }));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`village-scope on PostgreSQL: skipped: ${unavailable}`);
if (unavailable === null) {
  scenario('PostgreSQL', async () => {
    const pg: TestPostgres = startPostgres();
    return { p: await startTestPlatform({ databaseUrl: pg.url }), stop: () => pg.stop() };
  });
}

describe('platform clinic code (CLI)', () => {
  it('issues a code for some villages and refuses a list that is not village codes, with exit code 2', async () => {
    const p = await startTestPlatform();
    try {
      await p.store.addClinic(CLINIC_A);
      const lines: string[] = [];
      const log = console.log;
      console.log = (...a: unknown[]) => void lines.push(a.join(' '));
      let ok: number;
      let bad: number;
      const err = console.error;
      console.error = () => undefined;
      try {
        ok = await platformCli(['clinic', 'code', '--data-dir', p.dataDir, '--clinic', CLINIC_A.code, '--villages', EAST]);
        bad = await platformCli(['clinic', 'code', '--data-dir', p.dataDir, '--clinic', CLINIC_A.code, '--villages', '12,34']);
      } finally {
        console.log = log;
        console.error = err;
      }
      expect([ok, bad]).toEqual([0, 2]);
      expect(lines[0]).toBe(`clinic ${CLINIC_A.code}: one-time enrolment code for one device of villages ${EAST}:`);
      const r = await p.store.enrol({ code: lines[1]!, deviceId: 'cli-east', blocks: [] });
      expect(r.villages.map((v) => v.code)).toEqual([EAST]);
      console.log('cli: `platform clinic code --villages` (through the running server) issues a code the device enrols with for that village only');
    } finally {
      await p.dispose();
    }
  }, 60_000);
});
