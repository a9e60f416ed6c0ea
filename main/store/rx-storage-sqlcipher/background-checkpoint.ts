/**
 * Copies a WAL into its database file from a second connection in a worker thread. After a first sync the WAL holds
 * the whole load (185 MB at 3,000 residents): checkpointing it on the storage's own connection held the thread that
 * serves the app for 5–9 s, mostly waiting on the disk (bench/sync.ts, issue 13). In the worker a PASSIVE checkpoint
 * copies the frames without blocking writers or readers on the storage's connection, then a TRUNCATE one (quick by
 * then: only what was committed meanwhile) gives the WAL's disk space back.
 *
 * The worker is plain JavaScript evaluated in place, so it needs neither a TypeScript loader nor an entry in the
 * bundle; it loads the same native module the storage uses and keys its connection as openEncryptedFile does
 * (SQLCipher 4 settings, raw key). Anything that goes wrong (the module cannot load in the worker, the file is gone)
 * is reported as `ok: false`, and the caller checkpoints on its own connection as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type BackgroundCheckpointResult =
  | { ok: true; /** SQLite's (busy, log, checkpointed) of the final TRUNCATE checkpoint. */ truncate: [number, number, number] }
  | { ok: false; error: string };

/** How long the final TRUNCATE checkpoint waits for a writer on the storage's connection (SQLite's busy timeout). */
const BUSY_TIMEOUT_MS = 5000;

// Keep the cipher settings in step with openEncryptedFile (main/store/sqlite-file.ts); the bulk-load test proves the
// worker reads a file that function made. The key literal is built in a Buffer that is wiped, never a string.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const key = Buffer.from(workerData.key);
const literal = Buffer.alloc(3 + key.length * 2);
let db;
try {
  const hex = '0123456789abcdef';
  literal[0] = 0x78;
  literal[1] = 0x27;
  for (let i = 0; i < key.length; i++) {
    literal[2 + i * 2] = hex.charCodeAt(key[i] >> 4);
    literal[3 + i * 2] = hex.charCodeAt(key[i] & 15);
  }
  literal[literal.length - 1] = 0x27;
  db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  db.pragma("cipher='sqlcipher'");
  db.pragma('legacy=4');
  db.key(literal);
  db.pragma('wal_checkpoint(PASSIVE)');
  const row = db.pragma('wal_checkpoint(TRUNCATE)')[0];
  parentPort.postMessage({ ok: true, truncate: [row.busy, row.log, row.checkpointed] });
} catch (e) {
  parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
} finally {
  key.fill(0);
  literal.fill(0);
  if (db) db.close();
}
`;

/**
 * Checkpoints `path`'s WAL in a worker thread; resolves when it is done (never rejects). The worker does not keep the
 * process alive: a process that exits meanwhile leaves the WAL to the next open (SQLite's checkpoint is crash-safe).
 */
export function checkpointInBackground(path: string, key: Buffer): Promise<BackgroundCheckpointResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: BackgroundCheckpointResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    let worker: Worker;
    const keyCopy = new Uint8Array(key);
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        name: 'cunyi-checkpoint',
        workerData: { module, path, key: keyCopy, busyTimeoutMs: BUSY_TIMEOUT_MS },
      });
    } catch (e) {
      settle({ ok: false, error: e instanceof Error ? e.message : String(e) });
      return;
    } finally {
      keyCopy.fill(0);
    }
    worker.unref();
    worker.once('message', (m: BackgroundCheckpointResult) => settle(m));
    worker.once('error', (e) => settle({ ok: false, error: e.message }));
    worker.once('exit', (code) => settle({ ok: false, error: `checkpoint worker exited (${code}) without an answer` }));
  });
}
