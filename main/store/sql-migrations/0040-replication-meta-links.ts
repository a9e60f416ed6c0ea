/**
 * Version 4: replication meta rows may store their document copy as a reference to the collection's row (issue 13,
 * main/store/rx-storage-sqlcipher/replication-meta.ts). The storage keeps which meta table refers to which collection
 * table in `rx_meta_links`, and adds the `ref_*` columns to a meta table when it opens it; rows an older build wrote
 * stay full and readable. The version is what matters here: a build before this one would read a compact row's text
 * as the whole row, so it must refuse the file (DATA_FROM_NEWER_VERSION) rather than sync with it.
 */
import { CREATE_META_LINKS_SQL } from '../rx-storage-sqlcipher/replication-meta';
import type { SqlMigration } from './index';

export const replicationMetaLinks: SqlMigration = {
  version: 4,
  name: 'replication-meta-links',
  up: (db) => {
    db.exec(CREATE_META_LINKS_SQL);
  },
};
