/**
 * 报表: indicators computed from the records (shared/domain/indicators), the residents behind any number, trends,
 * per-resident measurement trends, entered denominators (设置) and the monthly report as an .xlsx file.
 */
import { z } from 'zod';
import { INDICATOR_IDS } from '../domain/indicators/compute';
import { Denominator, DenominatorInput } from '../schemas/denominator';
import { IndicatorRulesDoc, IndicatorRulesInput } from '../schemas/indicator-rules';
import { DYNAMIC_USE_DENOMINATORS, ELDERLY_AGE_RULES, STANDARD_RULES } from '../domain/indicators/rules';
import { method } from './method';

export const IndicatorId = z.enum(INDICATOR_IDS);
export type IndicatorId = z.infer<typeof IndicatorId>;

export const ReportPeriodInput = z
  .object({
    kind: z.enum(['month', 'quarter', 'year']),
    year: z.number().int().min(2000).max(2100),
    index: z.number().int().min(1).max(12),
  })
  .refine((p) => p.index <= (p.kind === 'month' ? 12 : p.kind === 'quarter' ? 4 : 1), { path: ['index'], message: 'validation.invalid' });
export type ReportPeriodInput = z.infer<typeof ReportPeriodInput>;

export const ReportScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('clinic') }),
  z.object({ kind: z.literal('village'), villageCode: z.string().regex(/^\d{12}$/) }),
  z.object({ kind: z.literal('team'), teamId: z.string().min(1).max(40) }),
]);
export type ReportScope = z.infer<typeof ReportScope>;

/** One indicator without its id lists (those come from `reports.residents`). */
export const IndicatorFigure = z.object({
  id: IndicatorId,
  numerator: z.number().int(),
  denominator: z.number().int().nullable(),
  rate: z.number().nullable(),
  reason: z.enum(['noDenominator', 'denominatorNotEntered']).nullable(),
  denominatorSource: z.enum(['records', 'entered']),
  enteredAsOf: z.string().nullable(),
});
export type IndicatorFigure = z.infer<typeof IndicatorFigure>;

/**
 * The 口径 a report was computed with (rules.ts): kept with the report, shown on the screen, the .xlsx and the print
 * sheet, and named in the export's audit entry. `versionId` null: the defaults (nothing was set).
 */
export const ReportRules = z.object({
  standardRule: z.enum(STANDARD_RULES),
  annualCheck: z.boolean(),
  dynamicUseDenominator: z.enum(DYNAMIC_USE_DENOMINATORS),
  elderlyAgeRule: z.enum(ELDERLY_AGE_RULES),
  versionId: z.string().nullable(),
  from: z.string().nullable(),
  issuedBy: z.enum(['clinic', 'county']).nullable(),
});
export type ReportRules = z.infer<typeof ReportRules>;

export const VillageFigures = z.object({ villageCode: z.string(), villageName: z.string(), indicators: z.array(IndicatorFigure) });

export const Report = z.object({
  period: z.object({ kind: z.enum(['month', 'quarter', 'year']), year: z.number(), index: z.number(), key: z.string() }),
  /** The period's own dates and the 年内 window the indicators count over. */
  periodStart: z.string(),
  periodEnd: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  scope: ReportScope,
  scopeName: z.string(),
  clinic: z.object({ code: z.string(), name: z.string() }),
  generatedAt: z.number(),
  generatedBy: z.string(),
  indicators: z.array(IndicatorFigure),
  /** The same indicators per village of the scope (per-village comparison). */
  villages: z.array(VillageFigures),
  /** The 口径 in force for the report's window end. */
  rules: ReportRules,
  /** Plain counts of the period itself (not 年内): what was done this month / quarter / year. */
  activity: z.object({ newRecords: z.number().int(), followups: z.number().int(), faceToFaceFollowups: z.number().int(), healthChecks: z.number().int() }),
});
export type Report = z.infer<typeof Report>;

export const TrendPoint = z.object({ key: z.string(), periodEnd: z.string(), indicators: z.array(IndicatorFigure) });
export type TrendPoint = z.infer<typeof TrendPoint>;

export const ListedResident = z.object({
  id: z.string(),
  recordNo: z.string(),
  name: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  status: z.enum(['active', 'died', 'movedOut']),
});
export type ListedResident = z.infer<typeof ListedResident>;

/** numerator: counted; denominator: everyone counted against; gap: in the denominator but not the numerator. */
export const ListSide = z.enum(['numerator', 'denominator', 'gap']);
export type ListSide = z.infer<typeof ListSide>;

export const MeasurementPoint = z.object({
  date: z.string(),
  source: z.string(),
  sbp: z.number().nullable(),
  dbp: z.number().nullable(),
  glucose: z.number().nullable(),
  weight: z.number().nullable(),
});
export type MeasurementPoint = z.infer<typeof MeasurementPoint>;

export const ExportedFile = z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() });
export type ExportedFile = z.infer<typeof ExportedFile>;

const ReportQuery = z.object({ period: ReportPeriodInput, scope: ReportScope.default({ kind: 'clinic' }) }).strict();

export const reports = {
  /** The report of one period and scope. Errors: LOCKED, FORBIDDEN (for a village doctor: the clinic, a team or another village), OUT_OF_JURISDICTION, NOT_FOUND (team). */
  get: method({ scope: 'village', input: ReportQuery, output: Report }),
  /** The same indicators for `count` periods ending with `period`, oldest first. Errors: LOCKED, FORBIDDEN, OUT_OF_JURISDICTION, NOT_FOUND. */
  trend: method({ scope: 'village',
    input: z.object({ period: ReportPeriodInput, scope: ReportScope.default({ kind: 'clinic' }), count: z.number().int().min(1).max(24).default(12) }).strict(),
    output: z.array(TrendPoint),
  }),
  /** The residents behind one number. Errors: LOCKED, FORBIDDEN, OUT_OF_JURISDICTION, NOT_FOUND, NOT_SUPPORTED (an entered denominator has no list). */
  residents: method({ scope: 'village', audit: 'residentRead',
    input: z.object({ period: ReportPeriodInput, scope: ReportScope.default({ kind: 'clinic' }), indicator: IndicatorId, side: ListSide }).strict(),
    output: z.object({ total: z.number().int(), rows: z.array(ListedResident) }),
  }),
  /** BP, fasting glucose and weight of one resident over time, from completed records. Errors: LOCKED, NOT_FOUND. */
  residentTrend: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: z.string().min(1).max(64) }).strict(), output: z.array(MeasurementPoint) }),
  /** The report as an .xlsx a county office can file (aggregate figures, no names); audited. Errors: LOCKED, FORBIDDEN, OUT_OF_JURISDICTION, NOT_FOUND. */
  exportXlsx: method({ scope: 'village', input: ReportQuery, output: ExportedFile }),
  /**
   * The residents behind one number as .xlsx (names, record and ID numbers: identifiable). `confirmed` must be true:
   * the UI has told the user what the file contains. Audited. Errors: LOCKED, FORBIDDEN, OUT_OF_JURISDICTION, NOT_FOUND, NOT_SUPPORTED.
   */
  exportResidents: method({ scope: 'village',
    input: z.object({ period: ReportPeriodInput, scope: ReportScope.default({ kind: 'clinic' }), indicator: IndicatorId, side: ListSide, confirmed: z.literal(true) }).strict(),
    output: ExportedFile,
  }),
  /** Records that the report was printed (the print view); printing itself happens in the window. Errors: LOCKED, FORBIDDEN. */
  notePrinted: method({ scope: 'village', input: ReportQuery, output: z.object({ ok: z.literal(true) }) }),
};

export const denominators = {
  /** 分母 entered in 设置, newest first. Errors: LOCKED. */
  list: method({ scope: 'clinic', input: z.object({}).strict(), output: z.array(Denominator) }),
  /** Enter or import figures (one per village, kind and date; the same again replaces it). Errors: LOCKED, FORBIDDEN, VALIDATION_FAILED. */
  save: method({ input: z.object({ entries: z.array(DenominatorInput).min(1).max(2000) }).strict(), output: z.array(Denominator), access: 'admin' }),
  /** Remove one entered figure. Errors: LOCKED, FORBIDDEN, NOT_FOUND. */
  remove: method({ input: z.object({ id: z.string().min(1).max(60) }).strict(), output: z.object({ ok: z.literal(true) }), access: 'admin' }),
};

export const indicatorRules = {
  /** 指标口径 versions (the county's policy and the clinic's own), newest first. Errors: LOCKED. */
  list: method({ scope: 'clinic', input: z.object({}).strict(), output: z.array(IndicatorRulesDoc), access: 'session' }),
  /**
   * Enter the clinic's own 口径 from a date (the same date again replaces it). Errors: LOCKED, FORBIDDEN,
   * VALIDATION_FAILED, RULES_SET_BY_COUNTY (the county's policy is in force from that date: the version would never count).
   */
  save: method({ input: IndicatorRulesInput.strict(), output: IndicatorRulesDoc, access: 'admin' }),
  /** Remove one of the clinic's own versions (the county's cannot be removed here). Errors: LOCKED, FORBIDDEN, NOT_FOUND, RULES_SET_BY_COUNTY. */
  remove: method({ input: z.object({ id: z.string().min(1).max(60) }).strict(), output: z.object({ ok: z.literal(true) }), access: 'admin' }),
};
