/**
 * Chronic-disease management through the API: 慢病登记 (registries), 随访 (follow-ups, with the classification the
 * rules propose and the emergency check while the doctor types) and 工作台 (the work list). The forms themselves are
 * the schemas of shared/schemas/followup.ts; these declarations only add what crosses the door.
 */
import { WORK_GROUPS } from '../domain/worklist-groups';
import { z } from 'zod';
import { ChronicEnrolment, HtnFollowup, RegistryStatus, T2dmFollowup } from '../schemas/followup';
import { DateOfCare } from '../schemas/resident';
import { FieldIssueSchema } from './common';
import { method } from './method';

const Id = z.string().min(1).max(64);
const VillageCodeInput = z.string().regex(/^\d{12}$/);
export const Disease = z.enum(['htn', 't2dm']);
export type Disease = z.infer<typeof Disease>;

/** A follow-up form with the disease it belongs to, so an HTN form is never read with the T2DM schema. */
export const FollowupFormInput = z.discriminatedUnion('disease', [
  z.object({ disease: z.literal('htn'), form: HtnFollowup }),
  z.object({ disease: z.literal('t2dm'), form: T2dmFollowup }),
]);
export type FollowupFormInput = z.infer<typeof FollowupFormInput>;

/** A glucose value as typed or read from a meter; mg/dL is converted to mmol/L on acceptance, the raw value kept. */
export const GlucoseEntry = z.object({
  value: z.number().finite().min(0).max(2000),
  unit: z.enum(['mmol/L', 'mg/dL']),
  readingId: z.string().max(64).optional(),
});
export type GlucoseEntry = z.infer<typeof GlucoseEntry>;

// ---- registries ----

export const RegistryEvent = z.object({
  id: z.string(),
  status: RegistryStatus,
  date: z.string(),
  reason: z.string(),
  at: z.number(),
  by: z.string(),
});

/** One registry enrolment as it stands now, with its status history (oldest first). */
export const RegistryView = z.object({
  id: z.string(),
  residentId: z.string(),
  disease: Disease,
  enrolment: ChronicEnrolment,
  history: z.array(RegistryEvent),
  updatedAt: z.number(),
});
export type RegistryView = z.infer<typeof RegistryView>;

export const EnrolmentInput = z
  .object({
    disease: Disease,
    diagnosisDate: DateOfCare,
    diagnosingOrg: z.string().trim().min(1).max(100),
    enrolledDate: DateOfCare,
    bpTarget: z.object({ sbp: z.number().int().min(90).max(160), dbp: z.number().int().min(50).max(100) }).optional(),
    /** Required when the resident is under 35 on the enrolment date (validation.under35Reason). */
    ageOverrideReason: z.string().trim().max(200).optional(),
  })
  .strict();
export type EnrolmentInput = z.infer<typeof EnrolmentInput>;

export const registries = {
  /** 纳入管理: enrol a confirmed patient. Errors: NOT_FOUND, VALIDATION_FAILED (dates, already enrolled, resident not active). */
  enrol: method({ scope: 'village', input: z.object({ residentId: Id, enrolment: EnrolmentInput, clientId: Id.optional() }).strict(), output: RegistryView }),
  /** Change the registry status (died, moved out, 失访, excluded, back to active) with a reason. Errors: NOT_FOUND, VALIDATION_FAILED. */
  setStatus: method({ scope: 'village',
    input: z
      .object({ residentId: Id, disease: Disease, status: RegistryStatus, date: DateOfCare, reason: z.string().trim().min(2).max(200) })
      .strict(),
    output: RegistryView,
  }),
  /** Change the per-patient BP target (diabetes, CKD) or clear it. Errors: NOT_FOUND, VALIDATION_FAILED. */
  setBpTarget: method({ scope: 'village',
    input: z
      .object({
        residentId: Id,
        disease: Disease,
        bpTarget: z.object({ sbp: z.number().int().min(90).max(160), dbp: z.number().int().min(50).max(100) }).nullable(),
        reason: z.string().trim().min(2).max(200),
      })
      .strict(),
    output: RegistryView,
  }),
  /** A resident's registries (both diseases). Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: z.array(RegistryView) }),
};

// ---- follow-ups ----

export const EmergencyCriterionView = z.object({
  code: z.string(),
  messageKey: z.string(),
  path: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const Proposal = z.object({
  classification: z.number().int().min(1).max(4).nullable(),
  nextStep: z.number().int().min(1).max(4).nullable(),
  nextVisitDate: z.string().nullable(),
});

/** What the rules say about a (possibly partial) form: emergencies, control, the proposed class and next visit. */
export const FollowupEvaluation = z.object({
  age: z.number().int(),
  urgentReferral: z.boolean(),
  emergency: z.array(EmergencyCriterionView),
  bpControlled: z.boolean().nullable(),
  glucoseControlled: z.boolean().nullable(),
  controlled: z.boolean().nullable(),
  /** Effective class of the previous face-to-face visit (two unsatisfactory in a row → refer). */
  previousClass: z.number().int().min(1).max(4).nullable(),
  proposed: Proposal,
  referralAdvised: z.boolean(),
  referralCheckDue: z.string().nullable(),
  /** The glucose the rules used (mmol/L, one decimal), after converting an mg/dL entry. */
  fastingGlucose: z.number().nullable(),
});
export type FollowupEvaluation = z.infer<typeof FollowupEvaluation>;

/** 随访记录, showing its latest amendment. */
export const FollowupView = z.object({
  id: z.string(),
  residentId: z.string(),
  status: z.enum(['draft', 'completed']),
  visitDate: z.string(),
  followup: FollowupFormInput,
  computed: FollowupEvaluation,
  /** The open or done 2-week referral check this visit created. */
  referralCheckId: z.string(),
  warnings: z.array(FieldIssueSchema),
  amends: z.string(),
  amendReason: z.string(),
  amendedBy: z.array(z.string()),
  completedAt: z.number(),
  updatedAt: z.number(),
});
export type FollowupView = z.infer<typeof FollowupView>;

/** 转诊随访: the 2-week check on a referral (到位 / 不到位 and the outcome). */
export const ReferralCheckView = z.object({
  id: z.string(),
  residentId: z.string(),
  disease: Disease,
  sourceId: z.string(),
  dueDate: z.string(),
  status: z.enum(['draft', 'completed']),
  checkedDate: z.string().nullable(),
  result: z.union([z.literal(1), z.literal(2)]).nullable(),
  outcome: z.string(),
});
export type ReferralCheckView = z.infer<typeof ReferralCheckView>;

const SaveInput = {
  residentId: Id,
  followup: FollowupFormInput,
  glucose: GlucoseEntry.optional(),
};

export const followups = {
  /** Emergency criteria and the proposed classification for a partial form, without saving. Errors: NOT_FOUND. */
  evaluate: method({ scope: 'village', input: z.object(SaveInput).strict(), output: FollowupEvaluation }),
  /**
   * Save a draft (new when id is absent: it gets `clientId`, so a retry returns the first result); the proposal is
   * computed and stored. Errors: NOT_FOUND, VALIDATION_FAILED (not enrolled), CONFLICT (completed meanwhile).
   */
  saveDraft: method({ scope: 'village', input: z.object({ id: Id.optional(), clientId: Id.optional(), ...SaveInput }).strict(), output: FollowupView }),
  /**
   * Complete (new when id is absent, with `clientId`): required fields, and a reason for any change to the proposal
   * computed for the saved values. Errors: NOT_FOUND, VALIDATION_FAILED, CONFLICT (someone completed it first).
   */
  complete: method({ scope: 'village', input: z.object({ id: Id.optional(), clientId: Id.optional(), ...SaveInput }).strict(), output: FollowupView }),
  /**
   * Correct a completed follow-up: a new amendment with a reason; the original stays. `basedOn` is the version shown
   * when the user started. Errors: NOT_FOUND, VALIDATION_FAILED, CONFLICT (amended by someone else since).
   */
  amend: method({ scope: 'village',
    input: z.object({ id: Id, ...SaveInput, reason: z.string().trim().min(2).max(500), basedOn: Id.optional(), clientId: Id.optional() }).strict(),
    output: FollowupView,
  }),
  /** A follow-up, showing its latest amendment (audited as an opening). Errors: NOT_FOUND. */
  get: method({ scope: 'village', audit: 'residentRead', input: z.object({ id: Id }).strict(), output: FollowupView }),
  /** A resident's follow-ups, newest visit first. Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id, disease: Disease.optional() }).strict(), output: z.array(FollowupView) }),
  /** A resident's referral checks, open ones first. Errors: NOT_FOUND. */
  referralChecks: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: z.array(ReferralCheckView) }),
  /** Record the 2-week referral check (到位 1 / 不到位 2). Errors: NOT_FOUND, VALIDATION_FAILED, CONFLICT (recorded already). */
  completeReferralCheck: method({ scope: 'village',
    input: z
      .object({ id: Id, checkedDate: DateOfCare, result: z.union([z.literal(1), z.literal(2)]), outcome: z.string().trim().max(500).default('') })
      .strict(),
    output: ReferralCheckView,
  }),
};

// ---- work list ----

/** missedQuarter: an ended quarter without a face-to-face visit (the year's shortfall); screening: followups.md §1–2. */
export const WorkKind = z.enum(['followup', 'recheck', 'quarterGap', 'missedQuarter', 'healthCheck', 'referralCheck', 'screening', 'contractExpiring', 'noContract']);
export type WorkKind = z.infer<typeof WorkKind>;
export const WorkStatus = z.enum(['upcoming', 'due', 'overdue']);
export type WorkStatus = z.infer<typeof WorkStatus>;

/** Quarters with a face-to-face follow-up this year (`done`) of the 4 required, pro-rated for patients enrolled during the year. */
export const YearlyRequirement = z.object({ disease: Disease, done: z.number().int(), required: z.number().int() });

export const WorkRow = z.object({
  residentId: z.string(),
  name: z.string(),
  sex: z.string(),
  age: z.number().int(),
  phone: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  /** The resident's responsible doctor, else the contract's doctor. */
  doctor: z.string(),
  kind: WorkKind,
  disease: Disease.optional(),
  dueDate: z.string(),
  status: WorkStatus,
  /** i18n key (followup-messages.ts / worklist.reason.*). */
  reason: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  yearly: z.array(YearlyRequirement),
});
export type WorkRow = z.infer<typeof WorkRow>;

const StatusCounts = z.object({ upcoming: z.number().int(), due: z.number().int(), overdue: z.number().int() });

/** 工作台 groups, what to do today (shared/domain/worklist-groups.ts). */
export const WorkGroup = z.enum(WORK_GROUPS);
export type WorkGroup = z.infer<typeof WorkGroup>;

export const Worklist = z.object({
  today: z.string(),
  total: z.number().int(),
  /** Rows per group over the list filtered by everything but `group`. */
  groups: z.record(WorkGroup, z.number().int()),
  /** Counts per kind and status over the filtered list (before offset/limit). */
  counts: z.record(WorkKind, StatusCounts),
  items: z.array(WorkRow),
  /**
   * Present only on a page answered while the pass that computes every resident's rows for `today` is under way
   * (asked with `allowPartial`): the rows, counts and groups are those of the `done` residents computed so far, each
   * a row the finished pass also gives; the rest follow.
   */
  partial: z.object({ done: z.number().int().min(0), total: z.number().int().min(0), percent: z.number().int().min(0).max(100) }).optional(),
});
export type Worklist = z.infer<typeof Worklist>;

export const WorklistFilter = z
  .object({
    villageCode: VillageCodeInput.optional(),
    /** Matches the resident's responsible doctor, or the contract's doctor (staff id or name). */
    doctor: z.string().trim().min(1).max(40).optional(),
    kinds: z.array(WorkKind).max(WorkKind.options.length).optional(),
    statuses: z.array(WorkStatus).max(3).optional(),
    /** Only this group's rows (total, counts and items); `groups` still counts every group. */
    group: WorkGroup.optional(),
    upcomingDays: z.number().int().min(0).max(120).default(30),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(2000).default(200),
    /**
     * On a day whose rows are all being computed (a new install, other rules, the clock set back, 1 January), answer
     * at once from the residents computed so far, marked `partial`, instead of waiting for every resident.
     */
    allowPartial: z.boolean().default(false),
  })
  .strict();
export type WorklistFilter = z.infer<typeof WorklistFilter>;

export const worklist = {
  /** 工作台: due, overdue and upcoming work, filtered by village and doctor, with counts. Errors: LOCKED. */
  get: method({ scope: 'village', audit: 'residentRead', input: WorklistFilter, output: Worklist }),
  /** One resident's work items (for the resident page). Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: z.array(WorkRow) }),
};

/** Published when follow-ups, checks, enrolments or contracts change; `all` when too many changed to list. */
export const WorklistChanged = z.object({ residentIds: z.array(z.string()).max(500), all: z.boolean() });
export type WorklistChanged = z.infer<typeof WorklistChanged>;
