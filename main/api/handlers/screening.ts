import type { HandlersFor } from '../../../shared/api/method';
import type { measurements, screening, tcm } from '../../../shared/api/screening';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';

export function screeningHandlers(services: AppServices): HandlersFor<typeof screening, CallContext> {
  return { forResident: ({ residentId }) => services.clinic().screening.forResident(residentId) };
}

export function measurementsHandlers(services: AppServices): HandlersFor<typeof measurements, CallContext> {
  return { record: (input) => services.clinic().screening.record(input) };
}

export function tcmHandlers(services: AppServices): HandlersFor<typeof tcm, CallContext> {
  return {
    record: (input) => services.clinic().tcm.record(input),
    forResident: ({ residentId }) => services.clinic().tcm.forResident(residentId),
  };
}
