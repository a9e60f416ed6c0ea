/**
 * The clinic's own projections (search keys, the patient index, the indicators' rows) rebuilt after an upgrade,
 * stopped part-way by a lock and continued at the next open, end with exactly the rows of a rebuild in one go
 * (issue 10 §4). This is the check that every projection's `apply` can see a document twice (a write between pages
 * beyond the rebuild's position applies it, then the rebuild's page does again) and still leave one set of rows.
 */
import { describe, expect, it } from 'vitest';
import { CLINIC_PROJECTIONS } from '../../../main/services/projections';
import { openClinicDatabase, type ClinicDatabase } from '../../../main/store/database';
import { KeyVault } from '../../../main/store/keys';
import { SETUP_INPUT } from '../../helpers/host';
import { seededClinicDir } from '../../helpers/seeded-clinic';
import { lowerProjectionVersions } from '../../helpers/stale-projections';

const REBUILT = ['search', 'patients', 'indicators'];
const TABLES = ['p_search_residents', 'p_patient_docs', 'p_patient_residents', 'p_patient_resident_count', 'p_indicator_residents', 'p_indicator_encounters', 'p_indicator_contracts'];
const { username, password } = SETUP_INPUT.admin;

const clinic = seededClinicDir({ prefix: 'cunyi-resume-', seed: 'resume', residents: 600 });

async function open(deferRebuilds: boolean): Promise<ClinicDatabase> {
  const vault = await KeyVault.open(clinic.dataDir);
  const { dataKey } = await vault.unlockWithPassword(username, password);
  try {
    return await openClinicDatabase(clinic.dataDir, dataKey, { projections: CLINIC_PROJECTIONS, deferRebuilds });
  } finally {
    dataKey.fill(0);
  }
}

const rowsOf = (db: ClinicDatabase) =>
  Object.fromEntries(TABLES.map((t) => [t, (db.sql.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][]).map((row) => JSON.stringify(row)).sort()]));

describe('the clinic\'s projections, rebuilt in two sittings', () => {
  it('stopped after a few pages with writes between, continued at the next open: the same rows as in one go', async () => {
    await lowerProjectionVersions(clinic.dataDir, username, password, REBUILT);
    let db = await open(true);
    expect(db.rebuilds.pending()).toEqual(REBUILT);
    let calls = 0;
    // Held once the first page (500 documents) of each of the 7 steps ran, then the app locks (closing stops it).
    const run = db.rebuilds.run({ holdWhile: () => ++calls >= 7 });
    const deadline = Date.now() + 60_000;
    while (calls < 7) {
      if (Date.now() > deadline) {
        await db.close();
        throw new Error('the rebuild was never held');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    // Writes between pages: residents renamed (search keys, the patient index and the indicators all follow them).
    const residents = await db.rx.residents.find({ limit: 3 }).exec();
    expect(residents.length).toBe(3);
    for (const [i, r] of residents.entries()) await r.incrementalPatch({ name: `续建${i}` });
    await db.close();
    await run.catch(() => undefined);

    db = await open(true);
    try {
      const positions = db.sql.prepare('SELECT name, done, complete FROM p__rebuilds').all() as { name: string; done: number; complete: number }[];
      expect(new Set(positions.map((p) => p.name))).toEqual(new Set(REBUILT));
      expect(positions.some((p) => p.complete === 0 && p.done > 0)).toBe(true);
      // More writes before it goes on, then to its end.
      const more = await db.rx.residents.find({ skip: 100, limit: 2 }).exec();
      for (const [i, r] of more.entries()) await r.incrementalPatch({ name: `再建${i}` });
      await db.rebuilds.run();
      expect(db.rebuilds.pending()).toEqual([]);
      expect(db.sql.prepare('SELECT count(*) FROM p__rebuilds').pluck().get()).toBe(0);
    } catch (e) {
      await db.close();
      throw e;
    }
    const resumed = rowsOf(db);
    await db.close();

    await lowerProjectionVersions(clinic.dataDir, username, password, REBUILT);
    db = await open(false);
    try {
      const oneGo = rowsOf(db);
      // The seed signs no contracts: every other table has rows to compare.
      for (const table of TABLES.filter((t) => t !== 'p_indicator_contracts')) expect(resumed[table]?.length, table).toBeGreaterThan(0);
      expect(resumed).toEqual(oneGo);
    } finally {
      await db.close();
    }
  }, 120_000);
});
