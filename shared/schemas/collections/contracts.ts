import type { RxJsonSchema } from 'rxdb';
import { BODY, CLINIC_CODE, DATE, ID, INSTANT, VILLAGE_CODE } from './common';

/** 家庭医生签约协议: one resident's agreement for one period (a household signs one document per member). */
export interface ContractDoc {
  id: string;
  clinicCode: string;
  villageCode: string;
  residentId: string;
  teamId: string;
  startDate: string;
  endDate: string;
  status: 'draft' | 'active' | 'terminated' | 'renewed';
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export const contractSchema: RxJsonSchema<ContractDoc> = {
  title: 'contracts',
  description: '家庭医生签约',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    clinicCode: CLINIC_CODE,
    villageCode: VILLAGE_CODE,
    residentId: { type: 'string', maxLength: 40 },
    teamId: { type: 'string', maxLength: 40 },
    startDate: DATE,
    endDate: DATE,
    status: { type: 'string', enum: ['draft', 'active', 'terminated', 'renewed'], maxLength: 12 },
    data: BODY,
    createdAt: INSTANT,
    updatedAt: INSTANT,
  },
  required: ['id', 'clinicCode', 'villageCode', 'residentId', 'teamId', 'startDate', 'endDate', 'status', 'data', 'createdAt', 'updatedAt'],
  indexes: [['residentId', 'startDate'], ['teamId', 'endDate'], ['status', 'endDate']],
};
