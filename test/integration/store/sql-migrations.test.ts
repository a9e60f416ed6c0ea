/**
 * The numbered file migrations, from what release 0.1.0 shipped (test/fixtures/store-v1, never rebuilt from today's
 * code): the documents come through unchanged, the old unversioned search tables are gone, the projections are
 * rebuilt from the documents, and the shown-version rule reads the twice-amended check.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthCheckView, ResidentSummary } from '../../../shared/api/residents';
import { LATEST_STORE_VERSION } from '../../../main/store/database';
import { createRuntime, type Runtime } from '../../../main/services/runtime';
import { fixedClock } from '../../../shared/domain/dates';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { SETUP_INPUT, TEST_KDF_COST } from '../../helpers/host';

const FIXTURE = resolve(import.meta.dirname, '..', '..', 'fixtures', 'store-v1');
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

describe('store migrations from the shipped v1 file', () => {
  let dataDir: string;
  let runtime: Runtime;
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await runtime.dispatch(method, input, { transport: 'test', connectionId: 't' });
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.value as T;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cunyi-v1-'));
    cpSync(FIXTURE, dataDir, { recursive: true });
    runtime = createRuntime({ dataDir, shell: 'headless', clock: fixedClock('2026-03-03T02:00:00Z'), kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent });
    await call('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('brings the file to the latest version, keeps every document and drops the unversioned tables', async () => {
    const db = runtime.services.session.current().db;
    expect(db.sql.pragma('user_version', { simple: true })).toBe(LATEST_STORE_VERSION);
    expect(await db.rx.residents.count().exec()).toBe(150);
    expect(await db.rx.households.count().exec()).toBe(56);
    expect(await db.rx.encounters.count().exec()).toBe(407);
    const tables = db.sql.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search%'`).pluck().all();
    expect(tables).toEqual([]);
    expect(integrityCheck(db.sql)).toEqual({ ok: true, messages: [] });
  });

  it('rebuilt the search projection from the residents', async () => {
    const db = runtime.services.session.current().db;
    const someone = (await db.rx.residents.find({ limit: 1, sort: [{ recordNo: 'asc' }] }).exec())[0]!.toJSON();
    const found = await call<ResidentSummary[]>('residents.search', { query: someone.recordNo });
    expect(found.map((r) => r.id)).toEqual([someone.id]);
  });

  it('shows the newest of two amendments of the stage-1 check, and reads its stage-1 form (no form version)', async () => {
    const db = runtime.services.session.current().db;
    const amended = (await db.rx.encounters.find({ selector: { amendReason: '第二次更正' } }).exec())[0]!.toJSON();
    expect(amended.data['formVersion']).toBeUndefined();
    const view = await call<HealthCheckView>('healthChecks.get', { id: amended.amends });
    expect(view).toMatchObject({ id: amended.amends, amendReason: '第二次更正', status: 'completed' });
    expect(view.amendedBy[0]).toBe(amended.id);
  });

  it('keeps working after the migration: a new write reaches the projections in its own transaction', async () => {
    const db = runtime.services.session.current().db;
    const r = (await db.rx.residents.find({ limit: 1 }).exec())[0]!.toJSON();
    await call('residents.update', { id: r.id, input: { ...(r.data as object), villageCode: r.villageCode, name: '新名字' } });
    const found = await call<ResidentSummary[]>('residents.search', { query: '新名字' });
    expect(found.map((s) => s.id)).toEqual([r.id]);
  });
});
