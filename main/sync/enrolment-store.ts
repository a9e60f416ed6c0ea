/**
 * The device's enrolment (platform URL, pinned fingerprint, credential) and its last acknowledged sync, kept in a
 * table of the encrypted clinic file: the credential opens the clinic's data on the platform, so it stays under the
 * data key, and it is not a collection, so it never replicates.
 */
import type { Database } from '../store/sqlite-file';

export interface Enrolment {
  url: string;
  fingerprint256: string;
  credential: string;
  deviceId: string;
  clinicCode: string;
  villages: string[];
}

export interface SyncMarks {
  ackedUpTo: number | null;
  lastSyncAt: number | null;
}

export class EnrolmentStore {
  /** `sql` is the clinic file, at store version 3 or later (sql-migrations/0030-sync-tables.ts made the table). */
  constructor(private readonly sql: Database) {}

  private get(key: string): string | null {
    const row = this.sql.prepare('SELECT value FROM sync_enrolment WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  private set(key: string, value: unknown): void {
    this.sql.prepare('INSERT INTO sync_enrolment (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  enrolment(): Enrolment | null {
    const v = this.get('enrolment');
    return v ? (JSON.parse(v) as Enrolment) : null;
  }

  saveEnrolment(e: Enrolment): void {
    this.set('enrolment', e);
  }

  marks(): SyncMarks {
    const v = this.get('marks');
    return v ? (JSON.parse(v) as SyncMarks) : { ackedUpTo: null, lastSyncAt: null };
  }

  saveMarks(m: SyncMarks): void {
    this.set('marks', m);
  }
}
