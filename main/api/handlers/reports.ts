import type { HandlersFor } from '../../../shared/api/method';
import type { imports } from '../../../shared/api/imports';
import type { denominators, indicatorRules, reports } from '../../../shared/api/reports';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';

export function reportsHandlers(services: AppServices): HandlersFor<typeof reports, CallContext> {
  const r = () => services.clinic().reports;
  return {
    get: ({ period, scope }) => r().report(period, scope),
    trend: ({ period, scope, count }) => r().trend(period, scope, count),
    residents: ({ period, scope, indicator, side }) => r().residents(period, scope, indicator, side),
    residentTrend: ({ residentId }) => r().residentTrend(residentId),
    exportXlsx: ({ period, scope }) => r().exportXlsx(period, scope),
    exportResidents: ({ period, scope, indicator, side }) => r().exportResidents(period, scope, indicator, side),
    notePrinted: async ({ period, scope }) => {
      await r().notePrinted(period, scope);
      return { ok: true as const };
    },
  };
}

export function denominatorsHandlers(services: AppServices): HandlersFor<typeof denominators, CallContext> {
  const d = () => services.clinic().reports.denominators;
  return {
    list: () => d().list(),
    save: ({ entries }) => d().save(entries),
    remove: async ({ id }) => {
      await d().remove(id);
      return { ok: true as const };
    },
  };
}

export function indicatorRulesHandlers(services: AppServices): HandlersFor<typeof indicatorRules, CallContext> {
  const r = () => services.clinic().reports.rules;
  return {
    list: () => r().list(),
    save: (input) => r().save(input),
    remove: async ({ id }) => {
      await r().remove(id);
      return { ok: true as const };
    },
  };
}

export function importsHandlers(services: AppServices): HandlersFor<typeof imports, CallContext> {
  const i = () => services.clinic().imports;
  return {
    preview: ({ fileName, base64 }) => i().preview(fileName, base64),
    dryRun: ({ fileName, base64, mapping }) => i().dryRun(fileName, base64, mapping),
    run: ({ fileName, base64, mapping }) => i().run(fileName, base64, mapping),
  };
}
