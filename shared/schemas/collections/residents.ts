import type { RxJsonSchema } from 'rxdb';
import { BODY, CLINIC_CODE, DATE, ID, INSTANT, VILLAGE_CODE } from './common';

/** 居民健康档案: one resident. `data` holds the cover and 个人基本信息表 (shared/schemas/resident.ts). */
export interface ResidentDoc {
  id: string;
  clinicCode: string;
  villageCode: string;
  recordNo: string;
  name: string;
  /** Uppercase, '' when the resident has no ID number yet (infants). */
  idNumber: string;
  phone: string;
  birthDate: string;
  sex: number;
  householdId: string;
  status: 'active' | 'died' | 'movedOut';
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export const residentSchema: RxJsonSchema<ResidentDoc> = {
  title: 'residents',
  description: '居民健康档案',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    clinicCode: CLINIC_CODE,
    villageCode: VILLAGE_CODE,
    recordNo: { type: 'string', maxLength: 17 },
    name: { type: 'string', maxLength: 40 },
    idNumber: { type: 'string', maxLength: 18 },
    phone: { type: 'string', maxLength: 20 },
    birthDate: DATE,
    sex: { type: 'integer', minimum: 0, maximum: 9, multipleOf: 1 },
    householdId: { type: 'string', maxLength: 40 },
    status: { type: 'string', enum: ['active', 'died', 'movedOut'], maxLength: 10 },
    data: BODY,
    createdAt: INSTANT,
    updatedAt: INSTANT,
  },
  required: ['id', 'clinicCode', 'villageCode', 'recordNo', 'name', 'idNumber', 'birthDate', 'sex', 'status', 'data', 'createdAt', 'updatedAt'],
  indexes: ['recordNo', 'idNumber', ['villageCode', 'name'], 'householdId', 'updatedAt'],
};

/**
 * Version 0 had no ownership fields (DESIGN.md §1); version 1 adds `villageCode` (the first 12 digits of the
 * record number) and `status` so the platform can scope pulls without opening the payload.
 */
export const residentMigrations = {
  1: (old: Record<string, unknown>): ResidentDoc => {
    const recordNo = typeof old['recordNo'] === 'string' ? old['recordNo'] : '';
    return {
      ...(old as unknown as ResidentDoc),
      villageCode: typeof old['villageCode'] === 'string' ? old['villageCode'] : recordNo.slice(0, 12),
      status: (old['status'] as ResidentDoc['status'] | undefined) ?? 'active',
      householdId: typeof old['householdId'] === 'string' ? old['householdId'] : '',
      phone: typeof old['phone'] === 'string' ? old['phone'] : '',
    };
  },
};
