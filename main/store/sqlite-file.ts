/**
 * Opens the clinic's encrypted SQLite file. The file is SQLCipher 4 compatible (so `sqlcipher` can open it for
 * support work) and keyed with the raw 256-bit data key: the slow password KDF runs once, in the key slots, never
 * here. A file that cannot be opened is reported and left exactly as it was: health records are never "recovered"
 * by deleting or rewriting them (STYLE.md §6).
 */
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/api/errors';

export type Database = BetterSqlite3.Database;

export interface OpenEncryptedFileOptions {
  readonly?: boolean;
  /** Create the file when it does not exist (default true; false makes a missing file NOT_FOUND). */
  create?: boolean;
}

export const DATA_KEY_BYTES = 32;
/** `PRAGMA legacy=4` fixes SQLCipher 4's page size; every intact file is a whole number of these. */
export const PAGE_SIZE = 4096;
const BUSY_TIMEOUT_MS = 5000;
const CACHE_KIB = 65_536;
const PLAINTEXT_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const HEX_DIGITS = '0123456789abcdef';

/**
 * Builds SQLite3MC's raw-key literal `x'<64 hex>'` in a Buffer we can wipe, so the key never becomes an
 * immutable JS string that lingers in the heap.
 */
function rawKeyLiteral(key: Buffer): Buffer {
  const literal = Buffer.alloc(3 + key.length * 2);
  literal[0] = 0x78; // x
  literal[1] = 0x27; // '
  for (let i = 0; i < key.length; i++) {
    const byte = key[i] ?? 0;
    literal[2 + i * 2] = HEX_DIGITS.charCodeAt(byte >> 4);
    literal[3 + i * 2] = HEX_DIGITS.charCodeAt(byte & 0x0f);
  }
  literal[literal.length - 1] = 0x27;
  return literal;
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(PLAINTEXT_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * What can be told from the file's size and first bytes alone, before any key is tried. SQLite reports both a
 * wrong key and a damaged first page as "file is not a database"; these checks catch the damage it can't tell apart.
 */
function inspectExistingFile(path: string, create: boolean): void {
  const size = statSync(path).size;
  if (size === 0) {
    // An empty file is what SQLite leaves when creation was interrupted; only a caller creating a store may use it.
    if (!create) throw new AppError('DATA_DAMAGED', { path, reason: 'empty' });
    return;
  }
  if (size < PAGE_SIZE || size % PAGE_SIZE !== 0) {
    throw new AppError('DATA_DAMAGED', { path, reason: 'truncated', size });
  }
  if (readHeader(path).equals(PLAINTEXT_HEADER)) {
    throw new AppError('DATA_DAMAGED', { path, reason: 'not-encrypted' });
  }
}

function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * Opens (or creates) an SQLCipher-4 file keyed with a raw 32-byte key, in WAL mode (the WAL pages are encrypted
 * too). Errors: WRONG_PASSWORD (the key does not decrypt the file), DATA_DAMAGED (truncated, corrupt, empty or
 * unencrypted file), NOT_FOUND (missing file with `create: false`).
 */
export function openEncryptedFile(path: string, key: Buffer, opts: OpenEncryptedFileOptions = {}): Database {
  if (key.length !== DATA_KEY_BYTES) {
    throw new RangeError(`data key must be ${DATA_KEY_BYTES} bytes, got ${key.length}`);
  }
  const readonly = opts.readonly ?? false;
  const create = (opts.create ?? true) && !readonly;
  const exists = existsSync(path);
  if (!exists && !create) throw new AppError('NOT_FOUND', { path });
  if (exists) inspectExistingFile(path, create);

  const db = new BetterSqlite3(path, { readonly, fileMustExist: !create, timeout: BUSY_TIMEOUT_MS });
  try {
    // Cipher settings must precede the key; `legacy=4` pins SQLCipher 4's page size, HMAC and KDF defaults.
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    const literal = rawKeyLiteral(key);
    try {
      db.key(literal);
    } finally {
      literal.fill(0);
    }
    verifyKey(db, path);
    if (!readonly) {
      // Only after the key is proven: switching to WAL writes the header, and a failed open must not touch the file.
      db.pragma('journal_mode = WAL');
      // Village clinics lose power often; FULL makes each committed record survive a power cut, not just a crash.
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    // Temporary tables and sort spills must never reach disk: SQLCipher does not encrypt temp files it never writes.
    db.pragma('temp_store = MEMORY');
    // Every page read from disk is decrypted and HMAC-checked; 64 MiB of cache keeps a clinic's hot index pages
    // decrypted (bench/store.ts: counting a year's follow-ups ran several times faster than with the 2 MiB default).
    db.pragma(`cache_size = -${CACHE_KIB}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Re-encrypts a closed file from `oldKey` to `newKey` in place (SQLite3MC's rekey rewrites every page). Only for a
 * copy made for the purpose (main/store/key-rotation.ts): rekey needs a rollback journal, never WAL, and a crash
 * part-way leaves the copy unusable, so it is thrown away and made again. Errors: WRONG_PASSWORD, DATA_DAMAGED.
 */
export function rekeyCopy(path: string, oldKey: Buffer, newKey: Buffer): void {
  if (newKey.length !== DATA_KEY_BYTES) throw new RangeError(`data key must be ${DATA_KEY_BYTES} bytes`);
  const db = new BetterSqlite3(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    const old = rawKeyLiteral(oldKey);
    try {
      db.key(old);
    } finally {
      old.fill(0);
    }
    verifyKey(db, path);
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    const next = rawKeyLiteral(newKey);
    try {
      db.rekey(next);
    } finally {
      next.fill(0);
    }
  } finally {
    db.close();
  }
}

function verifyKey(db: Database, path: string): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
  } catch (error) {
    const code = sqliteCode(error);
    // Size and header were checked before, so "not a database" here means the key does not decrypt page 1.
    if (code === 'SQLITE_NOTADB') throw new AppError('WRONG_PASSWORD', { path });
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_IOERR_SHORT_READ') {
      throw new AppError('DATA_DAMAGED', { path, reason: 'corrupt', sqliteCode: code });
    }
    throw error;
  }
}

/**
 * Prepares each SQL text once and keeps it: `private readonly prepare = statementCache(() => this.db)` in a class
 * that runs the same few statements over and over (caches filled in slices, their dirty lists).
 */
export function statementCache(db: () => Database): (sql: string) => BetterSqlite3.Statement<unknown[]> {
  const statements = new Map<string, BetterSqlite3.Statement<unknown[]>>();
  return (sql) => {
    let s = statements.get(sql);
    if (!s) {
      s = db().prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
}

/**
 * Runs `run` (one or more transactions) with commits that do not wait for the disk: WAL with synchronous = NORMAL.
 * The file stays consistent; a power cut can lose only the newest such commits, and the next FULL commit (or
 * checkpoint) makes them durable. For writes that can always be redone: caches a pass recomputes, rebuilt
 * projections whose version is recorded last, pulled pages whose checkpoint commits with them. Only WAL keeps the
 * file consistent without the fsync, so a rollback journal keeps the connection's setting. better-sqlite3 is
 * synchronous, so no other transaction on this connection runs before the setting is restored.
 */
export function withoutSync<T>(db: Database, run: () => T): T {
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return run();
  const previous = Number(db.pragma('synchronous', { simple: true }));
  db.pragma('synchronous = NORMAL');
  try {
    return run();
  } finally {
    db.pragma(`synchronous = ${previous}`);
  }
}

/**
 * Runs `run` (deletes or drops of derived rows) with `secure_delete = FAST` instead of SQLCipher's ON, which zeroes
 * every freed page and writes it to the WAL: emptying or dropping a large derived table then costs seconds per
 * hundred thousand rows (a cold day's work-list wipe at 30,000 residents 4.6 s against 1.2 s; the old search table's
 * drop at an upgrade's sign-in some 40 s at 200,000, loaded). FAST still clears deleted content from every page it
 * writes anyway; the freed pages keep their content, encrypted with the file's key like every page, until reused,
 * which the rebuild or pass that follows does at once. Only for rows derived from the documents (projections,
 * caches), never for deleting documents. The previous setting is restored, as `withoutSync` does.
 */
export function withoutZeroing<T>(db: Database, run: () => T): T {
  const previous = Number(db.pragma('secure_delete', { simple: true }));
  db.pragma('secure_delete = FAST');
  try {
    return run();
  } finally {
    db.pragma(`secure_delete = ${previous}`);
  }
}

/**
 * Runs `PRAGMA integrity_check` (every page is decrypted and its HMAC checked). SQLite throws instead of listing
 * problems when a page cannot be read at all; that is reported as a failed check, not an exception.
 */
export function integrityCheck(db: Database): { ok: boolean; messages: string[] } {
  let messages: string[];
  try {
    messages = db
      .prepare('PRAGMA integrity_check')
      .pluck()
      .all()
      .map((row) => String(row));
  } catch (error) {
    const code = sqliteCode(error) ?? 'UNKNOWN';
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, messages: [`${code}: ${message}`] };
  }
  const ok = messages.length === 1 && messages[0] === 'ok';
  return { ok, messages: ok ? [] : messages };
}
