/**
 * All storage instances of one database file share ONE connection: SQLite serialises writers per file anyway,
 * and one handle means one page cache, one WAL reader and no SQLITE_BUSY between our own collections. The handle
 * is closed when the last instance using it closes.
 *
 * Instances of the same table (same database, collection and schema version, e.g. two RxDatabases of one name in
 * a process) also share their change events here, which is how RxDB's multi-instance mode sees the other's writes
 * without a BroadcastChannel.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import { AppError } from '../../../shared/api/errors';
import { openEncryptedFile } from '../sqlite-file';
import type { Database } from '../sqlite-file';

export type ChangeListener = (change: unknown) => void;

export interface Connection {
  readonly db: Database;
  /** Listeners per table name, across every instance on this connection. */
  readonly listeners: Map<string, Set<ChangeListener>>;
}

interface PooledConnection extends Connection {
  readonly keyDigest: Buffer;
  refs: number;
}

const POOL = new Map<string, PooledConnection>();
/** Handles the app opened itself: never closed by us, but their listeners must still be shared. */
const BORROWED = new WeakMap<Database, Connection>();

function digest(key: Buffer): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Opens `path` or joins the connection already open on it; pair every call with releaseConnection(). */
export function acquireConnection(path: string, key: Buffer): Connection {
  const absolute = resolve(path);
  const keyDigest = digest(key);
  const pooled = POOL.get(absolute);
  if (pooled) {
    // Joining an open handle must not bypass the key check that opening the file performs.
    if (!timingSafeEqual(pooled.keyDigest, keyDigest)) throw new AppError('WRONG_PASSWORD', { path: absolute });
    pooled.refs += 1;
    return pooled;
  }
  const db = openEncryptedFile(absolute, key, { create: true });
  const connection: PooledConnection = { db, listeners: new Map(), keyDigest, refs: 1 };
  POOL.set(absolute, connection);
  return connection;
}

export function releaseConnection(connection: Connection): void {
  for (const [path, pooled] of POOL) {
    if (pooled !== connection) continue;
    pooled.refs -= 1;
    if (pooled.refs === 0) {
      POOL.delete(path);
      pooled.db.close();
    }
    return;
  }
}

/** Wraps a handle the caller opened and keeps owning (it closes the handle itself, after our instances). */
export function borrowConnection(db: Database): Connection {
  let connection = BORROWED.get(db);
  if (!connection) {
    connection = { db, listeners: new Map() };
    BORROWED.set(db, connection);
  }
  return connection;
}

/** Paths with an open pooled handle; tests use it to prove every instance was closed. */
export function openConnectionPaths(): string[] {
  return [...POOL.keys()];
}
