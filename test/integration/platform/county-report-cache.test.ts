/**
 * What the county view keeps in memory (issue 15 item 5): no clinic's records between reports (a report reads one
 * village at a time, county-stored-reports.test.ts), only numbers, and numbers that are right for every clinic after a
 * change anywhere, a move between two clinics included, and after a clinic's villages change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountyReports } from '../../../platform/county/report';
import { insertDocuments, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
const clinics = ['441521101', '441521102', '441521103'].map((code, i) => ({ code, name: `乡镇${i + 1}`, villages: [{ code: `${code}201`, name: '一村' }] }));
const MARCH = { kind: 'month', year: 2026, index: 3 } as const;

beforeAll(async () => {
  p = await startTestPlatform();
  for (const [i, c] of clinics.entries()) {
    await p.store.addClinic(c);
    // 2, 3 and 4 residents, so a clinic's numbers cannot stand in for another's.
    const residents = Array.from({ length: i + 2 }, () => residentWire(c.villages[0]!.code, { data: { createdDate: '2025-01-01' } }));
    await insertDocuments(p.sql, 'residents', residents);
  }
}, 120_000);

afterAll(async () => {
  await p?.dispose();
});

const records = async (reports: CountyReports, code: string) => (await reports.report(code, MARCH))!.indicators.find((f) => f.id === 'recordCoverageRate')!.numerator;

describe('county reports across many clinics', () => {
  it('keeps each clinic its own numbers, computed once per period and then answered from memory', async () => {
    const reports = new CountyReports(p.store);
    expect(await records(reports, clinics[0]!.code)).toBe(2);
    expect(await records(reports, clinics[1]!.code)).toBe(3);
    expect(await records(reports, clinics[2]!.code)).toBe(4);
    expect(reports.served).toEqual({ computed: 3, stored: 0, kept: 0 });
    // Answered again from the kept report; another period is computed from the records again.
    expect(await records(reports, clinics[0]!.code)).toBe(2);
    expect((await reports.report(clinics[0]!.code, { kind: 'year', year: 2026, index: 1 }))!.indicators[0]!.numerator).toBe(2);
    expect(reports.served).toEqual({ computed: 4, stored: 0, kept: 1 });
    expect(reports.peakHeld).toBe(4);
  });

  it('a new document and a move between clinics show in both clinics at once', async () => {
    const reports = new CountyReports(p.store);
    const [a, b] = [clinics[0]!, clinics[1]!];
    expect([await records(reports, a.code), await records(reports, b.code)]).toEqual([2, 3]);
    const moving = residentWire(a.villages[0]!.code, { data: { createdDate: '2025-01-01' } });
    await insertDocuments(p.sql, 'residents', [moving]);
    expect([await records(reports, a.code), await records(reports, b.code)]).toEqual([3, 3]);
    // A move on the platform: the document changes village (and clinic) and takes the next sequence value.
    const moved = { ...moving, clinicCode: b.code, villageCode: b.villages[0]!.code };
    await p.sql.query(
      `UPDATE documents SET clinic_code = $2, village_code = $3, body = $4, seq = nextval('document_seq') WHERE collection = 'residents' AND id = $1`,
      [moving.id, b.code, b.villages[0]!.code, JSON.stringify(moved)],
    );
    expect([await records(reports, a.code), await records(reports, b.code)]).toEqual([2, 4]);
  });

  it('a clinic whose villages changed is read again, though no document changed', async () => {
    const reports = new CountyReports(p.store);
    const c = clinics[2]!;
    const second = { code: `${c.code}202`, name: '二村' };
    await insertDocuments(p.sql, 'residents', [residentWire(second.code, { data: { createdDate: '2025-01-01' } })]);
    expect(await records(reports, c.code)).toBe(4);
    await p.sql.query('UPDATE clinics SET villages = $2 WHERE code = $1', [c.code, JSON.stringify([...c.villages, second])]);
    expect(await records(reports, c.code)).toBe(5);
  });
});
