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
  await writeAnswer(tx, device.clinic.code, doc, result, now);
  return true;
}

/** Writes the platform's answer into the clinic's copy of the request, at a new change sequence (its devices pull it). */
async function writeAnswer(tx: Queryable, clinicCode: string, doc: WireDocument, result: MoveRequest, now: number): Promise<void> {
  const body = { ...doc, data: MoveRequest.parse(result), updatedAt: Math.max(now, Number(doc['updatedAt'] ?? 0) + 1) };
  const text = canonicalJson(body);
  await tx.query('UPDATE documents SET seq = nextval(\'document_seq\'), rev = $3, body = $4, written_by = $5, written_at = $6 WHERE collection = \'settings\' AND id = $1 AND clinic_code = $2', [
    `${clinicCode}/${String(doc['id'])}`,
    clinicCode,
    createHash('sha256').update(text).digest('hex'),
    text,
    WRITER,
    now,
  ]);
}

/**
 * How long a request may wait for the resident's version it names (`residentUpdatedAt`) before the platform gives up
 * on it: 14 days by default, or what the operator stored (`platform serve --move-wait-days`, `platform config`). The
 * version normally arrives in the same sync round as the request, since the device pushes its collections one after
 * another; one that has not come after two weeks will not come (the device was wiped or replaced before pushing it),
 * and a request left pending would hold the resident in limbo with nobody told.
 */
export const MOVE_REQUEST_WAIT_MS = 14 * 24 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
/** The longest wait an operator may choose: a request a year old describes a resident nobody can vouch for. */
export const MAX_MOVE_WAIT_DAYS = 365;
const MOVE_WAIT_KEY = 'moveWaitDays';

/** The operator's chosen wait, as stored (`platform_settings`, migration 0150); null until one is set. */
export interface MoveWaitSetting {
  days: number;
  setAt: number;
  setBy: string;
}

/** The wait the platform uses: the stored one, else the default. */
export async function moveWaitSetting(q: Queryable): Promise<{ days: number; setAt: number | null; setBy: string | null }> {
  const row = (await q.query<{ value: string; set_at: string | number; set_by: string }>('SELECT value, set_at, set_by FROM platform_settings WHERE key = $1', [MOVE_WAIT_KEY]))[0];
  const days = row ? Number(JSON.parse(row.value)) : NaN;
  // A value outside the bounds was not written by us (the CLI and the server check them): the default, not a guess.
  if (!row || !Number.isFinite(days) || days <= 0 || days > MAX_MOVE_WAIT_DAYS) return { days: MOVE_REQUEST_WAIT_MS / DAY_MS, setAt: null, setBy: null };
  return { days, setAt: Number(row.set_at), setBy: row.set_by };
}

export const moveWaitMs = (days: number): number => days * DAY_MS;

/**
 * Stores the operator's chosen wait (from `serve --move-wait-days` or `platform config`), so the platform uses it after
 * a restart and an offline `platform status` reports it. Throws a RangeError outside (0, 365] days.
 */
export async function saveMoveWait(q: Queryable, s: MoveWaitSetting): Promise<void> {
  if (!Number.isFinite(s.days) || s.days <= 0 || s.days > MAX_MOVE_WAIT_DAYS) throw new RangeError(`the move wait must be more than 0 and at most ${MAX_MOVE_WAIT_DAYS} days`);
  await q.query(
    `INSERT INTO platform_settings (key, value, set_at, set_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, set_at = EXCLUDED.set_at, set_by = EXCLUDED.set_by`,
    [MOVE_WAIT_KEY, JSON.stringify(s.days), s.setAt, s.setBy.slice(0, 200)],
  );
}

/** A 迁出申请 the platform holds unanswered, for `platform status`. */
export interface WaitingMoveRequest {
  clinicCode: string;
  residentId: string;
  fromVillageCode: string;
  toVillageCode: string;
  requestedBy: string;
  requestedAt: number;
  /** When the request reached the platform (it waits from then). */
  waitingSince: number;
  /** When it is refused as timed out if the resident's version has not arrived by then. */
  expiresAt: number;
  /** Whether the platform holds the resident at all (false: the record itself never arrived). */
  residentOnPlatform: boolean;
}

interface StoredRequest {
  clinicCode: string;
  doc: WireDocument;
  request: MoveRequest;
  writtenAt: number;
}

async function storedRequests(q: Queryable): Promise<StoredRequest[]> {
  // Requests are typed settings documents stored as `<clinic>/moveRequest:<residentId>` (few per clinic).
  const rows = await q.query<{ clinic_code: string; body: string; written_at: string | number }>(
    "SELECT clinic_code, body, written_at FROM documents WHERE collection = 'settings' AND id LIKE '%/moveRequest:%' AND NOT deleted ORDER BY written_at, id",
  );
  const out: StoredRequest[] = [];
  for (const r of rows) {
    const doc = JSON.parse(r.body) as WireDocument;
    const parsed = MoveRequest.safeParse(doc['data']);
    if (parsed.success) out.push({ clinicCode: r.clinic_code, doc, request: parsed.data, writtenAt: Number(r.written_at) });
  }
  return out;
}

/** The requests waiting for their resident's version, oldest first, and how many were refused as timed out. */
export async function moveRequestsStatus(q: Queryable, now: number, waitMs: number): Promise<{ waitDays: number; waiting: WaitingMoveRequest[]; timedOut: number }> {
  const all = await storedRequests(q);
  const pending = all.filter((s) => s.request.status === 'pending');
  const held = new Set(
    pending.length === 0
      ? []
      : (await q.query<{ id: string }>("SELECT id FROM documents WHERE collection = 'residents' AND id = ANY($1::text[]) AND NOT deleted", [pending.map((s) => s.request.residentId)])).map((r) => r.id),
  );
  return {
    waitDays: waitMs / (24 * 60 * 60_000),
    waiting: pending.map((s) => ({
      clinicCode: s.clinicCode,
      residentId: s.request.residentId,
      fromVillageCode: s.request.fromVillageCode,
      toVillageCode: s.request.toVillageCode,
      requestedBy: s.request.requestedBy,
      requestedAt: s.request.requestedAt,
      waitingSince: s.writtenAt,
      expiresAt: s.writtenAt + waitMs,
      residentOnPlatform: held.has(s.request.residentId),
    })),
    timedOut: all.filter((s) => s.request.status === 'refused' && s.request.timedOut === true).length,
  };
}

/**
 * Refuses, as timed out, every request that has waited `waitMs` or longer (the caller holds the push lock, so a push
 * bringing the version cannot interleave). The answer says so in the request (`timedOut`), so the requesting device's
 * resident page tells its user what to do: check the record and file the request again. Answered once: a refused
 * request is never pending again. Returns the clinics whose requests were answered (their devices are told to pull).
 */
export async function expireWaitingMoveRequests(tx: Queryable, now: number, waitMs: number): Promise<{ expired: number; clinics: string[] }> {
  const clinics = new Set<string>();
  let expired = 0;
  for (const s of await storedRequests(tx)) {
    if (s.request.status !== 'pending' || now - s.writtenAt < waitMs) continue;
    const days = Math.floor(waitMs / (24 * 60 * 60_000));
    const refusal = `Timed out: the platform waited ${days} days for the version of resident ${s.request.residentId} this request was made with, and it never arrived (was the requesting computer reinstalled before it synced?). Check the record and file the request again.`;
    await writeAnswer(tx, s.clinicCode, s.doc, { ...s.request, status: 'refused', refusal, timedOut: true, decidedAt: now }, now);
    clinics.add(s.clinicCode);
    expired++;
  }
  return { expired, clinics: [...clinics] };
}

function residentUpdatedAt(body: string): number {
  const v = (JSON.parse(body) as { updatedAt?: unknown }).updatedAt;
  return typeof v === 'number' ? v : 0;
}
