/**
 * 审计日志: every write and every opening of a resident's record appends an entry. Entries are only ever inserted;
 * no code path updates or removes them, and the API exposes reading only.
 */
import { v7 as uuidv7 } from 'uuid';
import type { SessionUser } from '../../shared/api/session';
import type { Clock } from '../../shared/domain/dates';
import type { AuditDoc } from '../../shared/schemas/collections';
import type { ClinicDatabase } from '../store/database';

export interface AuditEvent {
  action: string;
  collection?: string;
  recordId?: string;
  residentId?: string;
  detail?: string;
}

export class AuditLog {
  constructor(
    private readonly db: ClinicDatabase,
    private readonly clinicCode: string,
    private readonly user: Pick<SessionUser, 'id' | 'username'>,
    private readonly clock: Clock,
  ) {}

  entry(event: AuditEvent): AuditDoc {
    return {
      id: uuidv7(),
      clinicCode: this.clinicCode,
      at: this.clock.now(),
      userId: this.user.id,
      username: this.user.username,
      action: event.action,
      entity: event.collection ?? '',
      recordId: event.recordId ?? '',
      residentId: event.residentId ?? '',
      detail: (event.detail ?? '').slice(0, 1000),
    };
  }

  async record(event: AuditEvent): Promise<void> {
    await this.db.rx.audit.insert(this.entry(event));
  }

  async recordMany(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const result = await this.db.rx.audit.bulkInsert(events.map((e) => this.entry(e)));
    if (result.error.length > 0) throw new Error(`audit write failed: ${result.error[0]?.status ?? 'unknown'}`);
  }
}
