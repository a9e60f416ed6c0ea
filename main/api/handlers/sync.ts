import type { sync } from '../../../shared/api/sync';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import { enrolWithPlatform } from '../../sync/enrol';
import type { CallContext } from '../context';

export function syncHandlers(services: AppServices): HandlersFor<typeof sync, CallContext> {
  return {
    status: async () => services.sync().status(),
    now: async () => services.sync().syncNow(),
    enroll: async (input) => {
      const engine = services.sync();
      const clinic = services.clinic().ctx;
      const status = await enrolWithPlatform(engine, clinic, input);
      await clinic.audit.record({ action: 'update', collection: 'settings', recordId: 'sync', detail: `enrolled with ${input.url}` });
      return status;
    },
  };
}
