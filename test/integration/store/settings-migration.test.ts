import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { DATABASE_FILE, DATABASE_NAME, openClinicDatabase, type ClinicDatabase } from '../../../main/store/database';
import { getRxStorageSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { settingSchema, type SettingDoc } from '../../../shared/schemas/collections/settings';
import { makeTempDir, TEST_KEY, type TempDir } from '../../helpers/store';

/** The settings schema as version 0 shipped it: six types, before sync review and offline bundles. */
const settingSchemaV0: RxJsonSchema<SettingDoc> = {
  ...settingSchema,
  version: 0,
  properties: { ...settingSchema.properties, type: { type: 'string', enum: ['clinic', 'user', 'team', 'package', 'deviceBinding', 'recordBlock'], maxLength: 16 } },
};

describe('settings v0 → v1 (the type enum widened for sync review and bundles)', () => {
  let temp: TempDir;
  let db: ClinicDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    temp.remove();
  });

  it('keeps every v0 document as it was and accepts the new types', async () => {
    temp = makeTempDir();
    const old = await createRxDatabase({ name: DATABASE_NAME, storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY, fileName: () => DATABASE_FILE }) }), multiInstance: false });
    await old.addCollections({ settings: { schema: settingSchemaV0 } });
    const docs: SettingDoc[] = [
      { id: 'clinic', type: 'clinic', clinicCode: '441521101', data: { clinicName: '赤坑镇卫生院' }, updatedAt: 1 },
      { id: 'user:u1', type: 'user', clinicCode: '441521101', data: { username: 'admin' }, updatedAt: 2 },
    ];
    expect((await old.settings!.bulkInsert(docs)).error).toEqual([]);
    await old.close();

    db = await openClinicDatabase(temp.dir, TEST_KEY);
    const migrated = (await db.rx.settings.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON());
    expect(migrated).toEqual(docs);
    await db.rx.settings.insert({ id: 'conflict:x', type: 'syncReview', clinicCode: '441521101', data: {}, updatedAt: 3 });
    expect(await db.rx.settings.count({ selector: { type: 'syncReview' } }).exec()).toBe(1);
  });
});

/** Version 1: before the indicators' 口径 versions. */
const settingSchemaV1: RxJsonSchema<SettingDoc> = {
  ...settingSchema,
  version: 1,
  properties: {
    ...settingSchema.properties,
    type: { type: 'string', enum: ['clinic', 'user', 'team', 'package', 'deviceBinding', 'recordBlock', 'syncReview', 'bundleKey', 'bundlePeer', 'bundleImport', 'denominator'], maxLength: 16 },
  },
};

describe('settings v1 → v2 (the type enum widened for indicatorRules)', () => {
  let temp: TempDir;
  let db: ClinicDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    temp.remove();
  });

  it('keeps every v1 document as it was and accepts indicatorRules documents', async () => {
    temp = makeTempDir();
    const old = await createRxDatabase({ name: DATABASE_NAME, storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY, fileName: () => DATABASE_FILE }) }), multiInstance: false });
    await old.addCollections({ settings: { schema: settingSchemaV1, migrationStrategies: { 1: (d: SettingDoc) => d } } });
    const docs: SettingDoc[] = [
      { id: 'clinic', type: 'clinic', clinicCode: '441521101', data: { clinicName: '赤坑镇卫生院' }, updatedAt: 1 },
      { id: 'denominator:441521101201:population:2025-12-31', type: 'denominator', clinicCode: '441521101', data: { value: 260 }, updatedAt: 2 },
    ];
    expect((await old.settings!.bulkInsert(docs)).error).toEqual([]);
    await old.close();

    db = await openClinicDatabase(temp.dir, TEST_KEY);
    expect((await db.rx.settings.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON())).toEqual(docs);
    await db.rx.settings.insert({ id: 'indicatorRules:clinic:2026-01-01', type: 'indicatorRules', clinicCode: '441521101', data: {}, updatedAt: 3 });
    expect(await db.rx.settings.count({ selector: { type: 'indicatorRules' } }).exec()).toBe(1);
  });
});

/** Version 2: before the county's village list. */
const settingSchemaV2: RxJsonSchema<SettingDoc> = {
  ...settingSchema,
  version: 2,
  properties: {
    ...settingSchema.properties,
    type: {
      type: 'string',
      enum: ['clinic', 'user', 'team', 'package', 'deviceBinding', 'recordBlock', 'syncReview', 'bundleKey', 'bundlePeer', 'bundleImport', 'denominator', 'indicatorRules', 'moveRequest'],
      maxLength: 16,
    },
  },
};

describe('settings v2 → v3 (the type enum widened for the county village list)', () => {
  let temp: TempDir;
  let db: ClinicDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    temp.remove();
  });

  it('keeps every v2 document as it was (a pending move request included) and accepts countyVillages documents', async () => {
    temp = makeTempDir();
    const old = await createRxDatabase({ name: DATABASE_NAME, storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY, fileName: () => DATABASE_FILE }) }), multiInstance: false });
    await old.addCollections({ settings: { schema: settingSchemaV2, migrationStrategies: { 1: (d: SettingDoc) => d, 2: (d: SettingDoc) => d } } });
    const docs: SettingDoc[] = [
      { id: 'clinic', type: 'clinic', clinicCode: '441521101', data: { clinicName: '赤坑镇卫生院' }, updatedAt: 1 },
      { id: 'indicatorRules:county:2026-01-01', type: 'indicatorRules', clinicCode: '441521101', data: { from: '2026-01-01' }, updatedAt: 2 },
      {
        id: 'moveRequest:r1',
        type: 'moveRequest',
        clinicCode: '441521101',
        data: { residentId: 'r1', fromVillageCode: '441521101201', toVillageCode: '441521102201', reason: '', requestedBy: 'admin', requestedAt: 3, status: 'pending' },
        updatedAt: 3,
      },
    ];
    expect((await old.settings!.bulkInsert(docs)).error).toEqual([]);
    await old.close();

    db = await openClinicDatabase(temp.dir, TEST_KEY);
    expect((await db.rx.settings.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON())).toEqual(docs);
    await db.rx.settings.insert({ id: 'countyVillages', type: 'countyVillages', clinicCode: '441521101', data: { villages: [], issuedAt: 4 }, updatedAt: 4 });
    expect(await db.rx.settings.count({ selector: { type: 'countyVillages' } }).exec()).toBe(1);
  });
});
