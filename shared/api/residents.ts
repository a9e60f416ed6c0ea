import { z } from 'zod';
import { HealthCheckDraft } from '../schemas/health-check';
import { HouseholdRelation } from '../schemas/household';
import { Resident, ResidentInput, ResidentStatus } from '../schemas/resident';
import { FieldIssueSchema } from './common';
import { WorkKind } from './followups';
import { MoveRequest } from '../sync/moves';
import { CountyVillage } from '../schemas/county-villages';
import { method } from './method';

/** What a list or search row shows: who, where, key-population tags, contract status, what is due. */
export const ResidentSummary = z.object({
  id: z.string(),
  recordNo: z.string(),
  name: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  age: z.number().int(),
  villageCode: z.string(),
  villageName: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  status: ResidentStatus,
  householdId: z.string(),
  tags: z.array(z.string()),
  contractStatus: z.enum(['none', 'active', 'expiring', 'expired']),
  /** Work-list kinds due or overdue today (followups.ts WorkKind). */
  due: z.array(WorkKind),
});
export type ResidentSummary = z.infer<typeof ResidentSummary>;

export const HouseholdMember = z.object({ residentId: z.string(), name: z.string(), relation: HouseholdRelation, age: z.number().int(), sex: z.string() });
export const HouseholdView = z.object({
  id: z.string(),
  villageCode: z.string(),
  address: z.string(),
  headResidentId: z.string(),
  members: z.array(HouseholdMember),
});
export type HouseholdView = z.infer<typeof HouseholdView>;

export const ResidentDetail = z.object({
  resident: Resident,
  summary: ResidentSummary,
  household: HouseholdView.nullable(),
});
export type ResidentDetail = z.infer<typeof ResidentDetail>;

/** 迁出 destination: a village of the county's list, with its name's full pinyin and initials (lower case) to search by. */
export const MoveDestination = CountyVillage.extend({ pinyin: z.string(), initials: z.string() });
export type MoveDestination = z.infer<typeof MoveDestination>;
/** One of the clinic's own villages in the edit form's village picker, with the same search keys. */
export const OwnVillagePlace = z.object({ code: z.string(), name: z.string(), pinyin: z.string(), initials: z.string() });
export type OwnVillagePlace = z.infer<typeof OwnVillagePlace>;
export const MoveDestinations = z.object({ villages: z.array(MoveDestination), issuedAt: z.number().nullable(), own: z.array(OwnVillagePlace) });
export type MoveDestinations = z.infer<typeof MoveDestinations>;

export const TimelineItem = z.object({
  kind: z.enum(['healthCheck', 'selfCareAssessment', 'htnEnrolment', 't2dmEnrolment', 'htnFollowup', 't2dmFollowup', 'referralCheck', 'deviceReading', 'contractService', 'measurement', 'tcmAssessment', 'contract']),
  id: z.string(),
  date: z.string(),
  status: z.string(),
  title: z.string(),
  /** Ids of amendments, newest first; the item shows the newest amendment's content. */
  amendedBy: z.array(z.string()),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

const Id = z.string().min(1).max(64);

export const residents = {
  /** 查找居民: name, pinyin or initials, ID number (full or last 4–6), phone (full or last 4), record number (full or last 5). Errors: LOCKED. */
  search: method({ scope: 'village', audit: 'residentRead',
    input: z.object({ query: z.string().trim().min(1).max(40), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.array(ResidentSummary),
  }),
  /** 居民列表 filtered by village, tag and status, newest record first. Errors: LOCKED. */
  list: method({ scope: 'village', audit: 'residentRead',
    input: z
      .object({
        villageCode: z.string().regex(/^\d{12}$/).optional(),
        tag: z.string().max(20).optional(),
        status: ResidentStatus.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    output: z.object({ total: z.number().int(), items: z.array(ResidentSummary) }),
  }),
  /** Open one record (audited as an opening). Errors: LOCKED, NOT_FOUND. */
  get: method({ scope: 'village', input: z.object({ id: Id }).strict(), output: ResidentDetail }),
  /** 建档. A resident with the same ID number already exists: DUPLICATE_RESIDENT { existingId } (offer merge). Errors: VALIDATION_FAILED, RECORD_NUMBERS_EXHAUSTED. */
  create: method({ scope: 'village', input: z.object({ input: ResidentInput, clientId: Id.optional() }).strict(), output: ResidentDetail }),
  /** Edit the cover and 个人基本信息表. Errors: NOT_FOUND, VALIDATION_FAILED, DUPLICATE_RESIDENT. */
  update: method({ scope: 'village', input: z.object({ id: Id, input: ResidentInput }).strict(), output: ResidentDetail }),
  /** Mark died / moved out (records are kept, never deleted). Errors: NOT_FOUND. */
  setStatus: method({ scope: 'village',
    input: z.object({ id: Id, status: ResidentStatus, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), reason: z.string().trim().max(200).default('') }).strict(),
    output: ResidentDetail,
  }),
  /** Merge a duplicate into the record kept: its events and contracts move over; its record number is retired. Errors: NOT_FOUND, VALIDATION_FAILED. */
  merge: method({ scope: 'village', input: z.object({ keepId: Id, mergeId: Id, reason: z.string().trim().min(1).max(200) }).strict(), output: ResidentDetail }),
  /**
   * 迁出: record that the resident moved to a village of another clinic of the county; the county platform re-homes
   * them when the request syncs. With `update` (an address edit to another clinic's village in the edit form) the
   * form's other changes are saved in the same transaction, before the request; `update.villageCode` must stay the
   * resident's current village (only the platform moves a record). Errors: NOT_FOUND, VALIDATION_FAILED,
   * DUPLICATE_RESIDENT, MOVE_WITHIN_CLINIC, MOVE_UNKNOWN_VILLAGE.
   */
  requestMove: method({ access: 'session', scope: 'village',
    // `toVillageCode`, not `villageCode`: the destination is another clinic's village, which the caller need not see
    // (access-scope.ts checks every `villageCode` an input names); the resident named by `id` is what they must reach.
    input: z
      .object({ id: Id, toVillageCode: z.string().trim().regex(/^\d{12}$/), reason: z.string().trim().max(200).default(''), update: ResidentInput.optional() })
      .strict(),
    output: MoveRequest,
  }),
  /**
   * The county's villages a resident can move to (the platform's list on this device, without this clinic's own), with
   * pinyin keys for the picker; `issuedAt` null while the list has not arrived (the code is then typed). Errors: LOCKED.
   */
  moveDestinations: method({ access: 'session', scope: 'clinic', input: z.object({}).strict(), output: MoveDestinations }),
  /** The resident's move request and what the platform made of it, or null. Errors: NOT_FOUND. */
  moveRequest: method({ scope: 'village', input: z.object({ id: Id }).strict(), output: MoveRequest.nullable() }),
  /** Everything that happened to a resident, newest first. Errors: NOT_FOUND. */
  timeline: method({ scope: 'village', audit: 'residentRead', input: z.object({ id: Id }).strict(), output: z.array(TimelineItem) }),
};

export const households = {
  /** 家庭户: create with a head (an existing resident). Errors: NOT_FOUND, VALIDATION_FAILED. */
  create: method({ scope: 'village',
    input: z.object({ headResidentId: Id, address: z.string().trim().min(1).max(120), clientId: Id.optional() }).strict(),
    output: HouseholdView,
  }),
  /** Errors: NOT_FOUND. */
  get: method({ scope: 'village', audit: 'residentRead', input: z.object({ id: Id }).strict(), output: HouseholdView }),
  /** Add a member (moves them out of any other household). Errors: NOT_FOUND, VALIDATION_FAILED. */
  addMember: method({ scope: 'village', input: z.object({ id: Id, residentId: Id, relation: HouseholdRelation }).strict(), output: HouseholdView }),
  /** Errors: NOT_FOUND, VALIDATION_FAILED (the head cannot be removed; set another head first). */
  removeMember: method({ scope: 'village', input: z.object({ id: Id, residentId: Id }).strict(), output: HouseholdView }),
  /** Errors: NOT_FOUND, VALIDATION_FAILED. */
  setHead: method({ scope: 'village', input: z.object({ id: Id, residentId: Id }).strict(), output: HouseholdView }),
};

export const HealthCheckView = z.object({
  id: z.string(),
  residentId: z.string(),
  status: z.enum(['draft', 'completed']),
  checkDate: z.string(),
  data: HealthCheckDraft,
  computed: z.object({ ageAtCheck: z.number(), bmi: z.number().optional(), selfCareTotal: z.number().optional(), elderSelfCare: z.number().int().min(1).max(4).optional() }),
  /** The check's own judgement of its values (shared/domain/health-check-judgement.ts). */
  judgement: z.object({
    bp: z.object({ sbp: z.number(), dbp: z.number(), arm: z.enum(['left', 'right']) }).nullable(),
    bpGrade: z.enum(['normal', 'highNormal', 'grade1', 'grade2', 'grade3']).nullable(),
    isIsolatedSystolic: z.boolean(),
    bmiBand: z.enum(['underweight', 'normal', 'overweight', 'obese']).nullable(),
    centralObesity: z.boolean().nullable(),
    abnormal: z.array(z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() })),
    isNoAbnormalConflict: z.boolean(),
    elderlyMissing: z.array(z.string()),
  }),
  warnings: z.array(FieldIssueSchema),
  amends: z.string(),
  amendReason: z.string(),
  amendedBy: z.array(z.string()),
  completedAt: z.number(),
  updatedAt: z.number(),
});
export type HealthCheckView = z.infer<typeof HealthCheckView>;

export const RecentCheck = z.object({
  checkId: z.string(),
  residentId: z.string(),
  name: z.string(),
  recordNo: z.string(),
  checkDate: z.string(),
  status: z.enum(['draft', 'completed']),
});
export type RecentCheck = z.infer<typeof RecentCheck>;

export const healthChecks = {
  /** The clinic's checks dated on or after `since` (drafts first, then newest), for the 体检 section. Errors: LOCKED. */
  recent: method({ scope: 'village', audit: 'residentRead',
    input: z.object({ since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.array(RecentCheck),
  }),
  /** A check, showing its latest amendment. Errors: NOT_FOUND. */
  get: method({ scope: 'village', audit: 'residentRead', input: z.object({ id: Id }).strict(), output: HealthCheckView }),
  /** All checks of a resident, newest first (latest amendments). Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: z.array(HealthCheckView) }),
  /**
   * Save a draft (new when id is absent: it gets `clientId`, so a retry returns the first result). Impossible values are
   * refused; implausible ones come back as warnings. Errors: VALIDATION_FAILED, CONFLICT (completed meanwhile).
   */
  saveDraft: method({ scope: 'village', input: z.object({ id: Id.optional(), clientId: Id.optional(), data: HealthCheckDraft }).strict(), output: HealthCheckView }),
  /** Complete a draft: core fields required, and the self-care assessment for residents aged 65+. Errors: VALIDATION_FAILED, CONFLICT (someone completed it first: `details.by`, `details.at`). */
  complete: method({ scope: 'village',
    input: z.object({ id: Id, data: HealthCheckDraft, confirmWarnings: z.boolean().default(false) }).strict(),
    output: HealthCheckView,
  }),
  /**
   * Correct a completed check: a new amendment with a reason; the original stays. `basedOn` is the version shown when the
   * user started (the newest amendment's id, or the check's own). Errors: NOT_FOUND, VALIDATION_FAILED, CONFLICT
   * (amended by someone else since).
   */
  amend: method({ scope: 'village',
    input: z
      .object({
        id: Id,
        data: HealthCheckDraft,
        reason: z.string().trim().min(2).max(500),
        confirmWarnings: z.boolean().default(false),
        basedOn: Id.optional(),
        clientId: Id.optional(),
      })
      .strict(),
    output: HealthCheckView,
  }),
};
