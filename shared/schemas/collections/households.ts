import type { RxJsonSchema } from 'rxdb';
import { BODY, CLINIC_CODE, ID, INSTANT, VILLAGE_CODE } from './common';

/** 户: a household, its head and members (members keep their own `householdId`). */
export interface HouseholdDoc {
  id: string;
  clinicCode: string;
  villageCode: string;
  headResidentId: string;
  address: string;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export const householdSchema: RxJsonSchema<HouseholdDoc> = {
  title: 'households',
  description: '家庭户',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    clinicCode: CLINIC_CODE,
    villageCode: VILLAGE_CODE,
    headResidentId: { type: 'string', maxLength: 40 },
    address: { type: 'string', maxLength: 200 },
    data: BODY,
    createdAt: INSTANT,
    updatedAt: INSTANT,
  },
  required: ['id', 'clinicCode', 'villageCode', 'headResidentId', 'address', 'data', 'createdAt', 'updatedAt'],
  indexes: [['villageCode', 'address'], 'headResidentId'],
};
