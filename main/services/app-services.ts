/** Everything the API handlers reach, built once per process by `createRuntime`. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatusSnapshot } from '../../shared/api/app';
import type { Clock } from '../../shared/domain/dates';
import type { Logger } from '../api/dispatch';
import type { KdfCost } from '../store/keys';
import type { OsKeystore } from '../store/keys/os-keystore';
import { AppError } from '../../shared/api/errors';
import { ClinicServices } from './clinic-services';
import { EventBus } from './event-bus';
import { SessionService } from './session';
import { UserActivity } from './user-activity';
import type { DeviceIo } from '../devices';
import { SyncEngine } from '../sync/sync-engine';
import { reviewSink } from './sync-review/conflict-handler';
import { SyncReviewService } from './sync-review/review-service';

export interface AppServicesOptions {
  dataDir: string;
  shell: 'electron' | 'headless';
  clock: Clock;
  logger: Logger;
  keystore?: OsKeystore | undefined;
  kdfCost?: KdfCost | undefined;
  /** Rebuild changed projections after sign-in answers (runtime.ts). */
  deferRebuilds?: boolean | undefined;
  /** Tests: a deferred rebuild waits between its pages while this file exists (runtime.ts). */
  holdRebuildWhile?: string | undefined;
  /** False for bulk loaders (`cunyi seed`): no live indexes follow their writes; they catch up at the next sign-in. */
  clinicServices?: boolean | undefined;
  /** Serial I/O for the device manager (default real ports); null runs no device sessions (the CLI). */
  deviceIo?: DeviceIo | null | undefined;
  /** Do not start replicating on sign-in (the CLI syncs only when asked). */
  noAutoSync?: boolean | undefined;
  /** Documents per sync pull request (default the replication's PULL_BATCH). */
  syncPullBatch?: number | undefined;
}

function readVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    for (const up of ['..', '../..']) {
      const pkg = JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cunyi' && pkg.version) return pkg.version;
    }
  } catch {
    // Bundled builds may not ship package.json beside the code; the version is informative only.
  }
  return '0.0.0';
}

export class AppServices {
  readonly bus = new EventBus();
  /** Every API call, counted by the dispatcher (runtime.ts), so background work goes in the gaps between them. */
  readonly activity = new UserActivity();
  readonly session: SessionService;
  readonly version = readVersion();
  private status: StatusSnapshot = { online: false, lastSyncAt: null, devices: [], user: null };
  private clinicServices: ClinicServices | null = null;
  private syncEngine: SyncEngine | null = null;

  constructor(readonly options: AppServicesOptions) {
    this.session = new SessionService({
      dataDir: options.dataDir,
      clock: options.clock,
      bus: this.bus,
      logger: options.logger,
      keystore: options.keystore,
      kdfCost: options.kdfCost,
      deferRebuilds: options.deferRebuilds === true,
      ...(options.holdRebuildWhile ? { holdRebuildWhile: options.holdRebuildWhile } : {}),
      onUnlocked: async (u) => {
        if (options.clinicServices === false) return;
        this.clinicServices = await ClinicServices.start({
          db: u.db,
          audit: u.audit,
          clock: options.clock,
          clinicCode: u.clinic.code,
          deviceId: u.deviceId,
          timeZone: u.timeZone,
          user: u.user,
          settings: u.settings,
          uow: u.uow,
          activity: this.activity,
        }, this.bus, options.deviceIo);
        const clinic = this.clinicServices;
        // True conflicts of the replication's field merge wait in this clinic's review queue (issue 13 item 4).
        u.db.conflicts.setSink(reviewSink(() => new SyncReviewService(clinic.ctx, clinic.residents), options.logger));
        // Replication runs here, in the runtime, while the clinic is open (DESIGN.md §6); it needs the data key's
        // database and stops when the session locks.
        this.syncEngine = new SyncEngine({
          db: u.db,
          clock: options.clock,
          logger: options.logger,
          deviceId: u.deviceId,
          pullBatch: options.syncPullBatch,
          onStatus: (s) => {
            this.bus.publish('sync.changed', s);
            this.updateStatus({ online: s.state === 'idle' || s.state === 'syncing', lastSyncAt: s.lastSyncAt });
          },
        });
        if (!options.noAutoSync) this.syncEngine.start();
      },
      onLocking: async () => {
        await this.syncEngine?.stop();
        this.clinicServices?.ctx.db.conflicts.setSink(null);
        this.syncEngine = null;
        this.clinicServices?.stop();
        this.clinicServices = null;
      },
    });
    this.bus.subscribe((event, payload) => {
      if (event === 'device.status') {
        const { devices } = payload as { devices: { bindingId: string; label: string; state: string }[] };
        this.updateStatus({ devices: devices.map((d) => ({ id: d.bindingId, label: d.label, connected: d.state === 'connected' })) });
        return;
      }
      if (event !== 'session.changed') return;
      const state = payload as { state: string; user?: { displayName: string; role: string } };
      this.updateStatus({ user: state.state === 'unlocked' && state.user ? { displayName: state.user.displayName, role: state.user.role } : null });
    });
  }

  /** The open clinic's services; LOCKED when signed out. */
  clinic(): ClinicServices {
    if (!this.clinicServices || !this.session.isUnlocked) throw new AppError('LOCKED');
    return this.clinicServices;
  }

  /** The open clinic's replication client; LOCKED when signed out. */
  sync(): SyncEngine {
    if (!this.syncEngine || !this.session.isUnlocked) throw new AppError('LOCKED');
    return this.syncEngine;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  statusSnapshot(): StatusSnapshot {
    return this.status;
  }

  updateStatus(patch: Partial<StatusSnapshot>): void {
    this.status = { ...this.status, ...patch };
    this.bus.publish('status.changed', this.status);
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
