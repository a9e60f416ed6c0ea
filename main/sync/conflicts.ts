/**
 * The one place the replication asks how to settle a conflict, per collection: the shared field-level three-way merge
 * (`shared/sync/merge.ts`, the assumed master state as the base), so non-overlapping edits from two clinics both
 * survive and a device that settles the same pair gets the same document whichever side it is on. RxDB fixes a
 * collection's handler when the database opens, before the clinic's services exist, so the handlers report true
 * conflicts to a sink the runtime sets once the review queue is up (`ConflictRouting.setSink`). A sink must not
 * throw; without one (the CLI's `check`, tests of the storage alone) the merge still runs, the review is not queued.
 */
import type { RxConflictHandler, RxConflictHandlerInput } from 'rxdb';
import { conflictHandlerFor, type FieldConflict, type SyncDoc } from '../../shared/sync/merge';

/** Receives the true conflicts of one resolution; `localDoc` is this device's side (RxDB's `newDocumentState`). */
export type ConflictSink = (conflicts: FieldConflict[], localDoc: SyncDoc) => void;

export class ConflictRouting {
  private sink: ConflictSink | null = null;

  setSink(sink: ConflictSink | null): void {
    this.sink = sink;
  }

  handlerFor<T>(collection: string): RxConflictHandler<T> {
    return conflictHandlerFor<T>(collection, (conflicts, _resolved, input: RxConflictHandlerInput<T>) => {
      this.sink?.(conflicts, input.newDocumentState as unknown as SyncDoc);
    });
  }
}
