/**
 * Property test: for random documents (spaces, NULs, astral characters, values equal to the padding) and random
 * range selectors and sorts, our storage answers exactly what RxDB's memory storage answers. This guards the
 * compact index-key encoding (index-key.ts), where a wrong byte order would silently drop rows from a range scan.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRevision,
  fillWithDefaultSettings,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
  type MangoQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageInstanceCreationParams,
} from 'rxdb/plugins/core';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { getRxStorageSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { makeTempDir, TEST_KEY } from '../../helpers/store';

interface Doc {
  id: string;
  name: string;
  villageCode: string;
  age: number;
}

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const schema: RxJsonSchema<RxDocumentData<Doc>> = fillWithDefaultSettings<Doc>({
  version: 0,
  type: 'object',
  primaryKey: 'id',
  properties: { id: str(12), name: str(6), villageCode: str(4), age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 } },
  required: ['id', 'name', 'villageCode', 'age'],
  indexes: [['villageCode', 'name'], ['name', 'age'], 'age'],
});
const units = ['\x00', '\x01', ' ', '  ', 'a', 'b', '中', '\uD842\uDFB7', '\uFFFF', '!'];
const text = (max: number) => fc.array(fc.constantFrom(...units), { maxLength: max }).map((u) => u.join('').slice(0, max));
const ops = ['$gt', '$gte', '$lt', '$lte', '$eq'] as const;

describe('our storage answers range queries exactly like RxDB memory storage', () => {
  const temp = makeTempDir();
  const ours = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY });
  const memory = getRxStorageMemory();
  afterAll(() => temp.remove());

  it('for random documents, selectors and sorts', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: text(6), villageCode: fc.constantFrom('v1', 'v2', 'v1 ', ' v'), age: fc.integer({ min: 0, max: 150 }) }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.oneof(
          fc.record({ field: fc.constant('name' as const), op: fc.constantFrom(...ops), value: text(6) }),
          fc.record({ field: fc.constant('age' as const), op: fc.constantFrom(...ops), value: fc.integer({ min: 0, max: 150 }) }),
        ), { minLength: 1, maxLength: 2 }),
        fc.constantFrom('v1', 'v2', undefined),
        fc.constantFrom<MangoQuery<Doc>['sort']>([{ villageCode: 'asc' }, { name: 'asc' }], [{ name: 'asc' }, { age: 'asc' }], [{ age: 'asc' }], undefined),
        async (docs, conditions, village, sort) => {
          run++;
          const params: RxStorageInstanceCreationParams<Doc, Record<string, never>> = {
            databaseInstanceToken: randomToken(10),
            databaseName: `prop${run}`,
            collectionName: 'c',
            schema,
            options: {},
            multiInstance: false,
            devMode: false,
          };
          const a = await ours.createStorageInstance<Doc>(params);
          const b = await memory.createStorageInstance<Doc>(params);
          const rows = docs.map((d, i) => ({
            document: { id: `id${i}`, ...d, _deleted: false, _attachments: {}, _meta: { lwt: now() }, _rev: createRevision(randomToken(10)) },
          }));
          await a.bulkWrite(rows, 'prop');
          await b.bulkWrite(rows, 'prop');
          const selector: Record<string, Record<string, unknown>> = { _deleted: { $eq: false } };
          if (village) selector['villageCode'] = { $eq: village };
          for (const c of conditions) selector[c.field] = { ...(selector[c.field] ?? {}), [c.op]: c.value };
          const query = prepareQuery(schema, normalizeMangoQuery(schema, { selector: selector, ...(sort ? { sort } : {}) }));
          const ids = async (s: Pick<typeof a, 'query'>) => (await s.query(query)).documents.map((d) => d.id).join(',');
          const [x, y] = [await ids(a), await ids(b)];
          const [cx, cy] = [(await a.count(query)).count, (await b.count(query)).count];
          await a.remove();
          await b.remove();
          expect({ ids: x, count: cx }).toEqual({ ids: y, count: cy });
        },
      ),
      { numRuns: 200 },
    );
  });
});
