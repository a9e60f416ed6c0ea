/**
 * 同一人两份档案 and shared conflicts on the platform (issue 13 items 4, 5; platform/reviews.ts), through the devices'
 * HTTP door on PGlite. Two clinics hold one village: the township centre (CLINIC_A) and that village's own clinic.
 * A resident created by each with the same ID number (one in its 15-digit form) is found on push by an index lookup
 * and queued for both clinics; the first settlement to reach the platform is applied there and settles every copy; a
 * later, different settlement is answered with the first; an encounter made for the merged record follows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateReview, ReviewItem, type ConflictReview } from '../../../shared/api/sync-review';
import { PullResponse, PushResponse, type WireDocument } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { idNumber } from '../../helpers/api';
import { CLINIC_A, encounterWire, enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { expectFactsFromScratch } from '../../helpers/county-facts';

const village = CLINIC_A.villages[0]!;
/** 东光村卫生室: a village clinic (12-digit code) whose one village the township centre also holds. */
const VILLAGE_CLINIC = { code: village.code, name: '东光村卫生室', villages: [village] };

let p: TestPlatform;
let town: PlatformHttp;
let vill: PlatformHttp;

async function pullAll(http: PlatformHttp, collection: string): Promise<WireDocument[]> {
  return (await http.json('GET', `/${collection}/pull?seq=0&limit=1000`, undefined, PullResponse)).documents;
}

async function reviews(http: PlatformHttp): Promise<Array<{ doc: WireDocument; item: ReviewItem }>> {
  return (await pullAll(http, 'settings')).filter((d) => d['type'] === 'syncReview').map((doc) => ({ doc, item: ReviewItem.parse(doc['data']) }));
}

async function push(http: PlatformHttp, collection: string, rows: Array<{ assumedMasterState?: WireDocument; newDocumentState: WireDocument }>): Promise<WireDocument[]> {
  return http.json('POST', `/${collection}/push`, rows, PushResponse);
}

function settle(copy: { doc: WireDocument; item: ReviewItem }, keptId: string, by: string, at: number): WireDocument {
  const item = DuplicateReview.parse(copy.item);
  return { ...copy.doc, data: { ...item, status: 'settled', decision: 'merged', keptId, settledBy: by, settledAt: at, reason: '同一人' }, updatedAt: at };
}

function scenario(name: string, start: () => Promise<{ platform: TestPlatform; stop?: () => void }>): void {
  describe(`duplicates and shared reviews (${name})`, () => {
    let stop: (() => void) | undefined;
    beforeAll(async () => {
      ({ platform: p, stop } = await start());
      town = (await enrolDevice(p, CLINIC_A, 'device-town')).http;
      vill = (await enrolDevice(p, VILLAGE_CLINIC, 'device-village')).http;
    }, 120_000);
    afterAll(async () => {
      await town?.close();
      await vill?.close();
      await p?.dispose();
      stop?.();
    });

    describe('duplicate residents on the platform (issue 13 item 5)', () => {
      const number = idNumber('1956-05-14', 21);
      const fifteen = number.slice(0, 6) + number.slice(8, 17);
      const older = residentWire(village.code, { idNumber: number, name: '王建国', createdAt: 1_772_000_000_000 });
      // The newer record's cover names its 建档人: the review carries it (the platform knows no user names).
      const newer = residentWire(village.code, { idNumber: fifteen, name: '王建国', createdAt: 1_772_000_100_000, data: { createdBy: ' 赵医生 ' } });
      const olderVisit = encounterWire(older, { id: '0190f0e0-0000-7000-8000-e00000000001' });
      const newerVisit = encounterWire(newer, { id: '0190f0e0-0000-7000-8000-e00000000002' });

      it('finds the same ID number (15- and 18-digit forms) on push by an index, and queues the pair for both clinics', async () => {
        expect(await push(town, 'residents', [{ newDocumentState: older }])).toEqual([]);
        expect(await push(town, 'encounters', [{ newDocumentState: olderVisit }])).toEqual([]);
        expect(await reviews(town)).toEqual([]);
        expect(await push(vill, 'residents', [{ newDocumentState: newer }])).toEqual([]);
        expect(await push(vill, 'encounters', [{ newDocumentState: newerVisit }])).toEqual([]);

        const [onTown, onVillage] = [await reviews(town), await reviews(vill)];
        expect(onTown).toHaveLength(1);
        expect(onVillage).toHaveLength(1);
        expect(onTown[0]!.doc['clinicCode']).toBe(CLINIC_A.code);
        expect(onVillage[0]!.doc['clinicCode']).toBe(VILLAGE_CLINIC.code);
        expect(onVillage[0]!.item).toEqual(onTown[0]!.item);
        expect(onTown[0]!.item).toMatchObject({
          kind: 'duplicate',
          source: 'platform',
          status: 'open',
          idNumberMasked: `${number.slice(0, 6)}********${number.slice(-4)}`,
          residents: [
            { id: older.id, clinicCode: CLINIC_A.code, clinicName: CLINIC_A.name, deviceId: 'device-town' },
            { id: newer.id, clinicCode: VILLAGE_CLINIC.code, clinicName: VILLAGE_CLINIC.name, deviceId: 'device-village', createdBy: '赵医生' },
          ],
        });
        expect(DuplicateReview.parse(onTown[0]!.item).residents[0]!.createdBy).toBeUndefined();

        // An edit of either record pushed again queues nothing more.
        await push(vill, 'residents', [{ assumedMasterState: newer, newDocumentState: { ...newer, phone: '13900000009', updatedAt: newer['updatedAt'] as number + 1 } }]);
        expect(await reviews(vill)).toHaveLength(1);

        // The lookup is an index scan on the 18-character number, not a scan of resident bodies.
        const plan = await p.sql.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_seqscan = off');
          return tx.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT resident_id, id_number FROM resident_id_numbers WHERE id_number = ANY($1::text[])', [[number]]);
        });
        expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/resident_id_numbers_by_number/);
        console.log(`checked: one review ${onTown[0]!.item.id} on both clinics; lookup plan uses resident_id_numbers_by_number`);
      });

      it('applies the first settlement: one live record with both encounters, the other a tombstone pointing at it', async () => {
        const [copy] = await reviews(town);
        // The village clinic's doctor keeps the newer record… on the township's device, as happens on a shared patient.
        expect(await push(town, 'settings', [{ assumedMasterState: copy!.doc, newDocumentState: settle(copy!, String(newer.id), '李医生', 1_772_100_000_000) }])).toEqual([]);

        const residents = await pullAll(vill, 'residents');
        const kept = residents.find((d) => d['id'] === newer.id)!;
        const gone = residents.find((d) => d['id'] === older.id)!;
        expect(kept._deleted).toBe(false);
        expect(kept['data']).toMatchObject({ mergedRecordNos: [older['recordNo']] });
        expect(gone).toMatchObject({ _deleted: true, data: { mergedInto: newer.id } });
        const visits = (await pullAll(vill, 'encounters')).filter((e) => [olderVisit.id, newerVisit.id].includes(e['id'] as string));
        expect(visits.map((v) => v['residentId'])).toEqual([newer.id, newer.id]);
        for (const http of [town, vill]) {
          expect((await reviews(http))[0]!.item).toMatchObject({ status: 'settled', decision: 'merged', keptId: newer.id, settledBy: '李医生' });
        }
      });

      it('answers a later, different settlement with the first one on every copy', async () => {
        const [copy] = await reviews(vill);
        const contrary = settle(copy!, String(older.id), '王医生', 1_772_200_000_000);
        expect(await push(vill, 'settings', [{ assumedMasterState: copy!.doc, newDocumentState: contrary }])).toEqual([]);
        for (const http of [town, vill]) {
          expect((await reviews(http))[0]!.item).toMatchObject({
            keptId: newer.id,
            settledBy: '李医生',
            overruled: [{ decision: 'merged', keptId: older.id, settledBy: '王医生', settledAt: 1_772_200_000_000 }],
          });
        }
        const live = (await pullAll(town, 'residents')).filter((d) => [older.id, newer.id].includes(d['id'] as string) && !d._deleted);
        expect(live.map((d) => d['id'])).toEqual([newer.id]);
      });

      it('moves an encounter made offline for the merged record to the record kept', async () => {
        const late = encounterWire(older, { id: '0190f0e0-0000-7000-8000-e00000000003' });
        expect(await push(town, 'encounters', [{ newDocumentState: late }])).toEqual([]);
        const stored = (await pullAll(town, 'encounters')).find((e) => e['id'] === late['id']);
        expect(stored).toMatchObject({ residentId: newer.id, villageCode: village.code });
      });

      it('keeps the county indicator records through the merge: none stale, each equal to one made from scratch', async () => {
        // Both residents, the moved encounters and the tombstone, written by pushes and by the merge (county/facts.ts).
        expect(await expectFactsFromScratch(p.sql)).toBeGreaterThanOrEqual(5);
        const gone = await p.sql.query<{ record: string }>("SELECT record FROM indicator_facts WHERE collection = 'residents' AND id = $1", [older.id]);
        expect(gone).toEqual([{ record: '' }]);
      });
    });

    describe('a merge a device applied before the platform decided (issue 13 item 5)', () => {
      const number = idNumber('1961-08-09', 23);
      const first = residentWire(village.code, { idNumber: number, name: '陈先到', createdAt: 1_772_000_000_000 });
      const second = residentWire(village.code, { idNumber: number, name: '陈先到', createdAt: 1_772_000_100_000 });
      const pending = (keptId: string, by: string) => ({ reviewId: '', keptId, by, at: 1_772_400_000_000, reason: by });

      it('takes the first pending merge to arrive as the decision, confirms it without the mark, and refuses a contrary one', async () => {
        await push(town, 'residents', [{ newDocumentState: first }]);
        await push(vill, 'residents', [{ newDocumentState: second }]);
        const copy = (await reviews(town)).find((r) => r.item.kind === 'duplicate' && r.item.residents.some((c) => c.id === first.id))!;
        const mark = { ...pending(String(first.id), '李医生'), reviewId: copy.item.id };
        // The town device merged `second` into `first` on its own; its resident writes arrive before its review item.
        const survivor = { ...first, data: { ...(first['data'] as object), mergedRecordNos: [second['recordNo']], mergePending: mark }, updatedAt: mark.at };
        const tombstone = { ...second, data: { ...(second['data'] as object), mergedInto: first.id, mergePending: mark }, updatedAt: mark.at, _deleted: true };
        expect(await push(town, 'residents', [{ assumedMasterState: first, newDocumentState: survivor }, { assumedMasterState: second, newDocumentState: tombstone }])).toEqual([]);

        const stored = (await pullAll(vill, 'residents')).filter((d) => d['id'] === first.id || d['id'] === second.id);
        expect(stored.map((d) => [d['id'], d._deleted, (d['data'] as Record<string, unknown>)['mergePending']])).toEqual(
          expect.arrayContaining([[first.id, false, undefined], [second.id, true, undefined]]),
        );
        for (const http of [town, vill]) {
          const item = (await reviews(http)).find((r) => r.item.id === copy.item.id)!.item;
          expect(item).toMatchObject({ status: 'settled', decision: 'merged', keptId: first.id, settledBy: '李医生', reason: '李医生' });
        }

        // The village device merged the other way round while offline: its writes are answered with the platform's.
        const contrary = { ...pending(String(second.id), '王医生'), reviewId: copy.item.id };
        const revived = { ...second, data: { ...(second['data'] as object), mergedRecordNos: [first['recordNo']], mergePending: contrary }, updatedAt: contrary.at + 1 };
        const answer = await push(vill, 'residents', [{ assumedMasterState: second, newDocumentState: revived }]);
        expect(answer).toHaveLength(1);
        expect(answer[0]).toMatchObject({ id: second.id, _deleted: true, data: { mergedInto: first.id } });
        const live = (await pullAll(town, 'residents')).filter((d) => [first.id, second.id].includes(d['id'] as string) && !d._deleted);
        expect(live.map((d) => d['id'])).toEqual([first.id]);
        console.log('checked: a pending merge that arrived first decided the pair and came back confirmed; a contrary pending write was answered with the platform\'s record');
      });
    });

    describe('a conflict review reaches the other clinic (issue 13 item 4)', () => {
      it('copies a pushed conflict review to the other clinic holding the village, and the first settlement to every copy', async () => {
        const resident = residentWire(village.code, { name: '冲突' });
        await push(town, 'residents', [{ newDocumentState: resident }]);
        const item: ConflictReview = {
          kind: 'conflict',
          id: `conflict:${String(resident.id)}`,
          collection: 'residents',
          docId: String(resident.id),
          residentId: String(resident.id),
          residentName: '冲突',
          source: 'platform',
          detectedAt: 1_772_300_000_000,
          fields: [
            {
              path: 'phone',
              base: '',
              kept: { value: '13900000001', updatedAt: 2, by: 'admin', isLocal: true },
              setAside: { value: '13900000002', updatedAt: 1, by: 'platform', isLocal: false },
            },
          ],
          status: 'open',
        };
        const doc = { id: item.id, type: 'syncReview', clinicCode: CLINIC_A.code, data: item, updatedAt: item.detectedAt, _deleted: false };
        await push(town, 'settings', [{ newDocumentState: doc }]);
        const onVillage = (await reviews(vill)).find((r) => r.item.id === item.id);
        expect(onVillage?.item).toEqual(item);
        expect(onVillage?.doc['clinicCode']).toBe(VILLAGE_CLINIC.code);

        const settled = { ...onVillage!.doc, data: { ...item, status: 'settled', settledBy: '王医生', settledAt: 1_772_300_100_000, choices: { phone: 'setAside' } } };
        await push(vill, 'settings', [{ assumedMasterState: onVillage!.doc, newDocumentState: settled }]);
        const onTown = (await reviews(town)).find((r) => r.item.id === item.id);
        expect(onTown?.item).toMatchObject({ status: 'settled', settledBy: '王医生' });
      });
    });
  });
}

scenario('PGlite', async () => ({ platform: await startTestPlatform() }));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`duplicates on PostgreSQL: skipped: ${unavailable}`);
if (unavailable === null) {
  scenario('PostgreSQL', async () => {
    const pg: TestPostgres = startPostgres();
    return { platform: await startTestPlatform({ databaseUrl: pg.url }), stop: () => pg.stop() };
  });
}
