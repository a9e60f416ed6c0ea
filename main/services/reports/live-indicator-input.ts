/**
 * The clinic's indicator input, read once from the indicator projection and then kept current from the storage's
 * change events with the same mapping the projection uses, so a report after a saved form costs no re-read of the
 * township (issue 15 item 8). A change of the service packages (which decide the contracts' items) reads it again.
 */
import type { Subscription } from 'rxjs';
import { contractRecord, encounterRecord, residentRecord } from '../../../shared/domain/indicators/from-documents';
import type { ContractRecord, EncounterRecord, IndicatorInput, ResidentRecord } from '../../../shared/domain/indicators/types';
import type { ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { ClinicDatabase } from '../../store/database';
import { readIndicatorInput } from './indicator-projection';

interface Held {
  packages: readonly ServicePackage[];
  residents: Map<string, ResidentRecord>;
  encounters: Map<string, EncounterRecord>;
  contracts: Map<string, ContractRecord>;
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
    this.snapshot ??= { residents: [...held.residents.values()], encounters: [...held.encounters.values()], contracts: [...held.contracts.values()] };
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
          if (gone) held.residents.delete(doc.id);
          else held.residents.set(doc.id, residentRecord(doc as unknown as ResidentDoc));
        } else if (collection === 'encounters') {
          if (gone || doc['status'] !== 'completed') held.encounters.delete(doc.id);
          else held.encounters.set(doc.id, encounterRecord(doc as unknown as EncounterDoc));
        } else if (gone) held.contracts.delete(doc.id);
        else held.contracts.set(doc.id, contractRecord(doc as unknown as ContractDoc, held.packages));
      }
      this.snapshot = null;
    });
  }
}
