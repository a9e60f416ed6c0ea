/**
 * A projection registered on a file that already holds many documents is rebuilt from all of them. The rebuild
 * writes its rows between pages of the documents on the same connection, which an open cursor would refuse
 * ("This database connection is busy executing a query"), as it did at the first 1,000 of a township's documents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { registerProjection, type Projection } from '../../../main/store/rx-storage-sqlcipher';
import type { RxStorageInstanceSqlcipher } from '../../../main/store/rx-storage-sqlcipher/rx-storage-instance-sqlcipher';
import { openTestStore, residentDoc, residentSchema, type ResidentDoc, type TestStore } from '../../helpers/store';

let store: TestStore | null = null;
afterEach(async () => {
  await store?.dispose();
  store = null;
});

describe('projection rebuild over an existing file', () => {
  it('applies every live document, past the first page of 1,000', async () => {
    store = openTestStore();
    const instance = await store.open<ResidentDoc>('residents', residentSchema());
    const docs = Array.from({ length: 2_500 }, (_v, i) => residentDoc({ id: `r${String(i).padStart(5, '0')}` }));
    const errors = await instance.bulkWrite(docs.map((document) => ({ document })), 'test');
    expect(errors.error).toEqual([]);
    const seen = new Set<string>();
    const projection: Projection = {
      name: 'count',
      version: 1,
      collections: ['residents'],
      create: (db) => db.exec('CREATE TABLE IF NOT EXISTS p_count (id TEXT PRIMARY KEY)'),
      drop: (db) => db.exec('DROP TABLE IF EXISTS p_count'),
      apply: (db, _collection, written) => {
        const insert = db.prepare('INSERT OR REPLACE INTO p_count (id) VALUES (?)');
        for (const d of written) {
          insert.run(String(d['id']));
          seen.add(String(d['id']));
        }
      },
    };
    const connection = (instance as unknown as RxStorageInstanceSqlcipher<ResidentDoc>).internals.connection;
    registerProjection(connection, 'clinic', projection);
    expect(seen.size).toBe(2_500);
    expect(connection.db.prepare('SELECT count(*) FROM p_count').pluck().get()).toBe(2_500);
  });
});
