/**
 * Replacing the database's data key (issue 11 §3) as steps that survive a crash at any point:
 *
 *  1. `prepareRotatedFile`: with the database closed, copy it (`VACUUM INTO cunyi.db.rotating`), re-encrypt the
 *     copy with the new key, fsync it, rename it `cunyi.db.rotated`. The live file is only read.
 *  2. the key slots are rewritten with the new key (KeyVault.rotate): from here on the slots open only the new key.
 *  3. `swapInRotatedFile`: rename `cunyi.db.rotated` over `cunyi.db`.
 *
 * `resumeRotation` runs before every open with the key the slots gave: a `.rotating` file is an unfinished copy
 * and goes; a `.rotated` file that the key opens means step 2 happened, so step 3 is done now; one it does not
 * open means step 2 did not, so it goes and the live file (old key, old slots) stays. Either way the database
 * opens with the key its slots hold, never with neither.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/api/errors';
import { databasePath } from './database';
import { openEncryptedFile, rekeyCopy } from './sqlite-file';

export type RotationPhase = 'copy' | 'rekey' | 'slots' | 'swap' | 'reopen' | 'done';

const rotating = (dataDir: string) => `${databasePath(dataDir)}.rotating`;
const rotated = (dataDir: string) => `${databasePath(dataDir)}.rotated`;

function fsyncPath(path: string): void {
  // Windows cannot open a directory for fsync; NTFS journals the rename's metadata itself.
  if (process.platform === 'win32' && statSync(path).isDirectory()) return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeUnfinishedCopy(dataDir: string): void {
  for (const f of [rotating(dataDir), `${rotating(dataDir)}-journal`]) rmSync(f, { force: true });
}

/** Step 1. The database must be closed by its owner; this opens it itself, only to read. */
export function prepareRotatedFile(
  dataDir: string,
  oldKey: Buffer,
  newKey: Buffer,
  onProgress: (phase: RotationPhase) => void = () => undefined,
): void {
  const path = databasePath(dataDir);
  removeUnfinishedCopy(dataDir);
  rmSync(rotated(dataDir), { force: true });
  onProgress('copy');
  const db = openEncryptedFile(path, oldKey, { create: false });
  try {
    // VACUUM INTO writes a compact copy under the same key, including what is still only in the WAL.
    db.prepare('VACUUM INTO ?').run(rotating(dataDir));
  } finally {
    db.close();
  }
  onProgress('rekey');
  rekeyCopy(rotating(dataDir), oldKey, newKey);
  fsyncPath(rotating(dataDir));
  renameSync(rotating(dataDir), rotated(dataDir));
  fsyncPath(dirname(path));
}

/** Step 3. */
export function swapInRotatedFile(dataDir: string): void {
  const path = databasePath(dataDir);
  if (!existsSync(rotated(dataDir))) throw new AppError('NOT_FOUND', { file: rotated(dataDir) });
  // The old file's WAL must never be read against the new one. A clean close leaves none; if one is there it is
  // set aside, not deleted (STYLE.md §6).
  const wal = `${path}-wal`;
  if (existsSync(wal)) {
    if (statSync(wal).size > 0) renameSync(wal, `${wal}.before-rotation-${Date.now()}`);
    else rmSync(wal);
  }
  rmSync(`${path}-shm`, { force: true });
  renameSync(rotated(dataDir), path);
  fsyncPath(dirname(path));
}

/** Before opening with `key` (the key the slots hold now). */
export function resumeRotation(dataDir: string, key: Buffer): 'none' | 'finished' | 'discarded' {
  removeUnfinishedCopy(dataDir);
  const candidate = rotated(dataDir);
  if (!existsSync(candidate)) return 'none';
  try {
    openEncryptedFile(candidate, key, { readonly: true, create: false }).close();
  } catch (e) {
    // Only a copy the current key cannot open is safe to drop: the slots then still hold the live file's key.
    if (e instanceof AppError && e.code === 'WRONG_PASSWORD') {
      rmSync(candidate, { force: true });
      return 'discarded';
    }
    throw e;
  }
  swapInRotatedFile(dataDir);
  return 'finished';
}
