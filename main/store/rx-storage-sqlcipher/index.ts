/**
 * RxDB storage on an SQLCipher-encrypted SQLite file (better-sqlite3-multiple-ciphers). One file per database name
 * holds every collection, the replication meta instances too; see rx-storage-instance-sqlcipher.ts for the table
 * layout, sqlcipher-helpers.ts for the key columns and index-key.ts for their encoding.
 */
import { join, resolve } from 'node:path';
import { RXDB_VERSION, ensureRxStorageInstanceParamsAreCorrect } from 'rxdb/plugins/core';
import type { RxStorage, RxStorageInstanceCreationParams } from 'rxdb/plugins/core';
import { AppError } from '../../../shared/api/errors';
import { acquireConnection, releaseConnection } from './connection-pool';
import type { Projection } from './projections';
import type { Connection } from './connection-pool';
import { RxStorageInstanceSqlcipher } from './rx-storage-instance-sqlcipher';
import type { SqlcipherInstanceCreationOptions, SqlcipherInternals } from './rx-storage-instance-sqlcipher';
import { ensureTable, getTableLayout } from './sqlcipher-helpers';

export interface RxStorageSqlcipherSettings {
  /** Folder of the database files; created by the caller. */
  directory: string;
  /** The 32-byte data key (raw, no KDF). */
  key: Buffer;
  /** File for a database name, resolved against `directory`; default `<databaseName>.db`. */
  fileName?: (databaseName: string) => string;
}

export interface RxStorageSqlcipher extends RxStorage<SqlcipherInternals, SqlcipherInstanceCreationOptions> {
  readonly name: typeof RX_STORAGE_NAME_SQLCIPHER;
}

export const RX_STORAGE_NAME_SQLCIPHER = 'sqlcipher';

/** `<name>.db`, with anything that could leave the directory (`/`, `\`, `..` prefixes) percent-encoded. */
export function defaultFileName(databaseName: string): string {
  return `${encodeURIComponent(databaseName).replace(/^\./, '%2E')}.db`;
}

export function getRxStorageSqlcipher(settings: RxStorageSqlcipherSettings): RxStorageSqlcipher {
  const open = connectionOpener(settings);
  return {
    name: RX_STORAGE_NAME_SQLCIPHER,
    rxdbVersion: RXDB_VERSION,
    async createStorageInstance<RxDocType>(
      params: RxStorageInstanceCreationParams<RxDocType, SqlcipherInstanceCreationOptions>,
    ): Promise<RxStorageInstanceSqlcipher<RxDocType>> {
      ensureRxStorageInstanceParamsAreCorrect(params);
      if (params.schema.attachments) {
        throw new AppError(
          'NOT_SUPPORTED',
          { feature: 'attachments', collectionName: params.collectionName },
          'The SQLCipher RxStorage does not support attachments',
        );
      }
      const { connection, release } = open(params.databaseName);
      try {
        const layout = getTableLayout(params.databaseName, params.collectionName, params.schema);
        ensureTable(connection.db, layout);
        const instance = new RxStorageInstanceSqlcipher<RxDocType>(
          this,
          params.databaseName,
          params.collectionName,
          params.schema,
          { connection, layout },
          params.options,
          release,
        );
        return instance;
      } catch (error) {
        release();
        throw error;
      }
    },
  };
}

function connectionOpener(
  settings: RxStorageSqlcipherSettings,
): (databaseName: string) => { connection: Connection; release: () => void } {
  // Our own copy: the caller may wipe its buffer once the storage exists.
  const key = Buffer.from(settings.key);
  const fileName = settings.fileName ?? defaultFileName;
  return (databaseName) => {
    const path = resolve(join(settings.directory), fileName(databaseName));
    const connection = acquireConnection(path, key);
    let released = false;
    return {
      connection,
      release: () => {
        if (released) return;
        released = true;
        releaseConnection(connection);
      },
    };
  };
}

/** The open instance of a collection on this connection (the unit of work writes through it). */
export function instanceFor(connection: Connection, databaseName: string, collectionName: string): RxStorageInstanceSqlcipher<unknown> {
  for (const instances of connection.instances.values()) {
    for (const instance of instances) {
      if (instance.databaseName === databaseName && instance.collectionName === collectionName) {
        return instance as RxStorageInstanceSqlcipher<unknown>;
      }
    }
  }
  throw new Error(`no open storage instance for ${databaseName}/${collectionName}`);
}

/**
 * Links a replication's meta instance to the collection it replicates, so that its meta rows may store their document
 * copy as a reference to the collection's row (replication-meta.ts). Stored in the file; false (and nothing changes)
 * when the two are on different connections, `meta` is not a replication meta collection, or it is already linked
 * to another table. Open instances of the meta table prepare their statements again.
 */
export function linkReplicationMeta(meta: RxStorageInstanceSqlcipher<unknown>, fork: RxStorageInstanceSqlcipher<unknown>): boolean {
  const connection = meta.internals.connection;
  const metaTable = meta.internals.layout.rawTable;
  const forkTable = fork.internals.layout.rawTable;
  if (connection !== fork.internals.connection || !meta.internals.layout.replicationMeta || fork.internals.layout.replicationMeta) return false;
  if (connection.metaLinks.forkOf(metaTable) !== undefined) return connection.metaLinks.forkOf(metaTable) === forkTable;
  const linked = connection.transaction(() => connection.metaLinks.link(metaTable, forkTable));
  for (const instance of connection.instances.get(metaTable) ?? []) instance.relink();
  return linked;
}

/**
 * Registers a projection on the connection, rebuilding it from the collections' documents when needed: at once, or
 * with `deferRebuild` later in slices (`connection.projections.rebuildPending()`, projections.ts).
 */
export function registerProjection(
  connection: Connection,
  databaseName: string,
  projection: Projection,
  opts: { deferRebuild?: boolean } = {},
): void {
  const instance = (collection: string) => instanceFor(connection, databaseName, collection);
  connection.projections.register(
    projection,
    {
      all: (collection) => instance(collection).liveDocuments(),
      page: (collection, afterRowid, limit) => instance(collection).livePage(afterRowid, limit),
      count: (collection) => instance(collection).liveCount(),
    },
    opts,
  );
}

export { RxStorageInstanceSqlcipher, CLEANUP_BATCH_SIZE, withSerialized, withWrittenForkRow } from './rx-storage-instance-sqlcipher';
export type { SqlcipherInternals, SqlcipherInstanceCreationOptions } from './rx-storage-instance-sqlcipher';
export { acquireConnection, openConnectionPaths, releaseConnection, type BulkLoad, type Connection } from './connection-pool';
export type { AnyDocument, Projection, RebuildOptions, RebuildProgress, RebuildStep } from './projections';
export { toIndexKey, toPaddedIndexKey } from './index-key';
