/**
 * Version 3: the sync client's own tables become part of the numbered file shape (issue 13). Until now the
 * replication client created them when it first ran (`CREATE TABLE IF NOT EXISTS` in its constructors), outside the
 * migrations: `sync_enrolment` holds the device's enrolment (platform URL, pinned fingerprint, credential) and its
 * last acknowledged marks; `sync_departed` the residents who moved out of this device's villages, until purged. A file
 * that already has them keeps them and their rows (the statements are the ones the client ran, so their shape is the
 * same); a file without them gets them empty.
 */
import type { SqlMigration } from './index';

export const syncTables: SqlMigration = {
  version: 3,
  name: 'sync-tables',
  up: (db) => {
    db.exec('CREATE TABLE IF NOT EXISTS sync_enrolment (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS sync_departed (resident_id TEXT PRIMARY KEY, noticed_at INTEGER NOT NULL, purged_at INTEGER)');
  },
};
