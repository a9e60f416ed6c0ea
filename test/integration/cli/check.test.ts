// Issue 11 §4 and §2: `cunyi check` opens read-only, writes no byte of a damaged file, finds broken references and a
// tampered audit log, and reports lost key slots as such, never as a fresh clinic.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import { collections, type CollectionName } from '../../../shared/schemas/collections';
import { DATABASE_NAME } from '../../../main/store/database';
import { tableNameFor } from '../../../main/store/rx-storage-sqlcipher/sqlcipher-helpers';
import { PAGE_SIZE } from '../../../main/store/sqlite-file';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';
import { cli } from '../../helpers/cli';
import { SETUP_INPUT } from '../../helpers/host';

const PW = SETUP_INPUT.admin.password;
const table = (name: CollectionName) => `"${tableNameFor(DATABASE_NAME, name, collections[name].schema.version)}"`;

/** The database, its WAL and shared-memory file, byte for byte (null where a file does not exist). */
function fingerprint(path: string): (string | null)[] {
  return ['', '-wal', '-shm'].map((suffix) =>
    existsSync(path + suffix) ? createHash('sha256').update(readFileSync(path + suffix)).digest('hex') : null,
  );
}

interface Report {
  ok: boolean;
  integrity: string[];
  counts: Record<string, number>;
  problems: { kind: string; examples: string[]; count: number }[];
  auditChain: { ok: boolean; chained: number; unchained: string[]; brokenAt: { reason: string; id: string } | null } | null;
}

describe('cunyi check (read-only)', () => {
  let h: ApiHarness;
  let a: ResidentDetail;
  let b: ResidentDetail;
  beforeEach(async () => {
    h = await clinicHarness();
    a = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陈一', birthDate: '1980-01-01', idNumber: idNumber('1980-01-01', 51) }) });
    b = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陈二', birthDate: '1981-01-01', idNumber: idNumber('1981-01-01', 53), phone: '13900002222' }) });
    await h.ok('healthChecks.saveDraft', {
      data: { residentId: a.resident.id, checkDate: '2026-02-20', symptoms: ['1'], generalCondition: { temperature: 36.5, pulseRate: 70, respiratoryRate: 18, bpLeft: { sbp: 120, dbp: 80 }, height: 170, weight: 65, waist: 80 }, assessment: '1' },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Runs a raw statement on the open file (the tampering an attacker with the key could do), then closes it. */
  async function tamper(sql: string, ...params: unknown[]): Promise<void> {
    h.runtime.services.session.current().db.sql.prepare(sql).run(...params);
    await h.runtime.close();
  }

  async function check(): Promise<{ code: number; report: Report; stderr: string }> {
    const r = await cli(['check', '--data-dir', h.dataDir], { CUNYI_PASSWORD: PW });
    return { code: r.code, report: JSON.parse(r.stdout || 'null') as Report, stderr: r.stderr };
  }

  it('is ok for a healthy clinic, with counts and an unbroken audit chain, and adds no audit row', async () => {
    await h.runtime.close();
    const before = fingerprint(join(h.dataDir, 'cunyi.db'));
    const { code, report } = await check();
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ residents: 2, encounters: 1 });
    expect(report.problems).toEqual([]);
    expect(report.auditChain).toMatchObject({ ok: true, unchained: [], brokenAt: null });
    expect(report.auditChain?.chained).toBe(report.counts['audit']);
    expect(fingerprint(join(h.dataDir, 'cunyi.db'))).toEqual(before);
  });

  it('writes no byte of a damaged file and exits 4', async () => {
    await h.runtime.close();
    const path = join(h.dataDir, 'cunyi.db');
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(64, 7), 0, 64, PAGE_SIZE * 3 + 200);
    closeSync(fd);
    const before = fingerprint(path);
    const { code, report, stderr } = await check();
    expect(code).toBe(4);
    expect(stderr).toContain('DATA_DAMAGED');
    expect(report.ok).toBe(false);
    expect(report.integrity.length).toBeGreaterThan(0);
    expect(fingerprint(path)).toEqual(before);
  });

  it('finds a resident whose household does not exist', async () => {
    await tamper(`UPDATE ${table('residents')} SET data = json_set(data, '$.householdId', 'no-such-household') WHERE id = ?`, a.resident.id);
    const { code, report } = await check();
    expect(code).toBe(4);
    expect(report.problems).toEqual([{ kind: 'residentWithoutHousehold', count: 1, examples: [a.resident.id] }]);
  });

  it('finds an encounter whose resident does not exist, and duplicate record numbers', async () => {
    const db = h.runtime.services.session.current().db.sql;
    db.prepare(`UPDATE ${table('residents')} SET data = json_set(data, '$.recordNo', ?) WHERE id = ?`).run(a.resident.recordNo, b.resident.id);
    await tamper(`UPDATE ${table('residents')} SET deleted = 1 WHERE id = ?`, a.resident.id);
    const { code, report } = await check();
    expect(code).toBe(4);
    expect(report.problems.map((p) => p.kind)).toEqual(['encounterWithoutResident']);
    await h.restart();
    await tamper(`UPDATE ${table('residents')} SET deleted = 0 WHERE id = ?`, a.resident.id);
    const again = await check();
    expect(again.report.problems).toEqual([{ kind: 'duplicateRecordNumber', count: 1, examples: [a.resident.recordNo] }]);
  });

  it('finds an audit entry changed, removed or slipped in behind the chain', async () => {
    const db = h.runtime.services.session.current().db.sql;
    const [first, second] = db.prepare(`SELECT id FROM ${table('audit')} ORDER BY id LIMIT 2`).pluck().all() as string[];
    await tamper(`UPDATE ${table('audit')} SET data = json_set(data, '$.detail', 'nothing to see') WHERE id = ?`, first);
    const changed = await check();
    expect(changed.code).toBe(4);
    expect(changed.report.auditChain?.brokenAt).toEqual({ seq: 1, id: first, reason: 'changed' });

    await h.restart();
    h.runtime.services.session.current().db.sql.prepare(`UPDATE ${table('audit')} SET data = json_set(data, '$.detail', '') WHERE id = ?`).run(first);
    await tamper(`DELETE FROM ${table('audit')} WHERE id = ?`, second);
    const removed = await check();
    expect(removed.report.auditChain?.brokenAt).toMatchObject({ id: second, reason: 'missing' });
  });

  it('reports lost key slots as KEYSLOTS_MISSING (exit 4), never as a clinic to set up', async () => {
    await h.runtime.close();
    rmSync(join(h.dataDir, 'keyslots.json'));
    rmSync(join(h.dataDir, 'keyslots.prev.json'), { force: true });
    const r = await cli(['check', '--data-dir', h.dataDir], { CUNYI_PASSWORD: PW });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('KEYSLOTS_MISSING');
    await h.restart().catch(() => undefined);
    expect(await h.call('session.state')).toMatchObject({ ok: false, error: { code: 'KEYSLOTS_MISSING' } });
    expect(await h.call('session.setup', SETUP_INPUT)).toMatchObject({ ok: false, error: { code: 'KEYSLOTS_MISSING' } });
    expect(await h.call('session.signIn', { username: 'admin', password: PW })).toMatchObject({ ok: false, error: { code: 'KEYSLOTS_MISSING' } });
  });
});
