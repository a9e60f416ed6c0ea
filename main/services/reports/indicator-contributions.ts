/**
 * What each resident counts towards in one report period, stored (issue 15 item 8): for a window, its period's own
 * dates, the 口径 in force and the service packages, one row per resident present in the window with the mask of
 * the counts they are in (shared `indicatorContributions`: records, managed, controlled, …) and their period counts
 * (new record, follow-ups, face-to-face follow-ups, health checks). A report then only sums the rows per village
 * (one GROUP BY), and the residents behind any number are the rows whose mask has its bit: a fresh process asking
 * this month's report after an earlier session reads no resident's records at all.
 *
 * A stored set is valid for exactly one key (CONTRIBUTIONS_VERSION, a hash of the rules' and this code's sources,
 * the facts' build, window, period dates, rules, packages), so other rules, another period or a changed package make
 * a new set; at most MAX_SETS are kept. A set is keyed by the packages its input was actually built with: a package
 * change between a caller's read of the packages and the input's read files the set under the new packages. Every write marks the written residents (and a moved document's previous owner) dirty in every
 * stored set, in the write's own transaction (indicatorFactsProjection.apply calls `markContributionsDirty`); a
 * reader recomputes a set's dirty residents from the indicator projection before summing, in the same synchronous
 * transaction, so a sum is never behind the documents. A new set is made from the clinic's whole input
 * (LiveIndicatorInput): it is registered first, so a write while it is being computed leaves its mark in it. Several
 * missing sets (a trend's 12 months) are computed together in one pass over the input, and read together in one
 * transaction that recomputes each dirty resident's facts once for all of them.
 *
 * A new set is answered before its rows are stored: the rows are computed in memory and summed, the caller gets those
 * sums, and the rows are stored after the answer in slices (the set marked complete with the last of them). The
 * in-memory sums are the input's as read; a write after that read marks its residents dirty in the set, and a reader
 * that finds a mark waits for the rows and recomputes the marked residents as for any stored set. A crash or a lock
 * before the rows are stored leaves an incomplete set, computed again when next asked (a lock first stores the rest:
 * `flush`), never a wrong number.
 */
import { createHash } from 'node:crypto';
import type { ContractItem } from '../../../shared/domain/contract-rules';
import { compareDates } from '../../../shared/domain/dates';
import {
  addContribution,
  COUNT_BIT,
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
import { eventRangeOf, type EventRange, type StoredFacts } from './facts-codec';
import { residentGroupOf } from './live-indicator-input';
import { DIRTY, ROWS, SETS, SUMS } from './contribution-tables';
import { CONTRIBUTIONS_VERSION } from './contributions-version';

/**
 * Sets kept: a 12-month trend with next month's, a 12-quarter trend and a few more. Every write marks its residents
 * in each of them, so this also bounds a write's extra rows.
 */
export const MAX_SETS = 30;
/** Dirty residents recomputed per transaction. */
const CHUNK = 1_000;
/** Residents per slice when a new set is computed from the input (divided among sets made together). */
const SLICE = 2_000;
const MIN_SLICE = 100;
/** Rows stored per transaction after a new set was answered. */
const STORE_SLICE = 5_000;

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

/** The first index of `events` (in date order) dated on or after `day`. */
function firstOnOrAfter(events: readonly { date: string }[], day: string): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareDates((events[mid] as { date: string }).date, day) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A resident's own counts of the period. A current group's events are in date order (the stored facts are kept so),
 * so only the period's own events are looked at: a month is a few of a resident's years of events.
 */
function activityOf(g: ResidentGroup | undefined, dates: IndicatorWindow): [created: number, followups: number, f2f: number, checks: number] {
  if (!g) return [0, 0, 0, 0];
  let followups = 0;
  let f2f = 0;
  let checks = 0;
  const events = g.encounters;
  for (let i = g.current ? firstOnOrAfter(events, dates.start) : 0; i < events.length; i += 1) {
    const e = events[i] as ResidentGroup['encounters'][number];
    if (compareDates(e.date, dates.start) < 0) continue;
    if (compareDates(e.date, dates.end) > 0) {
      if (g.current) break;
      continue;
    }
    if (e.type === 'htnFollowup' || e.type === 't2dmFollowup') {
      followups += 1;
      if (e.visitMode === 1 || e.visitMode === 2) f2f += 1;
    } else if (e.type === 'healthCheck') checks += 1;
  }
  const created = compareDates(g.resident.createdDate, dates.start) >= 0 && compareDates(g.resident.createdDate, dates.end) <= 0;
  return [created ? 1 : 0, followups, f2f, checks];
}

function keyOf(k: ContributionKey): string {
  return JSON.stringify([CONTRIBUTIONS_VERSION, FACTS_BUILD, k.window.start, k.window.end, k.dates.start, k.dates.end, rulesKey(k.rules), packagesHash(k.packages)]);
}

const packagesHash = (packages: readonly ServicePackage[]) => createHash('sha256').update(JSON.stringify(packages)).digest('base64url');

/**
 * A set's rows summed per village and mask while it is made: village → mask → [n, created, followups, f2f, checks].
 * Keyed by the row's own village text and mask number: a key made per row ("village\0mask") was a new string to
 * build and hash for each of 30,000 residents.
 */
type Sums = Map<string, Map<number, [number, number, number, number, number]>>;

/** The clinic's input with the service packages its contracts' items were worked out with. */
export interface ContributionInput {
  input: IndicatorInput;
  packages: readonly ServicePackage[];
  /** Given with an input made for this caller's range: called when the caller is done computing from it. */
  done?: () => void;
}

/** A complete stored set and the key it holds (its packages may be newer than the caller's). */
export interface StoredSet {
  setId: number;
  key: ContributionKey;
}

interface Wanted {
  k: string;
  key: ContributionKey;
}

/** A new set computed in memory: answered from its sums while its rows are being stored. */
interface Computed {
  set: StoredSet;
  sums: Sums;
  /** The rows to store, in id order: resident, village and, five numbers per row, the mask and the period counts. */
  ids: string[];
  villages: string[];
  values: number[];
  /** Rows stored so far; the set is complete once all are. */
  stored: number;
}

/** A set being made: its sums once computed, the set once its rows are stored. */
interface Making {
  computed: Promise<Computed>;
  stored: Promise<StoredSet>;
}

const ROW_VALUES = 5;

/** The summed rows of a set as a report reads them, per village. */
function villageSums(rows: Iterable<readonly [village: string, mask: number, n: number, created: number, followups: number, f2f: number, checks: number]>): Map<string, VillageSums> {
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
}

/** A set's in-memory sums (per village and mask: n and the period counts) as summed rows. */
function* summedRows(sums: Sums): Generator<[string, number, number, number, number, number, number]> {
  for (const [village, byMask] of sums) for (const [mask, [n, created, followups, f2f, checks]] of byMask) yield [village, mask, n, created, followups, f2f, checks];
}

export class IndicatorContributions {
  private readonly prepare = statementCache(() => this.db);
  private readonly making = new Map<string, Making>();
  /** Sets this process is computing or storing: never dropped to make room. */
  private readonly inProgress = new Set<number>();
  /** Sets computed and answered whose rows are still being stored (`flush` stores the rest at once). */
  private readonly storing = new Set<Computed[]>();

  constructor(
    private readonly db: Database,
    /**
     * The clinic's input, current (LiveIndicatorInput.current): a new set is computed from it. Given the range of the
     * windows computed, it may leave out the events no window in it can count (facts-codec.ts `EventRange`).
     */
    private readonly input: (range?: EventRange) => Promise<ContributionInput>,
  ) {}

  /** True when the set of `key` is stored complete (its dirty residents are recomputed when read). */
  isStored(key: ContributionKey): boolean {
    return this.prepare(`SELECT 1 FROM ${SETS} WHERE key = ? AND complete = 1`).get(keyOf(key)) !== undefined;
  }

  /** Resolves when every set answered so far has its rows stored (or failed to). */
  async whenStored(): Promise<void> {
    await Promise.all([...this.making.values()].map((m) => m.stored.catch(() => undefined)));
  }

  /** Stores at once the rows of every set answered and not yet stored (the session is locking). */
  flush(): void {
    for (const batch of this.storing) {
      try {
        this.storeSlice(batch, Infinity);
      } catch {
        // Left incomplete: computed again when next asked, never read as it is.
      }
    }
  }

  /** Per village: the summed counts of the residents present in the window, and their period counts. */
  async sums(key: ContributionKey): Promise<Map<string, VillageSums>> {
    return (await this.sumsOf([key]))[0] as Map<string, VillageSums>;
  }

  /**
   * `sums` of several keys (a trend): missing sets are computed in one pass and answered from memory while their rows
   * are stored (unless a write has marked one of their residents since); all are read in one transaction.
   */
  async sumsOf(keys: readonly ContributionKey[]): Promise<Map<string, VillageSums>[]> {
    const entries = this.entries(keys);
    let resolved = await Promise.all(
      entries.map(async (e): Promise<{ set: StoredSet; computed: Computed | null }> => {
        if ('setId' in e) return { set: e, computed: null };
        const computed = await e.computed;
        return { set: computed.set, computed };
      }),
    );
    for (;;) {
      const isComplete = this.prepare(`SELECT 1 FROM ${SETS} WHERE set_id = ? AND complete = 1`);
      const isDirty = this.prepare(`SELECT 1 FROM ${DIRTY} WHERE set_id = ? LIMIT 1`);
      const answer = withoutSync(this.db, () =>
        this.db.transaction(() => {
          // A set still being stored is answered from memory, unless a write has marked it since its input was read.
          const fromMemory = resolved.map((r) => r.computed !== null && isComplete.get(r.set.setId) === undefined);
          if (resolved.some((r, i) => fromMemory[i] && isDirty.get(r.set.setId) !== undefined)) return null;
          const stored = resolved.filter((_, i) => !fromMemory[i]).map((r) => r.set);
          this.refresh(stored);
          // The rows' sums are kept per set until one of its residents is recomputed (refresh drops them then).
          const kept = this.prepare(`SELECT village_code, mask, n, created, followups, f2f, checks FROM ${SUMS} WHERE set_id = ?`).raw();
          const keep = this.prepare(
            `INSERT INTO ${SUMS} (set_id, village_code, mask, n, created, followups, f2f, checks)
             SELECT set_id, village_code, mask, count(*), sum(created), sum(followups), sum(f2f), sum(checks) FROM ${ROWS} WHERE set_id = ? GROUP BY village_code, mask`,
          );
          const hasKept = this.prepare(`SELECT 1 FROM ${SUMS} WHERE set_id = ? LIMIT 1`);
          return resolved.map((r, i) => {
            if (fromMemory[i]) return villageSums(summedRows((r.computed as Computed).sums));
            if (hasKept.get(r.set.setId) === undefined) keep.run(r.set.setId);
            return villageSums(kept.all(r.set.setId) as [string, number, number, number, number, number, number][]);
          });
        })(),
      );
      if (answer) return answer;
      // Written since: wait for the rows, then read those sets as stored ones (their marked residents recomputed).
      const stored = await Promise.all(entries.map((e) => ('setId' in e ? Promise.resolve(e) : e.stored)));
      resolved = stored.map((set) => ({ set, computed: null }));
    }
  }

  /**
   * The residents (in id order) of `villages` (null: all) counted in `count` and, with `not`, not counted in `not`:
   * the lists behind a number (the denominator's residents not in the numerator with both).
   */
  async ids(key: ContributionKey, villages: readonly string[] | null, count: CountId, not?: CountId): Promise<string[]> {
    const set = await this.ensure(key);
    const care = COUNT_BIT[count] | (not ? COUNT_BIT[not] : 0);
    const want = COUNT_BIT[count];
    return withoutSync(this.db, () =>
      this.db.transaction(() => {
        this.refresh([set]);
        const inVillages = villages === null ? '' : 'AND village_code IN (SELECT value FROM json_each(?))';
        const s = this.prepare(`SELECT resident_id FROM ${ROWS} WHERE set_id = ? AND (mask & ?) = ? ${inVillages} ORDER BY resident_id`).pluck();
        return (villages === null ? s.all(set.setId, care, want) : s.all(set.setId, care, want, JSON.stringify(villages))) as string[];
      })(),
    );
  }

  /** The set of `key` with its rows stored, computed first when it is not stored (concurrent callers share one computation). */
  async ensure(key: ContributionKey): Promise<StoredSet> {
    return (await this.ensureAll([key]))[0] as StoredSet;
  }

  /** The sets of `keys`, in order, with their rows stored; those not stored are computed together in one pass over the input. */
  ensureAll(keys: readonly ContributionKey[]): Promise<StoredSet[]> {
    return Promise.all(this.entries(keys).map((e) => ('setId' in e ? Promise.resolve(e) : e.stored)));
  }

  /** Per key: its complete stored set, or the set being made (those not stored nor being made are begun together). */
  private entries(keys: readonly ContributionKey[]): (StoredSet | Making)[] {
    const stored = this.prepare(`SELECT set_id FROM ${SETS} WHERE key = ? AND complete = 1`).pluck();
    const missing = new Map<string, Wanted>();
    const sets = keys.map((key): StoredSet | string => {
      const k = keyOf(key);
      const setId = stored.get(k) as number | undefined;
      if (setId !== undefined) return { setId, key };
      if (!this.making.has(k)) missing.set(k, { k, key });
      return k;
    });
    if (missing.size > 0) {
      const wanted = [...missing.values()];
      const computed = this.compute(wanted);
      const stored = computed.then((batch) => this.storeAll(batch));
      wanted.forEach((w, i) => {
        const one: Making = { computed: computed.then((batch) => batch[i] as Computed), stored: stored.then((made) => made[i] as StoredSet) };
        // A failure is reported to whoever waits for either; the sums' promise may have nobody waiting.
        one.computed.catch(() => undefined);
        this.making.set(w.k, one);
        const done = () => this.making.delete(w.k);
        one.stored.then(done, done);
      });
    }
    return sets.map((s) => (typeof s === 'string' ? (this.making.get(s) as Making) : s));
  }

  /** Computes the sets of `wanted` in one pass over the input, in memory (stored afterwards by `storeAll`). */
  private async compute(wanted: readonly Wanted[]): Promise<Computed[]> {
    // Registered before the input is read: a write from now on marks its residents dirty in these sets too.
    const ids = this.db.transaction(() => {
      const made = wanted.map((w) => this.register(w.k));
      const stale = this.prepare(`SELECT set_id FROM ${SETS} ORDER BY set_id DESC LIMIT -1 OFFSET ?`).pluck().all(MAX_SETS) as number[];
      for (const s of stale) if (!this.inProgress.has(s)) this.forget(s);
      return made;
    })();
    try {
      // Only the events the sets' windows can count are needed (a first report reads about a year of them).
      const range = eventRangeOf(wanted.flatMap((w) => [w.key.window, w.key.dates]));
      const { input, packages, done } = await this.input(range);
      try {
        return await this.computeFrom(wanted, ids, input, packages);
      } finally {
        done?.();
      }
    } catch (e) {
      this.db.transaction(() => {
        for (const id of ids) this.forget(id);
      })();
      for (const id of ids) this.inProgress.delete(id);
      throw e;
    }
  }

  /** The sets of `wanted` (registered as `ids`) computed from `input` in slices that let other calls through. */
  private async computeFrom(wanted: readonly Wanted[], ids: readonly number[], input: IndicatorInput, packages: readonly ServicePackage[]): Promise<Computed[]> {
    // Keyed by the packages the input was built with (a package change after the caller read them is in the input).
    const sets = wanted.map((w, i): StoredSet => ({ setId: ids[i] as number, key: { ...w.key, packages } }));
    this.db.transaction(() => {
      for (const [i, s] of sets.entries()) {
        const k = keyOf(s.key);
        if (k === wanted[i]?.k) continue;
        this.release(k);
        this.prepare(`UPDATE ${SETS} SET key = ? WHERE set_id = ?`).run(k, s.setId);
      }
    })();
    // The rows are the input's as read: a write after that read has marked its residents dirty in these sets.
    // Computed in slices that let other calls through (the input's arrays do not change under us).
    const groups = input.groups ?? [];
    const batch = sets.map((set): Computed => ({ set, sums: new Map(), ids: [], villages: [], values: [], stored: 0 }));
    // About one set's slice of work per step, however many sets are made together.
    const step = Math.max(MIN_SLICE, Math.round(SLICE / sets.length));
    for (let from = 0; from < groups.length; from += step) {
      const slice = groups.slice(from, from + step);
      const part: IndicatorInput = { residents: slice.map((g) => g.resident), encounters: [], contracts: [], groups: slice };
      const byId = new Map(slice.map((g) => [g.resident.id, g]));
      for (const c of batch) this.add(c, indicatorContributions(part, c.set.key.window, c.set.key.rules), byId, c.set.key.dates);
      if (from + step < groups.length) await yieldToOthers();
    }
    return batch;
  }

  /** Adds the rows of `rows` to a set computed in memory, with their period counts, and sums them. */
  private add(c: Computed, rows: readonly { id: string; villageCode: string; mask: number }[], groups: ReadonlyMap<string, ResidentGroup>, dates: IndicatorWindow): void {
    for (const r of rows) {
      const [created, followups, f2f, checks] = activityOf(groups.get(r.id), dates);
      c.ids.push(r.id);
      c.villages.push(r.villageCode);
      c.values.push(r.mask, created, followups, f2f, checks);
      let byMask = c.sums.get(r.villageCode);
      if (!byMask) c.sums.set(r.villageCode, (byMask = new Map<number, [number, number, number, number, number]>()));
      const sum = byMask.get(r.mask);
      if (sum) {
        sum[0] += 1;
        sum[1] += created;
        sum[2] += followups;
        sum[3] += f2f;
        sum[4] += checks;
      } else byMask.set(r.mask, [1, created, followups, f2f, checks]);
    }
  }

  /** Stores the computed sets' rows in slices that let other calls through; each set is complete with its last rows. */
  private async storeAll(batch: Computed[]): Promise<StoredSet[]> {
    this.storing.add(batch);
    try {
      // After the answer: the callers waiting for the sums go first.
      await yieldToOthers();
      while (this.storeSlice(batch, STORE_SLICE)) await yieldToOthers();
      return batch.map((c) => c.set);
    } catch (e) {
      this.db.transaction(() => {
        for (const c of batch) this.forget(c.set.setId);
      })();
      throw e;
    } finally {
      this.storing.delete(batch);
      for (const c of batch) this.inProgress.delete(c.set.setId);
    }
  }

  /** Stores up to `limit` more rows of the batch in one transaction; false when all are stored. */
  private storeSlice(batch: readonly Computed[], limit: number): boolean {
    if (batch.every((c) => c.stored < 0)) return false;
    const put = this.prepare(`INSERT OR REPLACE INTO ${ROWS} (set_id, resident_id, village_code, mask, created, followups, f2f, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const complete = this.prepare(`UPDATE ${SETS} SET complete = 1 WHERE set_id = ?`);
    const isDirty = this.prepare(`SELECT 1 FROM ${DIRTY} WHERE set_id = ? LIMIT 1`);
    const keep = this.prepare(`INSERT INTO ${SUMS} (set_id, village_code, mask, n, created, followups, f2f, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    let left = limit;
    withoutSync(this.db, () =>
      this.db.transaction(() => {
        for (const c of batch) {
          if (c.stored < 0) continue;
          const setId = c.set.setId;
          const end = Math.min(c.ids.length, c.stored + left);
          for (let i = c.stored; i < end; i += 1) {
            const v = i * ROW_VALUES;
            put.run(setId, c.ids[i], c.villages[i], c.values[v], c.values[v + 1], c.values[v + 2], c.values[v + 3], c.values[v + 4]);
          }
          left -= end - c.stored;
          c.stored = end;
          if (end < c.ids.length) return;
          complete.run(setId);
          // The rows' sums as computed, kept at once (no first read sums the 30,000 rows again), unless a write has
          // marked some of them since: the first read recomputes those and sums the rows then.
          if (isDirty.get(setId) === undefined) for (const row of summedRows(c.sums)) keep.run(setId, ...row);
          // Done: -1 (the rows are no longer needed in memory).
          c.stored = -1;
          c.ids = [];
          c.villages = [];
          c.values = [];
        }
      })(),
    );
    return batch.some((c) => c.stored >= 0);
  }

  /**
   * Frees key `k`: its set is dropped, or, while this process still computes it (for a caller that gets it when
   * done), given a key nobody asks for, to be dropped later to make room. Call inside a transaction.
   */
  private release(k: string): void {
    const old = this.prepare(`SELECT set_id FROM ${SETS} WHERE key = ?`).pluck().get(k) as number | undefined;
    if (old === undefined) return;
    if (this.inProgress.has(old)) this.prepare(`UPDATE ${SETS} SET key = ? WHERE set_id = ?`).run(`${k}#${old}`, old);
    else this.forget(old);
  }

  /** A new, empty set for `k`; call inside a transaction. */
  private register(k: string): number {
    this.release(k);
    const id = Number(this.prepare(`INSERT INTO ${SETS} (key, complete) VALUES (?, 0)`).run(k).lastInsertRowid);
    // A reused id: whatever was left under it (sets dropped by hand) is not this set's.
    this.prepare(`DELETE FROM ${SUMS} WHERE set_id = ?`).run(id);
    this.prepare(`DELETE FROM ${ROWS} WHERE set_id = ?`).run(id);
    this.prepare(`DELETE FROM ${DIRTY} WHERE set_id = ?`).run(id);
    this.inProgress.add(id);
    return id;
  }

  private forget(setId: number): void {
    this.prepare(`DELETE FROM ${ROWS} WHERE set_id = ?`).run(setId);
    this.prepare(`DELETE FROM ${DIRTY} WHERE set_id = ?`).run(setId);
    this.prepare(`DELETE FROM ${SUMS} WHERE set_id = ?`).run(setId);
    this.prepare(`DELETE FROM ${SETS} WHERE set_id = ?`).run(setId);
  }

  private store(setId: number, rows: readonly { id: string; villageCode: string; mask: number }[], groups: ReadonlyMap<string, ResidentGroup>, dates: IndicatorWindow): void {
    const put = this.prepare(`INSERT OR REPLACE INTO ${ROWS} (set_id, resident_id, village_code, mask, created, followups, f2f, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const r of rows) {
      const [created, followups, f2f, checks] = activityOf(groups.get(r.id), dates);
      put.run(setId, r.id, r.villageCode, r.mask, created, followups, f2f, checks);
    }
  }

  /**
   * Recomputes the sets' dirty residents from the indicator projection, each resident's facts read once for all the
   * sets; call inside the reading transaction.
   */
  private refresh(sets: readonly StoredSet[]): void {
    const next = this.prepare(`SELECT resident_id FROM ${DIRTY} WHERE set_id = ? ORDER BY resident_id LIMIT ?`).pluck();
    const facts = new Map<string, StoredFacts | null>();
    // Per packages: the same group object for every set, so the shared functions prepare each resident once.
    const groupsByPackages = new Map<readonly ServicePackage[], { groups: Map<string, ResidentGroup | null>; items: Map<string, ContractItem[]> }>();
    for (const s of sets) {
      let cache = groupsByPackages.get(s.key.packages);
      if (!cache) groupsByPackages.set(s.key.packages, (cache = { groups: new Map(), items: new Map() }));
      for (;;) {
        const ids = next.all(s.setId, CHUNK) as string[];
        if (ids.length === 0) break;
        this.prepare(`DELETE FROM ${SUMS} WHERE set_id = ?`).run(s.setId);
        const unread = ids.filter((id) => !facts.has(id));
        if (unread.length > 0) for (const [id, t] of computeFacts(this.db, unread)) facts.set(id, t);
        const groups = new Map<string, ResidentGroup>();
        for (const id of ids) {
          let g = cache.groups.get(id);
          if (g === undefined) {
            const t = facts.get(id) ?? null;
            cache.groups.set(id, (g = t ? residentGroupOf(t, s.key.packages, cache.items) : null));
          }
          if (g) groups.set(id, g);
        }
        const list = [...groups.values()];
        const input: IndicatorInput = { residents: list.map((g) => g.resident), encounters: [], contracts: [], groups: list };
        const json = JSON.stringify(ids);
        this.prepare(`DELETE FROM ${ROWS} WHERE set_id = ? AND resident_id IN (SELECT value FROM json_each(?))`).run(s.setId, json);
        this.store(s.setId, indicatorContributions(input, s.key.window, s.key.rules), groups, s.key.dates);
        this.prepare(`DELETE FROM ${DIRTY} WHERE set_id = ? AND resident_id IN (SELECT value FROM json_each(?))`).run(s.setId, json);
      }
    }
  }
}
