/**
 * Version 2: the residents' search index becomes a projection that the storage keeps in the write's transaction
 * (projections.ts), with its own versioned tables. Release 0.1.0's unversioned tables, kept by a change-stream
 * listener and a checkpoint, are dropped; the projection rebuilds its rows from the documents when it is first
 * registered.
 */
import type { SqlMigration } from './index';

export const projectionsOwnTheirTables: SqlMigration = {
  version: 2,
  name: 'projections-own-their-tables',
  up: (db) => {
    db.exec('DROP TABLE IF EXISTS search_residents');
    db.exec('DROP TABLE IF EXISTS search_checkpoint');
  },
};
