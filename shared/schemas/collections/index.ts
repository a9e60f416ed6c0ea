import { auditSchema } from './audit';
import { contractSchema } from './contracts';
import { encounterMigrations, encounterSchema } from './encounters';
import { householdSchema } from './households';
import { residentMigrations, residentSchema } from './residents';
import { settingMigrations, settingSchema } from './settings';

/** The six collections of a clinic database (DESIGN.md §1), with their migration strategies. */
export const collections = {
  residents: { schema: residentSchema, migrationStrategies: residentMigrations },
  households: { schema: householdSchema, migrationStrategies: {} },
  encounters: { schema: encounterSchema, migrationStrategies: encounterMigrations },
  contracts: { schema: contractSchema, migrationStrategies: {} },
  audit: { schema: auditSchema, migrationStrategies: {} },
  settings: { schema: settingSchema, migrationStrategies: settingMigrations },
} as const;
export type CollectionName = keyof typeof collections;

export type { AuditDoc } from './audit';
export type { ContractDoc } from './contracts';
export type { EncounterDoc, EncounterType } from './encounters';
export type { HouseholdDoc } from './households';
export type { ResidentDoc } from './residents';
export type { SettingDoc, SettingType } from './settings';
