/**
 * The resumable rebuild's fixtures (issue 10 §4), and the child process of its `kill -9` test: opens the store in
 * `<dir>`, registers `rebuildProjection` deferred, and rebuilds it; after `<stallAfter>` documents applied it blocks
 * inside the page's open transaction, tells the parent (a `child-stalled` file) and waits to be killed.
 * Run with node and tsx's loader: `rebuild-child.ts <dir> <stallAfter>`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken, type RxStorageInstance } from 'rxdb/plugins/core';
import { getRxStorageSqlcipher, registerProjection, type Projection, type SqlcipherInstanceCreationOptions } from '../../../main/store/rx-storage-sqlcipher';
import type { Connection } from '../../../main/store/rx-storage-sqlcipher';
import type { RxStorageInstanceSqlcipher } from '../../../main/store/rx-storage-sqlcipher/rx-storage-instance-sqlcipher';
import { residentSchema, TEST_KEY, type ResidentDoc } from '../../helpers/store';

export interface OpenResidents {
  instance: RxStorageInstance<ResidentDoc, unknown, SqlcipherInstanceCreationOptions>;
  connection: Connection;
  close(): Promise<void>;
}

/** The `residents` collection of the store in `dir` (the file stays when it is closed: reopen it). */
export async function openResidentsAt(dir: string): Promise<OpenResidents> {
  const storage = getRxStorageSqlcipher({ directory: dir, key: TEST_KEY });
  const instance = await storage.createStorageInstance<ResidentDoc>({
    databaseInstanceToken: randomToken(10),
    databaseName: 'clinic',
    collectionName: 'residents',
    schema: residentSchema(),
    options: {},
    multiInstance: false,
    devMode: true,
  });
  const connection = (instance as unknown as RxStorageInstanceSqlcipher<ResidentDoc>).internals.connection;
  return { instance, connection, close: () => instance.close() };
}

/**
 * A projection like the clinic's (each `apply` replaces a document's own rows, a tombstone removes them) into
 * `p_<name>`; `onApply` sees every document applied, in order.
 */
export function rebuildProjection(name: string, onApply: (id: string) => void = () => undefined): Projection {
  const table = `p_${name}`;
  return {
    name,
    version: 1,
    collections: ['residents'],
    create: (db) => db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, family TEXT NOT NULL, age INTEGER NOT NULL)`),
    drop: (db) => db.exec(`DROP TABLE IF EXISTS ${table}`),
    apply: (db, _collection, written) => {
      const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
      const insert = db.prepare(`INSERT OR REPLACE INTO ${table} (id, family, age) VALUES (?, ?, ?)`);
      for (const d of written) {
        const id = String(d['id']);
        onApply(id);
        remove.run(id);
        if (!d._deleted) insert.run(id, String(d['name']), Number(d['age']));
      }
    },
  };
}

if (process.argv[1]?.endsWith('rebuild-child.ts')) {
  const [dir, stallAfter] = process.argv.slice(2) as [string, string];
  const { connection } = await openResidentsAt(dir);
  let applied = 0;
  const projection = rebuildProjection('resumed', () => {
    if (++applied !== Number(stallAfter)) return;
    writeFileSync(join(dir, 'child-stalled'), String(applied));
    // Block the thread inside the page's open transaction until the parent kills this process.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
  registerProjection(connection, 'clinic', projection, { deferRebuild: true });
  await connection.projections.rebuildPending();
}
