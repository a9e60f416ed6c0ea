/**
 * 工作台: every patient's work items on the clinic's today, filtered by village and doctor, grouped by what to do
 * today, with counts per group, kind and status. The rows of the day are cached in the file (work-cache.ts) and each
 * page is one SQL query over them, so neither the first page nor memory grows with the whole clinic.
 */
import { createHash } from 'node:crypto';
import type { WorkRow, Worklist, WorklistFilter } from '../../../shared/api/followups';
import { AppError } from '../../../shared/api/errors';
import { addDays, ageOn, compareDates, type CalendarDate } from '../../../shared/domain/dates';
import { workGroup } from '../../../shared/domain/worklist-groups';
import { patientWorkItems } from '../../../shared/domain/worklist-rules';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import type { PatientIndex } from './patient-index';
import { patientSummary, patientWork, type PatientWork } from './patient-work';
import { WorkCache } from './work-cache';

/**
 * Which rules computed a cached row: the source of the rule functions, so a new build with other rules never serves
 * rows its predecessor cached. Raise `RULES_REVISION` when a rule changes only in a helper these do not show.
 */
// 2: a never-checked resident's health-check line (issue 16), in a helper of patientWorkItems.
const RULES_REVISION = 2;
const FINGERPRINT = createHash('sha256')
  .update([RULES_REVISION, patientWork, patientSummary, patientWorkItems, workGroup].map(String).join('\n'))
  .digest('hex')
  .slice(0, 16);

export class WorklistService {
  readonly cache: WorkCache;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly index: PatientIndex,
  ) {
    this.cache = new WorkCache(ctx.db.sql, index, FINGERPRINT);
  }

  /** Set once the first page of this session has been answered: tomorrow is filled ahead only after it. */
  private served: { promise: Promise<void>; resolve: () => void } = (() => {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  })();

  /**
   * Fills today's rows at once (the first page needs them), then tomorrow's (so tomorrow's first sign-in pages at
   * once) in the background, but only after the first page has been answered: until then the fill would take turns
   * with the calls of signing in and of that page.
   */
  warmUp(): void {
    const today = clinicToday(this.ctx);
    void this.cache
      .ensure(today)
      .then(() => this.served.promise)
      .then(() => this.cache.ensure(addDays(today, 1), today))
      .catch(() => undefined);
  }

  stop(): void {
    this.cache.stop();
    // Lets a waiting fill-ahead run on to its end (it returns at once from a stopped cache).
    this.served.resolve();
  }

  /** `visibleVillages`: the villages the caller may see (issue 11); rows of other villages are left out. */
  async get(filter: WorklistFilter, visibleVillages?: readonly string[]): Promise<Worklist> {
    const today = clinicToday(this.ctx);
    // A complete day is served at once, even while tomorrow is being filled ahead in the background.
    if (!this.cache.isComplete(today)) await this.cache.ensure(today, today, { awaited: true });
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
    this.served.resolve();
    return {
      today,
      total: page.total,
      groups: page.groups,
      counts: page.counts,
      items: page.items.map(({ row, birthDate }) => this.display(row, birthDate, villages, today)),
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
