/**
 * A projection registered on a file that already holds many documents is rebuilt from all of them. The rebuild
 * writes its rows between pages of the documents on the same connection, which an open cursor would refuse
 * ("This database connection is busy executing a query"), as it did at the first 1,000 of a township's documents.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerProjection, type Connection, type Projection } from '../../../main/store/rx-storage-sqlcipher';
import type { RxStorageInstanceSqlcipher } from '../../../main/store/rx-storage-sqlcipher/rx-storage-instance-sqlcipher';
import { makeTempDir, nextRevision, openTestStore, residentDoc, residentSchema, type ResidentDoc, type TestStore } from '../../helpers/store';
import { openResidentsAt, rebuildProjection, type OpenResidents } from './rebuild-child';

const ROOT = resolve(import.meta.dirname, '../../..');

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

  it('a stopped rebuild records no version (the next open continues it) and rejects whoever waits', async () => {
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

describe('a resumable rebuild (issue 10 §4: a lock, a crash or closing the app no longer restarts it)', () => {
  const RESIDENTS = 3_000;
  const docsOf = (prefix: string) =>
    Array.from({ length: RESIDENTS }, (_v, i) => residentDoc({ id: `${prefix}${String(i).padStart(5, '0')}`, name: `居民${i}`, age: 20 + (i % 70) }));
  const rowsOf = (connection: Connection, table: string) => connection.db.prepare(`SELECT id, family, age FROM ${table} ORDER BY id`).raw().all();
  const cursorRows = (connection: Connection, name: string) =>
    connection.db.prepare('SELECT collection, version, after_rowid AS afterRowid, done, complete FROM p__rebuilds WHERE name = ?').all(name) as {
      collection: string;
      version: number;
      afterRowid: number;
      done: number;
      complete: number;
    }[];
  const until = async (condition: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise<void>((r) => setTimeout(r, 5));
    }
  };
  /** Writes one edit, one delete and one new document through the storage (their projections follow them). */
  const writeSome = async (open: OpenResidents, docs: ReturnType<typeof docsOf>, edit: number, remove: number, added: string) => {
    const rows = [
      { previous: docs[edit]!, document: nextRevision(docs[edit]!, { name: `改${edit}`, age: 99 }) },
      { previous: docs[remove]!, document: nextRevision(docs[remove]!, { _deleted: true }) },
      { document: residentDoc({ id: added, name: '新', age: 1 }) },
    ];
    expect((await open.instance.bulkWrite(rows, 'test')).error).toEqual([]);
  };

  it('stopped after some pages, the next open continues from the last page; with writes on both sides of its position the rows equal a one-go rebuild', async () => {
    const temp = makeTempDir('cunyi-rebuild-');
    let open: OpenResidents | null = await openResidentsAt(temp.dir);
    try {
      const docs = docsOf('r');
      expect((await open.instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
      const first = open.connection;
      registerProjection(first, 'clinic', rebuildProjection('resumed'), { deferRebuild: true });
      // Held after its first page (500 documents; later pages grow to take 50 ms each and could finish it).
      const run = first.projections.rebuildPending({ holdWhile: () => (first.projections.progress()?.done ?? 0) >= 500 });
      await until(() => (first.projections.progress()?.done ?? 0) >= 500);
      // Between pages: an edit behind the position, a removal ahead of it, a new document (the end of the rowids).
      await writeSome(open, docs, 10, 2_900, 'z-new-1');
      await first.projections.stop();
      await run;
      const [stopped] = cursorRows(first, 'resumed');
      expect(stopped).toMatchObject({ collection: 'residents', version: 1, complete: 0 });
      expect(stopped!.done).toBe(500);
      expect(stopped!.done).toBeLessThan(RESIDENTS);
      expect(first.db.prepare("SELECT version FROM p__versions WHERE name = 'resumed'").pluck().get()).toBeUndefined();
      await open.close();
      open = null;

      open = await openResidentsAt(temp.dir);
      const second = open.connection;
      expect(second).not.toBe(first);
      // Before the rebuild resumes, another edit ahead of the position and one behind it (it is maintained meanwhile).
      const applied: string[] = [];
      registerProjection(second, 'clinic', rebuildProjection('resumed', (id) => applied.push(id)), { deferRebuild: true });
      expect(second.projections.pendingNames()).toEqual(['resumed']);
      expect(second.db.prepare('SELECT count(*) FROM p_resumed').pluck().get()).toBeGreaterThanOrEqual(stopped!.done - 1);
      await writeSome(open, docs, 2_950, 5, 'z-new-2');
      const seenAtStart: number[] = [];
      const resumed = second.projections.rebuildPending();
      seenAtStart.push(second.projections.progress()?.done ?? -1);
      await resumed;
      // It went on from its position: the documents before it were not applied again (only the writes reached them).
      // (Its first page runs before rebuildPending returns.)
      expect(seenAtStart[0]).toBeGreaterThan(stopped!.done);
      expect(seenAtStart[0]).toBeLessThanOrEqual(stopped!.done + 500);
      expect(applied).not.toContain(docs[0]!.id);
      expect(applied.length).toBeLessThan(RESIDENTS - stopped!.done + 10);
      expect(second.projections.isReady('resumed')).toBe(true);
      expect(second.db.prepare("SELECT version FROM p__versions WHERE name = 'resumed'").pluck().get()).toBe(1);
      expect(cursorRows(second, 'resumed')).toEqual([]);

      registerProjection(second, 'clinic', rebuildProjection('fresh'));
      const fresh = rowsOf(second, 'p_fresh');
      expect(fresh.length).toBe(RESIDENTS);
      expect(rowsOf(second, 'p_resumed')).toEqual(fresh);
    } finally {
      await open?.close();
      temp.remove();
    }
  });

  it('a version changed again starts over, and a half-built projection never passes for its previous version', async () => {
    const temp = makeTempDir('cunyi-rebuild-');
    let open: OpenResidents | null = await openResidentsAt(temp.dir);
    try {
      const docs = docsOf('v');
      expect((await open.instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
      registerProjection(open.connection, 'clinic', rebuildProjection('resumed'));
      await open.close();

      open = await openResidentsAt(temp.dir);
      const v2 = open.connection;
      registerProjection(v2, 'clinic', { ...rebuildProjection('resumed'), version: 2 }, { deferRebuild: true });
      // An older build opening the file now finds no version and rebuilds, rather than trusting half-built tables.
      expect(v2.db.prepare("SELECT version FROM p__versions WHERE name = 'resumed'").pluck().get()).toBeUndefined();
      const run = v2.projections.rebuildPending({ holdWhile: () => true });
      await until(() => (v2.projections.progress()?.done ?? 0) > 0);
      await v2.projections.stop();
      await run;
      expect(cursorRows(v2, 'resumed')[0]).toMatchObject({ version: 2, complete: 0 });
      await open.close();

      open = await openResidentsAt(temp.dir);
      const v3 = open.connection;
      registerProjection(v3, 'clinic', { ...rebuildProjection('resumed'), version: 3 }, { deferRebuild: true });
      expect(v3.db.prepare('SELECT count(*) FROM p_resumed').pluck().get()).toBe(0);
      expect(cursorRows(v3, 'resumed')).toEqual([{ collection: 'residents', version: 3, afterRowid: 0, done: 0, complete: 0 }]);
      await v3.projections.rebuildPending();
      expect(v3.db.prepare("SELECT version FROM p__versions WHERE name = 'resumed'").pluck().get()).toBe(3);
      expect(v3.db.prepare('SELECT count(*) FROM p_resumed').pluck().get()).toBe(RESIDENTS);
    } finally {
      await open?.close();
      temp.remove();
    }
  });

  it('kill -9 in the middle of a page: the reopened file holds the committed pages and their position, and the rebuild ends as a one-go one', async () => {
    const temp = makeTempDir('cunyi-rebuild-');
    let open: OpenResidents | null = await openResidentsAt(temp.dir);
    try {
      const docs = docsOf('k');
      expect((await open.instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
      await open.close();
      open = null;

      // node itself with tsx's loader: the `tsx` binary would run the script in a grandchild that outlives the kill.
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/integration/store/rebuild-child.ts'), temp.dir, '1700'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const deadline = Date.now() + 60_000;
      while (!existsSync(join(temp.dir, 'child-stalled'))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the child never reached its stall: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      open = await openResidentsAt(temp.dir);
      const after = open.connection;
      expect(after.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
      const [position] = cursorRows(after, 'resumed');
      // The first page (500) committed; the page that stalled at the 1,700th document did not.
      expect(position!.done).toBeGreaterThanOrEqual(500);
      expect(position!.done).toBeLessThan(1_700);
      expect(after.db.prepare('SELECT count(*) FROM p_resumed').pluck().get()).toBe(position!.done);
      const applied: string[] = [];
      registerProjection(after, 'clinic', rebuildProjection('resumed', (id) => applied.push(id)), { deferRebuild: true });
      await after.projections.rebuildPending();
      expect(applied.length).toBe(RESIDENTS - position!.done);
      registerProjection(after, 'clinic', rebuildProjection('fresh'));
      expect(rowsOf(after, 'p_resumed')).toEqual(rowsOf(after, 'p_fresh'));
    } finally {
      await open?.close();
      temp.remove();
    }
  }, 90_000);
});

describe('indexes left out of a rebuild and built once at its end (createForRebuild, finishRebuild: issue 10 §3)', () => {
  const RESIDENTS = 2_000;
  const docsOf = (prefix: string) =>
    Array.from({ length: RESIDENTS }, (_v, i) => residentDoc({ id: `${prefix}${String(i).padStart(5, '0')}`, name: `居民${i % 300}`, age: 20 + (i % 70) }));
  const indexesOf = (connection: Connection, table: string) =>
    connection.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all(table);
  const rowsOf = (connection: Connection, table: string) => connection.db.prepare(`SELECT id, family, age FROM ${table} ORDER BY id`).raw().all();
  /** `rebuildProjection` with two lookup indexes that only readers need; `onFinishStep` runs after each end step. */
  const indexed = (name: string, onFinishStep: (i: number) => void = () => undefined): Projection => {
    const base = rebuildProjection(name);
    const table = `p_${name}`;
    const lookups = [`CREATE INDEX IF NOT EXISTS ${table}_by_family ON ${table} (family)`, `CREATE INDEX IF NOT EXISTS ${table}_by_age ON ${table} (age, family)`];
    return {
      ...base,
      create: (db) => {
        base.create(db);
        for (const sql of lookups) db.exec(sql);
      },
      createForRebuild: (db) => base.create(db),
      finishRebuild: lookups.map((sql, i) => (db) => {
        db.exec(sql);
        onFinishStep(i);
      }),
      finishCost: () => 0.5,
    };
  };

  it('a deferred rebuild has no lookup index until its end, counts the end in its progress, and ends with the rows and indexes of a one-go rebuild', async () => {
    const temp = makeTempDir('cunyi-rebuild-');
    const open = await openResidentsAt(temp.dir);
    try {
      const docs = docsOf('i');
      expect((await open.instance.bulkWrite(docs.map((document) => ({ document })), 'test')).error).toEqual([]);
      const connection = open.connection;
      const finished: number[] = [];
      registerProjection(connection, 'clinic', indexed('lookups', (i) => finished.push(i)), { deferRebuild: true });
      expect(indexesOf(connection, 'p_lookups')).toEqual([]);
      const run = connection.projections.rebuildPending({ holdWhile: () => (connection.projections.progress()?.done ?? 0) >= 500 });
      // Held after its first page: no index yet, writes are applied all the same.
      while ((connection.projections.progress()?.done ?? 0) < 500) await new Promise<void>((r) => setTimeout(r, 5));
      expect(indexesOf(connection, 'p_lookups')).toEqual([]);
      expect(connection.projections.progress()?.steps[0]).toMatchObject({ total: RESIDENTS, finishDocs: RESIDENTS / 2, finishDone: 0 });
      const rows = [
        { previous: docs[10]!, document: nextRevision(docs[10]!, { name: '改', age: 99 }) },
        { previous: docs[1_900]!, document: nextRevision(docs[1_900]!, { _deleted: true }) },
        { document: residentDoc({ id: 'z-new', name: '新', age: 1 }) },
      ];
      expect((await open.instance.bulkWrite(rows, 'test')).error).toEqual([]);
      await connection.projections.stop();
      await run;
      expect(finished).toEqual([]);
      await open.close();

      const again = await openResidentsAt(temp.dir);
      try {
        const second = again.connection;
        registerProjection(second, 'clinic', indexed('lookups', (i) => finished.push(i)), { deferRebuild: true });
        const seen: { finishDocs?: number; finishDone?: number }[] = [];
        const resumed = second.projections.rebuildPending();
        while (!second.projections.isReady('lookups')) {
          const step = second.projections.progress()?.steps[0];
          if (step) seen.push({ ...(step.finishDocs === undefined ? {} : { finishDocs: step.finishDocs }), ...(step.finishDone === undefined ? {} : { finishDone: step.finishDone }) });
          await new Promise<void>((r) => setImmediate(r));
        }
        await resumed;
        expect(finished).toEqual([0, 1]);
        // Between the two end steps the progress showed the first one done.
        expect(seen.some((s) => s.finishDone === Math.round((s.finishDocs ?? 0) / 2) && (s.finishDocs ?? 0) > 0)).toBe(true);
        expect(indexesOf(second, 'p_lookups')).toEqual(['p_lookups_by_age', 'p_lookups_by_family']);
        expect(second.db.prepare("SELECT version FROM p__versions WHERE name = 'lookups'").pluck().get()).toBe(1);

        // A one-go rebuild (registered without deferring) runs the end steps in its own transaction.
        registerProjection(second, 'clinic', indexed('fresh'));
        expect(indexesOf(second, 'p_fresh')).toEqual(['p_fresh_by_age', 'p_fresh_by_family']);
        expect(rowsOf(second, 'p_lookups')).toEqual(rowsOf(second, 'p_fresh'));
        expect(rowsOf(second, 'p_fresh')).toHaveLength(RESIDENTS);
      } finally {
        await again.close();
      }
    } finally {
      temp.remove();
    }
  });

  it('a bulk load into empty collections (holdIndexes) leaves the lookup indexes out while it writes, reads stay right, and they are built at its end or at the next open after a crash', async () => {
    const temp = makeTempDir('cunyi-rebuild-');
    const open = await openResidentsAt(temp.dir);
    try {
      const connection = open.connection;
      registerProjection(connection, 'clinic', indexed('held'));
      // Without end steps: nothing of it to hold.
      registerProjection(connection, 'clinic', rebuildProjection('plain'));
      expect(indexesOf(connection, 'p_held')).toEqual(['p_held_by_age', 'p_held_by_family']);
      const hold = connection.projections.holdIndexes();
      expect(hold.held).toEqual(['held']);
      expect(indexesOf(connection, 'p_held')).toEqual([]);
      // Pages written meanwhile, an edit and a deletion among them: applied as always, and read right without the index.
      const docs = docsOf('b');
      for (let i = 0; i < docs.length; i += 500) expect((await open.instance.bulkWrite(docs.slice(i, i + 500).map((document) => ({ document })), 'test')).error).toEqual([]);
      expect((await open.instance.bulkWrite([{ previous: docs[7]!, document: nextRevision(docs[7]!, { name: '改', age: 99 }) }, { previous: docs[8]!, document: nextRevision(docs[8]!, { _deleted: true }) }], 'test')).error).toEqual([]);
      const byAge = (c: Connection) => c.db.prepare('SELECT id FROM p_held WHERE age = ? ORDER BY family, id').pluck().all(99);
      expect(byAge(connection)).toEqual(['b00007']);
      // A second load now finds the collection filled: nothing to hold.
      expect(connection.projections.holdIndexes().held).toEqual([]);
      hold.finish();
      hold.finish();
      expect(indexesOf(connection, 'p_held')).toEqual(['p_held_by_age', 'p_held_by_family']);
      expect(connection.db.prepare('EXPLAIN QUERY PLAN SELECT id FROM p_held WHERE age = 99').raw().all().flat().join(' ')).toContain('p_held_by_age');
      // The rows equal a one-go rebuild's.
      registerProjection(connection, 'clinic', indexed('fresh'));
      expect(rowsOf(connection, 'p_held')).toEqual(rowsOf(connection, 'p_fresh'));
      expect(rowsOf(connection, 'p_held')).toHaveLength(RESIDENTS - 1);
      expect(rowsOf(connection, 'p_plain')).toEqual(rowsOf(connection, 'p_fresh'));
      await open.close();
    } finally {
      temp.remove();
    }

    // Closed (as after a crash: every page committed) before its end: the next open builds them, the rows are whole.
    const crashed = makeTempDir('cunyi-rebuild-');
    const first = await openResidentsAt(crashed.dir);
    try {
      registerProjection(first.connection, 'clinic', indexed('held'));
      first.connection.projections.holdIndexes();
      expect((await first.instance.bulkWrite(docsOf('c').map((document) => ({ document })), 'test')).error).toEqual([]);
      expect(indexesOf(first.connection, 'p_held')).toEqual([]);
      await first.close();
      const again = await openResidentsAt(crashed.dir);
      try {
        const applied: string[] = [];
        registerProjection(again.connection, 'clinic', { ...indexed('held'), apply: rebuildProjection('held', (id) => applied.push(id)).apply });
        expect(applied).toEqual([]);
        expect(indexesOf(again.connection, 'p_held')).toEqual(['p_held_by_age', 'p_held_by_family']);
        expect(again.connection.db.prepare('SELECT count(*) FROM p_held').pluck().get()).toBe(RESIDENTS);
      } finally {
        await again.close();
      }
    } finally {
      crashed.remove();
    }
  });

  it('stopped between its end steps, the next open redoes them from its complete position and records the version only after the last', async () => {
    const temp = makeTempDir('cunyi-rebuild-');
    const open = await openResidentsAt(temp.dir);
    try {
      expect((await open.instance.bulkWrite(docsOf('e').map((document) => ({ document })), 'test')).error).toEqual([]);
      const connection = open.connection;
      // The database closes right after the first end step.
      registerProjection(connection, 'clinic', indexed('ended', (i) => i === 0 && void connection.projections.stop()), { deferRebuild: true });
      await connection.projections.rebuildPending();
      expect(indexesOf(connection, 'p_ended')).toEqual(['p_ended_by_family']);
      expect(connection.projections.isReady('ended')).toBe(false);
      expect(connection.db.prepare("SELECT version FROM p__versions WHERE name = 'ended'").pluck().get()).toBeUndefined();
      expect(connection.db.prepare("SELECT done, complete FROM p__rebuilds WHERE name = 'ended'").get()).toEqual({ done: RESIDENTS, complete: 1 });
      await open.close();

      const again = await openResidentsAt(temp.dir);
      try {
        const applied: string[] = [];
        const finished: number[] = [];
        registerProjection(again.connection, 'clinic', { ...indexed('ended', (i) => finished.push(i)), apply: rebuildProjection('ended', (id) => applied.push(id)).apply }, { deferRebuild: true });
        await again.connection.projections.rebuildPending();
        expect(applied).toEqual([]);
        expect(finished).toEqual([0, 1]);
        expect(indexesOf(again.connection, 'p_ended')).toEqual(['p_ended_by_age', 'p_ended_by_family']);
        expect(again.connection.db.prepare("SELECT version FROM p__versions WHERE name = 'ended'").pluck().get()).toBe(1);
        expect(again.connection.db.prepare('SELECT count(*) FROM p_ended').pluck().get()).toBe(RESIDENTS);
      } finally {
        await again.close();
      }
    } finally {
      temp.remove();
    }
  });
});
