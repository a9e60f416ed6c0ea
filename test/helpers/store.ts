/**
 * Real encrypted stores in throw-away folders for integration tests (STYLE.md §5: `openTestStore()`), plus the
 * small RxDB fixtures the storage suites share: schemas, documents, prepared queries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRevision,
  fillWithDefaultSettings,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
} from 'rxdb/plugins/core';
import type {
  MangoQuery,
  PreparedQuery,
  RxDocumentData,
  RxJsonSchema,
  RxStorageInstance,
  RxStorageInstanceCreationParams,
} from 'rxdb/plugins/core';
import { getRxStorageSqlcipher } from '../../main/store/rx-storage-sqlcipher';
import type { RxStorageSqlcipher } from '../../main/store/rx-storage-sqlcipher';
import type { SqlcipherInstanceCreationOptions } from '../../main/store/rx-storage-sqlcipher';
import { openEncryptedFile } from '../../main/store/sqlite-file';
import type { Database } from '../../main/store/sqlite-file';

/** Fixed so a failing test can be reopened by hand; never a real clinic's key. */
export const TEST_KEY: Buffer = Buffer.from('00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210', 'hex');
export const OTHER_KEY: Buffer = Buffer.alloc(32, 0x42);

export interface TempDir {
  readonly dir: string;
  remove(): void;
}

export function makeTempDir(prefix = 'cunyi-store-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestStore {
  readonly dir: string;
  readonly storage: RxStorageSqlcipher;
  /** The file a database name lives in. */
  pathOf(databaseName: string): string;
  /** Closes what the test opened through `open()` and deletes the folder. */
  dispose(): Promise<void>;
  open<T>(
    collectionName: string,
    schema: RxJsonSchema<RxDocumentData<T>>,
    databaseName?: string,
    multiInstance?: boolean,
  ): Promise<RxStorageInstance<T, unknown, SqlcipherInstanceCreationOptions>>;
}

/** Our storage on a fresh temp folder with TEST_KEY. */
export function openTestStore(): TestStore {
  const temp = makeTempDir();
  const storage = getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY });
  const opened: RxStorageInstance<unknown, unknown, unknown>[] = [];
  return {
    dir: temp.dir,
    storage,
    pathOf: (databaseName) => join(temp.dir, `${databaseName}.db`),
    async open<T>(
      collectionName: string,
      schema: RxJsonSchema<RxDocumentData<T>>,
      databaseName = 'clinic',
      multiInstance = false,
    ) {
      const params: RxStorageInstanceCreationParams<T, SqlcipherInstanceCreationOptions> = {
        databaseInstanceToken: randomToken(10),
        databaseName,
        collectionName,
        schema,
        options: {},
        multiInstance,
        devMode: true,
      };
      const instance = await storage.createStorageInstance<T>(params);
      opened.push(instance as RxStorageInstance<unknown, unknown, unknown>);
      return instance;
    },
    async dispose() {
      await Promise.all(opened.map((instance) => instance.close()));
      temp.remove();
    },
  };
}

/** Opens a file in a temp folder directly (for sqlite-file tests); remove() closes nothing. */
export function openTestFile(temp: TempDir, name = 'test.db', key: Buffer = TEST_KEY): { path: string; db: Database } {
  const path = join(temp.dir, name);
  return { path, db: openEncryptedFile(path, key) };
}

/** 居民 (resident)-like test document: Chinese name, village code, age, nested address. */
export interface ResidentDoc {
  id: string;
  name: string;
  villageCode: string;
  age: number;
  address: { street: string };
  tags?: string[];
}

export function residentSchema(): RxJsonSchema<RxDocumentData<ResidentDoc>> {
  return fillWithDefaultSettings<ResidentDoc>({
    version: 0,
    type: 'object',
    primaryKey: 'id',
    properties: {
      id: { type: 'string', maxLength: 40 },
      name: { type: 'string', maxLength: 40 },
      villageCode: { type: 'string', maxLength: 12 },
      age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 },
      address: {
        type: 'object',
        properties: { street: { type: 'string', maxLength: 60 } },
        required: ['street'],
      },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['id', 'name', 'villageCode', 'age', 'address'],
    indexes: [['villageCode', 'name'], 'age', 'address.street'],
  });
}

export function residentDoc(
  fields: Partial<ResidentDoc> & Pick<ResidentDoc, 'id'>,
  meta: { deleted?: boolean; lwt?: number; rev?: string } = {},
): RxDocumentData<ResidentDoc> {
  const base: ResidentDoc = {
    name: '王建国',
    villageCode: '110101001001',
    age: 60,
    address: { street: '东街1号' },
    ...fields,
  };
  const doc = {
    ...base,
    _deleted: meta.deleted ?? false,
    _attachments: {},
    _meta: { lwt: meta.lwt ?? now() },
    _rev: '',
  } as RxDocumentData<ResidentDoc>;
  doc._rev = meta.rev ?? createRevision(randomToken(10), undefined);
  return doc;
}

/** The next revision of `previous` with `changes` applied, as RxDB would write it. */
export function nextRevision<T>(
  previous: RxDocumentData<T>,
  changes: Partial<RxDocumentData<T>>,
): RxDocumentData<T> {
  const next = { ...previous, ...changes, _meta: { lwt: now() } } as RxDocumentData<T>;
  next._rev = createRevision(randomToken(10), previous);
  return next;
}

/** Normalises and plans a query as RxQuery does; selectors may name the meta fields (`_deleted`). */
export function prepare<T>(
  schema: RxJsonSchema<RxDocumentData<T>>,
  query: MangoQuery<RxDocumentData<T>>,
): PreparedQuery<T> {
  return prepareQuery<T>(schema, normalizeMangoQuery<T>(schema, query as MangoQuery<T>));
}
