/**
 * A resident moves to another village or township (issue 13 item 6). Jurisdiction is the `villageCode` on every
 * synced document (DESIGN.md §1, §6): the platform re-homes the resident and every document about them in one step,
 * and each device then keeps or purges them by its scope. Pure rules; the platform and the replication client call
 * them and own the I/O.
 */
import { z } from 'zod';

/** What the move rules need of any synced document. */
export interface ScopedDoc {
  id: string;
  clinicCode: string;
  villageCode?: string;
  residentId?: string;
  updatedAt?: number;
  _deleted?: boolean;
}

export type SyncCollection = 'residents' | 'households' | 'encounters' | 'contracts';

export interface CollectionDoc<T extends ScopedDoc = ScopedDoc> {
  collection: SyncCollection;
  doc: T;
}

export interface MoveTarget {
  /** The 12-digit village code the resident now lives in. */
  villageCode: string;
  /** The clinic that now owns the record (the new village's clinic); the same when moving inside one clinic. */
  clinicCode: string;
  /** When the platform made the move (epoch ms). */
  at: number;
}

/** True when `doc` is the resident or one of the documents about them that move with them. */
export function belongsToResident(entry: CollectionDoc, residentId: string): boolean {
  if (entry.collection === 'residents') return entry.doc.id === residentId;
  if (entry.collection === 'households') return false;
  return entry.doc.residentId === residentId;
}

/**
 * The documents to write for a move: the resident and every encounter and contract about them, with the new
 * `villageCode`, `clinicCode` and `updatedAt`. Completed encounters move too: jurisdiction is ownership metadata, not
 * clinical content, so their immutable body is untouched. The record number stays (unique forever; it still names
 * the village that issued it). Households stay where they are: the resident leaves theirs when moving. Documents
 * already in the target are left out, so running a move twice writes nothing the second time.
 */
export function rehome<T extends ScopedDoc>(residentId: string, docs: readonly CollectionDoc<T>[], to: MoveTarget): CollectionDoc<T>[] {
  if (!/^\d{12}$/.test(to.villageCode)) throw new RangeError(`village code must be 12 digits: ${to.villageCode}`);
  return docs
    .filter((e) => belongsToResident(e, residentId) && !e.doc._deleted)
    .filter((e) => e.doc.villageCode !== to.villageCode || e.doc.clinicCode !== to.clinicCode)
    .map((e) => ({
      collection: e.collection,
      doc: {
        ...e.doc,
        villageCode: to.villageCode,
        clinicCode: to.clinicCode,
        ...(e.collection === 'residents' ? { householdId: '' } : {}),
        updatedAt: Math.max(to.at, (e.doc.updatedAt ?? 0) + 1),
      },
    }));
}

/** A device's scope: the village codes of its clinic (a village clinic's device: its own villages). */
export function inScope(doc: Pick<ScopedDoc, 'villageCode'>, villages: ReadonlySet<string>): boolean {
  return doc.villageCode !== undefined && villages.has(doc.villageCode);
}

export interface PurgePlan {
  /** Documents to remove from the device now: every document of residents who left the scope and have nothing pending. */
  purge: { collection: SyncCollection; id: string }[];
  /** Residents who left the scope but still have local edits not yet acknowledged by the platform: purge them later. */
  waiting: string[];
}

/**
 * Which residents that left the device's scope can be purged now. A resident is purged only after every pending
 * local edit of theirs (the resident or any document about them) has been uploaded and acknowledged, so nothing
 * recorded on the device is lost; until then they wait. Purging is local only: it is never pushed as a deletion.
 */
export function planPurge(docs: readonly CollectionDoc[], villages: ReadonlySet<string>, pendingIds: ReadonlySet<string>): PurgePlan {
  const residents = docs.filter((e) => e.collection === 'residents');
  const leaving = new Set(residents.filter((e) => !inScope(e.doc, villages)).map((e) => e.doc.id));
  const waiting = new Set<string>();
  for (const e of docs) {
    const owner = e.collection === 'residents' ? e.doc.id : e.doc.residentId;
    if (owner !== undefined && leaving.has(owner) && pendingIds.has(e.doc.id)) waiting.add(owner);
  }
  const purge = docs
    .filter((e) => {
      const owner = e.collection === 'residents' ? e.doc.id : e.doc.residentId;
      return owner !== undefined && leaving.has(owner) && !waiting.has(owner);
    })
    .map((e) => ({ collection: e.collection, id: e.doc.id }))
    .sort((a, b) => (a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { purge, waiting: [...waiting].sort() };
}

export type PushDecision = { kind: 'accept' } | { kind: 'park'; reason: 'outOfScope' | 'movedAway' };

/**
 * What the platform does with a pushed document: accept it when its village is in the pushing device's scope;
 * otherwise park it for review, never drop it. `movedAway` says the platform's own copy now lives outside the
 * device's scope (the resident moved while the device was offline); `outOfScope` is any other foreign document.
 */
export function pushDecision(pushed: Pick<ScopedDoc, 'villageCode'>, current: Pick<ScopedDoc, 'villageCode'> | null, villages: ReadonlySet<string>): PushDecision {
  if (current !== null && !inScope(current, villages)) return { kind: 'park', reason: 'movedAway' };
  if (!inScope(pushed, villages)) return { kind: 'park', reason: 'outOfScope' };
  return { kind: 'accept' };
}

/**
 * 迁出申请: a village doctor records that a resident moved to a village of another clinic of the county (issue 13 item
 * 6). Kept as a typed settings document (`moveRequest`, id `moveRequest:<residentId>`) of the requesting clinic, so it
 * syncs like any other write; the platform re-homes the resident when it arrives (`rehome`) and answers in the same
 * document: `applied` (the old clinic's devices then purge the resident after uploading their edits) or `refused`
 * with the reason (an unknown village, a resident no longer in the requesting device's villages).
 */
export const MoveRequest = z.object({
  residentId: z.string().min(1).max(64),
  /** Where they live when the request is made (the platform refuses a request about a resident who moved since). */
  fromVillageCode: z.string().regex(/^\d{12}$/),
  toVillageCode: z.string().regex(/^\d{12}$/),
  reason: z.string().max(200),
  requestedBy: z.string().max(100),
  requestedAt: z.number(),
  status: z.enum(['pending', 'applied', 'refused']),
  /** The clinic that holds the resident now (applied). */
  toClinicCode: z.string().optional(),
  /** Why the platform refused it, in its words (refused). */
  refusal: z.string().max(500).optional(),
  decidedAt: z.number().optional(),
  /**
   * The resident's `updatedAt` on the device when the request was made (after an edit saved with it): the platform
   * waits until it holds that version before moving them, so the edit is not parked as a late one. Absent: no wait.
   */
  residentUpdatedAt: z.number().optional(),
  /**
   * Refused because the version named by `residentUpdatedAt` never reached the platform within its wait
   * (platform/move-requests.ts `MOVE_REQUEST_WAIT_MS`): the device says what to do (check the record, request again).
   */
  timedOut: z.boolean().optional(),
});
export type MoveRequest = z.infer<typeof MoveRequest>;

export const moveRequestId = (residentId: string): string => `moveRequest:${residentId}`;
