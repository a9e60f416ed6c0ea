import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { getQueryMatcher, getSortComparator, now } from 'rxdb/plugins/core';
import type {
  EventBulk,
  RxDocumentData,
  RxStorageChangeEvent,
  RxStorageDefaultCheckpoint,
} from 'rxdb/plugins/core';
import { CLEANUP_BATCH_SIZE, openConnectionPaths, type RxStorageInstanceSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { isAppError } from '../../../shared/api/errors';
import {
  nextRevision,
  openTestStore,
  prepare,
  residentDoc,
  residentSchema,
} from '../../helpers/store';
import type { ResidentDoc, TestStore } from '../../helpers/store';

let store: TestStore;
beforeEach(() => {
  store = openTestStore();
});
afterEach(async () => {
  await store.dispose();
  expect(openConnectionPaths().filter((p) => p.startsWith(store.dir))).toEqual([]);
});

const schema = residentSchema();
const ids = (docs: RxDocumentData<ResidentDoc>[]): string[] => docs.map((d) => d.id);

describe('bulkWrite', () => {
  it('inserts, reads back the exact document and reports no errors', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const doc = residentDoc({ id: 'r1', tags: ['高血压'] });
    const result = await rx.bulkWrite([{ document: doc }], 'test');
    expect(result.error).toEqual([]);
    expect(await rx.findDocumentsById(['r1'], false)).toEqual([doc]);
  });

  it('answers a write without `previous` over an existing document with 409 and the stored state', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const first = residentDoc({ id: 'r1' });
    await rx.bulkWrite([{ document: first }], 'test');
    const result = await rx.bulkWrite([{ document: residentDoc({ id: 'r1', name: '李四' }) }], 'test');
    expect(result.error).toHaveLength(1);
    const conflict = result.error[0];
    expect(conflict?.status).toBe(409);
    expect(conflict?.documentId).toBe('r1');
    expect(conflict && 'documentInDb' in conflict ? conflict.documentInDb : undefined).toEqual(first);
    expect(conflict?.writeRow.document.name).toBe('李四');
  });

  it('updates with the right `previous`, refuses a stale one, and keeps the other rows of the bulk', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const v1 = residentDoc({ id: 'r1' });
    await rx.bulkWrite([{ document: v1 }], 'test');
    const v2 = nextRevision(v1, { name: '王建军' });
    expect((await rx.bulkWrite([{ previous: v1, document: v2 }], 'test')).error).toEqual([]);
    const stale = nextRevision(v1, { name: '王建民' });
    const other = residentDoc({ id: 'r2' });
    const result = await rx.bulkWrite([{ previous: v1, document: stale }, { document: other }], 'test');
    expect(result.error.map((e) => [e.documentId, e.status])).toEqual([['r1', 409]]);
    expect(ids(await rx.findDocumentsById(['r1', 'r2'], false))).toEqual(['r1', 'r2']);
    expect((await rx.findDocumentsById(['r1'], false))[0]?.name).toBe('王建军');
  });

  it('the first of two concurrent inserts of one id wins, the second conflicts', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const [a, b] = await Promise.all([
      rx.bulkWrite([{ document: residentDoc({ id: 'r1', name: '甲' }) }], 'test'),
      rx.bulkWrite([{ document: residentDoc({ id: 'r1', name: '乙' }) }], 'test'),
    ]);
    expect(a.error).toEqual([]);
    expect(b.error[0]?.status).toBe(409);
    expect((await rx.findDocumentsById(['r1'], true))[0]?.name).toBe('甲');
  });

  it('keeps tombstones: hidden from findDocumentsById(false), re-insert needs `previous`', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const v1 = residentDoc({ id: 'r1' });
    await rx.bulkWrite([{ document: v1 }], 'test');
    const tomb = nextRevision(v1, { _deleted: true });
    expect((await rx.bulkWrite([{ previous: v1, document: tomb }], 'test')).error).toEqual([]);
    expect(await rx.findDocumentsById(['r1'], false)).toEqual([]);
    expect(await rx.findDocumentsById(['r1'], true)).toEqual([tomb]);

    const blind = await rx.bulkWrite([{ document: residentDoc({ id: 'r1', name: '新' }) }], 'test');
    expect(blind.error[0]?.status).toBe(409);
    const revived = nextRevision(tomb, { _deleted: false, name: '新' });
    expect((await rx.bulkWrite([{ previous: tomb, document: revived }], 'test')).error).toEqual([]);
    expect((await rx.findDocumentsById(['r1'], false))[0]?.name).toBe('新');
  });

  it('updates a tombstone in place and drops fields the new revision no longer has', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const v1 = residentDoc({ id: 'r1', tags: ['高血压'] });
    await rx.bulkWrite([{ document: v1 }], 'test');
    const { tags: _dropped, ...withoutTags } = nextRevision(v1, { name: '改名' });
    expect((await rx.bulkWrite([{ previous: v1, document: withoutTags }], 'test')).error).toEqual([]);
    const stored = (await rx.findDocumentsById(['r1'], false))[0];
    expect(stored).toEqual(withoutTags);
    expect(stored && 'tags' in stored).toBe(false);

    const tomb = nextRevision(withoutTags, { _deleted: true });
    await rx.bulkWrite([{ previous: withoutTags, document: tomb }], 'test');
    const editedTomb = nextRevision(tomb, { name: '服务器改过的墓碑' });
    expect((await rx.bulkWrite([{ previous: tomb, document: editedTomb }], 'test')).error).toEqual([]);
    expect(await rx.findDocumentsById(['r1'], true)).toEqual([editedTomb]);
  });

  it('rolls the whole bulk back when SQLite fails mid-way', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const good = residentDoc({ id: 'r1' });
    // A document RxDB would never produce (lwt missing) fails the NOT NULL column after r1 was inserted.
    const bad = { ...residentDoc({ id: 'r2' }), _meta: {} } as unknown as RxDocumentData<ResidentDoc>;
    await expect(rx.bulkWrite([{ document: good }, { document: bad }], 'test')).rejects.toThrow();
    expect(await rx.findDocumentsById(['r1', 'r2'], true)).toEqual([]);
  });

  it('rolls the whole transaction back when a write inside it fails, even if the caller catches the failure', async () => {
    // Writes join the open transaction without a savepoint (connection-pool.ts): a failed one may be half done, so
    // the transaction must not commit around it. Before, a savepoint undid the failed write alone and the rest committed.
    const rx = (await store.open<ResidentDoc>('residents', schema)) as RxStorageInstanceSqlcipher<ResidentDoc>;
    const { connection } = rx.internals;
    const seen: string[] = [];
    const sub = rx.changeStream().subscribe((bulk) => seen.push(...bulk.events.map((e) => e.documentId)));
    // A document RxDB would never produce (lwt missing) fails the NOT NULL column after r2 was inserted.
    const bad = { ...residentDoc({ id: 'r3' }), _meta: {} } as unknown as RxDocumentData<ResidentDoc>;
    expect(() =>
      connection.transaction(() => {
        expect(rx.writeSync([{ document: residentDoc({ id: 'r1' }) }], 'test')).toEqual([]);
        expect(() => rx.writeSync([{ document: residentDoc({ id: 'r2' }) }, { document: bad }], 'test')).toThrow();
        expect(rx.writeSync([{ document: residentDoc({ id: 'r4' }) }], 'test')).toEqual([]);
      }),
    ).toThrow(/NOT NULL/);
    expect(await rx.findDocumentsById(['r1', 'r2', 'r3', 'r4'], true)).toEqual([]);
    expect(seen).toEqual([]);
    // The next transaction is not affected by the failed one.
    expect((await rx.bulkWrite([{ document: residentDoc({ id: 'r5' }) }], 'test')).error).toEqual([]);
    expect(seen).toEqual(['r5']);
    sub.unsubscribe();
  });

  it('emits one event bulk with the checkpoint of the newest row before bulkWrite resolves', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const seen: EventBulk<RxStorageChangeEvent<ResidentDoc>, unknown>[] = [];
    const sub = rx.changeStream().subscribe((bulk) => seen.push(bulk));
    const a = residentDoc({ id: 'a' }, { lwt: 1000 });
    const b = residentDoc({ id: 'b' }, { lwt: 2000 });
    const write = rx.bulkWrite([{ document: b }, { document: a }], 'ctx-1');
    expect(seen).toHaveLength(1);
    await write;
    expect(seen[0]?.events.map((e) => [e.documentId, e.operation])).toEqual([
      ['b', 'INSERT'],
      ['a', 'INSERT'],
    ]);
    expect(seen[0]?.checkpoint).toEqual({ id: 'b', lwt: 2000 });
    expect(seen[0]?.context).toBe('ctx-1');

    await rx.bulkWrite([{ document: residentDoc({ id: 'a' }) }], 'conflict-only');
    expect(seen).toHaveLength(1);

    await rx.bulkWrite([{ previous: a, document: nextRevision(a, { _deleted: true }) }], 'ctx-2');
    expect(seen[1]?.events.map((e) => e.operation)).toEqual(['DELETE']);
    sub.unsubscribe();
  });
});

describe('findDocumentsById', () => {
  it('finds 10,000 ids in one call, in the order asked, skipping unknown ones', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const docs = Array.from({ length: 10_000 }, (_, i) => residentDoc({ id: `r${String(i).padStart(5, '0')}` }));
    await rx.bulkWrite(docs.map((document) => ({ document })), 'test');
    const wanted = [...docs.map((d) => d.id)].reverse();
    wanted.splice(10, 0, 'missing');
    const found = await rx.findDocumentsById(wanted, false);
    expect(found).toHaveLength(10_000);
    expect(found[0]?.id).toBe('r09999');
    expect(found[9_999]?.id).toBe('r00000');
  });
});

describe('getChangedDocumentsSince', () => {
  it('pages through changes in (lwt, id) order and returns the same checkpoint when caught up', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const docs = [
      residentDoc({ id: 'c' }, { lwt: 1000 }),
      residentDoc({ id: 'a' }, { lwt: 1000 }),
      residentDoc({ id: 'b' }, { lwt: 500 }),
      residentDoc({ id: 'd' }, { lwt: 3000, deleted: true }),
      residentDoc({ id: '𠮷' }, { lwt: 1000 }),
    ];
    await rx.bulkWrite(docs.map((document) => ({ document })), 'test');
    const changed = rx.getChangedDocumentsSince;
    if (!changed) throw new Error('getChangedDocumentsSince is required');
    const pages: string[][] = [];
    let checkpoint: RxStorageDefaultCheckpoint | undefined;
    for (;;) {
      const page = await changed.call(rx, 2, checkpoint);
      if (page.documents.length === 0) {
        expect(page.checkpoint).toBe(checkpoint);
        break;
      }
      pages.push(ids(page.documents));
      checkpoint = page.checkpoint;
    }
    expect(pages).toEqual([['b', 'a'], ['c', '𠮷'], ['d']]);
    expect(ids((await changed.call(rx, Infinity)).documents)).toEqual(['b', 'a', 'c', '𠮷', 'd']);
    expect(checkpoint).toEqual({ id: 'd', lwt: 3000 });

    const a = docs[1];
    if (!a) throw new Error('fixture');
    const a2 = nextRevision(a, { name: '改' });
    await rx.bulkWrite([{ previous: a, document: a2 }], 'test');
    const after = await changed.call(rx, 10, checkpoint);
    expect(ids(after.documents)).toEqual(['a']);
    expect(after.checkpoint).toEqual({ id: 'a', lwt: a2._meta.lwt });
  });
});

describe('cleanup', () => {
  it('purges only tombstones older than the limit, batch by batch', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const old = now() - 60_000;
    const tombstones = Array.from({ length: CLEANUP_BATCH_SIZE + 5 }, (_, i) =>
      residentDoc({ id: `t${i}` }, { deleted: true, lwt: old }),
    );
    const recentTomb = residentDoc({ id: 'recent' }, { deleted: true });
    const live = residentDoc({ id: 'live' }, { lwt: old });
    await rx.bulkWrite([...tombstones, recentTomb, live].map((document) => ({ document })), 'test');
    expect(await rx.cleanup(30_000)).toBe(false);
    expect(await rx.cleanup(30_000)).toBe(true);
    const left = await rx.findDocumentsById(['t0', 't1', `t${CLEANUP_BATCH_SIZE + 4}`, 'recent', 'live'], true);
    expect(ids(left)).toEqual(['recent', 'live']);
  });
});

describe('lifecycle', () => {
  it('keeps data apart per database, collection and schema version, and across reopen', async () => {
    const a = await store.open<ResidentDoc>('residents', schema, 'db-a');
    const b = await store.open<ResidentDoc>('residents', schema, 'db-b');
    const other = await store.open<ResidentDoc>('patients', schema, 'db-a');
    const v1 = await store.open<ResidentDoc>('residents', { ...schema, version: 1 }, 'db-a');
    await a.bulkWrite([{ document: residentDoc({ id: 'only-a' }) }], 'test');
    for (const instance of [b, other, v1]) expect(await instance.findDocumentsById(['only-a'], true)).toEqual([]);
    await a.close();
    const again = await store.open<ResidentDoc>('residents', schema, 'db-a');
    expect(ids(await again.findDocumentsById(['only-a'], true))).toEqual(['only-a']);
  });

  it('close() is idempotent and later calls fail clearly; remove() deletes only that instance', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const keep = await store.open<ResidentDoc>('households', schema);
    await rx.bulkWrite([{ document: residentDoc({ id: 'r1' }) }], 'test');
    await keep.bulkWrite([{ document: residentDoc({ id: 'h1' }) }], 'test');
    await rx.remove();
    await rx.close();
    await expect(rx.findDocumentsById(['r1'], true)).rejects.toThrow(/closed/);
    const reopened = await store.open<ResidentDoc>('residents', schema);
    expect(await reopened.findDocumentsById(['r1'], true)).toEqual([]);
    expect(ids(await keep.findDocumentsById(['h1'], true))).toEqual(['h1']);
  });

  it('shares change events between two instances of the same collection (multi-instance)', async () => {
    const a = await store.open<ResidentDoc>('residents', schema, 'clinic', true);
    const b = await store.open<ResidentDoc>('residents', schema, 'clinic', true);
    const fromB = firstValueFrom(b.changeStream().pipe(take(1)));
    await a.bulkWrite([{ document: residentDoc({ id: 'r1' }) }], 'test');
    expect((await fromB).events[0]?.documentId).toBe('r1');
    expect(ids(await b.findDocumentsById(['r1'], false))).toEqual(['r1']);
  });

  it('completes the change stream on close', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const all = firstValueFrom(rx.changeStream().pipe(filter(() => true), toArray()));
    await rx.bulkWrite([{ document: residentDoc({ id: 'r1' }) }], 'test');
    await rx.close();
    expect(await all).toHaveLength(1);
  });

  it('refuses attachments with NOT_SUPPORTED', async () => {
    const withAttachments = { ...schema, attachments: {} };
    const error: unknown = await store.open<ResidentDoc>('files', withAttachments).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('NOT_SUPPORTED');
    const rx = await store.open<ResidentDoc>('residents', schema);
    const attachmentError: unknown = await rx.getAttachmentData('r1', 'a', 'd').catch((e: unknown) => e);
    expect(isAppError(attachmentError) && attachmentError.code).toBe('NOT_SUPPORTED');
  });

  it('throws UT5 for key compression before touching the file', async () => {
    await expect(store.open('kc', { ...schema, keyCompression: true })).rejects.toThrow(/UT5/);
  });
});

describe('query basics', () => {
  it('matches RxDB semantics for limit 0, skip and count', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const docs = Array.from({ length: 20 }, (_, i) => residentDoc({ id: `r${String(i).padStart(2, '0')}`, age: i }));
    await rx.bulkWrite(docs.map((document) => ({ document })), 'test');
    const q = (query: Parameters<typeof prepare<ResidentDoc>>[1]) => prepare(schema, query);
    expect((await rx.query(q({ selector: {}, limit: 0 }))).documents).toEqual([]);
    expect(ids((await rx.query(q({ selector: {}, sort: [{ age: 'asc' }], skip: 18 }))).documents)).toEqual([
      'r18',
      'r19',
    ]);
    expect((await rx.count(q({ selector: { age: { $gte: 5 } } }))).count).toBe(15);
    expect((await rx.count(q({ selector: { age: { $gte: 5 }, name: { $regex: '^王' } } }))).count).toBe(15);
    const matcher = getQueryMatcher(schema, q({ selector: { age: { $lt: 3 } } }).query);
    const sorter = getSortComparator(schema, q({ selector: {}, sort: [{ age: 'desc' }] }).query);
    expect(ids(docs.filter(matcher).sort(sorter))).toEqual(['r02', 'r01', 'r00']);
  });
});

describe('storage contract details (integrity issue, item 8)', () => {
  it('a repeated id inside one bulk is a per-row 409 against the state the first row left, not a failed bulk', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    const first = residentDoc({ id: 'r1', name: '甲' });
    const result = await rx.bulkWrite([{ document: first }, { document: residentDoc({ id: 'r2' }) }, { document: residentDoc({ id: 'r1', name: '乙' }) }], 'test');
    expect(result.error).toHaveLength(1);
    expect(result.error[0]).toMatchObject({ status: 409, documentId: 'r1' });
    expect(ids(await rx.findDocumentsById(['r1', 'r2'], false))).toEqual(['r1', 'r2']);
    expect((await rx.findDocumentsById(['r1'], false))[0]?.name).toBe('甲');
  });

  it('count says `slow` when the index cannot answer the selector, `fast` when it can', async () => {
    const rx = await store.open<ResidentDoc>('residents', schema);
    await rx.bulkWrite([{ document: residentDoc({ id: 'r1', villageCode: '110101001001' }) }, { document: residentDoc({ id: 'r2', villageCode: '110101001002' }) }], 'test');
    const fast = await rx.count(prepare(schema, { selector: { _deleted: false, villageCode: '110101001001' } }));
    expect(fast).toEqual({ count: 1, mode: 'fast' });
    const slow = await rx.count(prepare(schema, { selector: { name: { $regex: '^王' } } }));
    expect(slow).toEqual({ count: 2, mode: 'slow' });
  });

  it('remove() on one instance tells its siblings: their next call is a clear error, not "no such table"', async () => {
    const a = await store.open<ResidentDoc>('residents', schema, 'clinic', true);
    const b = await store.open<ResidentDoc>('residents', schema, 'clinic', true);
    await a.bulkWrite([{ document: residentDoc({ id: 'r1' }) }], 'test');
    await a.remove();
    await expect(b.findDocumentsById(['r1'], false)).rejects.toThrow(/was removed by another instance/);
    await b.close();
  });
});
