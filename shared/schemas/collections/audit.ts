import type { RxJsonSchema } from 'rxdb';
import { CLINIC_CODE, ID, INSTANT } from './common';

/** 审计日志: append-only; the API offers no way to edit or delete an entry. */
export interface AuditDoc {
  id: string;
  clinicCode: string;
  at: number;
  userId: string;
  username: string;
  /** e.g. `insert`, `update`, `delete`, `open`, `signIn`, `signInFailed`, `lock`, `export`. */
  action: string;
  /** Which collection the record is in (RxDB reserves the name `collection` on documents). */
  entity: string;
  recordId: string;
  residentId: string;
  detail: string;
}

export const auditSchema: RxJsonSchema<AuditDoc> = {
  title: 'audit',
  description: '审计日志',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    clinicCode: CLINIC_CODE,
    at: INSTANT,
    userId: { type: 'string', maxLength: 40 },
    username: { type: 'string', maxLength: 40 },
    action: { type: 'string', maxLength: 24 },
    entity: { type: 'string', maxLength: 24 },
    recordId: { type: 'string', maxLength: 64 },
    residentId: { type: 'string', maxLength: 40 },
    detail: { type: 'string', maxLength: 1000 },
  },
  required: ['id', 'clinicCode', 'at', 'userId', 'username', 'action', 'entity', 'recordId', 'residentId', 'detail'],
  indexes: ['at', ['residentId', 'at']],
};
