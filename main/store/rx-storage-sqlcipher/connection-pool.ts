/**
 * All storage instances of one database file share ONE connection: SQLite serialises writers per file anyway,
 * and one handle means one page cache, one WAL reader and no SQLITE_BUSY between our own collections. The handle
 * is closed when the last user of it (the app's ClinicDatabase, or a storage instance) releases it. The app and
 * the tests reach the file the same way, so the leak check sees every handle.
 *
 * The connection is also the unit of work: `transaction(fn)` runs `fn` synchronously inside one IMMEDIATE
 * transaction, and every storage write inside it (any collection of the file) commits with it or not at all.
 * Change events raised inside are held and emitted only after the commit, so nobody (RxDB's caches, the
 * projections' listeners) ever sees a write that was rolled back.
 *
 * Instances of the same table (same database, collection and schema version, e.g. two RxDatabases of one name in
 * a process) also share their change events here, which is how RxDB's multi-instance mode sees the other's writes
 * without a BroadcastChannel.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import { AppError } from '../../../shared/api/errors';
import { openEncryptedFile, withoutSync } from '../sqlite-file';
import type { Database } from '../sqlite-file';
import { ProjectionRegistry } from './projections';
import { MetaLinks, registerMetaFunctions } from './replication-meta';

export type ChangeListener = (change: unknown) => void;

/** An open storage instance, as its siblings on the same table see it. */
export interface TableAccess {
  readonly collectionName: string;
  readonly databaseName: string;
  /** Another instance dropped the table: from now on every call answers with a clear error. */
  markRemoved(): void;
  /** Every live document, for rebuilding projections. */
  liveDocuments(): Iterable<unknown>;
  /** The table's replication-meta link changed (replication-meta.ts): prepare the statements again. */
  relink(): void;
}

export interface Connection {
  readonly db: Database;
  readonly path: string;
  /** Listeners per table name, across every instance on this connection. */
  readonly listeners: Map<string, Set<ChangeListener>>;
  /** Open instances per table name: the unit of work writes through one of them. */
  readonly instances: Map<string, Set<TableAccess>>;
  /** Derived tables kept in the same transaction as the documents they come from (projections.ts). */
  readonly projections: ProjectionRegistry;
  /** Replication meta tables linked to their collection's table (replication-meta.ts). */
  readonly metaLinks: MetaLinks;
  /**
   * Runs `fn` in one IMMEDIATE transaction, or inside the open one (no savepoint); events wait for the outer commit.
   * A throw inside a nested call rolls the whole transaction back, even when the caller catches it.
   */
  transaction<T>(fn: () => T): T;
  /**
   * `transaction` for a write that can be fetched again after a power loss (a first sync's page with its checkpoint,
   * main/sync/bootstrap.ts): its commit does not wait for the disk (synchronous = NORMAL for that commit only). It
   * stays atomic, and an application crash or `kill -9` loses nothing (the commit is in the WAL); only a power loss
   * before the next ordinary commit or checkpoint (each of which syncs the WAL, this commit included) can roll it
   * back, page and checkpoint together, and the page is then pulled again. Inside an open transaction it joins it.
   */
  refetchableTransaction<T>(fn: () => T): T;
  /** Queues `emit` until the outermost transaction commits (now, when none is open); dropped on rollback. */
  afterCommit(emit: () => void): void;
  readonly inTransaction: boolean;
  /**
   * Marks a bulk load (a first sync of many thousand documents) until `end()`: see BULK_LOAD_CHECKPOINT_PAGES.
   * Loads may overlap; the last `end()` restores the setting and checkpoints the WAL into the file.
   */
  beginBulkLoad(): BulkLoad;
}

export interface BulkLoad {
  /** Ends the load now: the last one to end copies the WAL into the file before it returns. */
  end(): void;
  /**
   * Ends the load `delayMs` from now, so that the caller can answer before the WAL is copied into the file (a first
   * sync's copy took 2.1 s of its 8 s at 3,000 residents). Until then the checkpoints stay spaced: a commit in
   * between does not copy the load back inline. Nothing is less safe meanwhile: every commit is whole in the WAL, and
   * a crash or a close before the copy leaves it to SQLite's recovery or to the close's own checkpoint.
   */
  endAfter(delayMs: number): void;
}

/**
 * WAL pages between automatic checkpoints during a bulk load (256 MiB of 4 KiB pages; SQLite's default is 1,000).
 * A first sync commits thousands of documents per batch, and each batch rewrites the same index pages in random
 * places: with the default, every commit copied all of them back into the file at once, which cost more CPU than
 * the inserts (bench/sync.ts, issue 13). With checkpoints further apart a page rewritten by many batches is copied
 * once. Durability is the same: a commit is complete in the WAL (synchronous = FULL) whenever it checkpoints.
 */
export const BULK_LOAD_CHECKPOINT_PAGES = 65_536;

interface PooledConnection extends Connection {
  readonly keyDigest: Buffer;
  refs: number;
}

const POOL = new Map<string, PooledConnection>();

function digest(key: Buffer): Buffer {
  return createHash('sha256').update(key).digest();
}

function makeConnection(db: Database, path: string, keyDigest: Buffer): PooledConnection {
  let pending: (() => void)[] | null = null;
  /** The first error thrown inside a nested `transaction` of the open one (which then rolls back whole). */
  let failed: { error: unknown } | null = null;
  let bulkLoads = 0;
  let normalCheckpointPages = 0;
  const connection: PooledConnection = {
    db,
    path,
    keyDigest,
    refs: 0,
    listeners: new Map(),
    instances: new Map(),
    projections: new ProjectionRegistry(db),
    metaLinks: new MetaLinks(db),
    get inTransaction() {
      return pending !== null;
    },
    transaction<T>(fn: () => T): T {
      if (pending) {
        // Joined without a SAVEPOINT (every storage write nests here: bulkWrite, the unit of work, a first sync's
        // page). Under an open savepoint, a statement that needs its own statement journal (any statement on a table
        // with a trigger, even a no-op one) grew costlier as the transaction grew: with a trigger on the patient rows,
        // `cunyi seed` of 12,000 residents took 58 s of CPU instead of 21 s, and 21 s again without the savepoint.
        // What the savepoint gave (undo only the inner part and let the caller go on) nothing used: events queued
        // inside it were emitted all the same. Instead a failure inside fails the whole transaction, even if the
        // caller catches it: nothing half-written can commit.
        try {
          return fn();
        } catch (error) {
          failed ??= { error };
          throw error;
        }
      }
      const queued: (() => void)[] = [];
      pending = queued;
      failed = null;
      let result: T;
      try {
        result = db.transaction(() => {
          const value = fn();
          // A nested failure that the caller caught: its writes may be half done, so the whole transaction goes.
          if (failed) throw failed.error;
          return value;
        }).immediate();
      } finally {
        pending = null;
        failed = null;
      }
      for (const emit of queued) emit();
      return result;
    },
    refetchableTransaction<T>(fn: () => T): T {
      if (pending) return connection.transaction(fn);
      return withoutSync(db, () => connection.transaction(fn));
    },
    afterCommit(emit: () => void): void {
      if (pending) pending.push(emit);
      else emit();
    },
    beginBulkLoad() {
      if (bulkLoads === 0) {
        normalCheckpointPages = Number(db.pragma('wal_autocheckpoint', { simple: true }));
        db.pragma(`wal_autocheckpoint = ${BULK_LOAD_CHECKPOINT_PAGES}`);
      }
      bulkLoads += 1;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        bulkLoads -= 1;
        if (bulkLoads > 0 || !db.open) return;
        db.pragma(`wal_autocheckpoint = ${normalCheckpointPages}`);
        // Copies the load into the file once and gives the WAL's disk space back; a reader in another process
        // (the CLI) may hold it back, which only leaves the WAL for the next automatic checkpoint.
        db.pragma('wal_checkpoint(TRUNCATE)');
      };
      return {
        end,
        endAfter(delayMs: number) {
          // Unref'd: a process that ends first closes the file, which checkpoints it (or leaves it to the next open).
          // A copy that fails loses nothing (the WAL keeps every commit) and must not end the process from a timer:
          // the next automatic checkpoint copies it.
          setTimeout(() => {
            try {
              end();
            } catch {
              // See above.
            }
          }, delayMs).unref();
        },
      };
    },
  };
  return connection;
}

export interface AcquireOptions {
  /** Create the file when missing (default true, as RxDB's storages do; the app opens existing files with false). */
  create?: boolean;
}

/** Opens `path` or joins the connection already open on it; pair every call with releaseConnection(). */
export function acquireConnection(path: string, key: Buffer, opts: AcquireOptions = {}): Connection {
  const absolute = resolve(path);
  const keyDigest = digest(key);
  const pooled = POOL.get(absolute);
  if (pooled) {
    // Joining an open handle must not bypass the key check that opening the file performs.
    if (!timingSafeEqual(pooled.keyDigest, keyDigest)) throw new AppError('WRONG_PASSWORD', { path: absolute });
    pooled.refs += 1;
    return pooled;
  }
  const db = openEncryptedFile(absolute, key, { create: opts.create ?? true });
  registerMetaFunctions(db);
  const connection = makeConnection(db, absolute, keyDigest);
  connection.refs = 1;
  POOL.set(absolute, connection);
  return connection;
}

export function releaseConnection(connection: Connection): void {
  const pooled = POOL.get(connection.path);
  if (pooled !== connection) return;
  pooled.refs -= 1;
  if (pooled.refs === 0) {
    POOL.delete(connection.path);
    pooled.db.close();
  }
}

/** Paths with an open pooled handle; tests use it to prove every instance was closed. */
export function openConnectionPaths(): string[] {
  return [...POOL.keys()];
}
