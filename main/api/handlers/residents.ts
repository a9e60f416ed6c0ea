import type { healthChecks, households, residents } from '../../../shared/api/residents';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';
import { MoveRequests } from '../../services/residents/move-requests';

export function residentsHandlers(services: AppServices): HandlersFor<typeof residents, CallContext> {
  const r = () => services.clinic().residents;
  return {
    search: ({ query, limit }) => r().search(query, limit, services.clinic().scope.visible),
    list: (filter) => r().list(filter, services.clinic().scope.visible),
    get: ({ id }) => r().get(id),
    create: ({ input, clientId }) => r().create(input, clientId),
    update: ({ id, input }) => r().update(id, input),
    setStatus: ({ id, status, date, reason }) => r().setStatus(id, status, date, reason),
    merge: ({ keepId, mergeId, reason }) => r().merge(keepId, mergeId, reason),
    timeline: ({ id }) => r().timeline(id),
    requestMove: ({ id, toVillageCode, reason, update }) => new MoveRequests(services.clinic().ctx, r()).request(id, toVillageCode, reason, update),
    moveDestinations: () => new MoveRequests(services.clinic().ctx).destinations(),
    moveRequest: ({ id }) => new MoveRequests(services.clinic().ctx).forResident(id),
  };
}

export function householdsHandlers(services: AppServices): HandlersFor<typeof households, CallContext> {
  const h = () => services.clinic().households;
  return {
    create: ({ headResidentId, address, clientId }) => h().create(headResidentId, address, clientId),
    get: ({ id }) => h().get(id),
    addMember: ({ id, residentId, relation }) => h().addMember(id, residentId, relation),
    removeMember: ({ id, residentId }) => h().removeMember(id, residentId),
    setHead: ({ id, residentId }) => h().setHead(id, residentId),
  };
}

export function healthChecksHandlers(services: AppServices): HandlersFor<typeof healthChecks, CallContext> {
  const c = () => services.clinic().healthChecks;
  return {
    recent: ({ since, limit }) => c().recent(since, limit, services.clinic().scope.visible),
    get: ({ id }) => c().get(id),
    forResident: ({ residentId }) => c().forResident(residentId),
    saveDraft: ({ id, data, clientId }) => c().saveDraft(id, data, clientId),
    complete: ({ id, data, confirmWarnings }) => c().complete(id, data, confirmWarnings),
    amend: ({ id, data, reason, confirmWarnings, basedOn, clientId }) => c().amend(id, data, reason, confirmWarnings, basedOn, clientId),
  };
}
