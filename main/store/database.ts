/**
 * The clinic database: one SQLCipher file (`cunyi.db` in the data directory) holding the six RxDB collections
 * (DESIGN.md §1) through our own storage, plus the search index tables the services keep beside them.
 * Opened only with the data key, which the session gets from a key slot; closing it is how the app locks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
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
import {
  acquireConnection,
  getRxStorageSqlcipher,
  registerProjection,
  releaseConnection,
  type Connection,
  type Projection,
  type RebuildOptions,
  type RebuildProgress,
} from './rx-storage-sqlcipher';
import type { Database } from './sqlite-file';
import { LATEST_STORE_VERSION, runSqlMigrations } from './sql-migrations';
import { auditChainProjection } from './audit-chain';
import { validatedStorage } from './validators';
import { ConflictRouting } from '../sync/conflicts';

addRxPlugin(RxDBMigrationSchemaPlugin);

export const DATABASE_FILE = 'cunyi.db';
/** RxDB database name; also the prefix of the storage tables inside the file. */
export const DATABASE_NAME = 'cunyi';
export { LATEST_STORE_VERSION };

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
  /** The raw handle, for integrity checks and the projections' own tables; the same one the storage uses. */
  readonly sql: Database;
  /** The storage's connection: the unit of work's transaction and the projections live here. */
  readonly connection: Connection;
  readonly path: string;
  /** Where the replication's conflict handlers report true conflicts (the review queue, once the clinic is open). */
  readonly conflicts: ConflictRouting;
  /** Projections whose rebuild was deferred at open (`deferRebuilds`): readiness, progress, and the rebuild itself. */
  readonly rebuilds: ProjectionRebuilds;
  close(): Promise<void>;
}

export interface ProjectionRebuilds {
  /** False while `name`'s deferred rebuild has not finished (its rows are incomplete). */
  isReady(name: string): boolean;
  /** Resolves when `name` is ready; rejects with LOCKED if the database closes first. */
  whenReady(name: string): Promise<void>;
  /** Names still to be rebuilt. */
  pending(): string[];
  progress(): RebuildProgress | null;
  /** Runs the deferred rebuilds in slices (at most one run at a time); stopped by `close()`. */
  run(opts?: RebuildOptions): Promise<void>;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export function databaseExists(dataDir: string): boolean {
  return existsSync(databasePath(dataDir));
}

export interface OpenClinicDatabaseOptions {
  create?: boolean;
  /** Derived tables kept in every write's transaction (registered, and rebuilt if their version changed, on open). */
  projections?: readonly Projection[];
  /**
   * Rebuild changed projections after the open, in slices (`rebuilds.run()`), instead of before it returns: the
   * session's sign-in answers at once and the screens show the progress (issue 10 §4).
   */
  deferRebuilds?: boolean;
}

/**
 * Opens (or with `create`, creates) the clinic database: applies the numbered migrations, opens the collections,
 * registers the projections. A wrong key gives WRONG_PASSWORD and a damaged file DATA_DAMAGED from
 * `openEncryptedFile`; a file from a newer app DATA_FROM_NEWER_VERSION; the file is never rewritten to recover.
 */
export async function openClinicDatabase(dataDir: string, key: Buffer, opts: OpenClinicDatabaseOptions = {}): Promise<ClinicDatabase> {
  const path = databasePath(dataDir);
  if (!opts.create && !existsSync(path)) throw new AppError('NOT_INITIALISED', { path });
  // The app holds one reference to the pooled connection for as long as the database is open; the storage
  // instances RxDB creates join it (same path, same key) and release theirs when RxDB closes them.
  const connection = acquireConnection(path, key, { create: opts.create ?? false });
  const sql = connection.db;
  const conflicts = new ConflictRouting();
  let rx: RxDatabase<ClinicCollections> | undefined;
  try {
    const userVersion = Number(sql.pragma('user_version', { simple: true }));
    if (userVersion > LATEST_STORE_VERSION) {
      throw new AppError('DATA_FROM_NEWER_VERSION', { userVersion, supported: LATEST_STORE_VERSION });
    }
    runSqlMigrations(sql);
    rx = await createRxDatabase<ClinicCollections>({
      name: DATABASE_NAME,
      storage: validatedStorage({
        storage: getRxStorageSqlcipher({ directory: dataDir, key, fileName: () => DATABASE_FILE }),
      }),
      multiInstance: false,
      eventReduce: true,
      // Counts the indexes cannot answer scan (the storage says so with `mode: 'slow'`); a clinic's lists need them.
      allowSlowCount: true,
    });
    // Replication conflicts are settled by main/sync/conflicts.ts, one handler per collection (issue 13).
    await rx.addCollections({
      residents: { ...collections.residents, conflictHandler: conflicts.handlerFor<ResidentDoc>('residents') },
      households: { ...collections.households, conflictHandler: conflicts.handlerFor<HouseholdDoc>('households') },
      encounters: { ...collections.encounters, conflictHandler: conflicts.handlerFor<EncounterDoc>('encounters') },
      contracts: { ...collections.contracts, conflictHandler: conflicts.handlerFor<ContractDoc>('contracts') },
      audit: { ...collections.audit, conflictHandler: conflicts.handlerFor<AuditDoc>('audit') },
      settings: { ...collections.settings, conflictHandler: conflicts.handlerFor<SettingDoc>('settings') },
    });
    // The audit chain is kept in every write's transaction, for every opener (issue 11 §2, main/store/audit-chain.ts).
    registerProjection(connection, DATABASE_NAME, auditChainProjection);
    for (const projection of opts.projections ?? []) {
      registerProjection(connection, DATABASE_NAME, projection, { deferRebuild: opts.deferRebuilds === true });
    }
  } catch (e) {
    await rx?.close().catch(() => undefined);
    releaseConnection(connection);
    throw e;
  }
  const opened = rx;
  let closed = false;
  const registry = connection.projections;
  return {
    rx: opened,
    sql,
    connection,
    path,
    conflicts,
    rebuilds: {
      isReady: (name) => registry.isReady(name),
      whenReady: (name) => registry.whenReady(name, () => new AppError('LOCKED')),
      pending: () => registry.pendingNames(),
      progress: () => registry.progress(),
      run: (opts) => registry.rebuildPending(opts),
    },
    async close() {
      if (closed) return;
      closed = true;
      await registry.stop();
      await opened.close();
      releaseConnection(connection);
    },
  };
}
