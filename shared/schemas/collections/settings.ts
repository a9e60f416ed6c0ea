import type { RxJsonSchema } from 'rxdb';
import { BODY, CLINIC_CODE, ID, INSTANT } from './common';

/**
 * Typed configuration documents: the clinic (`clinic`), user profiles (`user:<id>`), teams, service packages,
 * device bindings, record-number blocks, sync review items (`syncReview`: conflicts and duplicate residents to settle),
 * the offline-bundle device key (`bundleKey`), paired bundle senders (`bundlePeer`), imported bundles
 * (`bundleImport`), entered report denominators (`denominator`: census population, estimated patients), the
 * indicators' 口径 versions (`indicatorRules`: the county's policy or the clinic's own), residents' move requests
 * to the county platform (`moveRequest`, shared/sync/moves.ts `MoveRequest`) and the county's village list written by
 * the platform (`countyVillages`, shared/schemas/county-villages.ts). Which `type` a document has decides
 * the zod schema its `data` must pass.
 */
export const SETTING_TYPES = ['clinic', 'user', 'team', 'package', 'deviceBinding', 'recordBlock', 'syncReview', 'bundleKey', 'bundlePeer', 'bundleImport', 'denominator', 'indicatorRules', 'moveRequest', 'countyVillages'] as const;
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
  version: 3,
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

/**
 * Version 1 only widens the `type` enum (sync review, offline bundles, report denominators): every version 0 document
 * is valid as is.
 */
export const settingMigrations = {
  1: (old: Record<string, unknown>): SettingDoc => old as unknown as SettingDoc,
  /** Version 2 only widens the `type` enum again (indicator 口径 versions, move requests): every version 1 document is valid as is. */
  2: (old: Record<string, unknown>): SettingDoc => old as unknown as SettingDoc,
  /** Version 3 only widens the `type` enum again (the county's village list): every version 2 document is valid as is. */
  3: (old: Record<string, unknown>): SettingDoc => old as unknown as SettingDoc,
};
