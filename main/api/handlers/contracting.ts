import type { contracts, packages, teams } from '../../../shared/api/contracting';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';

export function teamsHandlers(services: AppServices): HandlersFor<typeof teams, CallContext> {
  const t = () => services.clinic().teams;
  return {
    list: () => t().listTeams(),
    get: ({ teamId }) => t().getTeam(teamId),
    save: ({ teamId, team }) => t().saveTeam(teamId, team),
  };
}

export function packagesHandlers(services: AppServices): HandlersFor<typeof packages, CallContext> {
  const t = () => services.clinic().teams;
  return {
    list: () => t().listPackages(),
    save: ({ package: pkg }) => t().savePackage(pkg),
  };
}

export function contractsHandlers(services: AppServices): HandlersFor<typeof contracts, CallContext> {
  const c = () => services.clinic().contracts;
  return {
    sign: (input) => c().sign(input),
    renew: (input) => c().renew(input),
    terminate: ({ id, terminatedDate, reason, note }) => c().terminate(id, terminatedDate, reason, note),
    get: ({ id }) => c().get(id),
    forResident: ({ residentId }) => c().forResident(residentId),
    recordService: ({ id, serviceCode, date, note }) => c().recordService(id, serviceCode, date, note),
  };
}
