/**
 * The services that exist only while the session is open. Built when the database opens (after sign-in) and
 * dropped when it locks, so nothing can reach patient data without the key.
 */
import type { ClinicContext } from './clinic-context';
import { ContractsService } from './contracting/contracts-service';
import { TeamsService } from './contracting/teams-service';
import type { EventBus } from './event-bus';
import { FollowupsService } from './followups/followups-service';
import { PatientIndex } from './followups/patient-index';
import { RegistriesService } from './followups/registries-service';
import { WorklistService } from './followups/worklist-service';
import { HealthChecksService } from './health-checks/health-check-service';
import { ReportsService } from './reports/reports-service';
import { ResidentImportService } from './import/resident-import-service';
import { HouseholdsService } from './residents/households-service';
import { ensureFirstBlock } from './residents/record-numbers';
import { ResidentsService } from './residents/residents-service';
import { ResidentSearchIndex } from './residents/search-index';
import { DeviceManager, noDeviceIo, serialDeviceIo, settingsBindingStore, type DeviceIo } from '../devices';
import { ScreeningService } from './screening/screening-service';
import { TcmService } from './screening/tcm-service';
import { villagesVisibleTo } from '../../shared/domain/access-scope';
import { VillageScope } from './village-scope';
import { DataUpdateStatus } from './data-update';

export class ClinicServices {
  readonly residents: ResidentsService;
  readonly households: HouseholdsService;
  readonly healthChecks: HealthChecksService;
  readonly registries: RegistriesService;
  readonly followups: FollowupsService;
  readonly worklist: WorklistService;
  readonly teams: TeamsService;
  readonly contracts: ContractsService;
  readonly devices: DeviceManager;
  readonly reports: ReportsService;
  readonly imports: ResidentImportService;
  readonly screening: ScreeningService;
  readonly tcm: TcmService;
  /** What the signed-in user may reach: checked by the dispatcher, used by lists to filter (issue 11 §1). */
  readonly scope: VillageScope;
  /** 正在更新本机数据: the rebuild after an upgrade and the work list's pass, with progress (app.dataUpdate). */
  readonly dataUpdate: DataUpdateStatus;

  private constructor(
    readonly ctx: ClinicContext,
    private readonly index: ResidentSearchIndex,
    private readonly patients: PatientIndex,
    devices: DeviceManager,
  ) {
    this.devices = devices;
    this.scope = new VillageScope(ctx);
    this.dataUpdate = new DataUpdateStatus(ctx);
    this.residents = new ResidentsService(ctx, index, patients);
    this.households = new HouseholdsService(ctx);
    const accepted = (readingId: string) => devices.acceptedReading(readingId);
    this.healthChecks = new HealthChecksService(ctx, accepted);
    this.registries = new RegistriesService(ctx);
    this.followups = new FollowupsService(ctx, accepted);
    this.worklist = new WorklistService(ctx, patients);
    this.teams = new TeamsService(ctx);
    this.contracts = new ContractsService(ctx, this.teams);
    this.reports = new ReportsService(ctx, this.teams);
    this.imports = new ResidentImportService(ctx);
    this.screening = new ScreeningService(ctx);
    this.tcm = new TcmService(ctx);
  }

  /** `bus` carries `worklist.changed`; null where nobody listens (CLI). */
  static async start(ctx: ClinicContext, bus: EventBus | null = null, deviceIo?: DeviceIo | null): Promise<ClinicServices> {
    await ensureFirstBlock(ctx);
    const index = new ResidentSearchIndex(ctx.db);
    // Announces changes from the change streams (of the villages the user sees); reads per resident from the
    // projection, never in full.
    const patients = new PatientIndex(ctx.db, bus, villagesVisibleTo(ctx.user));
    patients.start();
    // Device sessions run only where someone listens: `deviceIo: null` (the CLI) or no bus opens no port.
    const devices = new DeviceManager({
      store: settingsBindingStore(ctx.db, ctx.clinicCode),
      ...(deviceIo === null ? noDeviceIo : (deviceIo ?? serialDeviceIo)),
      clock: ctx.clock,
      onStatus: (list) => bus?.publish('device.status', { devices: list }),
      onReading: (r) => bus?.publish('device.reading', r),
      onIdentity: (r) => bus?.publish('device.identity', r),
      isCardPhotoStored: async () => (await ctx.settings.clinic()).isCardPhotoStored,
    });
    if (bus && deviceIo !== null) await devices.start();
    const services = new ClinicServices(ctx, index, patients, devices);
    // The work list is the first screen: its rows are brought to today once sign-in has answered.
    if (bus) setImmediate(() => services.worklist.warmUp());
    // Residents a save marks dirty are recomputed in the gaps between calls, not in the next page asked for.
    if (bus) services.worklist.cleanAfterChanges(bus);
    // The reports' input and this month's facts, read in slices once sign-in has answered (reports-service.ts).
    if (bus) setImmediate(() => void services.reports.warmUp());
    return services;
  }

  stop(): void {
    void this.devices.stop();
    this.patients.stop();
    this.worklist.stop();
    this.reports.stop();
  }
}
