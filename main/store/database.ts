/**
 * The clinic database: one SQLCipher file (`cunyi.db` in the data directory) holding the six RxDB collections
 * (DESIGN.md §1) through our own storage, plus the search index tables the services keep beside them.
 * Opened only with the data key, which the session gets from a key slot; closing it is how the app locks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { AppError } from '../../shared/api/errors';
import {
  collections,
  type AuditDoc,
  type ContractDoc,
  type EncounterDoc,
  type HouseholdDoc,
  type ResidentDoc,
  type SettingDoc,
} from '../../shared/schemas/collections';
import { conflictHandlerFor } from '../sync/conflicts';
import { getRxStorageSqlcipher } from './rx-storage-sqlcipher';
import { openEncryptedFile, type Database } from './sqlite-file';

addRxPlugin(RxDBMigrationSchemaPlugin);

export const DATABASE_FILE = 'cunyi.db';
/** RxDB database name; also the prefix of the storage tables inside the file. */
export const DATABASE_NAME = 'cunyi';
/**
 * The file format this build writes (SQLite `user_version`). Raised when the storage tables change shape; a file
 * from a newer build is refused, because migrating down would lose data (Signal: DBVersionFromFutureError).
 */
export const LATEST_STORE_VERSION = 1;

export interface ClinicCollections {
  residents: RxCollection<ResidentDoc>;
  households: RxCollection<HouseholdDoc>;
  encounters: RxCollection<EncounterDoc>;
  contracts: RxCollection<ContractDoc>;
  audit: RxCollection<AuditDoc>;
  settings: RxCollection<SettingDoc>;
}

export interface ClinicDatabase {
  readonly rx: RxDatabase<ClinicCollections>;
  /** The raw handle, for the search index and integrity checks; the same connection the storage uses. */
  readonly sql: Database;
  readonly path: string;
  close(): Promise<void>;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export function databaseExists(dataDir: string): boolean {
  return existsSync(databasePath(dataDir));
}

/**
 * Opens (or with `create`, creates) the clinic database. A wrong key gives WRONG_PASSWORD and a damaged file
 * DATA_DAMAGED from `openEncryptedFile`; the file is never rewritten to recover.
 */
export async function openClinicDatabase(dataDir: string, key: Buffer, opts: { create?: boolean } = {}): Promise<ClinicDatabase> {
  const path = databasePath(dataDir);
  if (!opts.create && !existsSync(path)) throw new AppError('NOT_INITIALISED', { path });
  const sql = openEncryptedFile(path, key, { create: opts.create ?? false });
  const userVersion = Number(sql.pragma('user_version', { simple: true }));
  if (userVersion > LATEST_STORE_VERSION) {
    sql.close();
    throw new AppError('DATA_FROM_NEWER_VERSION', { userVersion, supported: LATEST_STORE_VERSION });
  }
  let rx: RxDatabase<ClinicCollections> | undefined;
  try {
    rx = await createRxDatabase<ClinicCollections>({
      name: DATABASE_NAME,
      storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlcipher({ database: sql }) }),
      multiInstance: false,
      eventReduce: true,
    });
    // Replication conflicts are settled by main/sync/conflicts.ts, one handler per collection (issue 13).
    await rx.addCollections({
      residents: { ...collections.residents, conflictHandler: conflictHandlerFor<ResidentDoc>('residents') },
      households: { ...collections.households, conflictHandler: conflictHandlerFor<HouseholdDoc>('households') },
      encounters: { ...collections.encounters, conflictHandler: conflictHandlerFor<EncounterDoc>('encounters') },
      contracts: { ...collections.contracts, conflictHandler: conflictHandlerFor<ContractDoc>('contracts') },
      audit: { ...collections.audit, conflictHandler: conflictHandlerFor<AuditDoc>('audit') },
      settings: { ...collections.settings, conflictHandler: conflictHandlerFor<SettingDoc>('settings') },
    });
  } catch (e) {
    await rx?.close().catch(() => undefined);
    sql.close();
    throw e;
  }
  if (userVersion < LATEST_STORE_VERSION) sql.pragma(`user_version = ${LATEST_STORE_VERSION}`);
  const opened = rx;
  let closed = false;
  return {
    rx: opened,
    sql,
    path,
    async close() {
      if (closed) return;
      closed = true;
      await opened.close();
      if (sql.open) sql.close();
    },
  };
}
