/**
 * Platform migration 0150 and the stored move wait (issue 13 item 6), on PGlite and, where its binaries exist, a
 * throw-away PostgreSQL (CUNYI_TEST_PG_PORT):
 * - from the schema before it (migrations up to 0130), with parked rows written as that release wrote them (an
 *   unsettled one and a forwarded one, no `why`): every row comes through unchanged, the new column reads NULL, the
 *   wait is the default 14 days, and the device's list of late edits reads the old rows (a forward is a forward, the
 *   other says the resident moved away, both name where the resident went from `moves`);
 * - `serve --move-wait-days N` stores N: after the server stops, `platform status` reports N without the flag; `platform
 *   config` shows and changes it (a running PGlite server uses the new value at once), a restart keeps it, and a wait
 *   outside (0, 365] days is refused with exit code 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Sql } from '../../../platform/db';
import { deviceLateEdits } from '../../../platform/late-edits';
import { migrate } from '../../../platform/migrate';
import { moveWaitSetting } from '../../../platform/move-requests';
import type { PlatformStatus } from '../../../shared/sync/protocol';
import { CLINIC_A, CLINIC_B, runPlatformCli, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';

const DAY = 24 * 60 * 60_000;
const T0 = 1_780_000_000_000;

/** Runs the CLI with DATABASE_URL set as an operator of this database would have it. */
async function cli(args: string[], databaseUrl: string | undefined): Promise<{ code: number; out: string; err: string }> {
  const before = process.env['DATABASE_URL'];
  if (databaseUrl) process.env['DATABASE_URL'] = databaseUrl;
  try {
    return await runPlatformCli(args);
  } finally {
    if (before === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = before;
  }
}

function scenario(name: string, start: () => { databaseUrl?: string; stop?: () => void }, openOld: (databaseUrl: string | undefined) => Promise<Sql>): void {
  describe(`the stored move wait and migration 0150 (${name})`, () => {
    let databaseUrl: string | undefined;
    let stop: (() => void) | undefined;
    let dataDir: string;
    let p: TestPlatform | undefined;

    beforeAll(() => {
      ({ databaseUrl, stop } = start());
      dataDir = mkdtempSync(join(tmpdir(), 'cunyi-move-wait-'));
    }, 120_000);
    afterAll(async () => {
      await p?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
      stop?.();
    });

    it('migrates parked rows from the schema before 0150 unchanged, and reads them as late edits', async () => {
      const sql = await openOld(databaseUrl);
      try {
        expect((await migrate(sql, { upTo: 130 })).at(-1)).toBe(130);
        for (const c of [CLINIC_A, CLINIC_B]) await sql.query('INSERT INTO clinics (code, name, villages, created_at) VALUES ($1, $2, $3, $4)', [c.code, c.name, JSON.stringify(c.villages), T0]);
        await sql.query('INSERT INTO moves (resident_id, from_village, to_village, from_clinic, to_clinic, documents, requested_by, at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)', [
          'r-1', CLINIC_A.villages[0]!.code, CLINIC_B.villages[0]!.code, CLINIC_A.code, CLINIC_B.code, 'operator', T0,
        ]);
        const body = JSON.stringify({ id: 'r-1', name: '旧居民', villageCode: CLINIC_A.villages[0]!.code });
        await sql.query("INSERT INTO parked (at, device_id, clinic_code, collection, document_id, reason, body, assumed) VALUES ($1, 'dev-a', $2, 'residents', 'r-1', 'resident r-1 moved out of this device''s villages', $3, NULL)", [T0 + 1, CLINIC_A.code, body]);
        await sql.query(
          `INSERT INTO parked (at, device_id, clinic_code, collection, document_id, reason, body, assumed, settled_at, settled_by, settlement, settle_reason, settle_result)
           VALUES ($1, 'dev-a', $2, 'encounters', 'e-1', 'forwarded', $3, NULL, $1, 'platform', 'forward', NULL, $4)`,
          [T0 + 2, CLINIC_A.code, JSON.stringify({ id: 'e-1', residentId: 'r-1' }), JSON.stringify({ action: 'forward', outcome: 'merged', conflicts: [] })],
        );
        const cols = 'id, at, device_id, clinic_code, collection, document_id, reason, body, assumed, settled_at, settled_by, settlement, settle_reason, settle_result';
        const old = await sql.query(`SELECT ${cols} FROM parked ORDER BY id`);

        expect(await migrate(sql)).toContain(150);
        expect(await sql.query(`SELECT ${cols} FROM parked ORDER BY id`)).toEqual(old);
        expect((await sql.query<{ why: string | null }>('SELECT why FROM parked ORDER BY id')).map((r) => r.why)).toEqual([null, null]);
        expect(await moveWaitSetting(sql)).toEqual({ days: 14, setAt: null, setBy: null });
        const to = { clinicCode: CLINIC_B.code, clinicName: CLINIC_B.name, villageCode: CLINIC_B.villages[0]!.code, villageName: CLINIC_B.villages[0]!.name };
        // Where the resident lived on the device's side: the resident's own village, and for the encounter (which has
        // none) the move out of clinic A.
        const from = { clinicCode: CLINIC_A.code, clinicName: CLINIC_A.name, villageCode: CLINIC_A.villages[0]!.code, villageName: CLINIC_A.villages[0]!.name };
        expect(await deviceLateEdits(sql, 'dev-a')).toEqual([
          { id: expect.any(Number) as number, at: T0 + 1, collection: 'residents', documentId: 'r-1', residentId: 'r-1', residentName: '旧居民', status: 'parked', reason: 'MOVED_AWAY', fields: [], to, from, settledAt: null, outcome: null, discardReason: null },
          { id: expect.any(Number) as number, at: T0 + 2, collection: 'encounters', documentId: 'e-1', residentId: 'r-1', residentName: null, status: 'forwarded', reason: 'FORWARDED', fields: [], to, from, settledAt: T0 + 2, outcome: 'merged', discardReason: null },
        ]);
        expect(await deviceLateEdits(sql, 'dev-b')).toEqual([]);
        console.log(`${name}: migration 0150 kept the 0130 parked rows as they were; the old rows read as late edits (parked MOVED_AWAY, forwarded), both to ${CLINIC_B.code}; the wait defaults to 14 days`);
      } finally {
        await sql.close();
      }
    }, 120_000);

    it('stores the wait given to serve; status reports it offline; config shows and changes it; restarts keep it', async () => {
      p = await startTestPlatform({ dataDir, databaseUrl, moveRequestWaitMs: 3 * DAY });
      expect((await p.store.status()).moveRequests.waitDays).toBe(3);
      await p.close();
      const status = async (): Promise<number> => {
        const r = await cli(['status', '--data-dir', dataDir], databaseUrl);
        expect(r.code).toBe(0);
        return (JSON.parse(r.out) as PlatformStatus).moveRequests.waitDays;
      };
      expect(await status()).toBe(3);
      // The flag of `status` still shows another wait without storing it.
      expect(JSON.parse((await cli(['status', '--data-dir', dataDir, '--move-wait-days', '9'], databaseUrl)).out)).toMatchObject({ moveRequests: { waitDays: 9 } });
      expect(await status()).toBe(3);

      const shown = await cli(['config', '--data-dir', dataDir], databaseUrl);
      expect([shown.code, JSON.parse(shown.out)]).toEqual([0, { moveWait: { days: 3, setAt: expect.any(Number) as number, setBy: 'serve --move-wait-days' } }]);
      const set = await cli(['config', '--data-dir', dataDir, '--move-wait-days', '5'], databaseUrl);
      expect([set.code, (JSON.parse(set.out) as { moveWait: { days: number; setBy: string } }).moveWait]).toEqual([0, { days: 5, setAt: expect.any(Number) as number, setBy: expect.stringMatching(/^operator \(/) as string }]);
      expect(await status()).toBe(5);
      for (const bad of ['0', '366', 'x']) {
        const r = await cli(['config', '--data-dir', dataDir, '--move-wait-days', bad], databaseUrl);
        expect([r.code, r.err.split('\n')[0]]).toEqual([2, 'platform: --move-wait-days expects a number of days from more than 0 to 365']);
      }
      expect((await cli(['config', '--data-dir', dataDir, '--wait', '5'], databaseUrl)).code).toBe(2);

      // Served again without the flag: the stored wait.
      p = await startTestPlatform({ dataDir, databaseUrl });
      expect(p.store.moveRequestWaitMs).toBe(5 * DAY);
      if (!databaseUrl) {
        // PGlite: the CLI goes to the running server, which uses the new wait at once.
        const r = await cli(['config', '--data-dir', dataDir, '--move-wait-days', '7'], databaseUrl);
        expect((JSON.parse(r.out) as { moveWait: { days: number } }).moveWait.days).toBe(7);
        expect(p.store.moveRequestWaitMs).toBe(7 * DAY);
        expect((await cli(['status', '--data-dir', dataDir], databaseUrl)).out).toContain('"waitDays": 7');
      }
      await p.close();
      expect(await status()).toBe(databaseUrl ? 5 : 7);
      console.log(`${name}: serve --move-wait-days 3 stored 3; offline status said 3; config set 5${databaseUrl ? '' : ', and 7 through the running server'}; a restart without the flag used it; bad waits exit 2`);
    }, 120_000);
  });
}

scenario('PGlite', () => ({}), () => openPglite(undefined));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`the stored move wait on PostgreSQL: skipped: ${unavailable}`);
if (unavailable === null) {
  let pg: TestPostgres | null = null;
  scenario(
    'PostgreSQL',
    () => {
      pg = startPostgres();
      return { databaseUrl: pg.url, stop: () => pg?.stop() };
    },
    (url) => openPostgres(url!),
  );
}
