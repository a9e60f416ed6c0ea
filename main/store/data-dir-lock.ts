/**
 * One process owns a clinic's data directory (DESIGN.md §6). The app, the headless host and every CLI command take
 * this lock before they touch anything else in the folder, and hold it for as long as they run.
 *
 * The lock is a small plain SQLite file, `cunyi.lock`, held in an exclusive transaction: SQLite's own file locks
 * (POSIX advisory locks on Linux and macOS, LockFileEx on Windows) are released by the operating system when the
 * process dies, so a crash or `kill -9` never leaves the clinic locked, and SQLite also refuses a second connection
 * inside the same process (its lock table is per inode, across threads). The file holds no data.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/api/errors';

export const LOCK_FILE = 'cunyi.lock';

export interface DataDirLock {
  readonly dataDir: string;
  /** Ends the exclusive transaction and closes the file; calling it twice is harmless. */
  release(): void;
}

/**
 * The open lock files of this thread. Also what keeps each handle reachable: a lock whose handle the garbage
 * collector finalised would close its file and quietly free the clinic while the process still runs.
 */
const held = new Map<string, BetterSqlite3.Database>();

/** Data directories this process (thread) holds, for the tests' leak check. */
export function heldDataDirLocks(): string[] {
  return [...held.keys()];
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

/**
 * Takes the data directory's lock, creating the folder (private to this OS user) when it does not exist yet.
 * Errors: CLINIC_IN_USE when another process, window or runtime holds it; nothing in the folder is written then.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // timeout 0: a held lock is an answer, not something to wait for (better-sqlite3 waits 5 s by default).
  const db = new BetterSqlite3(join(dir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (isBusy(e)) throw new AppError('CLINIC_IN_USE', { dataDir: dir });
    throw e;
  }
  held.set(dir, db);
  let released = false;
  return {
    dataDir: dir,
    release() {
      if (released) return;
      released = true;
      held.delete(dir);
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}
