// Issue 11 §2: every call that returns residents' identifying data writes one compact audit entry (method, who,
// when, how many, ids for small results), decided by the contract so no method can forget it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contract } from '../../../shared/api';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { AuditEntry } from '../../../shared/api/settings';
import { LISTED_IDS, readAuditEvent, residentIdsIn } from '../../../main/api/audited-reads';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

describe('audited reads', () => {
  let h: ApiHarness;
  let a: ResidentDetail;
  let b: ResidentDetail;
  const reads = async () => (await h.ok<AuditEntry[]>('audit.list', { action: 'read', limit: 500 }));

  beforeAll(async () => {
    h = await clinicHarness();
    a = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陈一', birthDate: '1980-01-01', idNumber: idNumber('1980-01-01', 51) }) });
    b = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陈二', birthDate: '1981-01-01', idNumber: idNumber('1981-01-01', 53), phone: '13900002222' }) });
  });
  afterAll(async () => {
    await h.close();
  });

  it('writes one entry per list call, with the count and the ids', async () => {
    const before = (await reads()).length;
    await h.ok('residents.list', {});
    const entries = await reads();
    expect(entries).toHaveLength(before + 1);
    const [entry] = entries;
    expect(entry).toMatchObject({ action: 'read', username: 'admin', collection: 'residents', residentId: null });
    expect(entry?.detail).toMatch(/^residents\.list n=2 /);
    expect(entry?.detail).toContain(a.resident.id);
    expect(entry?.detail).toContain(b.resident.id);
  });

  it("commits a read's entry before the answer without waiting for the disk, and a change's entry waiting for it", async () => {
    const sql = h.runtime.services.clinic().ctx.db.sql;
    const pragma = vi.spyOn(sql, 'pragma');
    const relaxed = () => pragma.mock.calls.filter(([p]) => p === 'synchronous = NORMAL').length;
    try {
      const before = (await reads()).length;
      await h.ok('residents.timeline', { id: b.resident.id });
      expect(relaxed()).toBe(1);
      expect(await reads()).toHaveLength(before + 1);
      // The connection waits for the disk again for everything else: a change to a record and its entry.
      expect(Number(sql.pragma('synchronous', { simple: true }))).toBe(2);
      await h.ok('residents.update', { id: b.resident.id, input: residentInput({ name: '陈二', birthDate: '1981-01-01', idNumber: idNumber('1981-01-01', 53), phone: '13900003333' }) });
      expect(relaxed()).toBe(1);
    } finally {
      pragma.mockRestore();
    }
  });

  it('names the one resident of a single-resident answer', async () => {
    await h.ok('residents.timeline', { id: a.resident.id });
    const [entry] = await reads();
    expect(entry).toMatchObject({ residentId: a.resident.id, detail: `residents.timeline n=1 ${a.resident.id}` });
  });

  it('audits a search, even one that finds nobody (n=0)', async () => {
    await h.ok('residents.search', { query: '陈' });
    expect((await reads())[0]?.detail).toMatch(/^residents\.search n=2 /);
    await h.ok('residents.search', { query: '无此人' });
    expect((await reads())[0]?.detail).toBe('residents.search n=0');
  });

  it('lists only the count above LISTED_IDS residents', () => {
    const many = Array.from({ length: LISTED_IDS + 1 }, (_, i) => ({ id: `r${i}`, recordNo: `44152110120100${i}` }));
    expect(residentIdsIn({ items: many })).toHaveLength(LISTED_IDS + 1);
    expect(readAuditEvent('residents.list', many).detail).toBe(`residents.list n=${LISTED_IDS + 1}`);
  });

  it('filters the audit log by user and action', async () => {
    const byAdmin = await h.ok<AuditEntry[]>('audit.list', { username: 'admin', limit: 500 });
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(byAdmin.every((e) => e.username === 'admin')).toBe(true);
    expect(await h.ok('audit.list', { username: 'nobody' })).toEqual([]);
  });

  it('every method that answers with residents is declared an audited read (a new one must decide)', () => {
    const declared = Object.entries(contract).flatMap(([d, methods]) =>
      Object.entries(methods).filter(([, m]) => m.audit === 'residentRead').map(([n]) => `${d}.${n}`),
    );
    expect(declared.sort()).toEqual(
      [
        'contracts.forResident', 'contracts.get', 'followups.forResident', 'followups.get', 'followups.referralChecks',
        'healthChecks.forResident', 'healthChecks.get', 'healthChecks.recent', 'households.get', 'registries.forResident',
        'residents.list', 'residents.search', 'residents.timeline', 'worklist.forResident', 'worklist.get',
        'reports.residents', 'reports.residentTrend', 'screening.forResident', 'tcm.forResident', 'syncReview.list',
      ].sort(),
    );
  });
});
