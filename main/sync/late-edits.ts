/**
 * This device's late edits as the platform last described them (issue 13 item 6): edits uploaded after the resident
 * had moved out of the device's villages, each forwarded to the resident's new clinic, parked for the county's
 * operator (with the reason), or settled by the operator (platform/late-edits.ts). The list is kept in the sync
 * engine's own table of the encrypted clinic file (`sync_enrolment`, key `lateEdits`; not a collection, so it never
 * replicates), replaced whole by each round's answer, so the 同步 screen and the resident's page show it after a
 * restart and while offline, and a resident purged from the device is still named.
 */
import { z } from 'zod';
import { LateEditNotice } from '../../shared/sync/protocol';
import type { Database } from '../store/sqlite-file';

const KEY = 'lateEdits';
const Stored = z.object({ checkedAt: z.number(), edits: z.array(LateEditNotice) });
export type StoredLateEdits = z.infer<typeof Stored>;

export class LateEdits {
  /** `sql` is the clinic file, at store version 3 or later (sql-migrations/0030-sync-tables.ts made the table). */
  constructor(private readonly sql: Database) {}

  /** As of the last round that asked the platform; null before any did. */
  read(): StoredLateEdits | null {
    const row = this.sql.prepare('SELECT value FROM sync_enrolment WHERE key = ?').get(KEY) as { value: string } | undefined;
    if (!row) return null;
    // Written by `save` only; a value that does not parse is shown as "not known yet", and the next round replaces it.
    const parsed = Stored.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : null;
  }

  save(edits: LateEditNotice[], checkedAt: number): void {
    this.sql
      .prepare('INSERT INTO sync_enrolment (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(KEY, JSON.stringify({ checkedAt, edits } satisfies StoredLateEdits));
  }

  /** Edits still parked on the platform, for the status's count. */
  parkedCount(): number {
    return this.read()?.edits.filter((e) => e.status === 'parked').length ?? 0;
  }
}
