/**
 * Issue 10 §4: the patient index's rows are stored clustered by resident (a WITHOUT ROWID table keyed by resident,
 * then document), so an advance of the work list reads each due resident from neighbouring pages. Checked here: every
 * reader of the table goes through an index (EXPLAIN QUERY PLAN), a document moved to another resident keeps one row,
 * and a file with the previous layout (version 2, rows in write order) is rebuilt to the same rows. The residents the
 * rows name are kept one row each (`p_patient_residents`, with their number: what the work list's full pass counts for its progress):
 * through writes, a rebuild, a file from the build before the table, and one whose rows an older build rebuilt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import { seedClinic } from '../../../main/seed';
import { patientProjection } from '../../../main/services/followups/patient-index';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

type Row = { resident_id: string; doc_id: string; kind: string; lite: string };

describe('the patient index, clustered by resident (real encrypted clinic, seeded township)', () => {
  let h: ApiHarness;
  const sql = () => h.runtime.services.session.current().db.sql;
  const rows = () => sql().prepare('SELECT resident_id, doc_id, kind, lite FROM p_patient_docs ORDER BY doc_id').all() as Row[];
  /** The kept residents, and those the rows name (what the progress counted with `count(DISTINCT …)` before). */
  const kept = () => sql().prepare('SELECT resident_id FROM p_patient_residents ORDER BY resident_id').pluck().all() as string[];
  const named = () => sql().prepare('SELECT DISTINCT resident_id FROM p_patient_docs ORDER BY resident_id').pluck().all() as string[];
  const count = () => sql().prepare('SELECT n FROM p_patient_resident_count').pluck().all() as number[];
  /** The kept residents are those the rows name, and their number is theirs (one row). */
  const expectKept = () => {
    expect(kept()).toEqual(named());
    expect(count()).toEqual([kept().length]);
  };
  const triggers = () => sql().prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'p_patient_docs' ORDER BY name").pluck().all() as string[];
  const plan = (text: string, ...params: unknown[]) =>
    (sql().prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  beforeAll(async () => {
    h = await clinicHarness('2026-05-20T02:00:00Z');
    await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'patient-index', profile: 'realistic', residents: 120 });
  }, 120_000);
  afterAll(() => h.close());

  it('is a WITHOUT ROWID table keyed by resident then document, with a unique index by document', () => {
    const table = sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'p_patient_docs'").pluck().get() as string;
    expect(table).toMatch(/PRIMARY KEY \(resident_id, doc_id\)\s*\)\s*WITHOUT ROWID/);
    const byDoc = sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'p_patient_docs_by_doc'").pluck().get() as string;
    expect(byDoc).toMatch(/CREATE UNIQUE INDEX/);
    expect(patientProjection.version).toBe(3);
  });

  it('reads, writes and the work cache\'s look-ups all go through an index, never a scan of the table', () => {
    const some = rows().slice(0, 3);
    const [a, b, c] = some.map((r) => r.resident_id);
    // PatientIndex.many (a chunk of residents), .next (the full pass's range), the work cache's previous owner and the
    // projection's delete by document.
    expect(plan('SELECT resident_id, kind, lite FROM p_patient_docs WHERE resident_id IN (?, ?, ?)', a, b, c)).toMatch(/SEARCH p_patient_docs USING PRIMARY KEY \(resident_id=\?\)/);
    expect(plan('SELECT resident_id, kind, lite FROM p_patient_docs WHERE resident_id > ? ORDER BY resident_id', '')).toMatch(/^SEARCH p_patient_docs USING PRIMARY KEY \(resident_id>\?\)$/);
    expect(plan('SELECT resident_id FROM p_patient_docs WHERE doc_id = ?', 'x')).toMatch(/SEARCH p_patient_docs USING COVERING INDEX p_patient_docs_by_doc \(doc_id=\?\)/);
    expect(plan('DELETE FROM p_patient_docs WHERE doc_id = ?', 'x')).toMatch(/SEARCH p_patient_docs USING COVERING INDEX p_patient_docs_by_doc \(doc_id=\?\)/);
    // A write first removes the document's row under another resident (a moved document).
    expect(plan('DELETE FROM p_patient_docs WHERE doc_id = ? AND resident_id <> ?', 'x', a)).toMatch(/SEARCH p_patient_docs USING COVERING INDEX p_patient_docs_by_doc \(doc_id=\?\)/);
    // The triggers that keep the residents find a resident's other rows by the key's first column.
    expect(plan('SELECT 1 FROM p_patient_docs WHERE resident_id = ?', a)).toMatch(/SEARCH p_patient_docs USING PRIMARY KEY \(resident_id=\?\)/);
  });

  it('keeps one row per resident the rows name, in the write\'s transaction', async () => {
    expect(kept().length).toBeGreaterThan(100);
    expectKept();
    expect(triggers()).toEqual(['p_patient_docs_resident_in', 'p_patient_docs_resident_moved', 'p_patient_docs_resident_out']);
    const before = kept().length;
    const added = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '祁玉兰', birthDate: '1961-07-03', idNumber: idNumber('1961-07-03', 83) }) });
    expect(kept()).toContain(added.resident.id);
    expect(kept()).toHaveLength(before + 1);
    expect(count()).toEqual([before + 1]);
    // A write that fails leaves nothing behind: the rows and the kept residents roll back together.
    const db = sql();
    expect(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO p_patient_docs (resident_id, doc_id, kind, lite) VALUES ('ghost', 'ghost-doc', 'r', '{}')").run();
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    expectKept();
  });

  it('a document moved to another resident (a merge) keeps exactly one row, under its new resident', async () => {
    const keep = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陶永福', birthDate: '1950-02-10', idNumber: idNumber('1950-02-10', 81) }) });
    const dup = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陶永福', birthDate: '1950-02-10', idNumber: undefined, phone: undefined }) });
    await h.ok('measurements.record', { residentId: dup.resident.id, date: '2026-05-19', sbp: 162, dbp: 101 });
    const moved = sql().prepare("SELECT doc_id FROM p_patient_docs WHERE resident_id = ? AND kind = 'e'").pluck().all(dup.resident.id) as string[];
    expect(moved.length).toBeGreaterThan(0);
    await h.ok('residents.merge', { keepId: keep.resident.id, mergeId: dup.resident.id, reason: '同一人重复建档' });
    for (const id of moved) {
      expect(sql().prepare('SELECT resident_id FROM p_patient_docs WHERE doc_id = ?').pluck().all(id)).toEqual([keep.resident.id]);
    }
    expect(h.runtime.services.clinic().worklist['index'].get(keep.resident.id)?.encounters.size).toBe(moved.length);
    expectKept();
  });

  it('a file from the build before the kept residents, and one whose rows an older build rebuilt, are counted on open', async () => {
    const expected = named();
    // The build before: no table, no triggers.
    sql().exec('DROP TRIGGER p_patient_docs_resident_in; DROP TRIGGER p_patient_docs_resident_moved; DROP TRIGGER p_patient_docs_resident_out; DROP TABLE p_patient_residents');
    await h.restart();
    expect(kept()).toEqual(expected);
    expect(count()).toEqual([expected.length]);
    expect(triggers()).toHaveLength(3);
    // An older build's rebuild drops the rows' table (the triggers go with it) and writes the rows again without them:
    // the kept table is left as it was, and misses what was written since.
    const db = sql();
    db.prepare("INSERT INTO p_patient_docs (resident_id, doc_id, kind, lite) VALUES ('removed-by-older', 'gone-doc', 'e', '{}')").run();
    db.transaction(() => {
      db.exec('DROP TRIGGER p_patient_docs_resident_in; DROP TRIGGER p_patient_docs_resident_moved; DROP TRIGGER p_patient_docs_resident_out');
      db.prepare("INSERT INTO p_patient_docs (resident_id, doc_id, kind, lite) VALUES ('written-by-older', 'older-doc', 'e', '{}')").run();
      db.prepare("DELETE FROM p_patient_docs WHERE doc_id = 'gone-doc'").run();
    })();
    expect(kept()).not.toEqual(named());
    await h.restart();
    expectKept();
    expect(kept()).toContain('written-by-older');
    expect(kept()).not.toContain('removed-by-older');
    expect(triggers()).toHaveLength(3);
    // Written by today's build again: kept.
    sql().prepare("DELETE FROM p_patient_docs WHERE doc_id = 'older-doc'").run();
    expect(kept()).toEqual(expected);
    expect(count()).toEqual([expected.length]);
  });

  it('a file with the previous layout (version 2: rows by rowid in write order) is rebuilt to the same rows', async () => {
    const before = rows();
    expect(before.length).toBeGreaterThan(300);
    const db = sql();
    // Version 2's table, written as that build wrote it: one row per document in write order, an index by resident.
    db.transaction(() => {
      db.exec(`
        DROP TABLE p_patient_docs;
        CREATE TABLE p_patient_docs (doc_id TEXT PRIMARY KEY, resident_id TEXT NOT NULL, kind TEXT NOT NULL, lite TEXT NOT NULL);
        CREATE INDEX p_patient_docs_by_resident ON p_patient_docs (resident_id);
      `);
      const insert = db.prepare('INSERT INTO p_patient_docs (doc_id, resident_id, kind, lite) VALUES (?, ?, ?, ?)');
      for (const kind of ['r', 'e', 'c']) for (const r of before.filter((x) => x.kind === kind)) insert.run(r.doc_id, r.resident_id, r.kind, r.lite);
      db.prepare("UPDATE p__versions SET version = 2 WHERE name = 'patients'").run();
    })();
    await h.restart();
    const after = sql();
    expect(after.prepare("SELECT version FROM p__versions WHERE name = 'patients'").pluck().get()).toBe(3);
    expect(after.prepare("SELECT sql FROM sqlite_master WHERE name = 'p_patient_docs'").pluck().get()).toMatch(/WITHOUT ROWID/);
    expect(after.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'p_patient_docs_by_resident'").pluck().get()).toBe(0);
    expect(rows()).toEqual(before);
    expectKept();
    // The work list, emptied with the rows it was computed from, is computed again from them.
    const list = await h.ok<{ total: number }>('worklist.get', { limit: 10 });
    expect(list.total).toBeGreaterThan(50);
  });
});
