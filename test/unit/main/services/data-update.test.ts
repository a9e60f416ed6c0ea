/**
 * 正在更新本机数据 (issue 10 §4): what app.dataUpdate reports while a deferred rebuild and the work list's pass run,
 * and the DATA_UPDATING refusal of a reader whose projection is not ready. The projections' own slicing is tested
 * in test/integration/store/projection-rebuild.test.ts; here the registry's state is given.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/api/errors';
import { fixedClock } from '../../../../shared/domain/dates';
import type { ClinicContext } from '../../../../main/services/clinic-context';
import { assertProjectionReady, DataUpdateStatus } from '../../../../main/services/data-update';
import { patientProjection } from '../../../../main/services/followups/patient-index';
import { workProjection } from '../../../../main/services/followups/work-cache';
import type { ClinicDatabase, ProjectionRebuilds } from '../../../../main/store/database';
import type { RebuildProgress } from '../../../../main/store/rx-storage-sqlcipher';

let sql: Database.Database;
let pending: string[];
let progress: RebuildProgress | null;
let now: number;
const T0 = 1_000_000;

function dbOf(): ClinicDatabase {
  const rebuilds: ProjectionRebuilds = {
    isReady: (name) => !pending.includes(name),
    whenReady: () => Promise.resolve(),
    pending: () => [...pending],
    progress: () => progress,
    run: () => Promise.resolve(),
  };
  return { sql, rebuilds } as unknown as ClinicDatabase;
}

function ctxOf(): ClinicContext {
  // 2026-03-02 10:00 in Shanghai.
  return { db: dbOf(), clock: fixedClock('2026-03-02T02:00:00Z'), timeZone: 'Asia/Shanghai' } as unknown as ClinicContext;
}

function caught(run: () => void): AppError {
  try {
    run();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

beforeEach(() => {
  sql = new Database(':memory:');
  workProjection.create(sql);
  patientProjection.create(sql);
  pending = [];
  progress = null;
  now = T0;
});
afterEach(() => sql.close());

describe('app.dataUpdate', () => {
  it('nothing pending and the day complete: not updating', () => {
    expect(new DataUpdateStatus(ctxOf(), () => now).snapshot()).toEqual({ isUpdating: false, percent: 100, etaMs: 0, steps: [] });
  });

  it('a rebuild pending but not started: 0 % and no estimate yet', () => {
    pending = ['search'];
    expect(new DataUpdateStatus(ctxOf(), () => now).snapshot()).toEqual({
      isUpdating: true,
      percent: 0,
      etaMs: null,
      steps: [{ kind: 'rebuild', percent: 0, etaMs: null }],
    });
  });

  it.each([
    // done of total after elapsed ms → percent, estimate (none before a second has passed or nothing is done)
    [0, 1000, 5_000, 0, null],
    [100, 1000, 500, 10, null],
    [100, 1000, 1_000, 10, 9_000],
    [500, 1000, 4_000, 50, 4_000],
    [999, 1000, 10_000, 99, 10],
    [1000, 1000, 10_000, 99, 0],
  ])('a rebuild at %i of %i after %i ms: %i %%, estimate %s ms', (done, total, elapsed, percent, etaMs) => {
    pending = ['indicators'];
    progress = { projections: ['indicators'], done, total, startedAt: T0 - elapsed };
    const s = new DataUpdateStatus(ctxOf(), () => now).snapshot();
    expect(s.steps).toEqual([{ kind: 'rebuild', percent, etaMs }]);
    expect(s.percent).toBe(percent);
    expect(s.etaMs).toBe(etaMs);
  });

  it('the work list\'s full pass: residents computed of those with rows, estimated from the rate since first seen', () => {
    sql.prepare(`INSERT INTO p_work_days (day, build, mode, cursor, complete) VALUES ('2026-03-02', 'b', 'full', '', 0)`).run();
    const addPatients = (from: number, to: number) => {
      for (let i = from; i < to; i++) sql.prepare('INSERT INTO p_patient_docs (doc_id, resident_id, kind, lite) VALUES (?, ?, ?, ?)').run(`d${i}`, `r${String(i).padStart(3, '0')}`, 'resident', '{}');
    };
    const compute = (from: number, to: number) => {
      for (let i = from; i < to; i++) sql.prepare('INSERT INTO p_work_residents (resident_id, changes_on) VALUES (?, NULL)').run(`r${String(i).padStart(3, '0')}`);
    };
    addPatients(0, 200);
    compute(0, 20);
    const status = new DataUpdateStatus(ctxOf(), () => now);
    expect(status.snapshot().steps).toEqual([{ kind: 'worklist', percent: 10, etaMs: null }]);
    compute(20, 60);
    now += 2_000;
    // 40 residents in 2 s, 140 left: 7 s.
    expect(status.snapshot().steps).toEqual([{ kind: 'worklist', percent: 30, etaMs: 7_000 }]);
    // Both at once: the mean of the percentages, the longer estimate.
    pending = ['search'];
    progress = { projections: ['search'], done: 10, total: 100, startedAt: now - 1_000 };
    expect(status.snapshot()).toMatchObject({ isUpdating: true, percent: 20, etaMs: 9_000 });
    pending = [];
    progress = null;
    sql.prepare(`UPDATE p_work_days SET complete = 1`).run();
    expect(status.snapshot().isUpdating).toBe(false);
  });

  it('an advance counts down the residents still due', () => {
    sql.prepare(`INSERT INTO p_work_days (day, build, mode, cursor, complete) VALUES ('2026-03-02', 'b', 'advance', '', 0)`).run();
    for (let i = 0; i < 50; i++) sql.prepare('INSERT INTO p_work_residents (resident_id, changes_on) VALUES (?, ?)').run(`r${i}`, i < 40 ? '2026-03-02' : '2026-04-01');
    const status = new DataUpdateStatus(ctxOf(), () => now);
    expect(status.snapshot().steps).toEqual([{ kind: 'worklist', percent: 0, etaMs: null }]);
    sql.prepare(`UPDATE p_work_residents SET changes_on = '2026-05-01' WHERE resident_id IN ('r0','r1','r2','r3','r4','r5','r6','r7','r8','r9')`).run();
    now += 1_000;
    expect(status.snapshot().steps).toEqual([{ kind: 'worklist', percent: 25, etaMs: 3_000 }]);
  });
});

describe('DATA_UPDATING', () => {
  it('a reader of a projection still being rebuilt is refused with its progress; a ready one passes', () => {
    pending = ['search'];
    progress = { projections: ['search'], done: 42, total: 100, startedAt: Date.now() - 60_000 };
    const e = caught(() => assertProjectionReady(dbOf(), 'search'));
    expect(e.code).toBe('DATA_UPDATING');
    expect(e.details).toMatchObject({ projection: 'search', percent: 42 });
    expect(() => assertProjectionReady(dbOf(), 'patients')).not.toThrow();
  });
});
