/**
 * Numbered changes to the shape of the clinic's file, applied in order on open and recorded in SQLite's
 * `user_version`. Each migration runs in its own transaction together with the version bump, so a crash leaves the
 * file at the version before or after it, never between. A file whose version is newer than the newest migration
 * here was written by a newer app and is refused (database.ts). Document schema versions are RxDB's own
 * (`shared/schemas/`); these are the storage's tables and the derived tables beside them.
 *
 * Each migration is tested from a stored copy of the previous shipped file (test/fixtures/store-v1), never from a
 * file made by today's code.
 */
import type { Database } from '../sqlite-file';
import { baseline } from './0010-baseline';
import { projectionsOwnTheirTables } from './0020-projections-own-their-tables';
import { syncTables } from './0030-sync-tables';
import { replicationMetaLinks } from './0040-replication-meta-links';

export interface SqlMigration {
  /** The `user_version` the file has after this migration. */
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}

export const SQL_MIGRATIONS: readonly SqlMigration[] = [baseline, projectionsOwnTheirTables, syncTables, replicationMetaLinks];

export const LATEST_STORE_VERSION = SQL_MIGRATIONS[SQL_MIGRATIONS.length - 1]?.version ?? 0;

/** Applies every migration newer than the file; returns the versions it applied. */
export function runSqlMigrations(db: Database): number[] {
  const applied: number[] = [];
  for (const migration of SQL_MIGRATIONS) {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
