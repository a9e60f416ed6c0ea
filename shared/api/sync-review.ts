/**
 * 同步审核: what sync could not settle alone and a person must decide. Items live as typed `settings` documents
 * (`syncReview`), so the queue and every decision sync like any other write; the decision itself is a normal,
 * audited write to the record concerned.
 */
import { z } from 'zod';
import { method } from './method';

export const ReviewStatus = z.enum(['open', 'settled']);

/** One side of a field conflict: the value, when its document was saved, who saved it (a user or a source). */
export const ReviewSide = z.object({
  /** Absent when this side removed the field: JSON drops `undefined`, so a synced copy must parse without it. */
  value: z.unknown().optional(),
  updatedAt: z.number(),
  by: z.string(),
  /** True when this side is what this device had before the merge. */
  isLocal: z.boolean(),
});
export type ReviewSide = z.infer<typeof ReviewSide>;

export const ReviewField = z.object({
  /** Dotted path in the document: `phone`, `data.address`; `_deleted` when one side removed the record. */
  path: z.string(),
  /** Absent when the field did not exist in the base (a field both sides added): see `ReviewSide.value`. */
  base: z.unknown().optional(),
  /** The value sync kept for now (the later save). */
  kept: ReviewSide,
  /** The value sync set aside. */
  setAside: ReviewSide,
});
export type ReviewField = z.infer<typeof ReviewField>;

export const ReviewCollection = z.enum(['residents', 'households', 'encounters', 'contracts']);

/** 同步冲突: one document both sides changed differently. */
export const ConflictReview = z.object({
  kind: z.literal('conflict'),
  id: z.string(),
  collection: ReviewCollection,
  docId: z.string(),
  residentId: z.string(),
  residentName: z.string(),
  /** Where the other side came from: `platform` or `bundle:<device>`. */
  source: z.string(),
  detectedAt: z.number(),
  /** The device that met the conflict; on any other device neither side is shown as this device's own. */
  recordedOn: z.string().optional(),
  fields: z.array(ReviewField).min(1),
  status: ReviewStatus,
  settledBy: z.string().optional(),
  settledAt: z.number().optional(),
  /** Per path, which value the person chose. */
  choices: z.record(z.string(), z.enum(['kept', 'setAside'])).optional(),
});
export type ConflictReview = z.infer<typeof ConflictReview>;

export const DuplicateCandidate = z.object({
  id: z.string(),
  name: z.string(),
  recordNo: z.string(),
  villageCode: z.string(),
  birthDate: z.string(),
  createdAt: z.number(),
  /** Where the record was created, when the platform detected the pair: the clinic and device that first pushed it. */
  clinicCode: z.string().optional(),
  clinicName: z.string().optional(),
  deviceId: z.string().optional(),
  /** Encounters about this record (this device's count when it holds the record, else the platform's at detection). */
  encounters: z.number().int().min(0).optional(),
  /** Who made the record (the user on the device's audit log), when this device knows. */
  createdBy: z.string().optional(),
});

/** A settlement of a pair that reached the platform after another one had decided it (issue 13 item 5). */
export const OverruledDecision = z.object({
  decision: z.enum(['merged', 'dismissed']),
  keptId: z.string().optional(),
  settledBy: z.string(),
  settledAt: z.number(),
  reason: z.string().optional(),
});
export type OverruledDecision = z.infer<typeof OverruledDecision>;

/** 重复档案: two live records with the same ID number (18-digit form); the first is the one proposed to keep. */
export const DuplicateReview = z.object({
  kind: z.literal('duplicate'),
  id: z.string(),
  /** Masked (address code and last 4): the list shows which number without writing out the birth date. */
  idNumberMasked: z.string(),
  residents: z.array(DuplicateCandidate).length(2),
  source: z.string(),
  detectedAt: z.number(),
  status: ReviewStatus,
  settledBy: z.string().optional(),
  settledAt: z.number().optional(),
  decision: z.enum(['merged', 'dismissed']).optional(),
  keptId: z.string().optional(),
  reason: z.string().optional(),
  /** Settled and merged on this device, not yet confirmed by the platform (the platform's copy never has it). */
  pending: z.boolean().optional(),
  /** Later, different settlements the platform answered with this one, oldest first: shown so nobody is surprised. */
  overruled: z.array(OverruledDecision).optional(),
});
export type DuplicateReview = z.infer<typeof DuplicateReview>;

export const ReviewItem = z.discriminatedUnion('kind', [ConflictReview, DuplicateReview]);
export type ReviewItem = z.infer<typeof ReviewItem>;

const Id = z.string().min(1).max(64);

export const syncReview = {
  /** 待审核: open items (or settled, or all), newest first. Errors: LOCKED. */
  list: method({ scope: 'clinic', audit: 'residentRead',
    input: z.object({ status: z.enum(['open', 'settled', 'all']).default('open') }).strict(),
    output: z.array(ReviewItem),
    access: 'session',
  }),
  /** Settle a field conflict: per field keep the value sync kept or restore the one set aside. Errors: LOCKED, NOT_FOUND, REVIEW_SETTLED, VALIDATION_FAILED. */
  settleConflict: method({ scope: 'village',
    input: z
      .object({
        id: Id,
        choices: z.array(z.object({ path: z.string().min(1).max(200), choose: z.enum(['kept', 'setAside']) }).strict()).min(1).max(200),
      })
      .strict(),
    output: ReviewItem,
    access: 'session',
  }),
  /** Settle a duplicate: merge the two records into `keepId` (one record with every encounter of both) or dismiss. Errors: LOCKED, NOT_FOUND, REVIEW_SETTLED, VALIDATION_FAILED. */
  settleDuplicate: method({ scope: 'village',
    input: z
      .object({ id: Id, decision: z.enum(['merge', 'dismiss']), keepId: Id.optional(), reason: z.string().trim().min(1).max(200) })
      .strict(),
    output: ReviewItem,
    access: 'session',
  }),
  /** Look for live records sharing an ID number and queue a review for each new pair. Errors: LOCKED. */
  scanDuplicates: method({ scope: 'clinic', input: z.object({}).strict(), output: z.object({ queued: z.number().int() }), access: 'session' }),
};
