/**
 * Residents who moved out of this device's villages on the platform (issue 13 item 6). The platform's residents pull
 * names them (`departed`); they are kept here, in a table of the encrypted clinic file (`sync_departed`, made by store
 * migration 0030; not a collection, so it never replicates), until they are purged: every local document about them is removed once none of them is waiting to be
 * uploaded (shared/sync/moves.ts `planPurge`), so an edit made before the move still reaches the platform, which
 * parks it for review. A purge is local only: the push skips the tombstones it leaves, so the platform never sees a
 * deletion of a record that now belongs to another village.
 */
import type { RxCollection } from 'rxdb';
import { planPurge, type CollectionDoc, type ScopedDoc, type SyncCollection } from '../../shared/sync/moves';
import type { ClinicDatabase } from '../store/database';
import type { Database } from '../store/sqlite-file';

type Doc = Record<string, unknown>;

/** The collections whose documents about a resident are purged with them (households stay, as in `rehome`). */
export const PURGED_COLLECTIONS = ['residents', 'encounters', 'contracts'] as const satisfies readonly SyncCollection[];

export class Departures {
  /** `sql` is the clinic file, at store version 3 or later (sql-migrations/0030-sync-tables.ts made the table). */
  constructor(private readonly sql: Database) {}

  /** Records residents the platform says left; a resident the same page brings back is not recorded. */
  noticed(ids: readonly string[], at: number): void {
    const stmt = this.sql.prepare('INSERT INTO sync_departed (resident_id, noticed_at) VALUES (?, ?) ON CONFLICT(resident_id) DO NOTHING');
    this.sql.transaction(() => {
      for (const id of ids) stmt.run(id, at);
    })();
  }

  /**
   * A resident pulled again lives in one of our villages once more (the platform sends only our villages' documents):
   * no longer departed. Before the purge they are simply not purged; after it (moved away, purged, moved back: item 6)
   * the record is forgotten too, so their documents arrive by the pull as any resident's, a later deletion of one of
   * them goes up again, and a later move away is noticed anew.
   */
  returned(ids: readonly string[]): void {
    // Called for every pulled page of residents: nothing to do, and nothing written, while no departure is recorded.
    if (ids.length === 0 || this.sql.prepare('SELECT 1 FROM sync_departed LIMIT 1').pluck().get() === undefined) return;
    const stmt = this.sql.prepare('DELETE FROM sync_departed WHERE resident_id = ?');
    this.sql.transaction(() => {
      for (const id of ids) stmt.run(id);
    })();
  }

  waiting(): string[] {
    return (this.sql.prepare('SELECT resident_id FROM sync_departed WHERE purged_at IS NULL ORDER BY resident_id').pluck().all() as string[]);
  }

  private isPurged(id: string): boolean {
    return this.sql.prepare('SELECT 1 FROM sync_departed WHERE resident_id = ? AND purged_at IS NOT NULL').pluck().get(id) !== undefined;
  }

  /** True for the tombstone a purge left: never pushed as a deletion. */
  isPurgeTombstone(collection: string, doc: object): boolean {
    const d = doc as { _deleted?: unknown; id?: unknown; residentId?: unknown };
    if (d._deleted !== true || !(PURGED_COLLECTIONS as readonly string[]).includes(collection)) return false;
    const owner = collection === 'residents' ? d.id : d.residentId;
    return typeof owner === 'string' && this.isPurged(owner);
  }

  private markPurged(ids: readonly string[], at: number): void {
    const stmt = this.sql.prepare('UPDATE sync_departed SET purged_at = ? WHERE resident_id = ?');
    this.sql.transaction(() => {
      for (const id of ids) stmt.run(at, id);
    })();
  }

  /**
   * Purges the departed residents none of whose documents is pending (`pendingIds`: ids written locally and not yet
   * uploaded); the others wait for the next round. Returns what was purged and who waits.
   */
  async purge(db: ClinicDatabase, pendingIds: ReadonlySet<string>, at: number): Promise<{ residents: string[]; documents: number; waiting: string[] }> {
    const ids = this.waiting();
    if (ids.length === 0) return { residents: [], documents: 0, waiting: [] };
    const docs: CollectionDoc[] = [];
    for (const name of PURGED_COLLECTIONS) {
      const collection = db.rx[name] as unknown as RxCollection<Doc>;
      const found = await collection.find({ selector: name === 'residents' ? { id: { $in: ids } } : { residentId: { $in: ids } } }).exec();
      for (const d of found) {
        const json = d.toJSON() as unknown as ScopedDoc;
        // They left: no village of ours holds them now, whatever the local copy still says.
        docs.push({ collection: name, doc: name === 'residents' ? { ...json, villageCode: undefined } : json });
      }
    }
    const plan = planPurge(docs, new Set(), pendingIds);
    const waiting = new Set(plan.waiting);
    const purgedResidents = ids.filter((id) => !waiting.has(id));
    // Marked first: the push must already skip the tombstones when RxDB hands them on.
    this.markPurged(purgedResidents, at);
    for (const name of PURGED_COLLECTIONS) {
      const of = plan.purge.filter((p) => p.collection === name).map((p) => p.id);
      if (of.length > 0) await (db.rx[name] as unknown as RxCollection<Doc>).bulkRemove(of);
    }
    return { residents: purgedResidents, documents: plan.purge.length, waiting: plan.waiting };
  }
}
