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

describe('a deferred rebuild (the first sign-in after an upgrade, issue 10 §4)', () => {
  function countProjection(name = 'count', dependsOn?: string[]): Projection & { applied: string[] } {
    const applied: string[] = [];
    const table = `p_${name}`;
    return {
      name,
      version: 1,
      collections: ['residents'],
      ...(dependsOn ? { dependsOn, startsEmpty: true } : {}),
      applied,
      create: (db) => db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, family TEXT)`),
      drop: (db) => db.exec(`DROP TABLE IF EXISTS ${table}`),
      apply: (db, _collection, written) => {
        for (const d of written) {
          applied.push(String(d['id']));
          if (d._deleted) db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(String(d['id']));
          else db.prepare(`INSERT OR REPLACE INTO ${table} (id, family) VALUES (?, ?)`).run(String(d['id']), String(d['name']));
        }
      },
    };
  }

  it('registers at once with empty tables, follows writes meanwhile, fills in slices and is ready only at the end', async () => {
    store = openTestStore();
    const instance = await store.open<ResidentDoc>('residents', residentSchema());
    const docs = Array.from({ length: 3_000 }, (_v, i) => residentDoc({ id: `r${String(i).padStart(5, '0')}` }));
    expect((await instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
    const connection = (instance as unknown as RxStorageInstanceSqlcipher<ResidentDoc>).internals.connection;
    const projection = countProjection();
    registerProjection(connection, 'clinic', projection, { deferRebuild: true });
    const rows = () => connection.db.prepare('SELECT count(*) FROM p_count').pluck().get();
    expect(rows()).toBe(0);
    expect(connection.projections.isReady('count')).toBe(false);
    expect(connection.projections.pendingNames()).toEqual(['count']);
    expect(connection.projections.progress()).toBeNull();
    let ready = false;
    const waiting = connection.projections.whenReady('count', () => new Error('stopped')).then(() => (ready = true));

    // A write before the rebuild reaches the document: applied by the write, and again (the same state) by the rebuild.
    const last = docs[docs.length - 1]!;
    const edited = residentDoc({ id: last.id, name: '改' }, { rev: '2-b', lwt: last._meta.lwt + 1 });
    expect((await instance.bulkWrite([{ previous: last, document: edited }], 'test')).error).toEqual([]);
    expect(rows()).toBe(1);

    const progressSeen: number[] = [];
    const run = connection.projections.rebuildPending();
    // Other work runs between the slices: the progress is observable from outside while it goes.
    while (!ready) {
      const p = connection.projections.progress();
      if (p) progressSeen.push(p.done);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await run;
    await waiting;
    expect(progressSeen.length).toBeGreaterThan(0);
    expect(progressSeen.some((d) => d > 0 && d < 3_000)).toBe(true);
    expect(rows()).toBe(3_000);
    expect(connection.db.prepare('SELECT family FROM p_count WHERE id = ?').pluck().get(last.id)).toBe('改');
    expect(connection.projections.isReady('count')).toBe(true);
    expect(connection.db.prepare("SELECT version FROM p__versions WHERE name = 'count'").pluck().get()).toBe(1);
  });

  it('a stopped rebuild records no version (the next open starts over) and rejects whoever waits', async () => {
    store = openTestStore();
    const instance = await store.open<ResidentDoc>('residents', residentSchema());
    const docs = Array.from({ length: 2_000 }, (_v, i) => residentDoc({ id: `s${String(i).padStart(5, '0')}` }));
    expect((await instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
    const connection = (instance as unknown as RxStorageInstanceSqlcipher<ResidentDoc>).internals.connection;
    registerProjection(connection, 'clinic', countProjection(), { deferRebuild: true });
    const waiting = connection.projections.whenReady('count', () => new Error('stopped'));
    const run = connection.projections.rebuildPending();
    await connection.projections.stop();
    await run;
    await expect(waiting).rejects.toThrow('stopped');
    expect(connection.projections.isReady('count')).toBe(false);
    expect(connection.db.prepare("SELECT version FROM p__versions WHERE name = 'count'").pluck().get()).toBeUndefined();
  });

  it('held (holdWhile), it stops after its first page until released, and a stop ends the hold', async () => {
    store = openTestStore();
    const instance = await store.open<ResidentDoc>('residents', residentSchema());
    const docs = Array.from({ length: 1_200 }, (_v, i) => residentDoc({ id: `h${String(i).padStart(5, '0')}` }));
    expect((await instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
    const connection = (instance as unknown as RxStorageInstanceSqlcipher<ResidentDoc>).internals.connection;
    const projection = countProjection();
    registerProjection(connection, 'clinic', projection, { deferRebuild: true });
    let held = true;
    const run = connection.projections.rebuildPending({ holdWhile: () => held });
    await new Promise<void>((resolve) => setTimeout(resolve, 300));
    const first = projection.applied.length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(1_200);
    expect(connection.projections.progress()?.done).toBe(first);
    expect(connection.projections.isReady('count')).toBe(false);
    held = false;
    await run;
    expect(connection.projections.isReady('count')).toBe(true);
    expect(connection.db.prepare('SELECT count(*) FROM p_count').pluck().get()).toBe(1_200);

    // Held again (another projection's rebuild), a stop (the database closing) does not wait for the release.
    registerProjection(connection, 'clinic', countProjection('again'), { deferRebuild: true });
    const again = connection.projections.rebuildPending({ holdWhile: () => true });
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
    await connection.projections.stop();
    await again;
    expect(connection.projections.isReady('again')).toBe(false);
  });

  it('a cache that reads a rebuilt projection is emptied with it', async () => {
    store = openTestStore();
    const instance = await store.open<ResidentDoc>('residents', residentSchema());
    expect((await instance.bulkWrite([{ document: residentDoc({ id: 'a1' }) }], 'test')).error).toEqual([]);
    const connection = (instance as unknown as RxStorageInstanceSqlcipher<ResidentDoc>).internals.connection;
    const cache = countProjection('cache', ['count']);
    registerProjection(connection, 'clinic', cache);
    connection.db.prepare("INSERT INTO p_cache (id, family) VALUES ('stale', 'x')").run();
    registerProjection(connection, 'clinic', countProjection(), { deferRebuild: true });
    expect(connection.db.prepare('SELECT count(*) FROM p_cache').pluck().get()).toBe(0);
  });
});
