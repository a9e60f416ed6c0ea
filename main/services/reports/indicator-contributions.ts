/**
 * What each resident counts towards in one report period, stored (issue 15 item 8): for a window, its period's own
 * dates, the 口径 in force and the service packages, one row per resident present in the window with the mask of
 * the counts they are in (shared `indicatorContributions`: records, managed, controlled, …) and their period counts
 * (new record, follow-ups, face-to-face follow-ups, health checks). A report then only sums the rows per village
 * (one GROUP BY), and the residents behind any number are the rows whose mask has its bit: a fresh process asking
 * this month's report after an earlier session reads no resident's records at all.
 *
 * A stored set is valid for exactly one key (CONTRIBUTIONS_VERSION of the shared rules, the facts' build, window,
 * period dates, rules, packages), so other rules, another period or a changed package make a new set; at most
 * MAX_SETS are kept. Every write marks the written residents (and a moved document's previous owner) dirty in every
 * stored set, in the write's own transaction (indicatorFactsProjection.apply calls `markContributionsDirty`); a
 * reader recomputes a set's dirty residents from the indicator projection before summing, in the same synchronous
 * transaction, so a sum is never behind the documents. A new set is made from the clinic's whole input
 * (LiveIndicatorInput): it is registered first, so a write while it is being computed leaves its mark in it.
 */
import { createHash } from 'node:crypto';
import type { ContractItem } from '../../../shared/domain/contract-rules';
import { compareDates } from '../../../shared/domain/dates';
import {
  addContribution,
  COUNT_BIT,
  CONTRIBUTIONS_VERSION,
  emptyCounts,
  indicatorContributions,
  type CountId,
  type IndicatorCounts,
} from '../../../shared/domain/indicators/compute';
import { rulesKey, type IndicatorRules } from '../../../shared/domain/indicators/rules';
import type { IndicatorInput, IndicatorWindow, ResidentGroup } from '../../../shared/domain/indicators/types';
import type { ServicePackage } from '../../../shared/schemas/contract';
import { statementCache, withoutSync, type Database } from '../../store/sqlite-file';
import { computeFacts, FACTS_BUILD } from './indicator-facts';
import { residentGroupOf } from './live-indicator-input';
import { DIRTY, ROWS, SETS } from './contribution-tables';

/** Sets kept: this month's, quarter's and year's under a few 口径 or periods looked back at. */
const MAX_SETS = 12;
/** Dirty residents recomputed per transaction. */
const CHUNK = 1_000;
/** Residents per slice when a new set is computed from the input. */
const SLICE = 2_000;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What a set is computed for. */
export interface ContributionKey {
  window: IndicatorWindow;
  /** The report period's own first and last day (its activity counts). */
  dates: IndicatorWindow;
  rules: IndicatorRules;
  packages: readonly ServicePackage[];
}

/** The period's own counts (报表's 本期工作量). */
export interface PeriodActivity {
  newRecords: number;
  followups: number;
  faceToFaceFollowups: number;
  healthChecks: number;
}

/** One village's summed counts. */
export interface VillageSums {
  counts: IndicatorCounts;
  activity: PeriodActivity;
}

const emptyActivity = (): PeriodActivity => ({ newRecords: 0, followups: 0, faceToFaceFollowups: 0, healthChecks: 0 });

/** A resident's own counts of the period: one pass over their current events. */
function activityOf(g: ResidentGroup | undefined, dates: IndicatorWindow): [created: number, followups: number, f2f: number, checks: number] {
  if (!g) return [0, 0, 0, 0];
  const within = (d: string) => compareDates(d, dates.start) >= 0 && compareDates(d, dates.end) <= 0;
  let followups = 0;
  let f2f = 0;
  let checks = 0;
  for (const e of g.encounters) {
    if (!within(e.date)) continue;
    if (e.type === 'htnFollowup' || e.type === 't2dmFollowup') {
      followups += 1;
      if (e.visitMode === 1 || e.visitMode === 2) f2f += 1;
    } else if (e.type === 'healthCheck') checks += 1;
  }
  return [within(g.resident.createdDate) ? 1 : 0, followups, f2f, checks];
}

function keyOf(k: ContributionKey): string {
  const packages = createHash('sha256').update(JSON.stringify(k.packages)).digest('base64url');
  return JSON.stringify([CONTRIBUTIONS_VERSION, FACTS_BUILD, k.window.start, k.window.end, k.dates.start, k.dates.end, rulesKey(k.rules), packages]);
}


export class IndicatorContributions {
  private readonly prepare = statementCache(() => this.db);
  private readonly making = new Map<string, Promise<number>>();

  constructor(
    private readonly db: Database,
    /** The clinic's whole input, current (LiveIndicatorInput.get): a new set is computed from it. */
    private readonly input: () => Promise<IndicatorInput>,
  ) {}

  /** True when the set of `key` is stored complete (its dirty residents are recomputed when read). */
  isStored(key: ContributionKey): boolean {
    return this.prepare(`SELECT 1 FROM ${SETS} WHERE key = ? AND complete = 1`).get(keyOf(key)) !== undefined;
  }

  /** Per village: the summed counts of the residents present in the window, and their period counts. */
  async sums(key: ContributionKey): Promise<Map<string, VillageSums>> {
    const setId = await this.ensure(key);
    return withoutSync(this.db, () =>
      this.db.transaction(() => {
      this.refresh(setId, key);
      const rows = this.prepare(
        `SELECT village_code, mask, count(*), sum(created), sum(followups), sum(f2f), sum(checks) FROM ${ROWS} WHERE set_id = ? GROUP BY village_code, mask`,
      )
        .raw()
        .all(setId) as [string, number, number, number, number, number, number][];
      const out = new Map<string, VillageSums>();
      for (const [village, mask, n, created, followups, f2f, checks] of rows) {
        let v = out.get(village);
        if (!v) out.set(village, (v = { counts: emptyCounts(), activity: emptyActivity() }));
        addContribution(v.counts, mask, n);
        v.activity.newRecords += created;
        v.activity.followups += followups;
        v.activity.faceToFaceFollowups += f2f;
        v.activity.healthChecks += checks;
      }
      return out;
    })(),
    );
  }

  /**
   * The residents (in id order) of `villages` (null: all) counted in `count` and, with `not`, not counted in `not`:
   * the lists behind a number (the denominator's residents not in the numerator with both).
   */
  async ids(key: ContributionKey, villages: readonly string[] | null, count: CountId, not?: CountId): Promise<string[]> {
    const setId = await this.ensure(key);
    const care = COUNT_BIT[count] | (not ? COUNT_BIT[not] : 0);
    const want = COUNT_BIT[count];
    return withoutSync(this.db, () =>
      this.db.transaction(() => {
      this.refresh(setId, key);
      const inVillages = villages === null ? '' : 'AND village_code IN (SELECT value FROM json_each(?))';
      const s = this.prepare(`SELECT resident_id FROM ${ROWS} WHERE set_id = ? AND (mask & ?) = ? ${inVillages} ORDER BY resident_id`).pluck();
      return (villages === null ? s.all(setId, care, want) : s.all(setId, care, want, JSON.stringify(villages))) as string[];
    })(),
    );
  }

  /** The set's id, computing the set first when it is not stored (concurrent callers share one computation). */
  ensure(key: ContributionKey): Promise<number> {
    const k = keyOf(key);
    const stored = this.prepare(`SELECT set_id FROM ${SETS} WHERE key = ? AND complete = 1`).pluck().get(k) as number | undefined;
    if (stored !== undefined) return Promise.resolve(stored);
    let making = this.making.get(k);
    if (!making) {
      making = this.make(k, key).finally(() => this.making.delete(k));
      this.making.set(k, making);
    }
    return making;
  }

  private async make(k: string, key: ContributionKey): Promise<number> {
    // Registered before the input is read: a write from now on marks its residents dirty in this set too.
    const setId = this.db.transaction(() => {
      const old = this.prepare(`SELECT set_id FROM ${SETS} WHERE key = ?`).pluck().get(k) as number | undefined;
      if (old !== undefined) this.forget(old);
      const id = Number(this.prepare(`INSERT INTO ${SETS} (key, complete) VALUES (?, 0)`).run(k).lastInsertRowid);
      const stale = this.prepare(`SELECT set_id FROM ${SETS} ORDER BY set_id DESC LIMIT -1 OFFSET ?`).pluck().all(MAX_SETS) as number[];
      for (const s of stale) this.forget(s);
      return id;
    })();
    const input = await this.input();
    // The rows are the input's as read: a write after that read has marked its residents dirty in this set. Computed
    // and stored in slices that let other calls through (the input's arrays do not change under us).
    const groups = input.groups ?? [];
    for (let from = 0; from < groups.length; from += SLICE) {
      const slice = groups.slice(from, from + SLICE);
      const part: IndicatorInput = { residents: slice.map((g) => g.resident), encounters: [], contracts: [], groups: slice };
      const byId = new Map(slice.map((g) => [g.resident.id, g]));
      const gone = withoutSync(this.db, () =>
        this.db.transaction(() => {
          if (this.prepare(`SELECT 1 FROM ${SETS} WHERE set_id = ?`).get(setId) === undefined) return true;
          this.store(setId, indicatorContributions(part, key.window, key.rules), byId, key.dates);
          return false;
        })(),
      );
      // Dropped meanwhile (MAX_SETS newer sets were made): made again.
      if (gone) return this.make(k, key);
      await yieldToOthers();
    }
    this.prepare(`UPDATE ${SETS} SET complete = 1 WHERE set_id = ?`).run(setId);
    return setId;
  }

  private forget(setId: number): void {
    this.prepare(`DELETE FROM ${ROWS} WHERE set_id = ?`).run(setId);
    this.prepare(`DELETE FROM ${DIRTY} WHERE set_id = ?`).run(setId);
    this.prepare(`DELETE FROM ${SETS} WHERE set_id = ?`).run(setId);
  }

  private store(setId: number, rows: readonly { id: string; villageCode: string; mask: number }[], groups: ReadonlyMap<string, ResidentGroup>, dates: IndicatorWindow): void {
    const put = this.prepare(`INSERT OR REPLACE INTO ${ROWS} (set_id, resident_id, village_code, mask, created, followups, f2f, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const r of rows) put.run(setId, r.id, r.villageCode, r.mask, ...activityOf(groups.get(r.id), dates));
  }

  /** Recomputes the set's dirty residents from the indicator projection; call inside the reading transaction. */
  private refresh(setId: number, key: ContributionKey): void {
    const next = this.prepare(`SELECT resident_id FROM ${DIRTY} WHERE set_id = ? ORDER BY resident_id LIMIT ?`).pluck();
    const items = new Map<string, ContractItem[]>();
    for (;;) {
      const ids = next.all(setId, CHUNK) as string[];
      if (ids.length === 0) return;
      const json = JSON.stringify(ids);
      const groups = new Map<string, ResidentGroup>();
      for (const t of computeFacts(this.db, ids).values()) if (t) groups.set(t[0], residentGroupOf(t, key.packages, items));
      const list = [...groups.values()];
      const input: IndicatorInput = { residents: list.map((g) => g.resident), encounters: [], contracts: [], groups: list };
      this.prepare(`DELETE FROM ${ROWS} WHERE set_id = ? AND resident_id IN (SELECT value FROM json_each(?))`).run(setId, json);
      this.store(setId, indicatorContributions(input, key.window, key.rules), groups, key.dates);
      this.prepare(`DELETE FROM ${DIRTY} WHERE set_id = ? AND resident_id IN (SELECT value FROM json_each(?))`).run(setId, json);
    }
  }

}
