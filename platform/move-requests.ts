/**
 * A clinic's 迁出申请 arriving by push (issue 13 item 6, shared/sync/moves.ts `MoveRequest`): inside the push's
 * transaction, a pending request is applied with the same re-homing as an operator's `resident move`, or refused with
 * the reason, and the answer is written into the clinic's copy of the request (a new change sequence, so its devices
 * pull it). Only a device whose villages hold the resident may move them; a village no registered clinic serves is
 * refused (the platform's own message). A request already answered is left as it is. A request made with an edit of
 * the resident (`residentUpdatedAt`) waits until the platform holds that version: the residents push that brings it
 * applies the request in its own transaction (`applyWaitingMoveRequests`); so does a request about a resident the
 * platform has not received yet (made offline with the record).
 */
import { createHash } from 'node:crypto';
import { MoveRequest, moveRequestId } from '../shared/sync/moves';
import { canonicalJson, type WireDocument } from '../shared/sync/protocol';
import type { Queryable } from './db';

export interface Requester {
  id: string;
  clinic: { code: string };
  villages: Array<{ code: string }>;
}

export interface RequestedMove {
  residentId: string;
  villageCode: string;
  requestedBy: string;
}

/** Who the platform's answers are written by (`documents.written_by`). */
const WRITER = 'platform';

/** Applies the pending move requests among `docs` (pushed settings); returns what each move did, for the notices. */
export async function applyMoveRequests<R extends { documents: number; toClinic: string }>(
  tx: Queryable,
  device: Requester,
  docs: readonly WireDocument[],
  move: (input: RequestedMove) => Promise<R>,
  now: number,
): Promise<{ moves: R[]; answered: number }> {
  const moves: R[] = [];
  let answered = 0;
  for (const doc of docs) {
    if (doc['type'] !== 'moveRequest' || doc._deleted) continue;
    const parsed = MoveRequest.safeParse(doc['data']);
    if (!parsed.success || parsed.data.status !== 'pending') continue;
    if (await answer(tx, device, doc, parsed.data, move, now, moves)) answered++;
  }
  return { moves, answered };
}

/**
 * After a push of residents: the requests of the pushing device's clinic about them that were waiting for exactly
 * these versions (an edit saved with the request, which reached the platform after the request) are applied now.
 */
export async function applyWaitingMoveRequests<R extends { documents: number; toClinic: string }>(
  tx: Queryable,
  device: Requester,
  residents: readonly WireDocument[],
  move: (input: RequestedMove) => Promise<R>,
  now: number,
): Promise<{ moves: R[]; answered: number }> {
  const moves: R[] = [];
  let answered = 0;
  const ids = residents.filter((r) => !r._deleted).map((r) => `${device.clinic.code}/${moveRequestId(String(r['id']))}`);
  if (ids.length === 0) return { moves, answered };
  const rows = await tx.query<{ body: string }>("SELECT body FROM documents WHERE collection = 'settings' AND id = ANY($1::text[]) AND NOT deleted", [ids]);
  for (const row of rows) {
    const doc = JSON.parse(row.body) as WireDocument;
    const parsed = MoveRequest.safeParse(doc['data']);
    if (!parsed.success || parsed.data.status !== 'pending' || parsed.data.residentUpdatedAt === undefined) continue;
    if (await answer(tx, device, doc, parsed.data, move, now, moves)) answered++;
  }
  return { moves, answered };
}

/** Applies or refuses one pending request and writes the answer; false when it still waits for the resident's edit. */
async function answer<R extends { documents: number; toClinic: string }>(
  tx: Queryable,
  device: Requester,
  doc: WireDocument,
  request: MoveRequest,
  move: (input: RequestedMove) => Promise<R>,
  now: number,
  moves: R[],
): Promise<boolean> {
  const rows = await tx.query<{ village_code: string | null; body: string }>("SELECT village_code, body FROM documents WHERE collection = 'residents' AND id = $1 AND NOT deleted", [request.residentId]);
  const home = rows[0]?.village_code ?? null;
  // The edit saved with the request, or the resident itself (made offline), has not arrived yet (the collections are
  // pushed independently): moving now would park the edit as a late one about a resident who left, and a resident the
  // platform does not hold cannot move. The residents push that brings them applies the request.
  if (request.residentUpdatedAt !== undefined) {
    if (home === null) return false;
    if (residentUpdatedAt(rows[0]!.body) < request.residentUpdatedAt && device.villages.some((v) => v.code === home)) return false;
  }
  let result: MoveRequest;
  if (home === null || !device.villages.some((v) => v.code === home)) {
    result = { ...request, status: 'refused', refusal: `Resident ${request.residentId} is not in this device's villages on the platform.`, decidedAt: now };
  } else {
    try {
      const done = await move({ residentId: request.residentId, villageCode: request.toVillageCode, requestedBy: `device ${device.id} (${request.requestedBy})` });
      moves.push(done);
      result = { ...request, status: 'applied', toClinicCode: done.toClinic, decidedAt: now };
    } catch (e) {
      // The move's refusals are thrown before it writes anything (unknown village, several clinics), so the push's
      // transaction is intact; anything else is not a refusal and fails the push.
      if (!(e instanceof Error && 'code' in e && (e as { code: unknown }).code === 'BAD_REQUEST')) throw e;
      result = { ...request, status: 'refused', refusal: e.message.slice(0, 500), decidedAt: now };
    }
  }
  const body = { ...doc, data: MoveRequest.parse(result), updatedAt: Math.max(now, Number(doc['updatedAt'] ?? 0) + 1) };
  const text = canonicalJson(body);
  await tx.query('UPDATE documents SET seq = nextval(\'document_seq\'), rev = $3, body = $4, written_by = $5, written_at = $6 WHERE collection = \'settings\' AND id = $1 AND clinic_code = $2', [
    `${device.clinic.code}/${String(doc['id'])}`,
    device.clinic.code,
    createHash('sha256').update(text).digest('hex'),
    text,
    WRITER,
    now,
  ]);
  return true;
}

function residentUpdatedAt(body: string): number {
  const v = (JSON.parse(body) as { updatedAt?: unknown }).updatedAt;
  return typeof v === 'number' ? v : 0;
}
