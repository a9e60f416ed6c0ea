/**
 * Builds the services and the API door once, for every host: the Electron shell, the headless host, the tests.
 * Nothing here imports Electron; the shell passes in what only it has (the OS keystore).
 */
import { contract } from '../../shared/api';
import { systemClock, type Clock } from '../../shared/domain/dates';
import type { CallContext } from '../api/context';
import { consoleLogger, createDispatcher, type Dispatch, type Logger } from '../api/dispatch';
import { readAuditEvent, refusalAuditEvent } from '../api/audited-reads';
import { createHandlers } from '../api/handlers';
import type { KdfCost } from '../store/keys';
import type { OsKeystore } from '../store/keys/os-keystore';
import { AppServices } from './app-services';

export interface RuntimeOptions {
  dataDir: string;
  shell: 'electron' | 'headless';
  clock?: Clock;
  keystore?: OsKeystore;
  logger?: Logger;
  /** Parse handler outputs against the contract (tests). */
  checkOutputs?: boolean;
  /** KDF cost override for tests; production always uses the defaults. */
  kdfCost?: KdfCost;
}

export interface Runtime {
  services: AppServices;
  dispatch: Dispatch<CallContext>;
  close(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? consoleLogger;
  const services = new AppServices({
    dataDir: options.dataDir,
    shell: options.shell,
    clock: options.clock ?? systemClock,
    keystore: options.keystore,
    logger,
    kdfCost: options.kdfCost,
  });
  const dispatch = createDispatcher({
    contract,
    handlers: createHandlers(services),
    authorize: (access, _ctx, _name, scope) => services.session.authorize(access, scope),
    logger,
    checkOutputs: options.checkOutputs,
    auditRead: async (name, value, input) => services.session.current().audit.record(readAuditEvent(name, value, input)),
    auditRefusal: async (name, error) => {
      if (services.session.isUnlocked) await services.session.current().audit.record(refusalAuditEvent(name, error));
    },
  });
  return { services, dispatch, close: () => services.close() };
}
