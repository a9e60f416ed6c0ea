import { createHash } from 'node:crypto';
import { existsSync, readFileSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityCheck, openEncryptedFile, PAGE_SIZE, withoutZeroing } from '../../../main/store/sqlite-file';
import type { Database } from '../../../main/store/sqlite-file';
import { AppError, isAppError } from '../../../shared/api/errors';
import { getRxStorageSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { makeTempDir, OTHER_KEY, prepare, residentDoc, residentSchema, TEST_KEY } from '../../helpers/store';
import type { ResidentDoc, TempDir } from '../../helpers/store';

let temp: TempDir;
const open: Database[] = [];
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  temp.remove();
});

function track(db: Database): Database {
  open.push(db);
  return db;
}

/** A closed store with 200 residents named 王建国 (pinyin in another field), several pages long. */
function makeStore(name = 'clinic.db'): string {
  const path = join(temp.dir, name);
  const db = openEncryptedFile(path, TEST_KEY);
  db.exec('CREATE TABLE residents (id TEXT PRIMARY KEY, name TEXT, pinyin TEXT)');
  const insert = db.prepare('INSERT INTO residents VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 200; i++) insert.run(`r${i}`, '王建国', `wangjianguo ${'x'.repeat(100)}`);
  })();
  db.close();
  return path;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAppError(error) ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

function fingerprint(path: string): string {
  const hash = createHash('sha256');
  // -shm is SQLite's shared-memory index, rewritten by every reader; it holds no data.
  for (const suffix of ['', '-wal']) {
    hash.update(suffix);
    if (existsSync(path + suffix)) hash.update(readFileSync(path + suffix));
  }
  return hash.digest('hex');
}

describe('openEncryptedFile', () => {
  it('creates a WAL-mode SQLCipher file that reopens with the same key', () => {
    const path = makeStore();
    const db = track(openEncryptedFile(path, TEST_KEY));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT count(*) FROM residents').pluck().get()).toBe(200);
  });

  it('is readable by stock SQLCipher 4 settings with the raw key (interoperability)', () => {
    const path = makeStore();
    const db = track(new BetterSqlite3(path, { readonly: true }));
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`key="x'${TEST_KEY.toString('hex')}'"`);
    expect(db.prepare('SELECT count(*) FROM residents').pluck().get()).toBe(200);
  });

  it('leaves neither the SQLite header nor resident names in plaintext, in the file or its WAL', () => {
    const path = makeStore();
    const db = track(openEncryptedFile(path, TEST_KEY));
    // Keep the WAL alive: write after disabling checkpoints so the frames stay in the -wal file.
    db.pragma('wal_autocheckpoint = 0');
    db.prepare('INSERT INTO residents VALUES (?, ?, ?)').run('r-wal', '王建国', 'wangjianguo');
    const wal = readFileSync(`${path}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    for (const bytes of [readFileSync(path), wal]) {
      expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
      expect(bytes.includes(Buffer.from('王建国', 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from('王建国', 'utf16le'))).toBe(false);
      expect(bytes.includes(Buffer.from('wangjianguo'))).toBe(false);
    }
  });

  it('reports WRONG_PASSWORD for another key and leaves the file (and WAL) byte for byte', () => {
    const path = makeStore();
    const holder = track(openEncryptedFile(path, TEST_KEY));
    holder.pragma('wal_autocheckpoint = 0');
    holder.prepare('INSERT INTO residents VALUES (?, ?, ?)').run('r-wal', '王建国', 'wangjianguo');
    const before = fingerprint(path);
    expect(codeOf(() => openEncryptedFile(path, OTHER_KEY))).toBe('WRONG_PASSWORD');
    expect(codeOf(() => openEncryptedFile(path, OTHER_KEY, { readonly: true }))).toBe('WRONG_PASSWORD');
    expect(fingerprint(path)).toBe(before);
    holder.close();
    const closedBefore = fingerprint(path);
    expect(codeOf(() => openEncryptedFile(path, OTHER_KEY))).toBe('WRONG_PASSWORD');
    expect(fingerprint(path)).toBe(closedBefore);
  });

  it.each([
    ['shorter than a page', 100, ['DATA_DAMAGED']],
    ['not a whole number of pages', PAGE_SIZE * 2 + 10, ['DATA_DAMAGED']],
    // Losing whole pages can leave page 1 intact: then the open succeeds and the integrity check finds it.
    ['missing whole pages', PAGE_SIZE * 2, ['DATA_DAMAGED', 'INTEGRITY_CHECK_FAILED']],
  ])('finds a file %s damaged and leaves it as it is', (_label, size, expected) => {
    const path = makeStore();
    truncateSync(path, size);
    const before = fingerprint(path);
    const outcome =
      codeOf(() => {
        const db = track(openEncryptedFile(path, TEST_KEY));
        if (!integrityCheck(db).ok) throw new AppError('INTERNAL', {}, 'INTEGRITY_CHECK_FAILED');
      }) ?? 'OPENED_INTACT';
    expect(expected).toContain(outcome === 'INTERNAL' ? 'INTEGRITY_CHECK_FAILED' : outcome);
    expect(fingerprint(path)).toBe(before);
  });

  it('reports DATA_DAMAGED for an empty file unless creating, and for an unencrypted SQLite file', () => {
    const empty = join(temp.dir, 'empty.db');
    writeFileSync(empty, Buffer.alloc(0));
    expect(codeOf(() => openEncryptedFile(empty, TEST_KEY, { create: false }))).toBe('DATA_DAMAGED');
    const plain = join(temp.dir, 'plain.db');
    const db = new BetterSqlite3(plain);
    db.exec('CREATE TABLE t (a)');
    db.close();
    expect(codeOf(() => openEncryptedFile(plain, TEST_KEY))).toBe('DATA_DAMAGED');
  });

  it('reports NOT_FOUND for a missing file with create: false, without creating it', () => {
    const path = join(temp.dir, 'missing.db');
    expect(codeOf(() => openEncryptedFile(path, TEST_KEY, { create: false }))).toBe('NOT_FOUND');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => openEncryptedFile(join(temp.dir, 'x.db'), Buffer.alloc(16))).toThrow(RangeError);
  });

  it('opens read-only without writing', () => {
    const path = makeStore();
    const before = fingerprint(path);
    const db = track(openEncryptedFile(path, TEST_KEY, { readonly: true }));
    expect(db.prepare('SELECT count(*) FROM residents').pluck().get()).toBe(200);
    expect(() => db.exec('DELETE FROM residents')).toThrow();
    db.close();
    expect(fingerprint(path)).toBe(before);
  });
});

describe('temporary storage', () => {
  it('keeps temp tables and sorts in memory, never in unencrypted temp files (issue 11)', () => {
    const path = makeStore();
    const db = track(openEncryptedFile(path, TEST_KEY));
    // 2 = MEMORY (https://sqlite.org/pragma.html#pragma_temp_store)
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    db.close();
    const ro = track(openEncryptedFile(path, TEST_KEY, { readonly: true }));
    expect(ro.pragma('temp_store', { simple: true })).toBe(2);
  });
});

describe('integrityCheck', () => {
  it('is ok for an intact file', () => {
    const db = track(openEncryptedFile(makeStore(), TEST_KEY));
    expect(integrityCheck(db)).toEqual({ ok: true, messages: [] });
  });

  it('fails, without throwing, when a page in the middle was overwritten', () => {
    const path = makeStore();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(64, 7), 0, 64, PAGE_SIZE * 3 + 200);
    closeSync(fd);
    const db = track(openEncryptedFile(path, TEST_KEY));
    const result = integrityCheck(db);
    expect(result.ok).toBe(false);
    expect(result.messages.length).toBeGreaterThan(0);
  });
});

describe('the storage on disk', () => {
  it('stores RxDB documents encrypted and refuses the file with another key', async () => {
    const schema = residentSchema();
    const storage = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY });
    const rx = await storage.createStorageInstance<ResidentDoc>({
      databaseInstanceToken: 'tok',
      databaseName: 'clinic',
      collectionName: 'residents',
      schema,
      options: {},
      multiInstance: false,
      devMode: true,
    });
    await rx.bulkWrite([{ document: residentDoc({ id: 'r1', name: '王建国', address: { street: 'wangjianguo lu' } }) }], 't');
    const path = join(temp.dir, 'clinic.db');
    for (const file of [path, `${path}-wal`].filter((f) => existsSync(f))) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
      expect(bytes.includes(Buffer.from('王建国'))).toBe(false);
      expect(bytes.includes(Buffer.from('wangjianguo'))).toBe(false);
    }
    const other = getRxStorageSqlcipher({ directory: temp.dir, key: OTHER_KEY });
    const error: unknown = await other
      .createStorageInstance<ResidentDoc>({
        databaseInstanceToken: 'tok2',
        databaseName: 'clinic',
        collectionName: 'residents',
        schema,
        options: {},
        multiInstance: false,
        devMode: true,
      })
      .catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('WRONG_PASSWORD');
    expect((await rx.query(prepare(schema, { selector: {} }))).documents).toHaveLength(1);
    await rx.close();
    expect(
      await other
        .createStorageInstance<ResidentDoc>({
          databaseInstanceToken: 'tok3',
          databaseName: 'clinic',
          collectionName: 'residents',
          schema,
          options: {},
          multiInstance: false,
          devMode: true,
        })
        .catch((e: unknown) => (isAppError(e) ? e.code : e)),
    ).toBe('WRONG_PASSWORD');
  });
});

describe('withoutZeroing', () => {
  /** An open store with one derived table of 2,000 rows (about 120 pages), checkpointed so the WAL starts empty. */
  function storeWithTable(name: string): { db: Database; wal: string } {
    const path = join(temp.dir, name);
    const db = track(openEncryptedFile(path, TEST_KEY));
    db.exec('CREATE TABLE p_derived (id TEXT PRIMARY KEY, body TEXT)');
    const insert = db.prepare('INSERT INTO p_derived VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run(`r${i}`, `王建国 ${'x'.repeat(200)}`);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { db, wal: `${path}-wal` };
  }

  it('drops a table without writing every freed page, and puts the setting back', () => {
    const zeroed = storeWithTable('zeroed.db');
    const fast = storeWithTable('fast.db');
    const before = Number(fast.db.pragma('secure_delete', { simple: true }));
    expect(before).toBe(Number(zeroed.db.pragma('secure_delete', { simple: true })));
    expect(before).toBe(1);
    zeroed.db.exec('DROP TABLE p_derived');
    withoutZeroing(fast.db, () => {
      expect(Number(fast.db.pragma('secure_delete', { simple: true }))).toBe(2);
      fast.db.exec('DROP TABLE p_derived');
    });
    expect(Number(fast.db.pragma('secure_delete', { simple: true }))).toBe(before);
    const zeroedWal = readFileSync(zeroed.wal).length;
    const fastWal = readFileSync(fast.wal).length;
    expect(zeroedWal).toBeGreaterThan(50 * PAGE_SIZE);
    expect(fastWal).toBeLessThan(zeroedWal / 5);
    expect(integrityCheck(fast.db).ok).toBe(true);
  });

  it('puts the setting back when the work throws', () => {
    const { db } = storeWithTable('throws.db');
    expect(() =>
      withoutZeroing(db, () => {
        throw new AppError('INTERNAL');
      }),
    ).toThrow();
    expect(Number(db.pragma('secure_delete', { simple: true }))).toBe(1);
  });
});
