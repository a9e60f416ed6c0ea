/**
 * The wire contract between a clinic device (`main/sync/`) and the county platform (`platform/`): URLs, bodies and
 * the jurisdiction rule, declared once so both sides parse with the same zod schemas (STYLE.md §6: parse at the door).
 * The replication itself is RxDB's protocol (rxdb.md): pull by checkpoint, push with the assumed master state,
 * the server answering with its real state for each conflict.
 */
import { z } from 'zod';
import type { RxJsonSchema } from 'rxdb';
import { collections, type CollectionName } from '../schemas/collections';

/** Bumped when the wire format changes incompatibly; older clients get 426 and a plain message. */
export const SYNC_PROTOCOL_VERSION = 1;
export const API_PREFIX = `/v${SYNC_PROTOCOL_VERSION}`;

/**
 * Which collections sync and how the platform scopes them (DESIGN.md §1, §6): `village` documents belong to the
 * resident's village (`villageCode`), `clinic` documents to the clinic (`clinicCode`). Audit entries are pushed so
 * the county sees who did what, and pulled back only by the clinic that wrote them.
 */
export const SYNCED_COLLECTIONS = {
  residents: 'village',
  households: 'village',
  encounters: 'village',
  contracts: 'village',
  settings: 'clinic',
  audit: 'clinic',
} as const satisfies Record<CollectionName, 'village' | 'clinic'>;
export type SyncedCollection = keyof typeof SYNCED_COLLECTIONS;
export const SYNCED_COLLECTION_NAMES = Object.keys(SYNCED_COLLECTIONS) as SyncedCollection[];

/** Settings a device keeps to itself and never pushes (its record-number cursor is its own, DESIGN.md §2). */
export function isLocalOnlySetting(doc: object): boolean {
  return (doc as { type?: unknown }).type === 'user';
}

export const Checkpoint = z.object({ seq: z.number().int().min(0) });
export type Checkpoint = z.infer<typeof Checkpoint>;

/**
 * The largest pull batch the platform serves; clients ask for at most this. An initial sync's cost is mostly per
 * batch (a request, a storage transaction for the documents, one for the replication's metadata, one for the
 * checkpoint), so a first sync of a township (~240,000 documents) wants large batches: 2,000 documents of a few
 * hundred bytes to ~2 KB each stay well under the client's 32 MB answer cap (bench/sync.ts).
 */
export const MAX_PULL_BATCH = 5000;
/** The largest push the client sends in one request (rows). */
export const MAX_PUSH_BATCH = 200;

/** A replicated document: its own fields plus RxDB's `_deleted` flag (no `_rev`, `_meta` or attachments). */
export const WireDocument = z.looseObject({ _deleted: z.boolean() });
export type WireDocument = z.infer<typeof WireDocument>;

export const PullResponse = z.object({
  documents: z.array(WireDocument),
  checkpoint: Checkpoint,
  /**
   * Residents (ids) this device held who moved out of its villages on the platform (issue 13 item 6): the device
   * purges them and every document about them once its pending edits for them are uploaded. Residents pull only.
   */
  departed: z.array(z.string().min(1).max(64)).max(MAX_PULL_BATCH).optional(),
});
export type PullResponse = z.infer<typeof PullResponse>;

export const PushRow = z.object({ assumedMasterState: WireDocument.optional(), newDocumentState: WireDocument });
export type PushRow = z.infer<typeof PushRow>;
export const PushRequest = z.array(PushRow).max(MAX_PUSH_BATCH);
/** The real master state of each conflicting document, nothing for the rows that were written. */
export const PushResponse = z.array(WireDocument);

export const EnrolRequest = z.object({
  code: z.string().trim().min(8).max(64),
  deviceId: z.string().min(1).max(64),
  /** Blocks the device already issues from (the clinic's first device owns the set-up block). */
  blocks: z.array(z.object({ villageCode: z.string().optional(), start: z.number().int(), end: z.number().int() })).max(100),
});
export const SerialBlockWire = z.object({ villageCode: z.string().optional(), start: z.number().int(), end: z.number().int() });
export const EnrolResponse = z.object({
  clinicCode: z.string(),
  clinicName: z.string(),
  villages: z.array(z.object({ code: z.string(), name: z.string() })),
  deviceId: z.string(),
  credential: z.string().min(32),
  blocks: z.array(SerialBlockWire),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const BlockResponse = z.object({ block: SerialBlockWire });

/** What a device reports after a sync round: its pending counts and the instant everything before was uploaded. */
export const AckRequest = z.object({
  upTo: z.number().int().min(0),
  pending: z.number().int().min(0),
});
export const AckResponse = z.object({ ackedUpTo: z.number().int().min(0), receivedAt: z.number().int() });

export const DeviceStatus = z.object({
  deviceId: z.string(),
  clinicCode: z.string(),
  enrolledAt: z.number(),
  revokedAt: z.number().nullable(),
  lastContactAt: z.number().nullable(),
  ackedUpTo: z.number().nullable(),
  pending: z.number().nullable(),
  /** The villages this device may hold, when its enrolment code named some; null: all of its clinic's. */
  villages: z.array(z.string()).nullable(),
});
export const PlatformStatus = z.object({
  clinics: z.array(z.object({ code: z.string(), name: z.string(), documents: z.number(), devices: z.array(DeviceStatus) })),
  refusals: z.number(),
  /** Edits parked for review (from devices that lost the resident to a move), not yet settled. */
  parked: z.number(),
  /** Resident moves the platform made. */
  moves: z.number(),
  /**
   * 迁出申请 waiting for the resident's version they name (each refused as timed out at `expiresAt`, after `waitDays`),
   * and how many were refused so.
   */
  moveRequests: z.object({
    waitDays: z.number(),
    waiting: z.array(
      z.object({
        clinicCode: z.string(),
        residentId: z.string(),
        fromVillageCode: z.string(),
        toVillageCode: z.string(),
        requestedBy: z.string(),
        requestedAt: z.number(),
        waitingSince: z.number(),
        expiresAt: z.number(),
        residentOnPlatform: z.boolean(),
      }),
    ),
    timedOut: z.number(),
  }),
});
export type PlatformStatus = z.infer<typeof PlatformStatus>;

/** An edit the platform parked for review: it came from a device whose villages no longer hold the resident. */
export const ParkedEdit = z.object({
  id: z.number(),
  at: z.number(),
  deviceId: z.string(),
  clinicCode: z.string(),
  collection: z.string(),
  documentId: z.string(),
  reason: z.string(),
  document: WireDocument,
});
export type ParkedEdit = z.infer<typeof ParkedEdit>;
/**
 * Why a late edit was parked (platform/moved-edits.ts): the resident left this device's villages by a move its clinic
 * did not ask for (`MOVED_AWAY`), moved again after its clinic's request (`MOVED_AGAIN`), the edit was not made on the
 * record as it was before the move (`NOT_FROM_BEFORE_MOVE`), or the new clinic changed the same fields since
 * (`CHANGED_AT_NEW_HOME`). A forwarded edit carries `FORWARDED`.
 */
export const LateEditReason = z.enum(['FORWARDED', 'MOVED_AWAY', 'MOVED_AGAIN', 'NOT_FROM_BEFORE_MOVE', 'CHANGED_AT_NEW_HOME']);
export type LateEditReason = z.infer<typeof LateEditReason>;
/** A clinic and village as the platform names them (the name is empty when the platform does not know it). */
export const LateEditPlace = z.object({ clinicCode: z.string(), clinicName: z.string(), villageCode: z.string(), villageName: z.string() });
export type LateEditPlace = z.infer<typeof LateEditPlace>;
/**
 * 迁出后上传的修改: one of this device's edits that reached the platform after the resident moved out of its villages,
 * and what became of it: `forwarded` to the resident's new home, still `parked` for the county's operator, or settled by
 * the operator (`applied`; `discarded`, with the operator's reason). `to` is where the edit went (forwarded) or where
 * the resident moved (the others), as of the platform's answer.
 */
export const LateEditNotice = z.object({
  id: z.number().int(),
  /** When the edit reached the platform. */
  at: z.number(),
  collection: z.string().max(40),
  documentId: z.string().max(200),
  residentId: z.string().max(200).nullable(),
  residentName: z.string().max(200).nullable(),
  status: z.enum(['parked', 'forwarded', 'applied', 'discarded']),
  reason: LateEditReason,
  /** The fields changed both ways (`CHANGED_AT_NEW_HOME`, or an applied edit whose clash went to review). */
  fields: z.array(z.string().max(200)).max(200),
  to: LateEditPlace.nullable(),
  /**
   * The village the resident left on this device's side (the edited document's own village, else the platform's
   * latest move out of this clinic): a village doctor sees only the notices of their villages. Absent from a platform
   * older than this field; null when not known, and then shown to clinic-wide users only.
   */
  from: LateEditPlace.nullable().optional(),
  settledAt: z.number().nullable(),
  /** What applying it did: merged, already so, or merged with the fields changed both ways queued for review. */
  outcome: z.enum(['merged', 'unchanged', 'conflict']).nullable(),
  discardReason: z.string().max(2000).nullable(),
});
export type LateEditNotice = z.infer<typeof LateEditNotice>;
/** Settled late edits a device is told about (the newest); every unsettled one is always listed. */
export const MAX_SETTLED_LATE_EDITS = 200;
/**
 * What a device is told about its own parked edits (`GET /v1/parked`): the unsettled ones (`parked`), and every late
 * edit with what became of it (`lateEdits`; absent from a platform older than migration 0150).
 */
export const ParkedResponse = z.object({
  parked: z.array(ParkedEdit.omit({ document: true })),
  lateEdits: z.array(LateEditNotice).max(10_000).optional(),
});

/** The reason the platform gives with every refusal (HTTP 4xx body). */
export const PlatformRefusal = z.object({ error: z.string(), message: z.string() });
export const REFUSAL_CODES = ['BAD_REQUEST', 'UNAUTHORIZED', 'REVOKED', 'OUT_OF_JURISDICTION', 'ENROLMENT_CODE_INVALID', 'CLIENT_TOO_OLD', 'TOO_LARGE'] as const;

/** Stable JSON: keys sorted, so equal documents give equal text and equal revisions on both sides. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

type JsonSchemaNode = { type?: string | string[]; maxLength?: number; minimum?: number; maximum?: number; enum?: readonly unknown[] };

function zodForProperty(p: JsonSchemaNode): z.ZodType {
  if (p.enum) return z.enum(p.enum as [string, ...string[]]);
  switch (p.type) {
    case 'string':
      return p.maxLength === undefined ? z.string() : z.string().max(p.maxLength);
    case 'integer':
    case 'number': {
      let n = p.type === 'integer' ? z.number().int() : z.number();
      if (p.minimum !== undefined) n = n.min(p.minimum);
      if (p.maximum !== undefined) n = n.max(p.maximum);
      return n;
    }
    case 'boolean':
      return z.boolean();
    case 'object':
      return z.record(z.string(), z.unknown());
    case 'array':
      return z.array(z.unknown());
    default:
      return z.unknown();
  }
}

/**
 * The zod schema of one collection's replicated document, derived from its RxDB schema in shared/schemas (one
 * source): every required field present with its type and bounds, unknown top-level fields refused.
 */
export function wireSchemaFor(schema: RxJsonSchema<unknown>): z.ZodType<WireDocument> {
  const props = schema.properties as Record<string, JsonSchemaNode>;
  const required = new Set<string>((schema.required ?? []) as readonly string[]);
  const shape: Record<string, z.ZodType> = { _deleted: z.boolean() };
  for (const [name, p] of Object.entries(props)) {
    const t = zodForProperty(p);
    shape[name] = required.has(name) ? t : t.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<WireDocument>;
}

export const wireSchemas: Record<SyncedCollection, z.ZodType<WireDocument>> = Object.fromEntries(
  SYNCED_COLLECTION_NAMES.map((c) => [c, wireSchemaFor(collections[c].schema as RxJsonSchema<unknown>)]),
) as Record<SyncedCollection, z.ZodType<WireDocument>>;
