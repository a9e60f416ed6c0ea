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
import { lockDataDir } from '../store/data-dir-lock';
import { prepareValidators } from '../store/validators';
import type { KdfCost } from '../store/keys';
import type { OsKeystore } from '../store/keys/os-keystore';
import { checkPullBatch } from '../sync/replication';
import { AppServices } from './app-services';
import type { DeviceIo } from '../devices';

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
  /**
   * Rebuild changed projections after sign-in has answered, in slices, with the progress in `app.dataUpdate` (the
   * app's runtime, main/runtime/server.ts); otherwise before sign-in answers (the CLI, in-process tests).
   */
  deferRebuilds?: boolean;
  /**
   * Tests only (`CUNYI_TEST_HOLD_REBUILD` of the headless host): a deferred rebuild waits between its pages while
   * this file exists, so the e2e test of the progress screen sees it under way however fast the machine is.
   */
  holdRebuildWhile?: string;
  /**
   * Build the open clinic's services (search index, patient index, work list) at sign-in; default true. A bulk
   * loader (`cunyi seed`) turns them off: holding 200,000 residents' index in memory while writing them is what
   * made seeding peak at 4 GB, and the indexes catch up from their checkpoints at the next sign-in.
   */
  clinicServices?: boolean;
  /** Serial I/O for the device manager (default: real ports via serialport); null opens no port (the CLI). */
  deviceIo?: DeviceIo | null;
  /** Do not start replicating on sign-in (the CLI syncs only when asked). */
  noAutoSync?: boolean;
  /** Documents per sync pull request, 1..MAX_PULL_BATCH (`cunyi sync --pull-batch`, fault tests); default PULL_BATCH. */
  syncPullBatch?: number;
}

export interface Runtime {
  services: AppServices;
  dispatch: Dispatch<CallContext>;
  close(): Promise<void>;
}

/** Errors: RangeError for a pull batch out of bounds; CLINIC_IN_USE when another process or runtime holds the data directory (nothing in it is touched then). */
export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? consoleLogger;
  if (options.syncPullBatch !== undefined) checkPullBatch(options.syncPullBatch);
  // Before anything reads or writes the folder: one process per clinic (DESIGN.md §6). Constructing the services
  // below touches no file; they open the database only when a user signs in.
  const lock = lockDataDir(options.dataDir);
  const services = new AppServices({
    dataDir: options.dataDir,
    shell: options.shell,
    clock: options.clock ?? systemClock,
    keystore: options.keystore,
    logger,
    kdfCost: options.kdfCost,
    deferRebuilds: options.deferRebuilds,
    holdRebuildWhile: options.holdRebuildWhile,
    clinicServices: options.clinicServices,
    deviceIo: options.deviceIo,
    noAutoSync: options.noAutoSync,
    syncPullBatch: options.syncPullBatch,
  });
  const door = createDispatcher({
    contract,
    handlers: createHandlers(services),
    authorize: (access, _ctx, _name, scope) => services.session.authorize(access, scope),
    authorizeRecords: (name, input) => services.clinic().scope.check(name, input),
    logger,
    checkOutputs: options.checkOutputs,
    // Written before the answer leaves, in one synchronous transaction that does not wait for the disk (a reading,
    // not a change: unit-of-work.ts runWithoutSync).
    auditRead: async (name, value, input) => services.session.current().uow.runWithoutSync((tx) => tx.audit(readAuditEvent(name, value, input))),
    auditRefusal: async (name, error) => {
      if (services.session.isUnlocked) await services.session.current().audit.record(refusalAuditEvent(name, error));
    },
  });
  // Every call is counted while in flight, so work nobody waits for leaves the thread to the screens' calls.
  const dispatch: Dispatch<CallContext> = (method, input, ctx) => services.activity.track(() => door(method, input, ctx));
  // While the sign-in screen waits for a password: what the first sign-in of the process would compile (validators.ts).
  // A failure here only leaves the compiling to the first write, as before.
  setImmediate(() => {
    try {
      prepareValidators();
    } catch (e) {
      logger.warn('could not prepare the validators before sign-in', { error: String(e) });
    }
  });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= services.close().finally(() => lock.release()));
  return { services, dispatch, close };
}
