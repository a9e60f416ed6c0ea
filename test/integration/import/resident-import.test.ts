/**
 * Import of residents and households (issue 15 item 3): a generated 2,000-row .xlsx with 50 bad rows and 30
 * duplicates of existing records (10 of them written as 15-digit first-generation numbers) is reported exactly;
 * the import creates the rest with their households in one transaction (a failure injected before any of its writes
 * leaves nothing written); running it again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportPlan } from '../../../shared/api/imports';
import type { ResidentDetail } from '../../../shared/api/residents';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { BAD, build, type Built, DUPLICATES, EXISTING, existingInput, HEADERS, person, ROWS, xlsx } from '../../helpers/import-sheet';

const V1 = '441521101201';
describe('resident import from an older system (real encrypted database)', () => {
  let h: ApiHarness;
  let built: Built;
  let base64: string;
  const mapping = { householdKey: 0, relation: 1, name: 2, sex: 3, birthDate: 4, idNumber: 5, phone: 6, villageName: 7, currentAddress: 8, createdDate: 9 };

  beforeAll(async () => {
    h = await clinicHarness('2026-03-20T02:00:00Z');
    // 30 residents already on file, spread through the sheet (all born before 2000, so a 15-digit form exists).
    for (const e of EXISTING) await h.ok<ResidentDetail>('residents.create', { input: existingInput(e.n, V1) });
    built = build(EXISTING);
    expect(built.bad).toHaveLength(BAD);
    expect(built.duplicates).toHaveLength(DUPLICATES);
    base64 = await xlsx(built.rows);
  }, 120_000);
  afterAll(() => h.close());

  it('previews the header and suggests the mapping from the column names', async () => {
    const preview = await h.ok<{ headers: string[]; rowCount: number; suggested: Record<string, number>; sample: string[][] }>('imports.preview', { fileName: 'old.xlsx', base64 });
    expect(preview.rowCount).toBe(ROWS);
    expect(preview.sample).toHaveLength(10);
    expect(preview.suggested).toEqual(mapping);
    expect(await h.call('imports.preview', { fileName: 'old.txt', base64 })).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(await h.call('imports.preview', { fileName: 'old.xlsx', base64: Buffer.from('not a workbook').toString('base64') })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('the dry run reports exactly the bad rows and the duplicates, and writes nothing', async () => {
    const plan = await h.ok<ImportPlan>('imports.dryRun', { fileName: 'old.xlsx', base64, mapping });
    expect(plan).toMatchObject({ rows: ROWS, created: ROWS - BAD - DUPLICATES, updated: DUPLICATES / 2, unchanged: DUPLICATES / 2, rejected: BAD });
    expect(plan.results.filter((r) => r.action === 'rejected').map((r) => r.row)).toEqual(built.bad);
    expect(plan.results.filter((r) => r.action === 'updated' || r.action === 'unchanged').map((r) => r.row)).toEqual(built.duplicates);
    const reasons = new Set(plan.results.flatMap((r) => r.issues.map((i) => i.message)));
    expect([...reasons].sort()).toEqual(['validation.date', 'validation.futureDate', 'validation.idCheckDigit', 'validation.required', 'validation.unknownVillage'].sort());
    expect(plan.results.find((r) => r.action === 'updated')?.changedFields).toEqual(['phone']);
    const ctx = h.runtime.services.clinic().ctx;
    expect(await ctx.db.rx.residents.count().exec()).toBe(DUPLICATES);
  }, 120_000);

  it('a failure before any write of the import (cursor, first resident, the middle, the audit) leaves nothing written', async () => {
    const ctx = h.runtime.services.clinic().ctx;
    const snapshot = async () => ({
      residents: await ctx.db.rx.residents.count().exec(),
      households: await ctx.db.rx.households.count().exec(),
      audit: await ctx.db.rx.audit.count().exec(),
      cursor: (await ctx.db.rx.settings.findOne(`recordBlock:${ctx.deviceId}`).exec())?.toJSON().data,
    });
    const before = await snapshot();
    expect(before.residents).toBe(DUPLICATES);
    const failAt: Array<[string, (step: number, collection: string) => boolean]> = [
      ['the record-number cursor', (n) => n === 1],
      ['the first resident', (n, c) => n === 2 && c === 'residents'],
      ['write 1000', (n) => n === 1000],
      ['the first audit entry', (_n, c) => c === 'audit'],
    ];
    let steps: string[] = [];
    try {
      for (const [what, when] of failAt) {
        steps = [];
        ctx.uow.onWrite = (n, collection) => {
          steps.push(collection);
          if (when(n, collection)) throw new Error(`injected failure before ${what}`);
        };
        const r = await h.call('imports.run', { fileName: 'old.xlsx', base64, mapping });
        expect(r, `failure before ${what}`).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
        expect(await snapshot(), `after a failure before ${what}`).toEqual(before);
      }
    } finally {
      ctx.uow.onWrite = null;
    }
    // The last attempt got as far as the audit: everything else had been written in the same transaction first.
    expect(steps.filter((c) => c === 'residents')).toHaveLength(ROWS - BAD - DUPLICATES + DUPLICATES / 2);
    expect(steps.filter((c) => c === 'households')).toHaveLength(built.households);
  }, 300_000);

  it('imports atomically with households and an audit entry; importing again changes nothing', async () => {
    const plan = await h.ok<ImportPlan>('imports.run', { fileName: 'old.xlsx', base64, mapping });
    expect(plan).toMatchObject({ created: ROWS - BAD - DUPLICATES, updated: DUPLICATES / 2, rejected: BAD });
    const ctx = h.runtime.services.clinic().ctx;
    expect(await ctx.db.rx.residents.count().exec()).toBe(ROWS - BAD);
    expect(await ctx.db.rx.households.count().exec()).toBe(built.households);
    const recordNos = (await ctx.db.rx.residents.find().exec()).map((d) => d.recordNo);
    expect(new Set(recordNos).size).toBe(recordNos.length);
    const changed = await ctx.db.rx.residents.findOne({ selector: { idNumber: person(13).id } }).exec();
    expect(changed?.phone).toBe('13700000013');
    const audit = (await ctx.db.rx.audit.find({ selector: { action: 'import' } }).exec()).map((d) => d.toJSON());
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toContain(`${ROWS - BAD - DUPLICATES} created`);

    const again = await h.ok<ImportPlan>('imports.run', { fileName: 'old.xlsx', base64, mapping });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: ROWS - BAD, rejected: BAD });
    expect(await ctx.db.rx.residents.count().exec()).toBe(ROWS - BAD);
    expect(await ctx.db.rx.households.count().exec()).toBe(built.households);
    const found = await h.ok<{ id: string }[]>('residents.search', { query: '居民1999' });
    expect(found.length).toBeGreaterThan(0);
  }, 300_000);

  it('a CSV with the same columns reads the same way', async () => {
    const csv = [HEADERS.join(','), built.rows[0]!.join(',')].join('\n');
    const plan = await h.ok<ImportPlan>('imports.dryRun', { fileName: 'old.csv', base64: Buffer.from(csv).toString('base64'), mapping });
    expect(plan).toMatchObject({ rows: 1, unchanged: 1 });
  });
});
