/** What every clinic service needs while the session is open: the database, the audit log, the clock, the clinic. */
import type { SessionUser } from '../../shared/api/session';
import { today as todayIn, type CalendarDate, type Clock } from '../../shared/domain/dates';
import type { ClinicDatabase } from '../store/database';
import type { AuditLog } from './audit-log';
import type { ClinicSettingsRepo } from './settings-repo';
import type { UnitOfWork } from './unit-of-work';
import type { UserActivity } from './user-activity';

export interface ClinicContext {
  db: ClinicDatabase;
  audit: AuditLog;
  clock: Clock;
  clinicCode: string;
  deviceId: string;
  timeZone: string;
  user: SessionUser;
  settings: ClinicSettingsRepo;
  /** One transaction per user action: documents, audit entries and projections together. */
  uow: UnitOfWork;
  /**
   * The runtime's calls in flight (user-activity.ts): background work waits for a quiet moment between its slices.
   * Absent where nobody calls while it runs (the CLI, tests that build a context themselves).
   */
  activity?: UserActivity;
}

export function clinicToday(ctx: Pick<ClinicContext, 'clock' | 'timeZone'>): CalendarDate {
  return todayIn(ctx.clock, ctx.timeZone);
}

export async function villageNames(ctx: ClinicContext): Promise<Map<string, string>> {
  return new Map((await ctx.settings.clinic()).villages.map((v) => [v.code, v.name]));
}
