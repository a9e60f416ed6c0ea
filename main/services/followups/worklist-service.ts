/**
 * 工作台: every patient's work items on the clinic's today, filtered by village and doctor, grouped by what to do
 * today, with counts per group, kind and status. The rows of the day are cached in the file (work-cache.ts) and each
 * page is one SQL query over them, so neither the first page nor memory grows with the whole clinic.
 */
import { createHash } from 'node:crypto';
import type { WorkRow, Worklist, WorklistFilter } from '../../../shared/api/followups';
import { AppError } from '../../../shared/api/errors';
import { ageOn, compareDates, type CalendarDate } from '../../../shared/domain/dates';
import { workGroup } from '../../../shared/domain/worklist-groups';
import { contractChangesOn, floatsWithToday, workChangesOn } from '../../../shared/domain/worklist-changes';
import { patientScreening, patientWorkItems } from '../../../shared/domain/worklist-rules';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import type { PatientIndex } from './patient-index';
import { patientSummary, patientWork, type PatientWork } from './patient-work';
import { WorkCache, type PassProgress } from './work-cache';
import type { EventBus } from '../event-bus';
import { idleOf } from '../user-activity';

/** Dirty residents recomputed at the lock at most: some 0.1–0.2 s; more is left to the next session. */
const CLEAN_AT_LOCK = 1_000;

/**
 * Which rules computed a cached row: the source of the rule functions, so a new build with other rules never serves
 * rows its predecessor cached. Raise `RULES_REVISION` when a rule changes only in a helper these do not show.
 */
// 2: a never-checked resident's health-check line (issue 16), in a helper of patientWorkItems.
// 3: rows kept with the day they next change on (worklist-changes.ts).
const RULES_REVISION = 3;
const FINGERPRINT = createHash('sha256')
  .update([RULES_REVISION, patientWork, patientSummary, patientWorkItems, patientScreening, workGroup, workChangesOn, contractChangesOn, floatsWithToday].map(String).join('\n'))
  .digest('hex')
  .slice(0, 16);

/** A partial page's share done, never 100 while the pass is still under way. */
function partialPercent(p: PassProgress): number {
  return p.total === 0 ? 0 : Math.min(99, Math.floor((p.done / p.total) * 100));
}

export class WorklistService {
  readonly cache: WorkCache;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly index: PatientIndex,
  ) {
    this.cache = new WorkCache(ctx.db.sql, index, FINGERPRINT, () => ctx.db.connection.beginBulkLoad());
  }

  /**
   * Brings the cache to today at once (the first page needs it). From a day already cached this recomputes only the
   * residents whose rows change by today (work-cache.ts), so no day is filled ahead.
   */
  warmUp(): void {
    // After an upgrade the patient rows it computes from may still be rebuilding (projections.ts): after them.
    void this.ctx.db.rebuilds
      .whenReady('patients')
      .then(() => this.cache.ensure(clinicToday(this.ctx)))
      .catch(() => undefined);
  }

  /**
   * After a user's change the work list is told of (`worklist.changed` naming its residents), the dirty residents are
   * recomputed when idle. Not after a bulk write (`all`: a seed, a first sync's page of thousands): the residents a
   * sync writes now are written again by its next collections' pages, so they are left to the first page asked for.
   */
  cleanAfterChanges(bus: EventBus): void {
    const idle = idleOf(this.ctx.activity);
    this.unsubscribe?.();
    this.unsubscribe = bus.subscribe((event, payload) => {
      if (event === 'worklist.changed' && !(payload as { all?: boolean }).all) void this.cache.cleanWhenIdle(idle).catch(() => undefined);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    // What the last saves left dirty is computed now, not in the next sign-in's first page; a failure never stops the lock.
    try {
      this.cache.cleanBeforeLock(CLEAN_AT_LOCK);
    } catch {
      // The next session's first query computes them.
    }
    this.cache.stop();
  }

  /** `visibleVillages`: the villages the caller may see (issue 11); rows of other villages are left out. */
  async get(filter: WorklistFilter, visibleVillages?: readonly string[]): Promise<Worklist> {
    const today = clinicToday(this.ctx);
    // A complete day is served at once. Meanwhile the 工作台 shows the progress (app.dataUpdate), or, when the caller
    // accepts it, the rows of the residents a full pass has computed so far (issue 10 §4: a cold day at 200,000).
    let early = false;
    if (!this.cache.isComplete(today)) {
      await this.ctx.db.rebuilds.whenReady('patients');
      if (filter.allowPartial) early = (await this.cache.partial(today)) !== null;
      else await this.cache.ensure(today, { awaited: true });
    }
    const villages = await villageNames(this.ctx);
    const page = this.cache.query(today, {
      villageCode: filter.villageCode,
      visibleVillages,
      doctor: filter.doctor?.trim(),
      kinds: filter.kinds,
      statuses: filter.statuses,
      group: filter.group,
      upcomingDays: filter.upcomingDays,
      offset: filter.offset,
      limit: filter.limit,
    });
    // Read right after the page, in the same synchronous step (no chunk of the pass can come between): a pass that
    // ended meanwhile made the page whole.
    const partial = early ? this.cache.fullPassProgress(today) : null;
    return {
      today,
      total: page.total,
      groups: page.groups,
      counts: page.counts,
      items: page.items.map(({ row, birthDate }) => this.display(row, birthDate, villages, today)),
      ...(partial ? { partial: { ...partial, percent: partialPercent(partial) } } : {}),
    };
  }

  async forResident(residentId: string): Promise<WorkRow[]> {
    const entry = this.index.get(residentId);
    if (!entry?.resident) throw new AppError('NOT_FOUND', { residentId });
    const today = clinicToday(this.ctx);
    const villages = await villageNames(this.ctx);
    const birthDate = entry.resident.birthDate;
    return patientWork(entry, today, 30).rows.map((row) => this.display(row, birthDate, villages, today));
  }

  private display(row: PatientWork, birthDate: CalendarDate, villages: ReadonlyMap<string, string>, today: CalendarDate): WorkRow {
    return {
      ...row,
      villageName: villages.get(row.villageCode) ?? '',
      age: compareDates(birthDate, today) <= 0 ? ageOn(birthDate, today) : 0,
    };
  }
}
