/**
 * True conflicts of the replication's merge go to this device's review queue. Recording runs after the conflict
 * handler has answered (RxDB wants the answer fast); a failure to record is logged, never thrown into the
 * replication, and the resolved document still keeps the later save.
 */
import type { RxConflictHandler } from 'rxdb';
import { conflictHandlerFor, type FieldConflict, type SyncDoc } from '../../../shared/sync/merge';
import type { Logger } from '../../api/dispatch';
import type { ConflictSink } from '../../sync/conflicts';
import type { SyncReviewService } from './review-service';

/** The sink the runtime gives the database's conflict routing (main/sync/conflicts.ts) while the clinic is open. */
export function reviewSink(review: () => SyncReviewService, logger: Logger, source = 'platform'): ConflictSink {
  return (conflicts: FieldConflict[], localDoc: SyncDoc) => {
    void Promise.resolve()
      .then(() => review().recordConflicts(conflicts, { source, localDoc }))
      .catch((e: unknown) =>
        logger.error('sync review: could not record conflicts', { collection: conflicts[0]?.collection, docId: localDoc.id, error: e instanceof Error ? e.message : String(e) }),
      );
  };
}

/** A stand-alone handler with the same behaviour, for a replication outside the clinic database's routing. */
export function reviewingConflictHandler<T>(collection: string, review: () => SyncReviewService, logger: Logger, source = 'platform'): RxConflictHandler<T> {
  const sink = reviewSink(review, logger, source);
  return conflictHandlerFor<T>(collection, (conflicts, _resolved, input) => sink(conflicts, input.newDocumentState as unknown as SyncDoc));
}
