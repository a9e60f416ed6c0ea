/**
 * 筛查 and 门诊测量 through the API (issue 12 §1): the quick outpatient BP / glucose entry and the screening state of a
 * resident, computed from every BP or glucose recorded (checks, measurements, follow-ups) by shared/domain/screening.
 */
import { z } from 'zod';
import { MeasurementForm } from '../schemas/measurement';
import { TcmAssessmentForm } from '../schemas/tcm';
import { method } from './method';

const Id = z.string().min(1).max(64);

export const ScreeningStateSchema = z.enum(['notEligible', 'yearlyDue', 'normal', 'highRisk', 'suspected', 'confirmed', 'history', 'enrolled']);

export const DiseaseScreeningView = z.object({
  disease: z.enum(['htn', 't2dm']),
  state: ScreeningStateSchema,
  episode: z.array(z.object({ date: z.string(), high: z.boolean() })),
  lastReadingDate: z.string().nullable(),
  nextDue: z.string().nullable(),
  earliest: z.string().nullable(),
  decidedOn: z.string().nullable(),
  clearedOn: z.string().nullable(),
  promptEnrolment: z.boolean(),
  suggestReferral: z.boolean(),
  needsAgeOverride: z.boolean(),
});
export type DiseaseScreeningView = z.infer<typeof DiseaseScreeningView>;

/** One reading as the screening read it, newest first, with where it came from. */
export const ReadingView = z.object({
  encounterId: z.string(),
  date: z.string(),
  source: z.enum(['healthCheck', 'measurement', 'followup', 'device']),
  sbp: z.number().nullable(),
  dbp: z.number().nullable(),
  fastingGlucose: z.number().nullable(),
});
export type ReadingView = z.infer<typeof ReadingView>;

export const ResidentScreening = z.object({
  residentId: z.string(),
  today: z.string(),
  age: z.number().int(),
  htn: DiseaseScreeningView,
  t2dm: DiseaseScreeningView,
  readings: z.array(ReadingView),
});
export type ResidentScreening = z.infer<typeof ResidentScreening>;

export const screening = {
  /** Screening state and readings of one resident. Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: ResidentScreening, access: 'session' }),
};

export const measurements = {
  /** 门诊测量: records a BP and/or fasting glucose and returns the new screening state. Errors: VALIDATION_FAILED, NOT_FOUND. */
  record: method({ scope: 'village', input: MeasurementForm, output: ResidentScreening, access: 'session' }),
};

// ---- 老年人中医药健康管理 ----

export const TcmAssessmentView = z.object({
  id: z.string(),
  residentId: z.string(),
  date: z.string(),
  form: TcmAssessmentForm,
  scores: z.array(z.object({ type: z.string(), sum: z.number().int(), result: z.enum(['yes', 'tendency', 'basically', 'no']) })),
  constitutions: z.array(z.string()),
  completedAt: z.number(),
});
export type TcmAssessmentView = z.infer<typeof TcmAssessmentView>;

export const tcm = {
  /** Records a completed 中医体质辨识 (all 33 items answered). Errors: VALIDATION_FAILED, NOT_FOUND. */
  record: method({ scope: 'village', input: TcmAssessmentForm, output: TcmAssessmentView, access: 'session' }),
  /** A resident's TCM assessments, newest first. Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: z.array(TcmAssessmentView), access: 'session' }),
};
