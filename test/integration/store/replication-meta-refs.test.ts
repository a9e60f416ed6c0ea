/**
 * Replication meta rows that store their document copy once (main/store/rx-storage-sqlcipher/replication-meta.ts).
 * Every scenario runs the same writes on two files: one whose meta table is linked to its collection (compact rows
 * where the pulled state is the stored row), one unlinked (every row full, as before). Every read the RxStorage API
 * offers on the meta instance (by id, query, count, changes since, the change stream, a 409's documentInDb) must give
 * byte-identical JSON on both, while the linked file's rows are compact exactly where the test expects.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fillWithDefaultSettings,
  getRxReplicationMetaInstanceSchema,
  normalizeMangoQuery,
  prepareQuery,
} from 'rxdb/plugins/core';
import type { BulkWriteRow, RxDocumentData, RxJsonSchema, RxStorageReplicationMeta } from 'rxdb/plugins/core';
import { getRxStorageSqlcipher, linkReplicationMeta, withWrittenForkRow, type RxStorageInstanceSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import type { RxStorageSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { makeTempDir, TEST_KEY, type TempDir } from '../../helpers/store';

interface Person {
  id: string;
  name: string;
  note?: string;
  _deleted: boolean;
}
type Meta = RxStorageReplicationMeta<Person, unknown>;
type Fork = RxStorageInstanceSqlcipher<Person>;
type MetaInstance = RxStorageInstanceSqlcipher<Meta>;

const forkSchema: RxJsonSchema<RxDocumentData<Person>> = fillWithDefaultSettings<Person>({
  version: 0,
  type: 'object',
  primaryKey: 'id',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 40 },
    note: { type: 'string' },
    _deleted: { type: 'boolean' },
  },
  required: ['id', 'name'],
  indexes: ['name'],
});
const FIXTURE = resolve(import.meta.dirname, '..', '..', 'fixtures', 'replication-meta-v3');
const metaSchema = getRxReplicationMetaInstanceSchema<Person, unknown>(forkSchema, false);

/** One file: the collection and its replication's meta table, with every change event each emitted. */
interface Side {
  fork: Fork;
  meta: MetaInstance;
  events: string[];
  /** Deterministic lwt values, the same sequence on both files, so both receive the very same objects. */
  clock: number;
}

let temp: TempDir;
let storage: RxStorageSqlcipher;
const open: { close(): Promise<void> }[] = [];

beforeEach(() => {
  temp = makeTempDir();
  storage = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()));
  temp.remove();
});

async function openSide(databaseName: string, link: boolean): Promise<Side> {
  const params = { databaseName, databaseInstanceToken: 'token', options: {}, multiInstance: false, devMode: false } as const;
  const fork = (await storage.createStorageInstance<Person>({ ...params, collectionName: 'people', schema: forkSchema })) as Fork;
  const meta = (await storage.createStorageInstance<Meta>({ ...params, collectionName: 'rx-replication-meta-t', schema: metaSchema })) as MetaInstance;
  open.push(fork, meta);
  if (link) expect(linkReplicationMeta(meta as RxStorageInstanceSqlcipher<unknown>, fork as RxStorageInstanceSqlcipher<unknown>)).toBe(true);
  const events: string[] = [];
  meta.changeStream().subscribe((bulk) => events.push(JSON.stringify(bulk.events.map((e) => [e.operation, e.documentData, e.previousDocumentData]))));
  return { fork, meta, events, clock: 1_000 };
}

const tick = (side: Side) => (side.clock += 1);

/** The two files, written the same way. */
async function both(): Promise<[linked: Side, plain: Side]> {
  return [await openSide('linked', true), await openSide('plain', false)];
}

async function writeFork(side: Side, state: Person): Promise<void> {
  const previous = side.fork.findByIdSync(state.id, true);
  const height = previous ? Number(previous._rev.split('-')[0]) + 1 : 1;
  const document = { ...state, _attachments: {}, _meta: { lwt: tick(side) }, _rev: `${height}-fork` } as RxDocumentData<Person>;
  const errors = await side.fork.bulkWrite([previous ? { previous, document } : { document }], 'test');
  expect(errors.error).toEqual([]);
}

/** The meta row of `id` with `docData` (the assumed master state), as RxDB's getMetaWriteRow builds it. */
function metaRow(side: Side, id: string, docData: Person, isResolvedConflict?: string): BulkWriteRow<Meta> {
  const previous = side.meta.findByIdSync(`${id}|0`, true);
  const height = previous ? Number(previous._rev.split('-')[0]) + 1 : 1;
  const document = previous
    ? ({ ...previous, docData, _meta: { ...previous._meta, lwt: tick(side) }, _rev: `${height}-meta` } as RxDocumentData<Meta>)
    : ({ id: `${id}|0`, isCheckpoint: '0', itemId: id, docData, _attachments: {}, _deleted: false, _rev: `${height}-meta`, _meta: { lwt: tick(side) } } as RxDocumentData<Meta>);
  if (isResolvedConflict) document.isResolvedConflict = isResolvedConflict;
  return previous ? { previous, document } : { document };
}

async function writeMeta(side: Side, id: string, docData: Person, isResolvedConflict?: string): Promise<void> {
  const errors = await side.meta.bulkWrite([metaRow(side, id, docData, isResolvedConflict)], 'replication-down-write-meta');
  expect(errors.error).toEqual([]);
}

/** A pulled document: its row, then its meta row with the pulled state (RxDB's downstream order). */
async function pull(side: Side, state: Person): Promise<void> {
  await writeFork(side, state);
  await writeMeta(side, state.id, state);
}

/** Everything the RxStorage API lets RxDB read from the meta instance, as JSON text. */
async function observe(side: Side, ids: readonly string[]): Promise<string> {
  const metaIds = [...ids.map((id) => `${id}|0`), 'down|1'];
  const query = prepareQuery(metaSchema, normalizeMangoQuery(metaSchema, { selector: {}, sort: [{ id: 'asc' }] }));
  const matching = prepareQuery(metaSchema, normalizeMangoQuery(metaSchema, { selector: { isResolvedConflict: { $exists: true } } }));
  return JSON.stringify({
    byId: await side.meta.findDocumentsById(metaIds, true),
    one: await Promise.all(metaIds.map((id) => side.meta.findDocumentsById([id], false))),
    query: (await side.meta.query(query)).documents,
    matching: (await side.meta.query(matching)).documents,
    count: await side.meta.count(query),
    changes: await side.meta.getChangedDocumentsSince(100),
    events: side.events,
  });
}

/** Meta rows of `databaseName` stored compact (a reference to the collection's row). */
function compactRows(side: Side): string[] {
  const table = `"${side.meta.internals.layout.rawTable}"`;
  return side.meta.internals.connection.db.prepare(`SELECT id FROM ${table} WHERE ref_at IS NOT NULL ORDER BY id`).pluck().all() as string[];
}

const people: Person[] = [
  { id: 'p1', name: '王建国', note: '高血压', _deleted: false },
  // Astral characters, escapes and a brace inside a string: offsets are UTF-16 units, texts compared exactly.
  { id: 'p2', name: '𠮷野家', note: 'a "quoted" } brace \u2028 line 🙂', _deleted: false },
  { id: 'p3', name: '李四', _deleted: false },
];
const ids = people.map((p) => p.id);

describe('replication meta rows stored once', () => {
  it('a pulled document keeps a reference, and every read returns the full meta row', async () => {
    const sides = await both();
    for (const side of sides) for (const p of people) await pull(side, p);
    const [linked, plain] = sides;
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0', 'p3|0']);
    expect(compactRows(plain)).toEqual([]);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    // The stored text no longer carries the document.
    const table = `"${linked.meta.internals.layout.rawTable}"`;
    const stored = linked.meta.internals.connection.db.prepare(`SELECT data FROM ${table} WHERE id = 'p2|0'`).pluck().get() as string;
    expect(stored).not.toContain('𠮷');
    console.log(`checked: 3 compact meta rows (${stored.length} chars for p2's), every read equal to the full form`);
  });

  it('a local edit after the pull: the meta row keeps the pulled state, written in full before the row changed', async () => {
    const sides = await both();
    for (const side of sides) {
      for (const p of people) await pull(side, p);
      await writeFork(side, { ...people[0]!, note: '本地修改' });
    }
    const [linked, plain] = sides;
    expect(compactRows(linked)).toEqual(['p2|0', 'p3|0']);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    // A stale write to the meta row is a 409 whose documentInDb is the full row, as RxDB's conflict check reads it.
    const conflicts = await Promise.all(
      sides.map(async (side) => {
        const row = metaRow(side, 'p1', people[0]!);
        const stale = { ...row, previous: { ...row.previous!, _rev: '1-stale' } };
        return JSON.stringify((await side.meta.bulkWrite([stale], 'test')).error);
      }),
    );
    expect(conflicts[0]).toContain('"status":409');
    expect(conflicts[0]).toBe(conflicts[1]);
    console.log('checked: edited row expanded first, pulled state kept; the 409 carries the same documentInDb');
  });

  it('a local edit then a conflict: full while the master differs, a reference again once the row is the master state', async () => {
    const sides = await both();
    const master = { ...people[0]!, name: '王建国', note: '平台修改' };
    const merged = { ...people[0]!, note: '平台修改 / 本地修改' };
    for (const side of sides) {
      for (const p of people) await pull(side, p);
      await writeFork(side, { ...people[0]!, note: '本地修改' });
      // The push is refused: RxDB stores the platform's state as the assumed master, marks the resolved conflict.
      await writeMeta(side, 'p1', master, 'resolved');
      await writeFork(side, merged);
    }
    const [linked, plain] = sides;
    expect(compactRows(linked)).toEqual(['p2|0', 'p3|0']);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    // The merged state pushed and acknowledged: the assumed master is the row as stored again.
    for (const side of sides) await writeMeta(side, 'p1', merged);
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0', 'p3|0']);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    console.log('checked: conflict state stored in full, compact again after the merged state was acknowledged');
  });

  it('a deleted document purged by cleanup: its meta row keeps the tombstone state', async () => {
    const sides = await both();
    for (const side of sides) {
      for (const p of people) await pull(side, p);
      await pull(side, { ...people[2]!, _deleted: true });
    }
    const [linked, plain] = sides;
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0', 'p3|0']);
    for (const side of sides) expect(await side.fork.cleanup(0)).toBe(true);
    expect(linked.fork.findByIdSync('p3', true)).toBeUndefined();
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0']);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    console.log('checked: the purged tombstone\'s meta row was written in full first');
  });

  it('the collection removed: its meta rows are written in full and the link goes', async () => {
    const sides = await both();
    for (const side of sides) for (const p of people) await pull(side, p);
    for (const side of sides) await side.fork.remove();
    const [linked, plain] = sides;
    expect(compactRows(linked)).toEqual([]);
    const links = linked.meta.internals.connection.db.prepare('SELECT count(*) FROM rx_meta_links').pluck().get();
    expect(links).toBe(0);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    console.log('checked: meta rows full and readable after the collection\'s table was dropped');
  });

  it('after a reopen the link is read from the file: compact rows stay readable, new pulls compact', async () => {
    const before = await both();
    for (const side of before) for (const p of people) await pull(side, p);
    const expected = await observe(before[1], ids);
    await Promise.all(open.splice(0).map((i) => i.close()));
    const [linked, plain] = [await openSide('linked', false), await openSide('plain', false)];
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0', 'p3|0']);
    // Only the events differ: the new instances have seen none yet.
    expect(await observe(linked, ids)).toBe(expected.replace(/"events":\[[\s\S]*\]\}$/, '"events":[]}'));
    for (const side of [linked, plain]) await pull(side, { id: 'p4', name: '赵六', _deleted: false });
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0', 'p3|0', 'p4|0']);
    expect(await observe(linked, [...ids, 'p4'])).toBe(await observe(plain, [...ids, 'p4']));
    console.log('checked: link kept in the file; reads equal after reopening');
  });

  it('a reference whose row changed behind the storage fails the read instead of returning another document', async () => {
    const [linked] = [await openSide('linked', true)];
    for (const p of people) await pull(linked, p);
    const db = linked.fork.internals.connection.db;
    const forkTable = `"${linked.fork.internals.layout.rawTable}"`;
    db.prepare(`UPDATE ${forkTable} SET rev = '9-other' WHERE id = 'p1'`).run();
    await expect(linked.meta.findDocumentsById(['p1|0'], true)).rejects.toThrow(/p1\|0: its document row changed/);
    db.prepare(`DELETE FROM ${forkTable} WHERE id = 'p2'`).run();
    await expect(linked.meta.findDocumentsById(['p2|0'], true)).rejects.toThrow(/p2\|0: its document row is missing/);
    expect(await linked.meta.findDocumentsById(['p3|0'], true)).toHaveLength(1);
    console.log('checked: changed and missing rows are errors naming the meta row');
  });

  it('a meta row whose docData is not a prefix of the stored row (a locally created document) is stored in full', async () => {
    const sides = await both();
    for (const side of sides) {
      // RxDB's insert puts _meta before _deleted: the push's assumed master (without _meta) is not a prefix.
      const document = { id: 'p9', name: '新建', _meta: { lwt: tick(side) }, _deleted: false, _attachments: {}, _rev: '1-local' } as RxDocumentData<Person>;
      expect((await side.fork.bulkWrite([{ document }], 'test')).error).toEqual([]);
      await writeMeta(side, 'p9', { id: 'p9', name: '新建', _deleted: false });
    }
    const [linked, plain] = sides;
    expect(compactRows(linked)).toEqual([]);
    expect(await observe(linked, ['p9'])).toBe(await observe(plain, ['p9']));
  });

  it('rows handed over by their writer in the same transaction (the bootstrap) are not read back, and stored the same', async () => {
    const sides = await both();
    // The statement that reads a meta row's document row back (private: what the handover saves is that read).
    const forkReads = vi.spyOn((sides[0].meta as unknown as { statements: { forkRow: { get(id: string): unknown } } }).statements.forkRow, 'get');
    for (const side of sides) {
      const lwt = tick(side);
      side.fork.internals.connection.transaction(() => {
        const rows = people.map((p) => ({ document: { ...p, _attachments: {}, _meta: { lwt }, _rev: '1-fork' } }));
        expect(side.fork.writeSync(rows, 'test')).toEqual([]);
        const metas = people.map((p) => {
          const { document } = metaRow(side, p.id, p);
          const stored = side.fork.internals.connection.db.prepare(`SELECT data FROM "${side.fork.internals.layout.rawTable}" WHERE id = ?`).pluck().get(p.id) as string;
          // p3's handed text is not what its row holds: the prefix check still applies, and keeps that row full.
          return { document: withWrittenForkRow(document, '1-fork', p.id === 'p3' ? stored.replace('李四', '李五') : stored) };
        });
        expect(side.meta.writeSync(metas, 'replication-down-write-meta')).toEqual([]);
      });
    }
    const [linked, plain] = sides;
    expect(forkReads).not.toHaveBeenCalled();
    expect(compactRows(linked)).toEqual(['p1|0', 'p2|0']);
    expect(compactRows(plain)).toEqual([]);
    expect(await observe(linked, ids)).toBe(await observe(plain, ids));
    console.log('checked: handed rows stored compact without a read, a mismatching one full, reads equal to the full form');
  });
});

describe('a file written before meta rows could be compact (test/fixtures/replication-meta-v3)', () => {
  it('reads its full rows unchanged, then links and stores new pulls compact beside them', async () => {
    cpSync(FIXTURE, temp.dir, { recursive: true });
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'meta-rows.json'), 'utf8')) as unknown[];
    const side = await openSide('clinic', false);
    const query = prepareQuery(metaSchema, normalizeMangoQuery(metaSchema, { selector: {}, sort: [{ id: 'asc' }] }));
    expect((await side.meta.query(query)).documents).toEqual(expected);
    expect(compactRows(side)).toEqual([]);
    expect(linkReplicationMeta(side.meta as RxStorageInstanceSqlcipher<unknown>, side.fork as RxStorageInstanceSqlcipher<unknown>)).toBe(true);
    side.clock = 2_000;
    await pull(side, { id: 'p4', name: '赵六', _deleted: false });
    // A later pull of an old document: its row changes, its full meta row is rewritten as a reference.
    await pull(side, { id: 'p2', name: '𠮷野家', note: '平台修改', _deleted: false });
    expect(compactRows(side)).toEqual(['p2|0', 'p4|0']);
    const rows = (await side.meta.query(query)).documents;
    expect(JSON.stringify(rows.filter((r) => r.id === 'p1|0' || r.id === 'p3|0'))).toBe(JSON.stringify(expected.filter((_, i) => i !== 1)));
    expect(rows.find((r) => r.id === 'p2|0')?.docData).toEqual({ id: 'p2', name: '𠮷野家', note: '平台修改', _deleted: false });
    console.log('checked: 3 full rows of the old file read as that build stored them; 2 new compact rows beside them');
  });
});
