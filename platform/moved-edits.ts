/**
 * A late edit from the clinic that asked for the move (issue 13 item 6): the resident left clinic A at A's own
 * 迁出申请, and A's device then pushes an ordinary edit of them that it made before it heard the move was done (the
 * request is answered by the platform; the device learns of it only with its next pull).
 *
 * Decision, with the reasons:
 * - The general rule stands: an edit from a clinic that lost scope is never dropped, and never simply applied. But
 *   parking this one for an operator would be wrong as a default: the clinic knowingly sent the resident on, the edit
 *   is its last word about them (a new phone number, a follow-up recorded the day before they left), and a person
 *   expects it to reach the resident's new clinic, as a letter sent before a move is forwarded to the new address.
 * - So it is forwarded: merged into the record at its new home by the same field-level three-way merge as a push and
 *   as an operator's `parked apply` (platform/parked.ts `mergeLateEdit`), with the edit's assumed master state as the
 *   base. That base is the version the move carried (the device never held a later one: the moved record is outside
 *   its villages), so the merge sees exactly what the new clinic changed since the move and what A changed. The
 *   record keeps its new village, clinic and household whatever the edit said; jurisdiction is the move's.
 * - Only when nothing conflicts: if the new clinic changed a field the edit also changed, the edit is parked as
 *   before, and the parked reason names the fields, so the operator's review (and A's 同步 screen, which counts its
 *   parked edits) says why. Silently preferring either side would lose a field edit, which the issue forbids.
 * - Only for that request's move: the pushing device's clinic holds an applied request for this resident, from one
 *   of the device's villages, to the village the resident still lives in (a later move elsewhere, or a move the
 *   operator made without A's request, parks the edit as before). Any device of the requesting clinic counts: the
 *   request is the clinic's document, synced to all its devices, so each of them edited knowing the resident was on
 *   the way out. The edit's base must be a version from before the move (its village is the request's origin).
 * - Every forwarded edit is recorded in `parked` as settled at once (`settlement = 'forward'`, by `platform`, with
 *   the merge's outcome), so the audit of late edits is complete and an operator's later `parked apply|discard` of it
 *   answers ALREADY_SETTLED.
 */
import { MoveRequest, moveRequestId } from '../shared/sync/moves';
import { canonicalJson, type LateEditReason, type PushRow } from '../shared/sync/protocol';
import type { Queryable } from './db';
import { mergeLateEdit, writeDocument, type Body, type ParkedSettlement, type TouchedScope } from './parked';

/** Who wrote a forwarded edit (`documents.written_by`, `parked.settled_by`). */
const WRITER = 'platform';

export interface LateEdit {
  device: { id: string; clinic: { code: string }; villages: Array<{ code: string }> };
  collection: string;
  /** The stored id (village-scoped collections: the document's own). */
  id: string;
  /** The resident the document is about. */
  residentId: string;
  row: PushRow;
  /** The edit's canonical JSON, as parked. */
  body: string;
  now: number;
}

/**
 * Why a late edit was parked, or where it was forwarded, as stored in `parked.why` (migration 0150) and shown on the
 * device that made it (platform/late-edits.ts): the reason's code, the fields changed both ways, the destination.
 */
export interface LateEditWhy {
  reason: LateEditReason;
  fields?: string[];
  to?: { clinicCode: string; villageCode: string };
}

export type Forwarding =
  | { kind: 'forwarded'; touched: TouchedScope[] }
  /** Not forwarded: park it with this reason (`why`: the same, for the device's user). */
  | { kind: 'park'; reason: string; why: LateEditWhy };

/** Forwards a late edit of the requesting clinic to the resident's new home, or says why it is parked instead. */
export async function forwardRequesterEdit(tx: Queryable, e: LateEdit): Promise<Forwarding> {
  const movedAway = `resident ${e.residentId} moved out of this device's villages`;
  const request = await appliedRequest(tx, e.device.clinic.code, e.residentId);
  if (!request || !e.device.villages.some((v) => v.code === request.fromVillageCode)) return { kind: 'park', reason: movedAway, why: { reason: 'MOVED_AWAY' } };
  const home = (await tx.query<{ village_code: string | null }>("SELECT village_code FROM documents WHERE collection = 'residents' AND id = $1 AND NOT deleted", [e.residentId]))[0];
  if (home?.village_code !== request.toVillageCode) return { kind: 'park', reason: `${movedAway}, and moved again after this clinic's move request`, why: { reason: 'MOVED_AGAIN' } };
  const to = request.toClinicCode ? { clinicCode: request.toClinicCode, villageCode: request.toVillageCode } : undefined;
  const edit = e.row.newDocumentState as Body;
  const assumed = e.row.assumedMasterState;
  if ((assumed ?? edit)['villageCode'] !== request.fromVillageCode) {
    return { kind: 'park', reason: `${movedAway}; the edit was not made on the record as it was before the move`, why: { reason: 'NOT_FROM_BEFORE_MOVE', ...(to ? { to } : {}) } };
  }
  // The same edit delivered twice is forwarded once.
  const same = await tx.query("SELECT id FROM parked WHERE device_id = $1 AND collection = $2 AND document_id = $3 AND body = $4 AND settlement = 'forward'", [e.device.id, e.collection, e.id, e.body]);
  if (same.length > 0) return { kind: 'forwarded', touched: [] };
  const merged = await mergeLateEdit(tx, { collection: e.collection, documentId: e.id, edit, assumed, now: e.now });
  if (!merged) return { kind: 'park', reason: movedAway, why: { reason: 'MOVED_AWAY' } };
  if (merged.conflicts.length > 0) {
    const fields = merged.conflicts.map((c) => c.path);
    return {
      kind: 'park',
      reason: `resident ${e.residentId} moved to clinic ${request.toClinicCode ?? '?'} at this clinic's request; that clinic has since changed the same fields (${fields.join(', ')}): kept for review`,
      why: { reason: 'CHANGED_AT_NEW_HOME', fields, ...(to ? { to } : {}) },
    };
  }
  const touched: TouchedScope[] = [];
  if (merged.doc) touched.push(await writeDocument(tx, e.collection, e.id, merged.doc, e.now, `${WRITER}:forwarded:${e.device.id}`.slice(0, 200)));
  const settlement: Omit<ParkedSettlement, 'id' | 'action'> & { action: 'forward' } = {
    action: 'forward',
    collection: e.collection,
    documentId: e.id,
    outcome: merged.doc ? 'merged' : 'unchanged',
    conflicts: [],
    settledBy: WRITER,
    settledAt: e.now,
    already: false,
  };
  const reason = `resident ${e.residentId} moved to clinic ${request.toClinicCode ?? '?'} at this clinic's request; the edit was forwarded there`;
  // Where it went, as the request was applied (the resident may move on later; the edit went here).
  const why: LateEditWhy = { reason: 'FORWARDED', to: { clinicCode: request.toClinicCode ?? String(merged.resident['clinicCode']), villageCode: request.toVillageCode } };
  await tx.query(
    `INSERT INTO parked (at, device_id, clinic_code, collection, document_id, reason, body, assumed, settled_at, settled_by, settlement, settle_reason, settle_result, why)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $1, $9, 'forward', NULL, $10, $11)`,
    [e.now, e.device.id, e.device.clinic.code, e.collection, e.id, reason, e.body, assumed ? canonicalJson(assumed) : null, WRITER, JSON.stringify(settlement), JSON.stringify(why)],
  );
  return { kind: 'forwarded', touched };
}

async function appliedRequest(q: Queryable, clinicCode: string, residentId: string): Promise<MoveRequest | null> {
  const rows = await q.query<{ body: string }>("SELECT body FROM documents WHERE collection = 'settings' AND id = $1 AND NOT deleted", [`${clinicCode}/${moveRequestId(residentId)}`]);
  if (!rows[0]) return null;
  const parsed = MoveRequest.safeParse((JSON.parse(rows[0].body) as { data?: unknown }).data);
  return parsed.success && parsed.data.status === 'applied' ? parsed.data : null;
}
