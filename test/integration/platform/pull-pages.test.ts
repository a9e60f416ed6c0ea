/**
 * The platform's pull of a village-scoped collection (PlatformStore.pull) reads each village along its index and
 * merges them (the plain `village_code = ANY(…) ORDER BY seq` walked every other township's rows at county scale).
 * Paged at any size, it must give exactly the documents of the device's villages, in change-sequence order, each
 * once, however the villages' documents interleave with each other and with other clinics'. On PGlite (same SQL on
 * PostgreSQL, which platform-postgres.test.ts pulls through).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../../platform/store';
import { CLINIC_A, CLINIC_B, insertDocuments, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

describe('pull pages of a village-scoped collection', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    await p.store.addClinic(CLINIC_A);
    await p.store.addClinic(CLINIC_B);
  }, 60_000);
  afterAll(async () => {
    await p?.dispose();
  });

  const villages = [...CLINIC_A.villages, ...CLINIC_B.villages].map((v) => v.code);

  it('gives every document of the device villages once, in seq order, at any page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: villages.length - 1 }), { minLength: 0, maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (homes, limit) => {
        await p.sql.query("DELETE FROM documents WHERE collection = 'residents'");
        const docs = homes.map((h): Record<string, unknown> & { id: string } => ({ ...residentWire(villages[h]!), clinicCode: h < CLINIC_A.villages.length ? CLINIC_A.code : CLINIC_B.code }));
        // One at a time, so the villages' change sequences interleave as the property chose.
        for (const d of docs) await insertDocuments(p.sql, 'residents', [d]);
        const clinic = (await p.store.clinic(CLINIC_A.code))!;
        for (const held of [clinic.villages, clinic.villages.slice(1)]) {
          const device: Device = { id: 'pull-test', clinic, villages: held };
          const codes = held.map((v) => v.code);
          const want = docs.filter((d) => codes.includes(String(d['villageCode']))).map((d) => d.id);
          const got: string[] = [];
          let seq = 0;
          for (let guard = 0; guard < 100; guard += 1) {
            const page = await p.store.pull(device, 'residents', seq, limit);
            expect(page.bodies.length).toBeLessThanOrEqual(limit);
            if (page.bodies.length === 0) break;
            got.push(...page.bodies.map((b) => String((JSON.parse(b) as { id: string }).id)));
            expect(page.seq).toBeGreaterThan(seq);
            seq = page.seq;
          }
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
