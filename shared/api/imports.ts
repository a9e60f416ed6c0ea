/** 导入: residents and households from an older system's .xlsx / .csv (shared/domain/resident-import.ts). */
import { z } from 'zod';
import { IMPORT_FIELDS } from '../domain/resident-import';
import { FieldIssueSchema } from './common';
import { method } from './method';

/** A file as the renderer read it: at most ~12 MB of base64. */
const ImportFile = { fileName: z.string().trim().min(1).max(200), base64: z.string().min(1).max(16_000_000) };
export const ColumnMappingSchema = z.partialRecord(z.enum(IMPORT_FIELDS), z.number().int().min(0).max(200));

export const ImportRowResult = z.object({
  /** Row number in the file (the header is row 1). */
  row: z.number().int(),
  action: z.enum(['created', 'updated', 'unchanged', 'rejected']),
  name: z.string(),
  existingId: z.string().optional(),
  changedFields: z.array(z.string()).optional(),
  issues: z.array(FieldIssueSchema),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

export const ImportPlan = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  results: z.array(ImportRowResult),
});
export type ImportPlan = z.infer<typeof ImportPlan>;

const WithMapping = z.object({ ...ImportFile, mapping: ColumnMappingSchema }).strict();

export const imports = {
  /** Header, the first 10 rows and a suggested column mapping. Errors: LOCKED, FORBIDDEN, NOT_SUPPORTED (not .xlsx/.csv), VALIDATION_FAILED. */
  preview: method({
    input: z.object(ImportFile).strict(),
    output: z.object({ headers: z.array(z.string()), sample: z.array(z.array(z.string())), rowCount: z.number().int(), suggested: ColumnMappingSchema }),
    access: 'admin',
  }),
  /** What the import would do, row by row, without writing. Errors: LOCKED, FORBIDDEN, NOT_SUPPORTED, VALIDATION_FAILED. */
  dryRun: method({ input: WithMapping, output: ImportPlan, access: 'admin' }),
  /** Import: creates and updates as the dry run says, audited; running it again changes nothing. Errors: LOCKED, FORBIDDEN, NOT_SUPPORTED, VALIDATION_FAILED, RECORD_NUMBERS_EXHAUSTED. */
  run: method({ input: WithMapping, output: ImportPlan, access: 'admin' }),
};
