/**
 * The clinic's indicator input, read once from the stored per-resident facts (indicator-facts.ts) and then kept
 * current: before every use, the residents a write marked dirty are recomputed (their rows rewritten) and only their
 * groups replaced. A resident whose records did not change keeps the same group object, so the shared functions
 * recompute only the residents a write touched (issue 15 item 8). A change of the service packages (which decide the
 * contracts' items) reads the rows again.
 */
import type { Subscription } from 'rxjs';
import { AppError } from '../../../shared/api/errors';
import { contractItems, type ContractItem } from '../../../shared/domain/contract-rules';
import type { ContractRecord, EncounterRecord, IndicatorInput, ResidentGroup } from '../../../shared/domain/indicators/types';
import type { PopulationTag } from '../../../shared/domain/population-tags';
import type { ServicePackage } from '../../../shared/schemas/contract';
import type { ClinicDatabase } from '../../store/database';
import { contractFieldsOfFacts, eventRecord, IndicatorFacts, residentOfFacts, type FactsProgress, type FactsTuple } from './indicator-facts';

interface Held {
  packages: readonly ServicePackage[];
  groups: Map<string, ResidentGroup>;
  /** Contract items per package ids and population tags: a township has only a handful of combinations. */
  items: Map<string, ContractItem[]>;
}

function groupOf(held: Held, t: FactsTuple): ResidentGroup {
  const id = t[0];
  const contracts = t[7].map((c): ContractRecord => {
    const { packageIds, populationTags, ...rest } = contractFieldsOfFacts(id, c);
    const key = `${packageIds.join(',')}|${populationTags.join(',')}`;
    let items = held.items.get(key);
    if (!items) held.items.set(key, (items = contractItems(packageIds, held.packages, populationTags as PopulationTag[])));
    return { ...rest, items };
  });
  return { resident: residentOfFacts(t), encounters: t[6].map((e, i) => eventRecord(id, e, i)), contracts };
}

export class LiveIndicatorInput {
  private held: Held | null = null;
  /** The arrays handed out; rebuilt after a change, so the shared functions' per-input caches stay valid until then. */
  private snapshot: IndicatorInput | null = null;
  private readonly facts: IndicatorFacts;
  private readonly subscriptions: Subscription[];

  constructor(
    db: ClinicDatabase,
    private readonly packages: () => Promise<ServicePackage[]>,
    onProgress?: (p: FactsProgress) => void,
  ) {
    this.facts = new IndicatorFacts(db.sql, onProgress);
    this.subscriptions = [
      // Of the settings, only the service packages change the input (denominators are read per report).
      db.rx.settings.storageInstance.changeStream().subscribe((bulk) => {
        if (bulk.events.some((e) => (e.documentData as { type?: string } | undefined)?.type === 'package')) this.drop();
      }),
    ];
  }

  /** Fills the stored facts in the background (only an upgraded or new file has anything to do). */
  warmUp(): Promise<void> {
    return this.facts.ensure();
  }

  stop(): void {
    this.facts.stop();
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private drop(): void {
    this.held = null;
    this.snapshot = null;
  }

  async get(): Promise<IndicatorInput> {
    await this.facts.ensure({ awaited: true });
    // Only a stopped pass (the session is locking) ends before it is complete: its rows would miss residents.
    if (!this.facts.isComplete()) throw new AppError('LOCKED');
    const packages = this.held?.packages ?? (await this.packages());
    // From here on synchronous: the dirty residents are recomputed and the rows read with nothing in between.
    const changed = this.facts.clean();
    if (!this.held) {
      const held: Held = { packages, groups: new Map(), items: new Map() };
      for (const t of this.facts.readAll()) held.groups.set(t[0], groupOf(held, t));
      this.held = held;
      this.snapshot = null;
    } else if (changed.size > 0) {
      for (const [id, t] of changed) {
        if (t) this.held.groups.set(id, groupOf(this.held, t));
        else this.held.groups.delete(id);
      }
      this.snapshot = null;
    }
    if (!this.snapshot) {
      const groups = [...this.held.groups.values()];
      const encounters: EncounterRecord[] = [];
      const contracts: ContractRecord[] = [];
      for (const g of groups) {
        for (const e of g.encounters) encounters.push(e);
        for (const c of g.contracts) contracts.push(c);
      }
      this.snapshot = { residents: groups.map((g) => g.resident), encounters, contracts, groups };
    }
    return this.snapshot;
  }
}
