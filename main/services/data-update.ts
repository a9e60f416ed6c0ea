/**
 * 正在更新本机数据: the data work the screens wait for after sign-in, with progress and an estimate (issue 10 §4).
 * Two kinds: projections rebuilt once after an upgrade (deferred by the session, main/store/rx-storage-sqlcipher/
 * projections.ts) and the work list's pass that brings its rows to today (work-cache.ts, read through
 * `workPassProgress` only). Readers of a projection still being rebuilt call `assertProjectionReady`, so every screen
 * that needs it says the same thing (DATA_UPDATING with the percentage) instead of showing incomplete data.
 */
import type { DataUpdate, DataUpdateStep } from '../../shared/api/app';
import { AppError } from '../../shared/api/errors';
import type { CalendarDate } from '../../shared/domain/dates';
import type { ClinicDatabase } from '../store/database';
import { clinicToday, type ClinicContext } from './clinic-context';
import { workPassProgress } from './followups/work-cache';

/** An estimate needs this much elapsed time and progress behind it; earlier ones swing wildly. */
const MIN_ESTIMATE_MS = 1_000;

function percentOf(done: number, total: number): number {
  if (total <= 0) return 0;
  // 100 is shown only when the step is over: a step at 99.6 % is still running.
  return Math.min(99, Math.floor((done / total) * 100));
}

function estimate(elapsedMs: number, done: number, total: number): number | null {
  if (elapsedMs < MIN_ESTIMATE_MS || done <= 0) return null;
  return Math.max(0, Math.round((elapsedMs / done) * (total - done)));
}

/** The rebuild step of `db`, or null when nothing is pending. */
function rebuildStep(db: ClinicDatabase, now: number): DataUpdateStep | null {
  if (db.rebuilds.pending().length === 0) return null;
  const p = db.rebuilds.progress();
  // Pending but not started yet (sign-in has just answered): at 0 %, no estimate.
  if (!p) return { kind: 'rebuild', percent: 0, etaMs: null };
  return { kind: 'rebuild', percent: percentOf(p.done, p.total), etaMs: estimate(now - p.startedAt, p.done, p.total) };
}

/** DATA_UPDATING (with the rebuild's progress) unless `projection`'s rows are complete. */
export function assertProjectionReady(db: ClinicDatabase, projection: string): void {
  if (db.rebuilds.isReady(projection)) return;
  const step = rebuildStep(db, Date.now());
  throw new AppError('DATA_UPDATING', { projection, percent: step?.percent ?? 0, etaMs: step?.etaMs ?? null });
}

/** Per open clinic: remembers when each pass was first seen, for its estimate. */
export class DataUpdateStatus {
  private work: { day: CalendarDate; mode: 'full' | 'advance'; total: number; firstDone: number; firstAt: number } | null = null;

  constructor(
    private readonly ctx: ClinicContext,
    /** Elapsed time for estimates: the machine's, whatever clock the clinic's dates come from. */
    private readonly now: () => number = Date.now,
  ) {}

  snapshot(): DataUpdate {
    const at = this.now();
    const steps = [rebuildStep(this.ctx.db, at), this.workStep(at)].filter((s): s is DataUpdateStep => s !== null);
    if (steps.length === 0) return { isUpdating: false, percent: 100, etaMs: 0, steps };
    const percent = Math.floor(steps.reduce((sum, s) => sum + s.percent, 0) / steps.length);
    const etaMs = steps.some((s) => s.etaMs === null) ? null : Math.max(...steps.map((s) => s.etaMs ?? 0));
    return { isUpdating: true, percent, etaMs, steps };
  }

  private workStep(at: number): DataUpdateStep | null {
    const day = clinicToday(this.ctx);
    const known = this.work?.day === day && this.work.mode === 'full' ? this.work.total : undefined;
    const pass = workPassProgress(this.ctx.db.sql, day, known);
    if (!pass) {
      this.work = null;
      return null;
    }
    const done = pass.mode === 'full' ? pass.done : 0;
    const total = pass.mode === 'full' ? pass.total : pass.remaining;
    if (!this.work || this.work.day !== day || this.work.mode !== pass.mode) {
      this.work = { day, mode: pass.mode, total, firstDone: done, firstAt: at };
    }
    const w = this.work;
    // An advance counts down the residents still due from the most seen.
    if (pass.mode === 'advance') w.total = Math.max(w.total, pass.remaining);
    const doneNow = pass.mode === 'full' ? done : w.total - pass.remaining;
    const since = pass.mode === 'full' ? doneNow - w.firstDone : doneNow;
    return {
      kind: 'worklist',
      percent: percentOf(doneNow, w.total),
      etaMs: since > 0 ? estimate(at - w.firstAt, since, w.total - (doneNow - since)) : null,
    };
  }
}
