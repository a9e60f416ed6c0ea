import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { DATABASE_FILE, DATABASE_NAME, databasePath, LATEST_STORE_VERSION, openClinicDatabase, type ClinicDatabase } from '../../../main/store/database';
import { getRxStorageSqlcipher } from '../../../main/store/rx-storage-sqlcipher';
import { openEncryptedFile } from '../../../main/store/sqlite-file';
import { ENCOUNTER_TYPES, encounterSchema, type EncounterDoc } from '../../../shared/schemas/collections/encounters';
import { residentSchema, type ResidentDoc } from '../../../shared/schemas/collections/residents';
import { makeTempDir, TEST_KEY, type TempDir } from '../../helpers/store';

/** The residents schema as version 0 shipped it: no ownership fields (villageCode, status) yet. */
type ResidentV0 = Omit<ResidentDoc, 'villageCode' | 'status' | 'householdId' | 'phone'>;
const { villageCode: _v, status: _s, householdId: _h, phone: _p, ...v0Properties } = residentSchema.properties;
const residentSchemaV0: RxJsonSchema<ResidentV0> = {
  ...(residentSchema as unknown as RxJsonSchema<ResidentV0>),
  version: 0,
  properties: v0Properties,
  required: ['id', 'clinicCode', 'recordNo', 'name', 'idNumber', 'birthDate', 'sex', 'data', 'createdAt', 'updatedAt'],
  indexes: ['recordNo', 'idNumber', 'updatedAt'],
};

describe('document schema versions: a database written by an older version is migrated on open', () => {
  let temp: TempDir;
  let db: ClinicDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    temp.remove();
  });

  it('migrates every resident from v0 to v1 (villageCode from the record number, status active)', async () => {
    temp = makeTempDir();
    const old = await createRxDatabase({
      name: DATABASE_NAME,
      storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY, fileName: () => DATABASE_FILE }) }),
      multiInstance: false,
    });
    await old.addCollections({ residents: { schema: residentSchemaV0 } });
    const docs: ResidentV0[] = Array.from({ length: 250 }, (_, i) => ({
      id: `r${String(i).padStart(4, '0')}`,
      clinicCode: '441521101',
      recordNo: `44152110120${1 + (i % 3)}${String(i + 1).padStart(5, '0')}`,
      name: `居民${i}`,
      idNumber: '',
      birthDate: '1950-01-01',
      sex: 1 + (i % 2),
      data: { name: `居民${i}` },
      createdAt: 1_700_000_000_000 + i,
      updatedAt: 1_700_000_000_000 + i,
    }));
    const inserted = await old.residents!.bulkInsert(docs);
    expect(inserted.error).toEqual([]);
    await old.close();

    db = await openClinicDatabase(temp.dir, TEST_KEY);
    const migrated = (await db.rx.residents.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON());
    expect(migrated).toHaveLength(250);
    for (const [i, doc] of migrated.entries()) {
      expect(doc).toMatchObject({ id: docs[i]!.id, villageCode: docs[i]!.recordNo.slice(0, 12), status: 'active', householdId: '', phone: '' });
    }
    const inVillage = await db.rx.residents.count({ selector: { villageCode: '441521101202' } }).exec();
    expect(inVillage).toBe(docs.filter((d) => d.recordNo.startsWith('441521101202')).length);
  });

  it('migrates encounters from v0 to v1 unchanged (v1 only adds the measurement and tcmAssessment types)', async () => {
    temp = makeTempDir();
    const old = await createRxDatabase({
      name: DATABASE_NAME,
      storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlcipher({ directory: temp.dir, key: TEST_KEY, fileName: () => DATABASE_FILE }) }),
      multiInstance: false,
    });
    const v0Types = ENCOUNTER_TYPES.filter((t) => t !== 'measurement' && t !== 'tcmAssessment');
    const encounterSchemaV0 = {
      ...encounterSchema,
      version: 0,
      properties: { ...encounterSchema.properties, type: { type: 'string', enum: v0Types, maxLength: 24 } },
    } as RxJsonSchema<EncounterDoc>;
    await old.addCollections({ encounters: { schema: encounterSchemaV0 } });
    const docs: EncounterDoc[] = Array.from({ length: 40 }, (_, i) => ({
      id: `e${String(i).padStart(4, '0')}`,
      type: v0Types[i % v0Types.length]!,
      clinicCode: '441521101',
      villageCode: '441521101201',
      residentId: `r${i % 7}`,
      date: '2026-03-01',
      status: 'completed',
      amends: '',
      amendReason: '',
      data: { form: { n: i } },
      createdBy: 'u1',
      createdAt: 1_700_000_000_000 + i,
      updatedAt: 1_700_000_000_000 + i,
      completedAt: 1_700_000_000_000 + i,
    }));
    expect((await old.encounters!.bulkInsert(docs)).error).toEqual([]);
    await old.close();

    db = await openClinicDatabase(temp.dir, TEST_KEY);
    const migrated = (await db.rx.encounters.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON());
    expect(migrated).toEqual(docs);
    const measurement = { ...docs[0]!, id: 'm0001', type: 'measurement' as const };
    await db.rx.encounters.insert(measurement);
    expect((await db.rx.encounters.findOne('m0001').exec())?.type).toBe('measurement');
  });

  it('refuses a file written by a newer version of the app, leaving it as it is', async () => {
    temp = makeTempDir();
    db = await openClinicDatabase(temp.dir, TEST_KEY, { create: true });
    await db.close();
    db = undefined;
    const sql = openEncryptedFile(databasePath(temp.dir), TEST_KEY);
    sql.pragma(`user_version = ${LATEST_STORE_VERSION + 1}`);
    sql.close();
    await expect(openClinicDatabase(temp.dir, TEST_KEY)).rejects.toMatchObject({ code: 'DATA_FROM_NEWER_VERSION' });
    const again = openEncryptedFile(databasePath(temp.dir), TEST_KEY);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_STORE_VERSION + 1);
    again.close();
  });
});
