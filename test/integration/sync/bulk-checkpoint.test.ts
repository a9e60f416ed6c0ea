/**
 * A first sync large enough to be a bulk load (BULK_LOAD_MIN_DOCUMENTS) answers before its pages are copied from the
 * WAL into the file: the copy follows a moment after the answer (sync-engine.ts, connection-pool.ts `endAfter`).
 * Right after the answer the WAL still holds the load (a save meanwhile does not copy it back inline:
 * test/integration/store/bulk-load.test.ts); then the copy runs,
 * the automatic checkpoints are back to their spacing, and every document is in the file (a second handle reads them
 * all with the WAL emptied; the integrity check passes). The search keys' lookup indexes, left out while the empty
 * clinic filled, are there at the answer and the search finds the pulled residents.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/api/sync';
import { BULK_LOAD_CHECKPOINT_PAGES } from '../../../main/store/rx-storage-sqlcipher/connection-pool';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { BULK_LOAD_CHECKPOINT_DELAY_MS, BULK_LOAD_MIN_DOCUMENTS } from '../../../main/sync/sync-engine';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { insertDocuments, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
const VILLAGE = SETUP_INPUT.villages[0]!.code;

describe('a first sync that is a bulk load', () => {
  let p: TestPlatform;
  let h: ApiHarness;

  beforeAll(async () => {
    p = await startTestPlatform();
    const { enrolmentCode } = await p.store.addClinic(clinic);
    await insertDocuments(p.sql, 'residents', Array.from({ length: BULK_LOAD_MIN_DOCUMENTS }, (_, i) => residentWire(VILLAGE, { name: `批量${i}` })));
    h = await clinicHarness(new Date().toISOString());
    await h.ok('sync.enroll', { url: p.url, code: enrolmentCode });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await p?.dispose();
  });

  it('answers before the WAL is copied into the file, then copies it', async () => {
    const db = () => h.runtime.services.session.current().db;
    const walBytes = () => statSync(join(h.dataDir, 'cunyi.db-wal'), { throwIfNoEntry: false })?.size ?? 0;
    const autocheckpoint = () => Number(db().sql.pragma('wal_autocheckpoint', { simple: true }));
    const s = await h.ok<SyncStatus>('sync.now');
    // A call of the user's stays in flight until the checks below: background work that waits for a gap (the work
    // list recomputing the pulled residents, user-activity.ts) would write to the WAL after its copy.
    let release = () => undefined as void;
    void h.runtime.services.activity.track(() => new Promise<void>((r) => (release = r)));
    expect(s.lastError).toBeNull();
    // Read at once after the answer (two numbers, no await in between): the delay has not passed.
    const loaded = walBytes();
    expect(autocheckpoint()).toBe(BULK_LOAD_CHECKPOINT_PAGES);
    // 5,000 residents of about 1 KB each, with their search keys and meta rows: many megabytes still in the WAL.
    expect(loaded).toBeGreaterThan(4 * 2 ** 20);
    await new Promise((resolve) => setTimeout(resolve, BULK_LOAD_CHECKPOINT_DELAY_MS + 500));
    expect(autocheckpoint()).toBe(1000);
    expect(walBytes()).toBe(0);
    release();
    expect(await db().rx.residents.count().exec()).toBe(BULK_LOAD_MIN_DOCUMENTS);
    expect(integrityCheck(db().sql)).toEqual({ ok: true, messages: [] });
    // The search keys' lookup indexes, left out while the empty clinic filled (projections.ts `holdIndexes`), were
    // built before the answer: the search reads them, and finds a resident of the last page by name and by prefix.
    expect(db().sql.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'p_search_residents' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()).toEqual([
      'p_search_residents_by_key',
      'p_search_residents_by_village',
    ]);
    expect((await h.ok<{ name: string }[]>('residents.search', { query: `批量${BULK_LOAD_MIN_DOCUMENTS - 1}` })).map((r) => r.name)).toEqual([`批量${BULK_LOAD_MIN_DOCUMENTS - 1}`]);
    expect(await h.ok<unknown[]>('residents.search', { query: '批量12', limit: 200 })).toHaveLength(111);
    console.log(`bulk first sync: ${BULK_LOAD_MIN_DOCUMENTS} residents; answered with ${(loaded / 2 ** 20).toFixed(1)} MB in the WAL, copied ${BULK_LOAD_CHECKPOINT_DELAY_MS} ms later`);
  }, 120_000);
});
