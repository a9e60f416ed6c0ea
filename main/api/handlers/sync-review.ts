import type { syncReview } from '../../../shared/api/sync-review';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import { SyncReviewService } from '../../services/sync-review/review-service';
import type { CallContext } from '../context';

/** The review queue of the open clinic; built per call so it needs no place in the clinic's service wiring. */
export function syncReviewService(services: AppServices): SyncReviewService {
  const clinic = services.clinic();
  return new SyncReviewService(clinic.ctx, clinic.residents);
}

export function syncReviewHandlers(services: AppServices): HandlersFor<typeof syncReview, CallContext> {
  const r = () => syncReviewService(services);
  return {
    list: async ({ status }) => {
      const scope = services.clinic().scope;
      const items = await r().list(status);
      const seen = await Promise.all(items.map((i) => scope.seesReview(i)));
      return items.filter((_, i) => seen[i]);
    },
    settleConflict: ({ id, choices }) => r().settleConflict(id, choices),
    settleDuplicate: ({ id, decision, keepId, reason }) => r().settleDuplicate(id, decision, keepId, reason),
    scanDuplicates: async () => ({ queued: await r().queueDuplicates('local') }),
  };
}
