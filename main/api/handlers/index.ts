import type { AppContract } from '../../../shared/api';
import type { ContractHandlers } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';
import { healthChecksHandlers, householdsHandlers, residentsHandlers } from './residents';
import { appHandlers, sessionHandlers, usersHandlers } from './session';
import { auditHandlers, settingsHandlers } from './settings';
import { followupsHandlers, registriesHandlers, worklistHandlers } from './followups';
import { contractsHandlers, packagesHandlers, teamsHandlers } from './contracting';
import { devicesHandlers } from './devices';
import { bundlesHandlers, syncHandlers } from './sync';
import { syncReviewHandlers } from './sync-review';
import { denominatorsHandlers, importsHandlers, indicatorRulesHandlers, reportsHandlers } from './reports';
import { measurementsHandlers, screeningHandlers, tcmHandlers } from './screening';

export function createHandlers(services: AppServices): ContractHandlers<AppContract, CallContext> {
  return {
    app: appHandlers(services),
    session: sessionHandlers(services),
    users: usersHandlers(services),
    settings: settingsHandlers(services),
    audit: auditHandlers(services),
    residents: residentsHandlers(services),
    households: householdsHandlers(services),
    healthChecks: healthChecksHandlers(services),
    registries: registriesHandlers(services),
    followups: followupsHandlers(services),
    worklist: worklistHandlers(services),
    teams: teamsHandlers(services),
    packages: packagesHandlers(services),
    contracts: contractsHandlers(services),
    devices: devicesHandlers(services),
    sync: syncHandlers(services),
    bundles: bundlesHandlers(services),
    syncReview: syncReviewHandlers(services),
    reports: reportsHandlers(services),
    denominators: denominatorsHandlers(services),
    indicatorRules: indicatorRulesHandlers(services),
    imports: importsHandlers(services),
    screening: screeningHandlers(services),
    measurements: measurementsHandlers(services),
    tcm: tcmHandlers(services),
  };
}
