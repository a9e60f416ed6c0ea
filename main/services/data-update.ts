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
import type { RebuildProgress } from '../store/rx-storage-sqlcipher';
import { clinicToday, type ClinicContext } from './clinic-context';
import { workPassProgress } from './followups/work-cache';

/** An estimate needs this much elapsed time and progress behind it; earlier ones swing wildly. */
const MIN_ESTIMATE_MS = 1_000;
/** A rebuild is assumed to get at least this share of the time, however little it had so far (held, paused). */
const MIN_SHARE = 0.05;
/** The recent share (RebuildProgress.recentBusyMs) is read once it covers this long; the whole run's before. */
const MIN_SHARE_WINDOW_MS = 5_000;

function percentOf(done: number, total: number): number {
  if (total <= 0) return 0;
  // 100 is shown only when the step is over: a step at 99.6 % is still running.
  return Math.min(99, Math.floor((done / total) * 100));
}

function estimate(elapsedMs: number, done: number, total: number): number | null {
  if (elapsedMs < MIN_ESTIMATE_MS || done <= 0) return null;
  return Math.max(0, Math.round((elapsedMs / done) * (total - done)));
}

/**
 * The percentage and time left of a deferred rebuild (pure; `now` in epoch ms). The documents left in each step
 * (a collection of a projection) are weighed by that step's measured cost per document: a resident costs several
 * times an encounter, so counting documents alone ran far too long while residents were applied (22–25 min shown at
 * 17–39 % of a 7.5 min rebuild at 200,000 residents). A step's cost is its rate over its latest pages; a step that
 * has run only its first page (every step's first page comes first) is scaled down by how much the first pages of
 * the steps under way overstated their later rate (a cold start, shared by all steps), never up (a step whose tables
 * grow gets dearer per document, as the search keys do: that is its own). The work time left is then divided by the
 * share of the time the rebuild had lately (other work runs between its pages: the work list's first pass, which
 * ends, so the share over the whole run would keep the estimate long). A projection whose end sorts its lookup indexes
 * once (`finishRebuild`) adds that end's work, declared per document (`finishCost`): without it the estimate of the
 * search keys' rebuild was a third of the truth (bench/search-rebuild.ts).
 */
export function rebuildEstimate(p: RebuildProgress, now: number): { percent: number; etaMs: number | null } {
  const ratios = p.steps.flatMap((s) => (s.recentMsPerDoc !== null && s.firstMsPerDoc !== null && s.firstMsPerDoc > 0 ? [s.recentMsPerDoc / s.firstMsPerDoc] : []));
  const firstScale = ratios.length > 0 ? Math.min(1, median(ratios)) : 1;
  const rates = p.steps.map((s) => s.recentMsPerDoc ?? (s.firstMsPerDoc === null ? null : s.firstMsPerDoc * firstScale));
  const known = rates.filter((r): r is number => r !== null);
  const meanRate = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null;
  // Weighted by cost where known; by documents until any step is measured.
  const weight = (i: number) => rates[i] ?? meanRate ?? 1;
  // A projection's end (its lookup indexes sorted once, `finishRebuild`) is work too, in documents' worth of its step.
  const cost = p.steps.reduce((sum, s, i) => sum + (s.total + (s.finishDocs ?? 0)) * weight(i), 0);
  const left = p.steps.reduce((sum, s, i) => sum + (Math.max(0, s.total - s.done) + Math.max(0, (s.finishDocs ?? 0) - (s.finishDone ?? 0))) * weight(i), 0);
  const percent = cost > 0 ? percentOf(cost - left, cost) : percentOf(p.done, p.total);
  const elapsed = now - p.startedAt;
  if (meanRate === null || elapsed < MIN_ESTIMATE_MS || p.busyMs <= 0) return { percent, etaMs: null };
  // The share over the latest seconds once there are a few of them: it changes (the work list's pass ends).
  const recent = now - p.recentSince;
  const busyShare = recent >= MIN_SHARE_WINDOW_MS ? p.recentBusyMs / recent : p.busyMs / elapsed;
  const share = Math.min(1, Math.max(MIN_SHARE, busyShare));
  return { percent, etaMs: Math.max(0, Math.round(left / share)) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The rebuild step of `db`, or null when nothing is pending. */
function rebuildStep(db: ClinicDatabase, now: number): DataUpdateStep | null {
  if (db.rebuilds.pending().length === 0) return null;
  const p = db.rebuilds.progress();
  // Pending but not started yet (sign-in has just answered): at 0 %, no estimate.
  if (!p) return { kind: 'rebuild', percent: 0, etaMs: null };
  return { kind: 'rebuild', ...rebuildEstimate(p, now) };
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
    const pass = workPassProgress(this.ctx.db.sql, day);
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
    // An advance counts down the residents still due from the most seen; a full pass's residents are counted now
    // (a write may have added or removed some since it began).
    if (pass.mode === 'advance') w.total = Math.max(w.total, pass.remaining);
    else w.total = total;
    const doneNow = pass.mode === 'full' ? done : w.total - pass.remaining;
    const since = pass.mode === 'full' ? doneNow - w.firstDone : doneNow;
    return {
      kind: 'worklist',
      percent: percentOf(doneNow, w.total),
      etaMs: since > 0 ? estimate(at - w.firstAt, since, w.total - (doneNow - since)) : null,
    };
  }
}
