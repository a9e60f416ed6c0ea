/**
 * 工作台: every patient's work items on the clinic's today, filtered by village and doctor, with counts per kind and
 * status. Rows are derived per patient and memoised until that patient changes or the day turns, so a query after
 * the first is a filter and a sort over memory (bench/worklist.ts measures it against raw SQL).
 */
import { WorkKind, type WorkRow, type WorkStatus, type Worklist, type WorklistFilter } from '../../../shared/api/followups';
import { AppError } from '../../../shared/api/errors';
import { ageOn, compareDates, type CalendarDate } from '../../../shared/domain/dates';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import type { PatientEntry, PatientIndex } from './patient-index';
import { patientWork, type PatientWorkResult } from './patient-work';

const KINDS: readonly WorkKind[] = WorkKind.options;
const STATUS_ORDER: Record<WorkStatus, number> = { overdue: 0, due: 1, upcoming: 2 };
const KIND_ORDER = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<WorkKind, number>;

function emptyCounts(): Worklist['counts'] {
  return Object.fromEntries(KINDS.map((k) => [k, { upcoming: 0, due: 0, overdue: 0 }])) as Worklist['counts'];
}

/** More changed patients than this rebuild the sorted list rather than patch it. */
const INCREMENTAL_LIMIT = 200;

type Row = PatientWorkResult['rows'][number];

function compareRows(a: Row, b: Row): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
    (a.residentId < b.residentId ? -1 : a.residentId > b.residentId ? 1 : 0) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
  );
}

/** First index whose row sorts after `row` (binary search), so equal rows keep their order. */
function insertionPoint(rows: readonly { row: Row }[], row: Row): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareRows((rows[mid] as { row: Row }).row, row) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface SortedList {
  key: string;
  rows: { row: PatientWorkResult['rows'][number]; doctors: string[] }[];
}

export class WorklistService {
  /** Every row of every patient, sorted, for one (today, horizon, index version): a query is then one filter pass. */
  private sorted: SortedList | null = null;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly index: PatientIndex,
  ) {}

  private work(entry: PatientEntry, today: CalendarDate, upcomingDays: number): PatientWorkResult {
    const key = `${today}|${upcomingDays}`;
    if (entry.memo?.key === key) return entry.memo.value as PatientWorkResult;
    const value = patientWork(entry, today, upcomingDays);
    entry.memo = { key, value };
    return value;
  }

  private all(today: CalendarDate, upcomingDays: number): SortedList['rows'] {
    const base = `${today}|${upcomingDays}|`;
    const key = `${base}${this.index.version}`;
    if (this.sorted?.key === key) return this.sorted.rows;
    const changed = this.index.takeChanged();
    // A few patients changed since the list was sorted (a save): replace their rows in place.
    if (this.sorted?.key.startsWith(base) && changed && changed.size <= INCREMENTAL_LIMIT) {
      const rows = this.sorted.rows.filter((r) => !changed.has(r.row.residentId));
      for (const id of changed) {
        const entry = this.index.get(id);
        if (!entry?.resident) continue;
        const work = this.work(entry, today, upcomingDays);
        for (const row of work.rows) rows.splice(insertionPoint(rows, row), 0, { row, doctors: work.doctors });
      }
      this.sorted = { key, rows };
      return rows;
    }
    const rows: SortedList['rows'] = [];
    for (const entry of this.index.all()) {
      if (!entry.resident) continue;
      const work = this.work(entry, today, upcomingDays);
      for (const row of work.rows) rows.push({ row, doctors: work.doctors });
    }
    rows.sort((a, b) => compareRows(a.row, b.row));
    this.sorted = { key, rows };
    return rows;
  }

  /** `sees`: whether the caller may see a village's residents (issue 11); rows of other villages are left out. */
  async get(filter: WorklistFilter, sees: (villageCode: string) => boolean = () => true): Promise<Worklist> {
    await this.index.ready();
    const today = clinicToday(this.ctx);
    const villages = await villageNames(this.ctx);
    const kinds = filter.kinds && filter.kinds.length > 0 ? new Set(filter.kinds) : null;
    const statuses = filter.statuses && filter.statuses.length > 0 ? new Set(filter.statuses) : null;
    const doctor = filter.doctor?.trim();
    const counts = emptyCounts();
    const end = filter.offset + filter.limit;
    const page: PatientWorkResult['rows'] = [];
    let total = 0;
    for (const { row, doctors } of this.all(today, filter.upcomingDays)) {
      if (filter.villageCode && row.villageCode !== filter.villageCode) continue;
      if (!sees(row.villageCode)) continue;
      if (kinds && !kinds.has(row.kind)) continue;
      if (statuses && !statuses.has(row.status)) continue;
      if (doctor && !doctors.includes(doctor)) continue;
      counts[row.kind][row.status] += 1;
      if (total >= filter.offset && total < end) page.push(row);
      total += 1;
    }
    return { today, total, counts, items: page.map((row) => this.display(row, villages, today)) };
  }

  async forResident(residentId: string): Promise<WorkRow[]> {
    await this.index.ready();
    const entry = this.index.get(residentId);
    if (!entry?.resident) throw new AppError('NOT_FOUND', { residentId });
    const today = clinicToday(this.ctx);
    const villages = await villageNames(this.ctx);
    return this.work(entry, today, 30).rows.map((row) => this.display(row, villages, today));
  }

  private display(row: PatientWorkResult['rows'][number], villages: ReadonlyMap<string, string>, today: CalendarDate): WorkRow {
    const entry = this.index.get(row.residentId);
    const birthDate = entry?.resident?.birthDate ?? today;
    return {
      ...row,
      villageName: villages.get(row.villageCode) ?? '',
      age: compareDates(birthDate, today) <= 0 ? ageOn(birthDate, today) : 0,
    };
  }
}
