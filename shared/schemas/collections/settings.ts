import type { RxJsonSchema } from 'rxdb';
import { BODY, CLINIC_CODE, ID, INSTANT } from './common';

/**
 * Typed configuration documents: the clinic (`clinic`), user profiles (`user:<id>`), teams, service packages,
 * device bindings, record-number blocks, entered report denominators (census population, estimated patients). Which `type` a document has decides the zod schema its `data` must pass.
 */
export const SETTING_TYPES = ['clinic', 'user', 'team', 'package', 'deviceBinding', 'recordBlock', 'denominator'] as const;
export type SettingType = (typeof SETTING_TYPES)[number];

export interface SettingDoc {
  id: string;
  type: SettingType;
  clinicCode: string;
  data: Record<string, unknown>;
  updatedAt: number;
}

export const settingSchema: RxJsonSchema<SettingDoc> = {
  title: 'settings',
  description: '诊所设置、用户、团队、服务包、设备绑定、档案号段',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { ...ID, maxLength: 60 },
    type: { type: 'string', enum: [...SETTING_TYPES], maxLength: 16 },
    clinicCode: CLINIC_CODE,
    data: BODY,
    updatedAt: INSTANT,
  },
  required: ['id', 'type', 'clinicCode', 'data', 'updatedAt'],
  indexes: ['type'],
};

/** Version 1 adds the `denominator` type to the enum; existing documents are unchanged. */
export const settingMigrations = {
  1: (old: SettingDoc): SettingDoc => old,
};
