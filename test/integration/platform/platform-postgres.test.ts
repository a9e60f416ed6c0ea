/**
 * The platform on a real PostgreSQL (the county's deployment), with the same SQL and migrations as on PGlite:
 * migrations apply once, push/pull/conflicts/jurisdiction behave the same, and data survives a restart.
 * Skipped, with the reason printed, only where the PostgreSQL binaries are absent (CI installs them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/api/errors';
import { PullResponse, PushResponse } from '../../../shared/sync/protocol';
import { migrate } from '../../../platform/migrate';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { CLINIC_A, CLINIC_B, enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';

const unavailable = postgresUnavailable();
if (unavailable) console.log(`platform-postgres: skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('platform on PostgreSQL', () => {
  let pg: TestPostgres;
  let p: TestPlatform;
  let a: PlatformHttp;
  const village = CLINIC_A.villages[0]!.code;

  beforeAll(async () => {
    pg = startPostgres();
    p = await startTestPlatform({ databaseUrl: pg.url });
    a = (await enrolDevice(p, CLINIC_A, 'pg-device-a')).http;
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await p?.dispose();
    pg?.stop();
  });

  it('runs on PostgreSQL, applying each migration once', async () => {
    expect(p.sql.kind).toBe('postgres');
    expect(await migrate(p.sql)).toEqual([]);
  });

  it('pushes, pulls, answers conflicts and keeps data across a restart', async () => {
    const v1 = residentWire(village);
    expect(await a.json('POST', '/residents/push', [{ newDocumentState: v1 }], PushResponse)).toEqual([]);
    const v2 = { ...v1, name: '改名' };
    expect(await a.json('POST', '/residents/push', [{ assumedMasterState: v1, newDocumentState: v2 }], PushResponse)).toEqual([]);
    expect(await a.json('POST', '/residents/push', [{ assumedMasterState: v1, newDocumentState: { ...v1, phone: '1' } }], PushResponse)).toEqual([v2]);
    await p.restart();
    const page = await a.json('GET', '/residents/pull?seq=0&limit=10', undefined, PullResponse);
    expect(page.documents).toEqual([v2]);
  });

  it('refuses a push outside the jurisdiction', async () => {
    const e = await a.json('POST', '/residents/push', [{ newDocumentState: residentWire(CLINIC_B.villages[0]!.code) }], PushResponse).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).details?.['error']).toBe('OUT_OF_JURISDICTION');
  });
});
