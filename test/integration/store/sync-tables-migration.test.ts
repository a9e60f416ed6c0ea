/**
 * Store migration 3 (sql-migrations/0030-sync-tables.ts): the sync client's tables are part of the numbered file shape.
 * From the shipped v1 file (test/fixtures/store-v1, which has neither table) they are made empty; a version-2 file
 * that already has them, with rows, as the previous build's sync client made them, keeps every row.
 */
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../../main/services/runtime';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { LATEST_STORE_VERSION } from '../../../main/store/database';
import { sqlOf, storeV1Runtimes } from '../../helpers/store-v1';

const { copy, open, close } = storeV1Runtimes();
const fixtureCopy = () => copy('cunyi-v1-sync-');
const tables = (r: Runtime): string[] =>
  sqlOf(r).prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sync\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];

describe('store migration 3: the sync tables', () => {
  it('makes both tables, empty, in the shipped v1 file', async () => {
    const r = await open(fixtureCopy());
    expect(sqlOf(r).pragma('user_version', { simple: true })).toBe(LATEST_STORE_VERSION);
    expect(tables(r)).toEqual(['sync_departed', 'sync_enrolment']);
    expect(sqlOf(r).prepare('SELECT count(*) FROM sync_departed').pluck().get()).toBe(0);
    expect(sqlOf(r).prepare('SELECT count(*) FROM sync_enrolment').pluck().get()).toBe(0);
  });

  it('keeps the rows of a version-2 file whose sync client already made the tables', async () => {
    const dataDir = fixtureCopy();
    let r = await open(dataDir);
    // What the previous build left: version 2, and the tables its client made on first sync, with rows.
    const sql = sqlOf(r);
    const enrolment = JSON.stringify({ url: 'https://127.0.0.1:8443', fingerprint256: 'AA:BB', credential: 'c', deviceId: 'd', clinicCode: '441521101', villages: [] });
    sql.prepare('INSERT INTO sync_enrolment (key, value) VALUES (?, ?)').run('enrolment', enrolment);
    sql.prepare('INSERT INTO sync_departed (resident_id, noticed_at, purged_at) VALUES (?, ?, ?), (?, ?, NULL)').run('r-purged', 10, 20, 'r-waiting', 30);
    sql.pragma('user_version = 2');
    await close(r);

    r = await open(dataDir);
    expect(sqlOf(r).pragma('user_version', { simple: true })).toBe(LATEST_STORE_VERSION);
    expect(sqlOf(r).prepare('SELECT key, value FROM sync_enrolment').all()).toEqual([{ key: 'enrolment', value: enrolment }]);
    expect(sqlOf(r).prepare('SELECT resident_id, noticed_at, purged_at FROM sync_departed ORDER BY resident_id').all()).toEqual([
      { resident_id: 'r-purged', noticed_at: 10, purged_at: 20 },
      { resident_id: 'r-waiting', noticed_at: 30, purged_at: null },
    ]);
    expect(integrityCheck(sqlOf(r))).toEqual({ ok: true, messages: [] });
  });
});
