import type { followups, registries, worklist } from '../../../shared/api/followups';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';

export function registriesHandlers(services: AppServices): HandlersFor<typeof registries, CallContext> {
  const r = () => services.clinic().registries;
  return {
    enrol: ({ residentId, enrolment, clientId }) => r().enrol(residentId, enrolment, clientId),
    setStatus: ({ residentId, disease, status, date, reason }) => r().setStatus(residentId, disease, status, date, reason),
    setBpTarget: ({ residentId, disease, bpTarget, reason }) => r().setBpTarget(residentId, disease, bpTarget, reason),
    forResident: ({ residentId }) => r().forResident(residentId),
  };
}

export function followupsHandlers(services: AppServices): HandlersFor<typeof followups, CallContext> {
  const f = () => services.clinic().followups;
  return {
    evaluate: ({ residentId, followup, glucose }) => f().evaluate(residentId, followup, glucose),
    saveDraft: ({ id, clientId, residentId, followup, glucose }) => f().saveDraft(id, residentId, followup, glucose, clientId),
    complete: ({ id, clientId, residentId, followup, glucose }) => f().complete(id, residentId, followup, glucose, clientId),
    amend: ({ id, residentId, followup, glucose, reason, basedOn, clientId }) => f().amend(id, residentId, followup, glucose, reason, basedOn, clientId),
    get: ({ id }) => f().get(id),
    forResident: ({ residentId, disease }) => f().forResident(residentId, disease),
    referralChecks: ({ residentId }) => f().referralChecks(residentId),
    completeReferralCheck: ({ id, checkedDate, result, outcome }) => f().completeReferralCheck(id, checkedDate, result, outcome),
  };
}

export function worklistHandlers(services: AppServices): HandlersFor<typeof worklist, CallContext> {
  const w = () => services.clinic().worklist;
  return {
    get: (filter) => {
      const scope = services.clinic().scope;
      return w().get(filter, (villageCode) => scope.sees(villageCode));
    },
    forResident: ({ residentId }) => w().forResident(residentId),
  };
}
