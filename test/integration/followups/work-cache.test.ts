/**
 * Issue 10 §4 / issue 16 §3: the work list pages straight from its row cache. Checked against the rules run directly
 * on every resident of a seeded township: the same rows in the same order, in one page or many, per group and
 * filter; after writes (a merge moves encounters to another resident), after a restart (the day's rows are kept), on
 * later days (only the residents whose rows change are recomputed) and with the clock set back (everyone).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkGroup, Worklist } from '../../../shared/api/followups';
import type { ResidentDetail } from '../../../shared/api/residents';
import { addDays, type CalendarDate } from '../../../shared/domain/dates';
import { WORK_GROUPS, workGroup } from '../../../shared/domain/worklist-groups';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { seedClinic } from '../../../main/seed';
import { clinicToday } from '../../../main/services/clinic-context';
import { patientWork, type PatientWork } from '../../../main/services/followups/patient-work';
import { FULL_PASS_SHARE, WorkCache } from '../../../main/services/followups/work-cache';
import { readAll } from '../../../main/services/reports/indicator-input';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';
import { strip, WORK_KINDS, workOrder } from '../../helpers/work-rows';

describe('the work list pages from its per-day cache (real encrypted clinic, seeded township)', () => {
  let h: ApiHarness;

  /** Every row of today by the rules themselves, resident by resident, in the list's order. */
  const expected = (upcomingDays = 30): { rows: PatientWork[]; doctors: Map<string, string[]>; today: CalendarDate } => {
    const clinic = h.runtime.services.clinic();
    const today = clinicToday(clinic.ctx);
    const index = clinic.worklist['index'];
    const rows: PatientWork[] = [];
    const doctors = new Map<string, string[]>();
    for (const id of [...index.residentIds()]) {
      const entry = index.get(id);
      if (!entry?.resident) continue;
      const work = patientWork(entry, today, upcomingDays);
      doctors.set(id, work.doctors);
      rows.push(...work.rows);
    }
    return { rows: rows.sort(workOrder), doctors, today };
  };

  const everything = async (input: Record<string, unknown> = {}): Promise<{ list: Worklist; rows: PatientWork[] }> => {
    const list = await h.ok<Worklist>('worklist.get', { limit: 2000, ...input });
    return { list, rows: strip(list.items) };
  };

  beforeAll(async () => {
    h = await clinicHarness('2026-05-20T02:00:00Z');
    await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'work-cache', profile: 'realistic', residents: 400 });
  }, 120_000);
  afterAll(() => h.close());

  it('gives exactly the rows the rules give, in the same order, with the same counts', async () => {
    const want = expected();
    expect(want.rows.length).toBeGreaterThan(50);
    const { list, rows } = await everything();
    expect(list.total).toBe(want.rows.length);
    expect(rows).toEqual(want.rows);
    for (const kind of WORK_KINDS) {
      for (const status of ['overdue', 'due', 'upcoming'] as const) {
        expect(list.counts[kind as 'followup'][status], `${kind} ${status}`).toBe(want.rows.filter((r) => r.kind === kind && r.status === status).length);
      }
    }
    // A narrower horizon drops only upcoming rows beyond it.
    expect((await everything({ upcomingDays: 3 })).rows).toEqual(expected(3).rows);
  });

  it('pages, groups and filters like the rules: every page of every group, a village, a doctor, kinds and statuses', async () => {
    const want = expected();
    const { list } = await everything();
    for (const group of WORK_GROUPS) {
      const rows = want.rows.filter((r) => workGroup(r, want.today) === group);
      expect(list.groups[group], group).toBe(rows.length);
      const paged: PatientWork[] = [];
      for (let offset = 0; offset < rows.length; offset += 7) {
        const page = await h.ok<Worklist>('worklist.get', { group, offset, limit: 7 });
        expect(page.total).toBe(rows.length);
        paged.push(...strip(page.items));
      }
      expect(paged, group).toEqual(rows);
    }
    const village = want.rows[0]?.villageCode ?? '';
    expect((await everything({ villageCode: village })).rows).toEqual(want.rows.filter((r) => r.villageCode === village));
    const doctor = [...want.doctors.values()].flat()[0] ?? '';
    expect(doctor).not.toBe('');
    expect((await everything({ doctor })).rows).toEqual(want.rows.filter((r) => want.doctors.get(r.residentId)?.includes(doctor)));
    const kinds = ['followup', 'noContract'];
    const statuses = ['overdue'];
    expect((await everything({ kinds, statuses })).rows).toEqual(want.rows.filter((r) => kinds.includes(r.kind) && statuses.includes(r.status)));
    const group: WorkGroup = 'thisWeek';
    const both = await everything({ group, doctor });
    expect(both.rows).toEqual(want.rows.filter((r) => workGroup(r, want.today) === group && want.doctors.get(r.residentId)?.includes(doctor)));
  });

  it('a merge moves the duplicate\'s work to the kept record on the very next page', async () => {
    const keep = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陶永福', birthDate: '1950-02-10', idNumber: idNumber('1950-02-10', 81) }) });
    const dup = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陶永福', birthDate: '1950-02-10', idNumber: undefined, phone: undefined }) });
    await h.ok('measurements.record', { residentId: dup.resident.id, date: '2026-05-19', sbp: 162, dbp: 101 });
    const before = (await everything()).rows;
    expect(before.some((r) => r.residentId === dup.resident.id && r.kind === 'screening')).toBe(true);
    await h.ok('residents.merge', { keepId: keep.resident.id, mergeId: dup.resident.id, reason: '同一人重复建档' });
    const { rows } = await everything();
    expect(rows.some((r) => r.residentId === dup.resident.id)).toBe(false);
    expect(rows.some((r) => r.residentId === keep.resident.id && r.kind === 'screening')).toBe(true);
    expect(rows).toEqual(expected().rows);
  });

  it('keeps the day\'s rows across a restart and recomputes them on the next day', async () => {
    const today = expected().today;
    await h.restart();
    const cache = h.runtime.services.clinic().worklist.cache;
    // Complete before any query: the first page after signing in again is one SQL query.
    expect(cache.isComplete(today)).toBe(true);
    expect((await everything()).rows).toEqual(expected().rows);
    h.clock.set('2026-06-25T02:00:00Z');
    const later = expected();
    expect(later.today).toBe(addDays(today, 36));
    expect((await everything()).rows).toEqual(later.rows);
    expect(cache.isComplete(today)).toBe(false);
  });

  it('a new day recomputes only the residents whose rows change by then, and gives exactly the rules\' rows', async () => {
    h.clock.set('2026-07-10T02:00:00Z');
    await h.restart();
    const cache = h.runtime.services.clinic().worklist.cache;
    const sql = h.runtime.services.session.current().db.sql;
    let day = expected().today;
    expect((await everything()).rows).toEqual(expected().rows);
    const residents = sql.prepare('SELECT count(*) FROM p_work_residents').pluck().get() as number;
    expect(residents).toBeGreaterThan(300);
    // Rows due "today" whatever the day are among them: each later day must show them on that day, in its place.
    expect(sql.prepare('SELECT count(*) FROM p_work_floats').pluck().get()).toBeGreaterThan(10);
    // The next day, after a closed weekend, a quarter later: each from the day before it.
    const passes: string[] = [];
    for (const ahead of [1, 3, 92]) {
      const next = addDays(day, ahead);
      const due = sql.prepare('SELECT count(*) FROM p_work_residents WHERE changes_on <= ?').pluck().get(next) as number;
      // More than a sixth due: a full pass costs less than replacing their rows one by one.
      const full = due > Math.ceil(residents * FULL_PASS_SHARE);
      passes.push(full ? 'full' : 'advance');
      const before = { ...cache.stats };
      h.clock.set(`${next}T02:00:00Z`);
      expect((await everything()).rows, next).toEqual(expected().rows);
      expect(cache.stats.computed - before.computed, next).toBe(full ? residents : due);
      expect(cache.stats.full, next).toBe(before.full + (full ? 1 : 0));
      expect(cache.stats.advance, next).toBe(before.advance + (full ? 0 : 1));
      day = next;
    }
    // Overnight and over a weekend an advance; a quarter later, when most residents are due, a full pass.
    expect(passes).toEqual(['advance', 'advance', 'full']);
    // Only a few change overnight; a quarter later most do.
    expect(sql.prepare('SELECT count(*) FROM p_work_residents WHERE changes_on <= ?').pluck().get(addDays(day, 1))).toBeLessThan(residents / 4);
    // The fill's commits skip the fsync; the connection is back to FULL (2) for everything else.
    expect(sql.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('a resident written between the days is recomputed on the next day, the others only when due', async () => {
    const cache = h.runtime.services.clinic().worklist.cache;
    const sql = h.runtime.services.session.current().db.sql;
    const today = expected().today;
    const tomorrow = addDays(today, 1);
    const quiet = expected().rows.find(
      (r) => r.kind !== 'screening' && (sql.prepare('SELECT changes_on FROM p_work_residents WHERE resident_id = ?').pluck().get(r.residentId) as string | null ?? '9999') > tomorrow,
    );
    expect(quiet).toBeDefined();
    const id = quiet?.residentId ?? '';
    await h.ok('measurements.record', { residentId: id, date: today, sbp: 168, dbp: 104 });
    const due = sql.prepare('SELECT count(*) FROM p_work_residents WHERE changes_on <= ?').pluck().get(tomorrow) as number;
    const before = cache.stats.computed;
    h.clock.set(`${tomorrow}T02:00:00Z`);
    const { rows } = await everything();
    expect(rows).toEqual(expected().rows);
    expect(cache.stats.computed - before).toBe(due + 1);
  });

  it('an advance keeps the rows of a due resident that did not change and replaces only those that did', async () => {
    const cache = h.runtime.services.clinic().worklist.cache;
    const sql = h.runtime.services.session.current().db.sql;
    const residents = sql.prepare('SELECT count(*) FROM p_work_residents').pluck().get() as number;
    const dueBy = (day: string) => sql.prepare('SELECT resident_id FROM p_work_residents WHERE changes_on <= ?').pluck().all(day) as string[];
    // The first later day with a few residents due, still reached by an advance.
    let next = addDays(expected().today, 1);
    for (let i = 0; i < 60 && dueBy(next).length < 5; i++) next = addDays(next, 1);
    const due = dueBy(next);
    expect(due.length).toBeLessThanOrEqual(Math.ceil(residents * FULL_PASS_SHARE));
    const stored = () =>
      new Map(
        (sql.prepare('SELECT rowid, row FROM p_work_items WHERE resident_id IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify(due)) as [number, string][]).map(
          ([rowid, row]) => [rowid, row],
        ),
      );
    const checkpointPages = sql.pragma('wal_autocheckpoint', { simple: true });
    const before = stored();
    const advances = cache.stats.advance;
    h.clock.set(`${next}T02:00:00Z`);
    expect((await everything()).rows).toEqual(expected().rows);
    expect(cache.stats.advance).toBe(advances + 1);
    const after = stored();
    // A row still there under its rowid was kept, and is what it was; the others were replaced.
    const kept = [...after].filter(([rowid]) => before.has(rowid));
    for (const [rowid, row] of kept) expect(row).toBe(before.get(rowid));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(after.size + 1);
    expect([...after.values()].sort()).not.toEqual([...before.values()].sort());
    // The advance held the checkpoints back; a moment after it the connection checkpoints as usual again.
    await expect.poll(() => sql.pragma('wal_autocheckpoint', { simple: true }), { timeout: 10_000 }).toBe(checkpointPages);
  });

  it('the clock set back recomputes every resident', async () => {
    const cache = h.runtime.services.clinic().worklist.cache;
    const today = expected().today;
    const before = { ...cache.stats };
    h.clock.set(`${addDays(today, -2)}T02:00:00Z`);
    expect((await everything()).rows).toEqual(expected().rows);
    expect(cache.stats.full).toBe(before.full + 1);
    expect(cache.stats.advance).toBe(before.advance);
  });

  it('a pass stopped part-way resumes from its cursor and still gives exactly the rules\' rows', async () => {
    h.clock.set('2026-08-03T02:00:00Z');
    const want = expected();
    const sql = h.runtime.services.session.current().db.sql;
    const index = h.runtime.services.clinic().worklist['index'];
    const first = new WorkCache(sql, index, 'resume-test');
    const pass = first.ensure(want.today);
    // One slice runs before this turn of the event loop; then the cache stops, as when the session locks.
    await new Promise<void>((resolve) => setImmediate(resolve));
    first.stop();
    await pass;
    const progress = sql.prepare('SELECT cursor, complete FROM p_work_days WHERE day = ?').get(want.today) as { cursor: string; complete: number };
    expect(progress.complete).toBe(0);
    expect(progress.cursor).not.toBe('');
    const second = new WorkCache(sql, index, 'resume-test');
    await second.ensure(want.today);
    expect(second.isComplete(want.today)).toBe(true);
    const page = second.query(want.today, { upcomingDays: 30, offset: 0, limit: 100_000 });
    expect(page.total).toBe(want.rows.length);
    expect(page.items.map((i) => i.row)).toEqual(want.rows);
  });

  it('a page asked during a full pass holds exactly the finished pass\'s rows of the residents computed so far, and says how far it is', async () => {
    h.clock.set('2026-08-10T02:00:00Z');
    const want = expected();
    const sql = h.runtime.services.session.current().db.sql;
    const cache = new WorkCache(sql, h.runtime.services.clinic().worklist['index'], 'partial-test');
    const residents = sql.prepare("SELECT count(*) FROM p_patient_docs WHERE kind = 'r'").pluck().get() as number;
    // Other rules: a full pass, in background slices, each committed on its own turn of the event loop.
    const pass = cache.ensure(want.today);
    const computed = () => new Set(sql.prepare('SELECT resident_id FROM p_work_residents').pluck().all() as string[]);
    const seen: number[] = [];
    while (!cache.isComplete(want.today)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const progress = cache.fullPassProgress(want.today);
      if (!progress || progress.done === 0) continue;
      const done = computed();
      expect(progress).toEqual({ done: done.size, total: residents });
      // Every row of the page is a row of the finished pass (no row of another day or other rules), in its place,
      // and the totals count exactly the residents computed so far.
      const soFar = want.rows.filter((r) => done.has(r.residentId));
      const page = cache.query(want.today, { upcomingDays: 30, offset: 0, limit: 100_000 });
      expect(page.items.map((i) => i.row)).toEqual(soFar);
      expect(page.total).toBe(soFar.length);
      const overdue = cache.query(want.today, { upcomingDays: 30, offset: 0, limit: 10, group: 'overdue' });
      expect(overdue.items.map((i) => i.row)).toEqual(soFar.filter((r) => workGroup(r, want.today) === 'overdue').slice(0, 10));
      seen.push(progress.done);
    }
    await pass;
    // Looked at part-way more than once, and the pass is then whole.
    expect(seen.filter((n) => n < residents).length).toBeGreaterThan(1);
    expect(cache.fullPassProgress(want.today)).toBeNull();
    expect(cache.query(want.today, { upcomingDays: 30, offset: 0, limit: 100_000 }).items.map((i) => i.row)).toEqual(want.rows);
    // The wipe before the pass skipped zeroing the freed pages; the connection overwrites deleted content again.
    expect(sql.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it('worklist.get with allowPartial answers during a full pass with rows of the finished list, marked partial, and the whole list once it is over', async () => {
    h.clock.set('2026-08-17T02:00:00Z');
    await h.restart();
    const cache = h.runtime.services.clinic().worklist.cache;
    const want = expected();
    // A day already whole: no partial mark, the whole list.
    await everything();
    const whole = await everything({ allowPartial: true });
    expect(whole.list.partial).toBeUndefined();
    expect(whole.rows).toEqual(want.rows);
    // The clock set back: a full pass. A call while it runs is answered from the residents computed so far.
    h.clock.set('2026-08-12T02:00:00Z');
    const back = expected();
    const before = cache.stats.full;
    const early = await everything({ allowPartial: true });
    expect(cache.stats.full).toBe(before + 1);
    const soFar = early.list.partial ? new Set(early.rows.map((r) => r.residentId)) : null;
    if (early.list.partial) {
      expect(early.list.partial.done).toBeGreaterThan(0);
      expect(early.list.partial.percent).toBeLessThan(100);
      expect(early.list.total).toBeLessThanOrEqual(back.rows.length);
    }
    // Either way each row is the finished list's, in the finished list's order.
    expect(early.rows).toEqual(back.rows.filter((r) => !soFar || soFar.has(r.residentId)));
    const late = await everything();
    expect(late.list.partial).toBeUndefined();
    expect(late.rows).toEqual(back.rows);
  });

  it('a full recompute after deaths, moves, amendments and deletions gives exactly the rules\' rows, through its page indexes', async () => {
    h.clock.set('2026-09-14T02:00:00Z');
    const clinic = h.runtime.services.clinic();
    const rx = clinic.ctx.db.rx;
    const sql = clinic.ctx.db.sql;
    const now = h.clock.now();
    const residents = (await readAll(rx.residents.storageInstance)).filter((r) => r.status === 'active').map((r) => r.id).sort();
    const completed = (await readAll(rx.encounters.storageInstance)).filter((e) => e.status === 'completed' && e.amends === '').sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(residents.length).toBeGreaterThan(100);
    expect(completed.length).toBeGreaterThan(100);
    const setStatus = async (id: string, status: ResidentDoc['status']) =>
      (await rx.residents.findOne(id).exec())!.incrementalModify((d) => ({ ...d, status, data: { ...d.data, statusDate: '2026-09-01' }, updatedAt: now }));
    for (let i = 0; i < 5; i++) await setStatus(residents[i * 7] ?? '', 'died');
    for (let i = 0; i < 5; i++) await setStatus(residents[i * 11 + 3] ?? '', 'movedOut');
    // Amendments (a later version of a completed form), encounters moved to another resident, and deletions.
    for (let i = 0; i < 10; i++) {
      const orig = completed[i * 5] as EncounterDoc;
      const form = { ...(orig.data['form'] as Record<string, unknown>), sbp: 171, dbp: 103 };
      await rx.encounters.insert({ ...orig, id: randomUUID(), amends: orig.id, amendReason: 'test', data: { ...orig.data, form }, completedAt: orig.completedAt + 1000, updatedAt: now });
    }
    for (let i = 0; i < 10; i++) {
      const e = completed[i * 5 + 2] as EncounterDoc;
      await (await rx.encounters.findOne(e.id).exec())!.incrementalPatch({ residentId: residents[(i * 13 + 40) % residents.length] ?? '', updatedAt: now });
    }
    for (let i = 0; i < 5; i++) await (await rx.encounters.findOne((completed[i * 5 + 4] as EncounterDoc).id).exec())!.remove();

    // Other rules (another fingerprint): nothing to build on, so every resident is computed in one full pass.
    const want = expected();
    const cache = new WorkCache(sql, clinic.worklist['index'], 'full-after-writes', () => clinic.ctx.db.connection.beginBulkLoad());
    await cache.ensure(want.today, { awaited: true });
    expect(cache.stats.full).toBe(1);
    expect(cache.stats.computed).toBe(sql.prepare('SELECT count(DISTINCT resident_id) FROM p_patient_docs').pluck().get());
    const page = cache.query(want.today, { upcomingDays: 30, offset: 0, limit: 100_000 });
    expect(page.total).toBe(want.rows.length);
    expect(page.items.map((i) => i.row)).toEqual(want.rows);
    // The pass built the page indexes at its end, and a group's page is read through them.
    const indexes = sql.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'p_work_%'").pluck().all();
    expect(indexes).toEqual(
      expect.arrayContaining([
        'p_work_items_order', 'p_work_items_group', 'p_work_items_counts', 'p_work_floats_order', 'p_work_floats_group', 'p_work_floats_counts', 'p_work_residents_changes',
      ]),
    );
    const plan = sql.prepare("EXPLAIN QUERY PLAN SELECT row FROM p_work_items WHERE grp = 'overdue' ORDER BY status_order, due_date, resident_id, kind_order LIMIT 10").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('p_work_items_group');
    // Dead and moved-out residents have no rows.
    const gone = [residents[0], residents[3]];
    expect(want.rows.some((r) => gone.includes(r.residentId))).toBe(false);
  });

  it('on 1 January only the residents whose rows count by the year are due, and the rows are exactly the rules\'', async () => {
    h.clock.set('2026-12-31T02:00:00Z');
    const cache = h.runtime.services.clinic().worklist.cache;
    const sql = h.runtime.services.session.current().db.sql;
    expect((await everything()).rows).toEqual(expected().rows);
    const residents = sql.prepare('SELECT count(*) FROM p_work_residents').pluck().get() as number;
    const due = sql.prepare("SELECT count(*) FROM p_work_residents WHERE changes_on <= '2027-01-01'").pluck().get() as number;
    const before = { ...cache.stats };
    h.clock.set('2027-01-01T02:00:00Z');
    expect((await everything()).rows).toEqual(expected().rows);
    // Not a cold day: a good part of the clinic keeps its rows over the new year (with the pass it calls for).
    expect(due).toBeLessThan(residents * 0.9);
    const full = due > Math.ceil(residents * FULL_PASS_SHARE);
    expect(cache.stats.advance).toBe(before.advance + (full ? 0 : 1));
    expect(cache.stats.full).toBe(before.full + (full ? 1 : 0));
    expect(cache.stats.computed - before.computed).toBe(full ? residents : due);
  });
});
