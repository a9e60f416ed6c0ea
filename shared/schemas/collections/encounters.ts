import type { RxJsonSchema } from 'rxdb';
import { BODY, CLINIC_CODE, DATE, ID, INSTANT, VILLAGE_CODE } from './common';

/**
 * Every clinical event about a resident, one collection with a `type` (DESIGN.md §1: free RxDB allows 13 open
 * collections per process). A draft is editable; a completed event is immutable and corrected by a new document
 * with `amends` and a reason, so two devices never conflict on a completed event.
 *
 * `data` is `{ form, computed? }`: `form` is the zod-validated form of the type (shared/schemas: HealthCheckDraft for
 * healthCheck, the follow-up and enrolment schemas for the chronic-disease types), `computed` what the rules
 * derived when it was saved (BMI, age, classification, next visit), kept so a report shows what the doctor saw.
 */
export const ENCOUNTER_TYPES = [
  'healthCheck',
  'selfCareAssessment',
  'htnEnrolment',
  't2dmEnrolment',
  'htnFollowup',
  't2dmFollowup',
  'referralCheck',
  'deviceReading',
  'contractService',
  // Schema version 1 (issue 12): 门诊测量 (outpatient BP/glucose) and 老年人中医药健康管理.
  'measurement',
  'tcmAssessment',
] as const;
export type EncounterType = (typeof ENCOUNTER_TYPES)[number];

export interface EncounterDoc {
  id: string;
  type: EncounterType;
  clinicCode: string;
  villageCode: string;
  residentId: string;
  /** Date of care, 'YYYY-MM-DD' in the clinic's zone. */
  date: string;
  status: 'draft' | 'completed';
  /** The completed encounter this one corrects; '' when it is an original. */
  amends: string;
  amendReason: string;
  data: Record<string, unknown>;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  completedAt: number;
}

export const encounterSchema: RxJsonSchema<EncounterDoc> = {
  title: 'encounters',
  description: '体检、评估、慢病登记与随访、设备读数、门诊测量、中医体质辨识、修订',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    type: { type: 'string', enum: [...ENCOUNTER_TYPES], maxLength: 24 },
    clinicCode: CLINIC_CODE,
    villageCode: VILLAGE_CODE,
    residentId: { type: 'string', maxLength: 40 },
    date: DATE,
    status: { type: 'string', enum: ['draft', 'completed'], maxLength: 10 },
    amends: { type: 'string', maxLength: 40 },
    amendReason: { type: 'string', maxLength: 500 },
    data: BODY,
    createdBy: { type: 'string', maxLength: 40 },
    createdAt: INSTANT,
    updatedAt: INSTANT,
    completedAt: INSTANT,
  },
  required: ['id', 'type', 'clinicCode', 'villageCode', 'residentId', 'date', 'status', 'amends', 'data', 'createdAt', 'updatedAt'],
  indexes: [['residentId', 'date'], ['type', 'date'], ['villageCode', 'type', 'date'], 'amends'],
};

/**
 * Version 1 only widened the `type` enum (measurement, tcmAssessment): every version-0 document is valid as it is.
 */
export const encounterMigrations = {
  1: (old: EncounterDoc): EncounterDoc => old,
};
