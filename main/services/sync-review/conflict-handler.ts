/**
 * The conflict handler the replication client gives `replicateRxCollection` for each collection: the shared
 * three-way merge (shared/sync/merge.ts), with every true conflict queued for review on this device. Recording runs
 * after the handler has answered (RxDB wants the answer fast); a failure to record is logged, never thrown into the
 * replication, and the resolved document still keeps the later save.
 */
import type { RxConflictHandler } from 'rxdb';
import { conflictHandlerFor, type SyncDoc } from '../../../shared/sync/merge';
import type { Logger } from '../../api/dispatch';
import type { SyncReviewService } from './review-service';

export function reviewingConflictHandler<T>(collection: string, review: () => SyncReviewService, logger: Logger, source = 'platform'): RxConflictHandler<T> {
  return conflictHandlerFor<T>(collection, (conflicts, _resolved, input) => {
    const localDoc = input.newDocumentState as unknown as SyncDoc;
    void Promise.resolve()
      .then(() => review().recordConflicts(conflicts, { source, localDoc }))
      .catch((e: unknown) => logger.error('sync review: could not record conflicts', { collection, docId: localDoc.id, error: e instanceof Error ? e.message : String(e) }));
  });
}
