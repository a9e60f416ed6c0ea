/**
 * The clinic's indicator input, read once from the indicator projection and then kept current from the storage's
 * change events with the same mapping the projection uses, so a report after a saved form costs no re-read of the
 * township (issue 15 item 8). The records are also handed out grouped per resident, and a resident whose records did
 * not change keeps the same group object, so the shared functions recompute only the residents a write touched. A
 * change of the service packages (which decide the contracts' items) reads it again.
 */
import type { Subscription } from 'rxjs';
import { contractRecord, encounterRecord, residentRecord } from '../../../shared/domain/indicators/from-documents';
import type { ContractRecord, EncounterRecord, IndicatorInput, ResidentGroup, ResidentRecord } from '../../../shared/domain/indicators/types';
import type { ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { ClinicDatabase } from '../../store/database';
import { readIndicatorInput } from './indicator-projection';

interface Held {
  packages: readonly ServicePackage[];
  residents: Map<string, ResidentRecord>;
  encounters: Map<string, EncounterRecord>;
  contracts: Map<string, ContractRecord>;
  /** Per resident id, the ids of their encounters and contracts. */
  encountersOf: Map<string, Set<string>>;
  contractsOf: Map<string, Set<string>>;
  /** The group handed out per resident, until one of that resident's records changes. */
  groups: Map<string, ResidentGroup>;
}

function index<T extends { id: string; residentId: string }>(records: Iterable<T>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of records) {
    let ids = out.get(r.residentId);
    if (!ids) out.set(r.residentId, (ids = new Set()));
    ids.add(r.id);
  }
  return out;
}

/** Puts (or, with `next` null, removes) one record, keeping the per-resident index and dropping the groups it changes. */
function put<T extends { id: string; residentId: string }>(held: Held, records: Map<string, T>, of: Map<string, Set<string>>, id: string, next: T | null): void {
  const prev = records.get(id);
  if (prev) {
    of.get(prev.residentId)?.delete(id);
    held.groups.delete(prev.residentId);
  }
  if (!next) {
    records.delete(id);
    return;
  }
  records.set(id, next);
  let ids = of.get(next.residentId);
  if (!ids) of.set(next.residentId, (ids = new Set()));
  ids.add(id);
  held.groups.delete(next.residentId);
}

type Changed = { documentData?: unknown; operation?: string };

export class LiveIndicatorInput {
  private held: Promise<Held> | null = null;
  /** The arrays handed out; rebuilt after a change, so the shared functions' per-input caches stay valid until then. */
  private snapshot: IndicatorInput | null = null;
  private readonly subscriptions: Subscription[];

  constructor(
    private readonly db: ClinicDatabase,
    private readonly packages: () => Promise<ServicePackage[]>,
  ) {
    const rx = db.rx;
    this.subscriptions = [
      rx.residents.storageInstance.changeStream().subscribe((bulk) => this.apply('residents', bulk.events)),
      rx.encounters.storageInstance.changeStream().subscribe((bulk) => this.apply('encounters', bulk.events)),
      rx.contracts.storageInstance.changeStream().subscribe((bulk) => this.apply('contracts', bulk.events)),
      // Of the settings, only the service packages change the input (denominators are read per report).
      rx.settings.storageInstance.changeStream().subscribe((bulk) => {
        if (bulk.events.some((e) => (e.documentData as { type?: string } | undefined)?.type === 'package')) this.drop();
      }),
    ];
  }

  stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private drop(): void {
    this.held = null;
    this.snapshot = null;
  }

  private load(): Promise<Held> {
    const loading = (this.held ??= this.packages().then((packages) => {
      const input = readIndicatorInput(this.db.sql, packages);
      return {
        packages,
        residents: new Map(input.residents.map((r) => [r.id, r])),
        encounters: new Map(input.encounters.map((e) => [e.id, e])),
        contracts: new Map(input.contracts.map((c) => [c.id, c])),
        encountersOf: index(input.encounters),
        contractsOf: index(input.contracts),
        groups: new Map(),
      };
    }));
    // A failed load is not remembered: the next call reads again.
    loading.catch(() => {
      if (this.held === loading) this.drop();
    });
    return loading;
  }

  async get(): Promise<IndicatorInput> {
    const held = await this.load();
    this.snapshot ??= {
      residents: [...held.residents.values()],
      encounters: [...held.encounters.values()],
      contracts: [...held.contracts.values()],
      groups: [...held.residents.values()].map((resident) => {
        let g = held.groups.get(resident.id);
        if (!g || g.resident !== resident) {
          const pick = <T>(ids: Set<string> | undefined, from: Map<string, T>): T[] => [...(ids ?? [])].flatMap((id) => from.get(id) ?? []);
          g = { resident, encounters: pick(held.encountersOf.get(resident.id), held.encounters), contracts: pick(held.contractsOf.get(resident.id), held.contracts) };
          held.groups.set(resident.id, g);
        }
        return g;
      }),
    };
    return this.snapshot;
  }

  /** Written documents as the projection maps them: tombstones and drafts leave, everything else is (re)mapped. */
  private apply(collection: 'residents' | 'encounters' | 'contracts', events: readonly Changed[]): void {
    const pending = this.held;
    if (!pending || events.length === 0) return;
    this.snapshot = null;
    void pending.then((held) => {
      // Dropped meanwhile: the next load reads the projection, which already has these writes.
      if (this.held !== pending) return;
      for (const e of events) {
        const doc = e.documentData as (Record<string, unknown> & { id: string; _deleted?: boolean }) | undefined;
        if (!doc) continue;
        const gone = e.operation === 'DELETE' || doc._deleted === true;
        if (collection === 'residents') {
          held.groups.delete(doc.id);
          if (gone) held.residents.delete(doc.id);
          else held.residents.set(doc.id, residentRecord(doc as unknown as ResidentDoc));
        } else if (collection === 'encounters') {
          const next = gone || doc['status'] !== 'completed' ? null : encounterRecord(doc as unknown as EncounterDoc);
          put(held, held.encounters, held.encountersOf, doc.id, next);
        } else put(held, held.contracts, held.contractsOf, doc.id, gone ? null : contractRecord(doc as unknown as ContractDoc, held.packages));
      }
      this.snapshot = null;
    });
  }
}
