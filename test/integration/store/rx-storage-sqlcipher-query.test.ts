/**
 * Query correctness: every query runs on our storage and on RxDB's memory storage (the reference implementation
 * RxDB's own suites are written against) over the same documents, and must return the same ids in the same order;
 * count() must equal the query's length. Plus the index use (EXPLAIN QUERY PLAN) and the astral-character order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from 'rxdb/plugins/core';
import type { MangoQuery, RxDocumentData, RxStorageInstance } from 'rxdb/plugins/core';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { toIndexKey } from '../../../main/store/rx-storage-sqlcipher';
import type { RxStorageInstanceSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { openTestStore, prepare, residentDoc, residentSchema } from '../../helpers/store';
import type { ResidentDoc, TestStore } from '../../helpers/store';

const schema = residentSchema();
const SURNAMES = ['王', '李', '张', '刘', '陈', '𠮷', '龘', 'Zhao', '\uFFFD'];
const GIVEN = ['建国', '秀英', '伟', '芳', '𠮷祥', '娜', ''];
const STREETS = ['东街1号', '西街12号', '南巷3号', 'North Rd 5', '𠮷路7号'];

/** Deterministic documents: a small LCG, so a failure names the same data every run. */
function makeDocs(count: number): RxDocumentData<ResidentDoc>[] {
  let seed = 20261123;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  return Array.from({ length: count }, (_, i) => {
    const tags = [['高血压'], ['糖尿病'], ['高血压', '糖尿病'], []][next(4)] ?? [];
    return residentDoc(
      {
        id: `r${String(i).padStart(4, '0')}`,
        name: `${SURNAMES[next(SURNAMES.length)]}${GIVEN[next(GIVEN.length)]}`,
        villageCode: `11010100100${next(4)}`,
        age: next(100),
        address: { street: STREETS[next(STREETS.length)] ?? '' },
        tags,
      },
      { deleted: next(10) === 0, lwt: 1_700_000_000_000 + next(50) },
    );
  });
}

const V0 = '110101001000';
const V1 = '110101001001';
const QUERIES: [string, MangoQuery<RxDocumentData<ResidentDoc>>][] = [
  ['everything', { selector: {} }],
  ['live only', { selector: { _deleted: { $eq: false } } }],
  ['tombstones only', { selector: { _deleted: { $eq: true } } }],
  ['village equals', { selector: { villageCode: V1 } }],
  ['village + name prefix range', { selector: { villageCode: V1, name: { $gte: '王', $lt: '王\uFFFF' } } }],
  ['village, sorted by name', { selector: { villageCode: V0 }, sort: [{ villageCode: 'asc' }, { name: 'asc' }] }],
  ['village, name desc, limit 3', { selector: { villageCode: V0 }, sort: [{ name: 'desc' }], limit: 3 }],
  ['names above 龘 (astral 𠮷 sorts after it in JS)', { selector: { name: { $gt: '龘' } }, sort: [{ name: 'asc' }] }],
  ['names from 𠮷', { selector: { name: { $gte: '𠮷' } } }],
  ['age range', { selector: { age: { $gt: 30, $lte: 60 } }, sort: [{ age: 'asc' }] }],
  ['age desc', { selector: { age: { $gte: 50 } }, sort: [{ age: 'desc' }] }],
  ['age equals', { selector: { age: { $eq: 42 } } }],
  ['age $in', { selector: { age: { $in: [1, 42, 77] } }, sort: [{ age: 'asc' }] }],
  ['age $nin', { selector: { age: { $nin: [1, 42, 77] } } }],
  ['age $ne', { selector: { age: { $ne: 42 } }, limit: 10 }],
  ['village $in sorted by name', { selector: { villageCode: { $in: [V0, '110101001003'] } }, sort: [{ name: 'asc' }] }],
  ['regex on name', { selector: { name: { $regex: '^王' } } }],
  ['regex on nested street', { selector: { 'address.street': { $regex: '号$' } } }],
  ['nested street range', { selector: { 'address.street': { $gt: '东' } }, sort: [{ 'address.street': 'asc' }] }],
  ['$or of two fields', { selector: { $or: [{ age: { $lt: 5 } }, { name: '𠮷𠮷祥' }] } }],
  ['$and on one field', { selector: { $and: [{ age: { $gt: 10 } }, { age: { $lt: 20 } }] } }],
  ['array contains via $in', { selector: { tags: { $in: ['糖尿病'] } } }],
  ['$exists', { selector: { tags: { $exists: true } }, limit: 5 }],
  ['sort on a non-indexed field', { selector: {}, sort: [{ name: 'asc' }] }],
  ['two-field sort, mixed directions', { selector: {}, sort: [{ villageCode: 'asc' }, { age: 'desc' }] }],
  ['skip and limit on an index', { selector: { age: { $gte: 20 } }, sort: [{ age: 'asc' }], skip: 7, limit: 11 }],
  ['skip past the end', { selector: { villageCode: V1 }, skip: 10_000 }],
  ['limit 0', { selector: {}, limit: 0 }],
  ['skip without limit on a matcher query', { selector: { name: { $regex: '建国' } }, skip: 3 }],
  ['no match', { selector: { villageCode: '999999999999' } }],
];

let store: TestStore;
let ours: RxStorageInstance<ResidentDoc, unknown, unknown>;
let reference: RxStorageInstance<ResidentDoc, unknown, unknown>;
const docs = makeDocs(400);

beforeAll(async () => {
  store = openTestStore();
  ours = await store.open<ResidentDoc>('residents', schema);
  reference = await getRxStorageMemory().createStorageInstance<ResidentDoc>({
    databaseInstanceToken: randomToken(10),
    databaseName: randomToken(10),
    collectionName: 'residents',
    schema,
    options: {},
    multiInstance: false,
    devMode: true,
  });
  const rows = docs.map((document) => ({ document }));
  expect((await ours.bulkWrite(rows, 'seed')).error).toEqual([]);
  expect((await reference.bulkWrite(rows, 'seed')).error).toEqual([]);
});

afterAll(async () => {
  await reference.remove();
  await store.dispose();
});

const idsOf = (result: { documents: RxDocumentData<ResidentDoc>[] }): string[] => result.documents.map((d) => d.id);

/** RxQuery always adds `_deleted: false`, which is what lets the `_deleted`-prefixed indexes narrow the range. */
const LIVE_QUERIES: [string, MangoQuery<RxDocumentData<ResidentDoc>>][] = QUERIES.filter(([, q]) => !q.selector || !('_deleted' in q.selector)).map(
  ([name, q]) => [`${name} (live)`, { ...q, selector: { _deleted: { $eq: false }, ...q.selector } }],
);

describe('query results equal the RxDB memory storage', () => {
  it.each([...QUERIES, ...LIVE_QUERIES])('%s', async (_name, query) => {
    const prepared = prepare(schema, query);
    const expected = idsOf(await reference.query(prepared));
    const actual = await ours.query(prepared);
    expect(idsOf(actual)).toEqual(expected);
    const { skip, limit, ...unpaged } = query;
    const countable = prepare(schema, unpaged);
    const total = (await reference.query(countable)).documents.length;
    expect((await ours.count(countable)).count).toBe(total);
    expect((await ours.count(prepared)).count).toBe(expected.length);
    expect(skip === undefined && limit === undefined ? total : expected.length).toBe(expected.length);
  });

  it('returns stored documents unchanged, deep-equal to what was written', async () => {
    const prepared = prepare(schema, { selector: { villageCode: V1 }, limit: 5 });
    const written = new Map(docs.map((d) => [d.id, d]));
    for (const doc of (await ours.query(prepared)).documents) expect(doc).toEqual(written.get(doc.id));
  });
});

describe('index use', () => {
  function plan(query: MangoQuery<RxDocumentData<ResidentDoc>>): string {
    const instance = ours as unknown as RxStorageInstanceSqlcipher<ResidentDoc>;
    const live = { ...query, selector: { _deleted: { $eq: false }, ...query.selector } };
    const explained = instance.explainQuery(prepare(schema, live));
    if (!explained) throw new Error('the plan names no index of ours');
    const rows = instance.internals.connection.db
      .prepare(`EXPLAIN QUERY PLAN ${explained.sql}`)
      .all(...explained.params) as { detail: string }[];
    return rows.map((row) => row.detail).join('\n');
  }

  it.each<[string, MangoQuery<RxDocumentData<ResidentDoc>>, string]>([
    ['village + name', { selector: { villageCode: V1 }, sort: [{ name: 'asc' }] }, 'k:_deleted,villageCode,name,id'],
    ['age range', { selector: { age: { $gt: 10, $lt: 20 } } }, 'k:_deleted,age,id'],
    ['nested street', { selector: { 'address.street': { $gte: '东' } } }, 'k:_deleted,address.street,id'],
  ])('%s runs as a range search on the index, not a table scan', (_label, query, column) => {
    const detail = plan(query);
    expect(detail).toMatch(/^SEARCH .* USING INDEX /m);
    expect(detail).toContain(column);
    expect(detail).not.toMatch(/^SCAN/m);
    expect(detail).not.toContain('TEMP B-TREE');
  });
});

describe('index keys sort like JS strings', () => {
  it('index-key bytes (CESU-8) compare exactly as JS compares strings, astral characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        const js = a < b ? -1 : a > b ? 1 : 0;
        expect(Math.sign(Buffer.compare(toIndexKey(a), toIndexKey(b)))).toBe(js);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds 𠮷 between 龘 and INDEX_MAX, where UTF-8 TEXT order would lose it', async () => {
    const village = '110101009999';
    const names = ['王', '龘', '𠮷祥', '\uFFFD后', '𠮷'];
    const rows = names.map((name, i) => ({ document: residentDoc({ id: `astral-${i}`, name, villageCode: village }) }));
    expect((await ours.bulkWrite(rows, 'astral')).error).toEqual([]);
    expect((await reference.bulkWrite(rows, 'astral')).error).toEqual([]);
    for (const selector of [
      { _deleted: { $eq: false }, villageCode: village, name: { $gt: '龘' } },
      { _deleted: { $eq: false }, villageCode: village },
    ]) {
      const prepared = prepare(schema, { selector, sort: [{ name: 'asc' }] });
      expect(prepared.queryPlan.index).toEqual(['_deleted', 'villageCode', 'name', 'id']);
      const found = (await ours.query(prepared)).documents.map((d) => d.name);
      expect(found).toEqual((await reference.query(prepared)).documents.map((d) => d.name));
      expect(found.slice(-3)).toEqual(['𠮷', '𠮷祥', '\uFFFD后']);
    }
  });
});
