/**
 * Entry point for RxDB's own storage suites (DESIGN.md §5): our storage on one temporary folder with a fixed
 * test key. Every getRxStorage() call returns a storage on the same folder, so the same database name always
 * reaches the same encrypted file (the suites rely on that for persistence tests).
 *
 * The suites skip whole blocks on the capability flags of their `RxTestStorage` config
 * (`describe('attachments')` returns early without `hasAttachments`, `describe('multiInstance')` without
 * `hasMultiInstance`), so a runner must take the flags from here rather than assume RxDB's defaults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRxStorageSqlcipher } from '../../main/store/rx-storage-sqlcipher';
import type { RxStorageSqlcipher } from '../../main/store/rx-storage-sqlcipher';
import type { RxTestStorage } from 'rxdb/plugins/core';

export const name = 'sqlcipher';

/** Same file, same data after close and reopen. */
export const hasPersistence = true;
/**
 * Instances of one database in one process share a connection and its change events (connection-pool.ts), which
 * is what the suites' multiInstance block checks. Across OS processes nothing is propagated; RxDB only ever runs
 * in the main process (rxdb.md, "Where RxDB runs").
 */
export const hasMultiInstance = true;
/** createStorageInstance() refuses schemas with `attachments` (NOT_SUPPORTED). */
export const hasAttachments = false;
/** getChangedDocumentsSince() and checkpointed change events, as the replication plugin needs. */
export const hasReplication = true;

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

/** The whole `RxTestStorage` config RxDB's suites take (`setConfig({ storage })` in rxdb/plugins/test-utils). */
export const rxTestStorage: RxTestStorage = {
  name,
  getStorage: getRxStorage,
  getPerformanceStorage: () => ({ storage: getRxStorage(), description: `${name} (SQLCipher file, WAL)` }),
  hasPersistence,
  hasMultiInstance,
  hasAttachments,
  hasReplication,
};
