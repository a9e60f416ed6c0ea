/**
 * The clinic's indicator input, read once from the stored per-resident facts (indicator-facts.ts) and then kept
 * current: before every use, the residents a write marked dirty are recomputed (their rows rewritten) and only their
 * groups replaced. A resident whose records did not change keeps the same group object, so the shared functions
 * recompute only the residents a write touched (issue 15 item 8). A change of the service packages (which decide the
 * contracts' items) reads the rows again.
 *
 * After sign-in, `warmUp` reads the rows in small slices that yield to other calls and, per slice, lets the shared
 * functions work out this month's facts (they keep them per resident group), so the report a doctor opens later is
 * already worked out; a report asked for meanwhile waits for the rest in large slices. Only clinics up to
 * PRELOAD_LIMIT residents are preloaded: a larger one pays for its memory only when it asks for a report.
 */
import type { Subscription } from 'rxjs';
import { AppError } from '../../../shared/api/errors';
import { contractItems, type ContractItem } from '../../../shared/domain/contract-rules';
import { computeIndicators } from '../../../shared/domain/indicators/compute';
import type { IndicatorRules } from '../../../shared/domain/indicators/rules';
import type { ContractRecord, EncounterRecord, IndicatorInput, IndicatorWindow, ResidentGroup } from '../../../shared/domain/indicators/types';
import type { PopulationTag } from '../../../shared/domain/population-tags';
import type { ServicePackage } from '../../../shared/schemas/contract';
import type { ClinicDatabase } from '../../store/database';
import { IndicatorFacts, type FactsProgress } from './indicator-facts';
import type { EventRange, StoredFacts } from './facts-codec';
import { assertProjectionReady } from '../data-update';
import { indicatorProjection } from './indicator-projection';

/** Residents above which nothing is preloaded after sign-in. */
export const PRELOAD_LIMIT = 50_000;
/** Residents per preload slice: some 10–20 ms of work on a quiet machine. */
const PRELOAD_SLICE = 500;
/** Residents per slice while a report waits for the preload. */
const AWAITED_SLICE = 5_000;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Held {
  packages: readonly ServicePackage[];
  groups: Map<string, ResidentGroup>;
  /** Contract items per package ids and population tags: a township has only a handful of combinations. */
  items: Map<string, ContractItem[]>;
}

/**
 * A resident's stored facts as the shared functions' group. `items` caches the contract items per package ids and
 * population tags (a township has only a handful of combinations).
 */
export function residentGroupOf(f: StoredFacts, packages: readonly ServicePackage[], items: Map<string, ContractItem[]>): ResidentGroup {
  const contracts = f.contracts.map((c): ContractRecord => {
    const key = `${c.packageIds.join(',')}|${c.populationTags.join(',')}`;
    let found = items.get(key);
    if (!found) items.set(key, (found = contractItems(c.packageIds, packages, c.populationTags as PopulationTag[])));
    return { id: c.id, residentId: c.residentId, teamId: c.teamId, startDate: c.startDate, endDate: c.endDate, signDate: c.signDate, terminatedDate: c.terminatedDate, items: found };
  });
  // Stored as each event's latest completed version in date order (indicator-facts.ts computeFacts).
  return { resident: f.resident, encounters: f.encounters, contracts, current: true };
}

const groupOf = (held: Held, t: StoredFacts): ResidentGroup => residentGroupOf(t, held.packages, held.items);

/** The shared functions' input over `groups`, which they read: the flat lists (some 240,000 events) are made only if someone asks. */
function inputOf(groups: readonly ResidentGroup[]): IndicatorInput {
  let encounters: EncounterRecord[] | null = null;
  let contracts: ContractRecord[] | null = null;
  return {
    residents: groups.map((g) => g.resident),
    get encounters() {
      return (encounters ??= groups.flatMap((g) => g.encounters));
    },
    get contracts() {
      return (contracts ??= groups.flatMap((g) => g.contracts));
    },
    groups,
  };
}

export class LiveIndicatorInput {
  private held: Held | null = null;
  /** The arrays handed out; rebuilt after a change, so the shared functions' per-input caches stay valid until then. */
  private snapshot: IndicatorInput | null = null;
  private readonly facts: IndicatorFacts;
  private readonly subscriptions: Subscription[];
  private warming: Promise<void> | null = null;
  /** Reports waiting for the preload (it then reads larger slices). */
  private waiting = 0;
  /** Raised whenever the held input is dropped, so a preload begun before does not adopt what it read. */
  private generation = 0;
  private stopped = false;
  /** Callers computing from a range of the rows (`current` with a range): the preload waits for them. */
  private readonly computing = new Set<Promise<void>>();
  private readonly idle: (unless?: () => boolean) => Promise<void>;

  constructor(
    private readonly db: ClinicDatabase,
    private readonly packages: () => Promise<ServicePackage[]>,
    options: {
      onProgress?: (p: FactsProgress) => void;
      /** Waits for a gap between the user's calls (user-activity.ts `idleOf`); default one event-loop turn. */
      idle?: (unless?: () => boolean) => Promise<void>;
    } = {},
  ) {
    this.facts = new IndicatorFacts(db.sql, options.onProgress);
    this.idle = options.idle ?? yieldToOthers;
    this.subscriptions = [
      // Of the settings, only the service packages change the input (denominators are read per report).
      db.rx.settings.storageInstance.changeStream().subscribe((bulk) => {
        if (bulk.events.some((e) => (e.documentData as { type?: string } | undefined)?.type === 'package')) this.drop();
      }),
    ];
  }

  /**
   * Fills the stored facts in the background (only an upgraded or new file has anything to do), then preloads the
   * input and works out `window`'s facts in slices. Resolves when done (or when there was nothing to do).
   */
  warmUp(window: IndicatorWindow | null, rules?: IndicatorRules): Promise<void> {
    this.warming ??= this.preload(window, rules).finally(() => {
      this.warming = null;
    });
    return this.warming;
  }

  /** True when the input is held in memory (after a preload or a report), so computing from it reads nothing more. */
  isHeld(): boolean {
    return this.held !== null;
  }

  stop(): void {
    this.stopped = true;
    this.facts.stop();
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private drop(): void {
    this.generation += 1;
    this.held = null;
    this.snapshot = null;
  }

  private async preload(window: IndicatorWindow | null, rules?: IndicatorRules): Promise<void> {
    // Nobody waits for this unless a report asks: until then the screens' calls after sign-in go first.
    const waitedFor = () => this.waiting > 0 || this.stopped;
    await this.idle(waitedFor);
    // The facts are filled from the indicator rows: after an upgrade those may still be rebuilding (projections.ts).
    await this.db.rebuilds.whenReady(indicatorProjection.name);
    await this.facts.ensure();
    if (this.stopped || this.held || !this.facts.isComplete() || this.facts.count() > PRELOAD_LIMIT) return;
    const generation = this.generation;
    const held: Held = { packages: await this.packages(), groups: new Map(), items: new Map() };
    let after = '';
    for (;;) {
      // A report computing from part of the rows goes first: this preload would only share its thread.
      while (this.computing.size > 0) await Promise.all(this.computing);
      if (this.stopped || this.held || this.generation !== generation) return;
      const tuples = this.facts.readFrom(after, this.waiting > 0 ? AWAITED_SLICE : PRELOAD_SLICE);
      const last = tuples[tuples.length - 1];
      if (!last) break;
      const slice = tuples.map((t) => {
        const g = groupOf(held, t);
        held.groups.set(t.resident.id, g);
        return g;
      });
      // The shared functions keep each group's facts for the window: the report then only adds them up.
      if (window) computeIndicators({ residents: slice.map((g) => g.resident), encounters: [], contracts: [], groups: slice }, window, { kind: 'clinic' }, {}, rules);
      after = last.resident.id;
      await this.idle(waitedFor);
    }
    if (this.stopped || this.held || this.generation !== generation) return;
    // Rows read before a write marked them dirty are recomputed now, in the same synchronous step that adopts them.
    for (const [id, t] of this.facts.clean()) {
      if (t) held.groups.set(id, groupOf(held, t));
      else held.groups.delete(id);
    }
    this.held = held;
    this.snapshot = null;
  }

  async get(): Promise<IndicatorInput> {
    return (await this.current()).input;
  }

  /**
   * The input with the service packages its contracts' items were worked out with (a stored set is keyed by them).
   *
   * With `range` (the windows a caller computes), when nothing is held yet: the rows are read with only the events
   * that can count in those windows (facts-codec.ts `EventRange`), for this caller alone (nothing is kept), and the
   * preload waits until the caller calls `done`. A first report after sign-in then decodes about a year of events
   * instead of every resident's years (issue 15 item 8); the whole input is read by the preload after it.
   */
  async current(range?: EventRange): Promise<{ input: IndicatorInput; packages: readonly ServicePackage[]; done?: () => void }> {
    // Reports say the data is being updated (with the percentage) rather than wait out a rebuild or count too few.
    assertProjectionReady(this.db, indicatorProjection.name);
    if (this.warming) {
      this.waiting += 1;
      try {
        await this.warming;
      } finally {
        this.waiting -= 1;
      }
    }
    await this.facts.ensure({ awaited: true });
    // Only a stopped pass (the session is locking) ends before it is complete: its rows would miss residents.
    if (!this.facts.isComplete()) throw new AppError('LOCKED');
    const packages = this.held?.packages ?? (await this.packages());
    // From here on synchronous: the dirty residents are recomputed and the rows read with nothing in between.
    const changed = this.facts.clean();
    if (!this.held && range) {
      const items = new Map<string, ContractItem[]>();
      const input = inputOf(this.facts.readAll(range).map((t) => residentGroupOf(t, packages, items)));
      let release = () => undefined as void;
      const computing = new Promise<void>((resolve) => (release = resolve));
      this.computing.add(computing);
      const done = () => {
        this.computing.delete(computing);
        release();
      };
      return { input, packages, done };
    }
    if (!this.held) {
      const held: Held = { packages, groups: new Map(), items: new Map() };
      for (const t of this.facts.readAll()) held.groups.set(t.resident.id, groupOf(held, t));
      this.held = held;
      this.snapshot = null;
    } else if (changed.size > 0) {
      for (const [id, t] of changed) {
        if (t) this.held.groups.set(id, groupOf(this.held, t));
        else this.held.groups.delete(id);
      }
      this.snapshot = null;
    }
    this.snapshot ??= inputOf([...this.held.groups.values()]);
    return { input: this.snapshot, packages: this.held.packages };
  }
}
