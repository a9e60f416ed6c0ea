/**
 * 居民 (resident): the record cover and 个人基本信息表 (records.md §1–2), in the `residents` collection.
 * Schema version 0. Codes come from `shared/domain/code-sets`; cross-field rules return FieldIssue-style
 * paths and `validation.*` keys (messages in `shared/domain/validation-messages`).
 *
 * Multi-selects with a "1 无" code keep it explicit; list fields without one (surgeries, injuries, transfusions)
 * use `undefined` = not asked, `[]` = none.
 */
import { z } from 'zod';
import type { FieldIssue } from '../api/errors';
import { ClinicCode } from '../api/session';
import * as cs from '../domain/code-sets';
import { type CalendarDate, compareDates, isValidDate } from '../domain/dates';
import { isVillageCode } from '../domain/division-code';
import { checkIdDocument, ID_TYPE_CODES, type IdParseFailure } from '../domain/id-number';
import { isRecordNo } from '../domain/record-number';

export const ResidentId = z.string().min(1).max(64).brand<'ResidentId'>();
export type ResidentId = z.infer<typeof ResidentId>;
export const HouseholdId = z.string().min(1).max(64).brand<'HouseholdId'>();
export type HouseholdId = z.infer<typeof HouseholdId>;
export const VillageCode = z.string().refine(isVillageCode, 'validation.villageCode').brand<'VillageCode'>();
export type VillageCode = z.infer<typeof VillageCode>;
export const RecordNo = z.string().refine(isRecordNo, 'validation.recordNo').brand<'RecordNo'>();
export type RecordNo = z.infer<typeof RecordNo>;

/** 'YYYY-MM-DD', a real calendar date. */
export const DateOfCare = z.string().refine(isValidDate, 'validation.date');
/** 'YYYY-MM' (diagnosis month on 既往史). */
export const YearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'validation.yearMonth');

const code = <C extends string>(set: cs.CodeSet<C>) => z.enum(cs.codesOf(set));
const codes = <C extends string>(set: cs.CodeSet<C>) => z.array(code(set)).max(set.length);
const text = (max = 100) => z.string().trim().max(max);

/** Mobile 1xxxxxxxxxx, or a landline with area code (0xx-xxxxxxx[x], dash optional) and optional extension. */
export const PHONE_RE = /^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/;
export const Phone = z.string().trim().regex(PHONE_RE, 'validation.phoneFormat');

export const IdType = z.enum(ID_TYPE_CODES);
export type IdType = z.infer<typeof IdType>;

export const PastDisease = z.object({
  code: code(cs.pastDiseases),
  diagnosedMonth: YearMonth.optional(),
  /** 恶性肿瘤 / 职业病 / 其他: the name. */
  name: text(60).optional(),
});
export type PastDisease = z.infer<typeof PastDisease>;

export const PastEvent = z.object({ name: text(60), date: z.union([DateOfCare, YearMonth]).optional() });
export type PastEvent = z.infer<typeof PastEvent>;

export const FamilyHistory = z.object({
  father: codes(cs.familyHistory).default([]),
  mother: codes(cs.familyHistory).default([]),
  siblings: codes(cs.familyHistory).default([]),
  children: codes(cs.familyHistory).default([]),
  otherText: text(60).optional(),
});
export type FamilyHistory = z.infer<typeof FamilyHistory>;

/** Facts the app cannot derive from records, used for key-population tags (contracting.md §4). */
export const ResidentFlags = z.object({
  isPregnant: z.boolean().optional(),
  isPoor: z.boolean().optional(),
  isFpSpecialFamily: z.boolean().optional(),
});
export type ResidentFlags = z.infer<typeof ResidentFlags>;

/** The fields a create/edit form sends. */
const residentFields = {
  // cover (居民健康档案封面)
  name: z.string().trim().min(1, 'validation.required').max(40),
  currentAddress: text(120).optional(),
  registeredAddress: text(120).optional(),
  phone: Phone.optional(),
  townshipName: text(60).optional(),
  villageName: text(60).optional(),
  createdByOrg: text(60).optional(),
  createdBy: text(40).optional(),
  responsibleDoctor: text(40).optional(),
  createdDate: DateOfCare,
  // 个人基本信息表
  sex: code(cs.sex),
  birthDate: DateOfCare,
  idType: IdType.default('residentId'),
  /** Absent for infants before registration: the record number is then the key (identifiers.md §1). */
  idNumber: z.string().trim().max(32).optional(),
  employer: text(60).optional(),
  contactName: text(40).optional(),
  contactPhone: Phone.optional(),
  residenceType: code(cs.residenceType).optional(),
  ethnicity: code(cs.ethnicity).optional(),
  bloodType: code(cs.bloodType).optional(),
  rhNegative: code(cs.rhNegative).optional(),
  education: code(cs.education).optional(),
  occupation: code(cs.occupation).optional(),
  maritalStatus: code(cs.maritalStatus).optional(),
  paymentMethods: codes(cs.paymentMethods).default([]),
  paymentOther: text(60).optional(),
  drugAllergies: codes(cs.drugAllergies).default([]),
  drugAllergyOther: text(60).optional(),
  exposures: codes(cs.exposures).default([]),
  pastDiseases: z.array(PastDisease).max(40).default([]),
  surgeries: z.array(PastEvent).max(20).optional(),
  injuries: z.array(PastEvent).max(20).optional(),
  transfusions: z.array(PastEvent).max(20).optional(),
  familyHistory: FamilyHistory.optional(),
  geneticDisease: z.object({ has: code(cs.noneOrHas), name: text(60).optional() }).optional(),
  disabilities: codes(cs.disabilities).default([]),
  disabilityOther: text(60).optional(),
  kitchenExhaust: code(cs.kitchenExhaust).optional(),
  fuelType: code(cs.fuelType).optional(),
  drinkingWater: code(cs.drinkingWater).optional(),
  toiletType: code(cs.toiletType).optional(),
  livestockPen: code(cs.livestockPen).optional(),
  flags: ResidentFlags.default({}),
  villageCode: VillageCode,
  householdId: HouseholdId.optional(),
};

const idFailureKey: Record<IdParseFailure, string> = {
  length: 'validation.idLength',
  format: 'validation.idFormat',
  birthDate: 'validation.idBirthDate',
  futureBirthDate: 'validation.idFutureBirthDate',
  checkDigit: 'validation.idCheckDigit',
};

/** Multi-selects where code 1 (无 / 无残疾) excludes the rest. */
const EXCLUSIVE_NONE_FIELDS = ['drugAllergies', 'exposures', 'disabilities'] as const;

type ResidentFieldsInput = z.output<z.ZodObject<typeof residentFields>>;

/**
 * Cross-field rules of records.md §2. `today` (the clinic's date) enables the future-date checks; without it
 * the ID number is still checked for format, real birth date and check digit.
 */
export function residentInputIssues(input: ResidentFieldsInput, today?: CalendarDate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Zod still runs this refinement after a field-level failure: a date that is not a date has its own issue.
  if (!isValidDate(input.birthDate) || !isValidDate(input.createdDate)) return issues;
  if (input.idNumber) {
    // Without a clinic date, any date up to 9999-12-31 passes the future check here; the handler passes today.
    const checked = checkIdDocument(input.idType, input.idNumber, today ?? '9999-12-31');
    if (!checked.ok) {
      issues.push({ path: 'idNumber', message: idFailureKey[checked.reason] });
    } else if (checked.birthDate !== undefined) {
      if (checked.birthDate !== input.birthDate) {
        issues.push({ path: 'birthDate', message: 'validation.birthDateMismatch', params: { expected: checked.birthDate } });
      }
      if (input.sex !== String(checked.sex)) {
        issues.push({ path: 'sex', message: 'validation.sexMismatch', params: { expected: String(checked.sex) } });
      }
    }
  }
  if (today !== undefined) {
    if (compareDates(input.birthDate, today) > 0) issues.push({ path: 'birthDate', message: 'validation.futureDate' });
    if (compareDates(input.createdDate, today) > 0) issues.push({ path: 'createdDate', message: 'validation.futureDate' });
  }
  if (compareDates(input.createdDate, input.birthDate) < 0) {
    issues.push({ path: 'createdDate', message: 'validation.beforeBirth' });
  }
  for (const field of EXCLUSIVE_NONE_FIELDS) {
    if (!cs.exclusiveNone(input[field])) issues.push({ path: field, message: 'validation.noneExclusive' });
  }
  if (!cs.exclusiveNone(input.pastDiseases.map((d) => d.code))) {
    issues.push({ path: 'pastDiseases', message: 'validation.noneExclusive' });
  }
  input.pastDiseases.forEach((d, i) => {
    if (d.diagnosedMonth !== undefined && d.diagnosedMonth < input.birthDate.slice(0, 7)) {
      issues.push({ path: `pastDiseases.${i}.diagnosedMonth`, message: 'validation.beforeBirth' });
    }
    if (today !== undefined && d.diagnosedMonth !== undefined && d.diagnosedMonth > today.slice(0, 7)) {
      issues.push({ path: `pastDiseases.${i}.diagnosedMonth`, message: 'validation.futureDate' });
    }
  });
  if (input.familyHistory) {
    for (const who of ['father', 'mother', 'siblings', 'children'] as const) {
      if (!cs.exclusiveNone(input.familyHistory[who])) {
        issues.push({ path: `familyHistory.${who}`, message: 'validation.noneExclusive' });
      }
    }
  }
  return issues;
}

/** Adds FieldIssues to a zod refinement context, keeping the dotted path as zod path segments. */
export function addFieldIssues(ctx: z.RefinementCtx, issues: readonly FieldIssue[]): void {
  for (const issue of issues) {
    ctx.addIssue({
      code: 'custom',
      path: issue.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      message: issue.message,
      ...(issue.params ? { params: issue.params } : {}),
    });
  }
}

const ResidentInputBase = z.object(residentFields);

/** What the create/edit form sends. Date-of-today checks need the clinic's clock: use `residentInputFor(today)`. */
export const ResidentInput = ResidentInputBase.superRefine((input, ctx) => addFieldIssues(ctx, residentInputIssues(input)));
export type ResidentInput = z.infer<typeof ResidentInput>;

/** `ResidentInput` plus the no-future-date rules for the clinic's `today`. */
export function residentInputFor(today: CalendarDate) {
  return ResidentInputBase.superRefine((input, ctx) => addFieldIssues(ctx, residentInputIssues(input, today)));
}

export const ResidentStatus = z.enum(['active', 'died', 'movedOut']);
export type ResidentStatus = z.infer<typeof ResidentStatus>;

/** The stored resident document. Records of residents who die or move away are kept (records.md §5). */
export const Resident = ResidentInputBase.extend({
  id: ResidentId,
  clinicCode: ClinicCode,
  recordNo: RecordNo,
  status: ResidentStatus,
  statusDate: DateOfCare.optional(),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
}).superRefine((input, ctx) => addFieldIssues(ctx, residentInputIssues(input)));
export type Resident = z.infer<typeof Resident>;
