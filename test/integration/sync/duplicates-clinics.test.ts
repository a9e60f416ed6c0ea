/**
 * The same person recorded offline in two clinics (issue 13 item 5 across clinics): clinic A (赤坑镇, two villages)
 * and clinic B (大湖镇, one village) each create a resident with the same ID number in their own village, each with a
 * measurement, while the platform is down. Each device holds only its own record. After both sync, the platform has
 * found the pair and both clinics' devices show it, each record with its clinic, village and encounter count. B's
 * doctor settles it on B's device, keeping A's record: B cannot merge locally (it does not hold A's record), so the
 * platform merges. Afterwards A's device holds one record with both measurements; the survivor lives in A's village,
 * outside B's, so B's device gets a departure and purges its merged record and the measurement that moved with it.
 * Each device's `cunyi export` equals the platform's export of its clinic. Runs on PGlite and, where its binaries
 * exist, on a throw-away PostgreSQL (CUNYI_TEST_PG_PORT).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResidentDetail, TimelineItem } from '../../../shared/api/residents';
import type { SyncStatus } from '../../../shared/api/sync';
import type { DuplicateReview, ReviewItem } from '../../../shared/api/sync-review';
import type { PlatformOptions } from '../../../platform';
import { idNumber, residentInput } from '../../helpers/api';
import { expectExportsEqual } from '../../helpers/exports';
import { SETUP_INPUT } from '../../helpers/host';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { startWorkerClinic, type WorkerClinic } from '../../helpers/worker-clinic';

const SETUP_B = { ...SETUP_INPUT, clinicCode: '441521102', clinicName: '海丰县大湖镇卫生院', villages: [{ code: '441521102201', name: '大湖村' }] };
const A_VILLAGE = SETUP_INPUT.villages[0]!.code;
const B_VILLAGE = SETUP_B.villages[0]!.code;
const clinicOf = (s: typeof SETUP_INPUT) => ({ code: s.clinicCode, name: s.clinicName, villages: s.villages });

function scenario(name: string, backend: () => Partial<PlatformOptions>, stopBackend: () => void = () => undefined): void {
  describe(`the same person in two clinics (${name})`, () => {
    let p: TestPlatform;
    let a: WorkerClinic;
    let b: WorkerClinic;
    let dir: string;

    beforeAll(async () => {
      p = await startTestPlatform(backend());
      dir = mkdtempSync(join(tmpdir(), 'cunyi-dup-clinics-'));
      [a, b] = await Promise.all([startWorkerClinic({ now: '2026-03-02T02:00:00Z' }), startWorkerClinic({ setup: SETUP_B, now: '2026-03-02T02:05:00Z' })]);
      for (const [c, setup] of [[a, SETUP_INPUT], [b, SETUP_B]] as const) {
        const { enrolmentCode } = await p.store.addClinic(clinicOf(setup));
        await c.ok<SyncStatus>('sync.enroll', { url: p.url, code: enrolmentCode });
        await c.ok<SyncStatus>('sync.now');
      }
    }, 180_000);
    afterAll(async () => {
      await a?.dispose();
      await b?.dispose();
      await p?.dispose();
      stopBackend();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function syncUntil(done: () => Promise<boolean>): Promise<void> {
      await vi.waitFor(
        async () => {
          await a.ok<SyncStatus>('sync.now');
          await b.ok<SyncStatus>('sync.now');
          expect(await done()).toBe(true);
        },
        { timeout: 90_000, interval: 300 },
      );
    }
    const duplicates = async (c: WorkerClinic, status: 'open' | 'all') =>
      (await c.ok<ReviewItem[]>('syncReview.list', { status })).filter((i): i is DuplicateReview => i.kind === 'duplicate');
    const isLive = async (c: WorkerClinic, id: string) => (await c.call('residents.get', { id })).ok;

    it('queues the pair in both clinics; settled in B keeping A\'s record, A holds one record with both measurements and B purges its own', async () => {
      const port = p.port;
      await p.close();
      const input = residentInput({ name: '周两地', birthDate: '1948-07-09', idNumber: idNumber('1948-07-09', 41) });
      const inA = (await a.ok<ResidentDetail>('residents.create', { input: { ...input, villageCode: A_VILLAGE } })).resident.id;
      const inB = (await b.ok<ResidentDetail>('residents.create', { input: { ...input, villageCode: B_VILLAGE, phone: '13900000041' } })).resident.id;
      await a.ok('measurements.record', { residentId: inA, date: '2026-03-01', sbp: 152, dbp: 96 });
      await b.ok('measurements.record', { residentId: inB, date: '2026-03-02', sbp: 131, dbp: 84 });
      p = await startTestPlatform({ ...backend(), dataDir: p.dataDir, port });

      await syncUntil(async () => (await duplicates(a, 'open')).length === 1 && (await duplicates(b, 'open')).length === 1);
      const [onA] = await duplicates(a, 'open');
      const [onB] = await duplicates(b, 'open');
      expect(onB!.id).toBe(onA!.id);
      // Each side sees both records: its own with what it holds now, the other clinic's as the platform found it.
      for (const item of [onA!, onB!]) {
        const byId = Object.fromEntries(item.residents.map((r) => [r.id, r]));
        expect(byId[inA]).toMatchObject({ villageCode: A_VILLAGE, clinicCode: SETUP_INPUT.clinicCode, clinicName: SETUP_INPUT.clinicName, encounters: 1 });
        expect(byId[inB]).toMatchObject({ villageCode: B_VILLAGE, clinicCode: SETUP_B.clinicCode, clinicName: SETUP_B.clinicName, encounters: 1 });
      }
      expect(await isLive(a, inB)).toBe(false);
      expect(await isLive(b, inA)).toBe(false);

      const settled = await b.ok<DuplicateReview>('syncReview.settleDuplicate', { id: onB!.id, decision: 'merge', keepId: inA, reason: '两镇各建一份' });
      // B does not hold A's record: nothing is merged on B until the platform has decided.
      expect(settled.pending).toBeUndefined();
      expect(await isLive(b, inB)).toBe(true);

      await syncUntil(async () => !(await isLive(b, inB)) && (await duplicates(a, 'all'))[0]?.status === 'settled');
      const dates = (await a.ok<TimelineItem[]>('residents.timeline', { id: inA })).filter((t) => t.kind === 'measurement').map((t) => t.date).sort();
      expect(dates).toEqual(['2026-03-01', '2026-03-02']);
      expect(await isLive(a, inB)).toBe(false);
      for (const c of [a, b]) expect((await duplicates(c, 'all'))[0]).toMatchObject({ status: 'settled', decision: 'merged', keptId: inA, reason: '两镇各建一份' });
      // B's device holds nothing of the person now: the record and the measurement moved to A's village with the merge.
      const bList = await b.ok<{ total: number; items: Array<{ id: string }> }>('residents.list', { offset: 0, limit: 200 });
      expect(bList.items.map((r) => r.id)).not.toContain(inB);
      expect((await b.call('residents.timeline', { id: inB })).ok).toBe(false);

      const onPlatform = (await p.store.allDocuments('encounters')).filter((e) => e['type'] === 'measurement' && (e['residentId'] === inA || e['residentId'] === inB));
      expect(onPlatform.map((e) => [e['residentId'], e['villageCode']])).toEqual([[inA, A_VILLAGE], [inA, A_VILLAGE]]);
      const tombstone = (await p.store.allDocuments('residents')).find((d) => d['id'] === inB);
      expect(tombstone).toMatchObject({ _deleted: true, villageCode: A_VILLAGE, data: { mergedInto: inA } });

      const nA = await expectExportsEqual(p, a, SETUP_INPUT.clinicCode, dir);
      const nB = await expectExportsEqual(p, b, SETUP_B.clinicCode, dir);
      console.log(`checked (${name}): pair queued in clinics ${SETUP_INPUT.clinicCode} and ${SETUP_B.clinicCode}; settled in B keeping A's record; A holds it with 2 measurements, B purged its own; exports equal (${nA} and ${nB} documents)`);
    }, 300_000);
  });
}

scenario('PGlite', () => ({}));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`duplicates across clinics on PostgreSQL: skipped: ${unavailable}`);
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
