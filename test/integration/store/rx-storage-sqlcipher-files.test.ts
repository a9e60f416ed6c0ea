/**
 * How the storage maps databases to files and tables: default and custom file names, the app's own handle,
 * a schema version that gains an index, and the conformance entry point (DESIGN.md §5).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomToken } from 'rxdb/plugins/core';
import type { RxDocumentData, RxJsonSchema, RxStorage } from 'rxdb/plugins/core';
import {
  acquireConnection,
  defaultFileName,
  getRxStorageSqlcipher,
  openConnectionPaths,
  releaseConnection,
} from '../../../main/store/rx-storage-sqlcipher';
import { tableNameFor } from '../../../main/store/rx-storage-sqlcipher/sqlcipher-helpers';
import { getRxStorage, name as conformanceName, rxTestStorage } from '../../conformance/rx-storage';
import { makeTempDir, prepare, residentDoc, residentSchema, TEST_KEY } from '../../helpers/store';
import type { ResidentDoc, TempDir } from '../../helpers/store';

let temp: TempDir;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  temp.remove();
});

function create<T>(
  storage: RxStorage<unknown, unknown>,
  databaseName: string,
  collectionName: string,
  schema: RxJsonSchema<RxDocumentData<T>>,
) {
  return storage.createStorageInstance<T>({
    databaseInstanceToken: randomToken(10),
    databaseName,
    collectionName,
    schema,
    options: {},
    multiInstance: false,
    devMode: true,
  });
}

describe('files', () => {
  it('puts every collection of a database in one file named after it, and shares one handle', async () => {
    const storage = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY });
    const residents = await create<ResidentDoc>(storage, 'clinic', 'residents', residentSchema());
    const households = await create<ResidentDoc>(storage, 'clinic', 'households', residentSchema());
    expect(readdirSync(temp.dir).filter((f) => f.endsWith('.db'))).toEqual(['clinic.db']);
    expect(openConnectionPaths().filter((p) => p.startsWith(temp.dir))).toEqual([join(temp.dir, 'clinic.db')]);
    await residents.close();
    expect(openConnectionPaths().filter((p) => p.startsWith(temp.dir))).toHaveLength(1);
    await households.close();
    expect(openConnectionPaths().filter((p) => p.startsWith(temp.dir))).toEqual([]);
  });

  it('never leaves the directory, whatever the database name', () => {
    expect(defaultFileName('clinic')).toBe('clinic.db');
    for (const hostile of ['../escape', '/etc/passwd', '..', 'a/../../b', 'C:\\x']) {
      const file = defaultFileName(hostile);
      expect(file).not.toContain('/');
      expect(file).not.toContain('\\');
      expect(file.startsWith('.')).toBe(false);
    }
  });

  it('uses a custom fileName resolved against the directory', async () => {
    const storage = getRxStorageSqlcipher({
      directory: temp.dir,
      key: TEST_KEY,
      fileName: (databaseName) => `store-${databaseName}.sqlite`,
    });
    const rx = await create<ResidentDoc>(storage, 'clinic', 'residents', residentSchema());
    expect(existsSync(join(temp.dir, 'store-clinic.sqlite'))).toBe(true);
    await rx.close();
  });

  it('joins the connection the app holds (the app\'s path), keeps database names apart in it, and leaves it open', async () => {
    const held = acquireConnection(join(temp.dir, 'app.db'), TEST_KEY);
    const db = held.db;
    try {
      const storage = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY, fileName: () => 'app.db' });
      const a = await create<ResidentDoc>(storage, 'clinic-a', 'residents', residentSchema());
      const b = await create<ResidentDoc>(storage, 'clinic-b', 'residents', residentSchema());
      await a.bulkWrite([{ document: residentDoc({ id: 'r1' }) }], 'test');
      expect(await b.findDocumentsById(['r1'], true)).toEqual([]);
      await a.close();
      await b.close();
      expect(db.open).toBe(true);
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
      expect(tables).toEqual([tableNameFor('clinic-a', 'residents', 0), tableNameFor('clinic-b', 'residents', 0)]);
      expect(openConnectionPaths()).toContain(held.path);
    } finally {
      releaseConnection(held);
    }
    expect(db.open).toBe(false);
  });
});

describe('schema changes within one version', () => {
  it('adds and fills the key column of a new index (old documents are found through it), and drops a removed one', async () => {
    const storage = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY });
    const base = residentSchema();
    const without: RxJsonSchema<RxDocumentData<ResidentDoc>> = {
      ...base,
      indexes: (base.indexes ?? []).filter((index) => !(Array.isArray(index) && index.includes('age'))),
    };
    const before = await create<ResidentDoc>(storage, 'clinic', 'residents', without);
    await before.bulkWrite(
      [30, 70, 50].map((age, i) => ({ document: residentDoc({ id: `r${i}`, age }) })),
      'test',
    );
    await before.close();
    const after = await create<ResidentDoc>(storage, 'clinic', 'residents', base);
    const query = prepare(base, { selector: { _deleted: { $eq: false }, age: { $gte: 40 } }, sort: [{ age: 'asc' }] });
    expect(query.queryPlan.index).toEqual(['_deleted', 'age', 'id']);
    expect((await after.query(query)).documents.map((d) => d.age)).toEqual([50, 70]);
    await after.close();

    // And back: the dropped index's column goes too, so writes without it still succeed.
    const again = await create<ResidentDoc>(storage, 'clinic', 'residents', without);
    expect((await again.bulkWrite([{ document: residentDoc({ id: 'r9', age: 90 }) }], 'test')).error).toEqual([]);
    expect((await again.findDocumentsById(['r0', 'r9'], false)).map((d) => d.id)).toEqual(['r0', 'r9']);
    await again.close();
  });
});

describe('conformance entry point', () => {
  it("declares the flags RxDB's suites skip on as what the storage does", async () => {
    // The suites drop their attachment block without hasAttachments and run their multiInstance block with
    // hasMultiInstance; the latter is proven in rx-storage-sqlcipher.test.ts (two instances, one change stream).
    expect(rxTestStorage).toMatchObject({
      name: 'sqlcipher',
      hasPersistence: true,
      hasMultiInstance: true,
      hasAttachments: false,
      hasReplication: true,
    });
    const refused = await create<ResidentDoc>(rxTestStorage.getStorage(), `conf-${randomToken(8)}`, 'residents', {
      ...residentSchema(),
      attachments: {},
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('returns storages that see the same data for the same database name', async () => {
    expect(conformanceName).toBe('sqlcipher');
    const databaseName = `conf-${randomToken(8)}`;
    const first = await create<ResidentDoc>(getRxStorage(), databaseName, 'residents', residentSchema());
    await first.bulkWrite([{ document: residentDoc({ id: 'r1' }) }], 'test');
    const second = await create<ResidentDoc>(getRxStorage(), databaseName, 'residents', residentSchema());
    expect((await second.findDocumentsById(['r1'], false)).map((d) => d.id)).toEqual(['r1']);
    await first.close();
    await second.close();
    const reopened = await create<ResidentDoc>(getRxStorage(), databaseName, 'residents', residentSchema());
    expect((await reopened.findDocumentsById(['r1'], false)).map((d) => d.id)).toEqual(['r1']);
    await reopened.remove();
  });
});
