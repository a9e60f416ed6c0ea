/**
 * The services that exist only while the session is open. Built when the database opens (after sign-in) and
 * dropped when it locks, so nothing can reach patient data without the key.
 */
import type { ClinicContext } from './clinic-context';
import { HealthChecksService } from './health-checks/health-check-service';
import { HouseholdsService } from './residents/households-service';
import { ensureFirstBlock } from './residents/record-numbers';
import { ResidentsService } from './residents/residents-service';
import { ResidentSearchIndex } from './residents/search-index';

export class ClinicServices {
  readonly residents: ResidentsService;
  readonly households: HouseholdsService;
  readonly healthChecks: HealthChecksService;

  private constructor(
    readonly ctx: ClinicContext,
    private readonly index: ResidentSearchIndex,
  ) {
    this.residents = new ResidentsService(ctx, index);
    this.households = new HouseholdsService(ctx);
    this.healthChecks = new HealthChecksService(ctx);
  }

  static async start(ctx: ClinicContext): Promise<ClinicServices> {
    await ensureFirstBlock(ctx);
    const index = new ResidentSearchIndex(ctx.db);
    await index.start();
    return new ClinicServices(ctx, index);
  }

  stop(): void {
    this.index.stop();
  }
}
