/**
 * Entry point for RxDB's own storage suites (DESIGN.md §5): our storage on one temporary folder with a fixed
 * test key. Every getRxStorage() call returns a storage on the same folder, so the same database name always
 * reaches the same encrypted file (the suites rely on that for persistence tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRxStorageSqlcipher } from '../../main/store/rx-storage-sqlcipher';
import type { RxStorageSqlcipher } from '../../main/store/rx-storage-sqlcipher';

export const name = 'sqlcipher';

/** Fixed and public: only ever used for throw-away test data. */
const CONFORMANCE_KEY = Buffer.from('c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0c0f0', 'hex');

let directory: string | undefined;

function testDirectory(): string {
  if (!directory) {
    const created = mkdtempSync(join(tmpdir(), 'cunyi-rx-conformance-'));
    directory = created;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return directory;
}

export function getRxStorage(): RxStorageSqlcipher {
  return getRxStorageSqlcipher({ directory: testDirectory(), key: CONFORMANCE_KEY });
}
