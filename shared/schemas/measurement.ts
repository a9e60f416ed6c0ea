/**
 * 门诊测量 (issue 12 §1): a blood pressure and/or fasting glucose taken at the clinic outside a follow-up or a
 * check, stored as an `encounters` document of type `measurement`, always completed (a measurement has no draft).
 * It feeds the resident's screening state (shared/domain/screening.ts). Schema version 0.
 */
import { z } from 'zod';
import { DateOfCare, ResidentId } from './resident';

export const MeasurementForm = z
  .object({
    residentId: ResidentId,
    date: DateOfCare,
    sbp: z.number().int().optional(),
    dbp: z.number().int().optional(),
    /** mmol/L, one decimal. */
    fastingGlucose: z
      .number()
      .finite()
      .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, 'validation.followup.oneDecimal')
      .optional(),
    /** Where it was taken when not at the clinic desk (outreach day, home). */
    note: z.string().trim().max(100).optional(),
  })
  // Ranges, SBP > DBP and the future-date rule are checked by the service with the clinic's today
  // (shared/domain/readings.readingIssues), so they come back as VALIDATION_FAILED with the field and the range.
  .strict();
export type MeasurementForm = z.infer<typeof MeasurementForm>;
