/**
 * A bulk load (a first sync) spaces the WAL's automatic checkpoints on the storage's connection and, when the last
 * overlapping load ends, puts the setting back and checkpoints the WAL into the file (connection-pool.ts). What was
 * committed during the load is in the file afterwards, and a load that is ended twice changes nothing more. A load
 * ended a moment later (`endAfter`, a first sync's answer first) keeps the WAL and the spacing until then.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireConnection, releaseConnection } from '../../../main/store/rx-storage-sqlcipher';
import { BULK_LOAD_CHECKPOINT_PAGES, type Connection } from '../../../main/store/rx-storage-sqlcipher/connection-pool';
import { openEncryptedFile } from '../../../main/store/sqlite-file';
import { makeTempDir, TEST_KEY, type TempDir } from '../../helpers/store';

let temp: TempDir;
let connection: Connection;
beforeEach(() => {
  temp = makeTempDir();
  connection = acquireConnection(join(temp.dir, 'bulk.db'), TEST_KEY);
  connection.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
});
afterEach(() => {
  releaseConnection(connection);
  temp.remove();
});

const autocheckpoint = () => Number(connection.db.pragma('wal_autocheckpoint', { simple: true }));
const walBytes = () => statSync(join(temp.dir, 'bulk.db-wal'), { throwIfNoEntry: false })?.size ?? 0;
/** The rows of t a second handle reads (what the file holds with the WAL copied into it). */
function rowsInFile(): unknown {
  const reader = openEncryptedFile(join(temp.dir, 'bulk.db'), TEST_KEY, { create: false });
  try {
    return reader.prepare('SELECT count(*) FROM t').pluck().get();
  } finally {
    reader.close();
  }
}

/** Commits `n` rows of about 2 KB in one transaction. */
function commitRows(n: number, from: number): void {
  const insert = connection.db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
  connection.transaction(() => {
    for (let i = from; i < from + n; i++) insert.run(i, `row ${i} `.padEnd(2000, 'x'));
  });
}

describe('bulk load', () => {
  it('spaces automatic checkpoints while it runs, then restores the setting and empties the WAL into the file', () => {
    expect(autocheckpoint()).toBe(1000);
    const load = connection.beginBulkLoad();
    expect(autocheckpoint()).toBe(BULK_LOAD_CHECKPOINT_PAGES);
    // 3 × 2,000 rows of 2 KB are about 3,000 pages: past SQLite's default of 1,000, so without the load each commit
    // would have checkpointed and restarted the WAL; with it, the WAL keeps every commit until the load ends.
    for (let b = 0; b < 3; b++) commitRows(2000, b * 2000);
    expect(walBytes()).toBeGreaterThan(3 * 2000 * 2000);
    load.end();
    expect(autocheckpoint()).toBe(1000);
    expect(walBytes()).toBe(0);
    // What was committed during the load is in the file itself: a second handle reads it with the WAL emptied.
    expect(rowsInFile()).toBe(6000);
  });

  it('ended later (a first sync answers first), keeps the WAL and the spacing until then, a commit in between included', async () => {
    const load = connection.beginBulkLoad();
    for (let b = 0; b < 3; b++) commitRows(2000, b * 2000);
    const loaded = walBytes();
    load.endAfter(200);
    // Right after: nothing copied yet, and a small commit (a save made just after the answer) does not copy the
    // load back inline, as it would with SQLite's default spacing.
    expect(walBytes()).toBe(loaded);
    commitRows(1, 6000);
    expect(autocheckpoint()).toBe(BULK_LOAD_CHECKPOINT_PAGES);
    expect(walBytes()).toBeGreaterThanOrEqual(loaded);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(autocheckpoint()).toBe(1000);
    expect(walBytes()).toBe(0);
    expect(rowsInFile()).toBe(6001);
  });

  it('ended later but closed first, leaves the copy to the close and nothing is lost', async () => {
    const load = connection.beginBulkLoad();
    for (let b = 0; b < 2; b++) commitRows(2000, b * 2000);
    load.endAfter(100);
    releaseConnection(connection);
    // The timer then finds the handle closed and does nothing (no throw from a timer, which would end the process).
    await new Promise((resolve) => setTimeout(resolve, 250));
    connection = acquireConnection(join(temp.dir, 'bulk.db'), TEST_KEY);
    expect(connection.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(4000);
    expect(autocheckpoint()).toBe(1000);
  });

  it('restores the setting only when the last of overlapping loads ends, and ignores a second end()', () => {
    connection.db.pragma('wal_autocheckpoint = 500');
    const first = connection.beginBulkLoad();
    const second = connection.beginBulkLoad();
    first.end();
    first.end();
    expect(autocheckpoint()).toBe(BULK_LOAD_CHECKPOINT_PAGES);
    second.end();
    expect(autocheckpoint()).toBe(500);
  });
});
