/**
 * Settling an edit the platform parked (issue 13 item 6): it came from a device that had lost the resident to a move,
 * so it was kept, not applied. An operator either applies it to the resident's current record or discards it with a
 * reason. Applying goes through the same field-level three-way merge as a push (`shared/sync/merge.ts`, the edit's
 * assumed master state as the base), so an edit to a field nobody else changed simply lands, and a field changed both
 * ways becomes a 同步冲突 review at the clinics that now hold the resident. Jurisdiction is never the edit's to decide
 * (DESIGN.md §6): the record keeps its current village, clinic and household whatever the late edit said.
 *
 * Both actions are recorded on the parked row (who, when, which, why, what happened), under the push lock, and are
 * idempotent: asking again for the action already taken answers the first outcome and writes nothing.
 */
import { createHash } from 'node:crypto';
import { ConflictReview, ReviewItem, type ReviewField } from '../shared/api/sync-review';
import { resolveConflict, type FieldConflict, type SyncDoc } from '../shared/sync/merge';
import { canonicalJson, type WireDocument } from '../shared/sync/protocol';
import type { Queryable } from './db';
import { writeFacts } from './county/facts';

export type ParkedAction = 'apply' | 'discard';

/** What settling a parked edit did. */
export interface ParkedSettlement {
  id: number;
  action: ParkedAction;
  collection: string;
  documentId: string;
  /**
   * `merged`: the edit was written into the current record; `unchanged`: the current record already said the same;
   * `conflict`: merged, with the fields changed both ways queued for review (`reviewId`) at `reviewClinics`;
   * `discarded`: not applied, for `reason`.
   */
  outcome: 'merged' | 'unchanged' | 'conflict' | 'discarded';
  conflicts: string[];
  reviewId?: string;
  reviewClinics?: string[];
  reason?: string;
  settledBy: string;
  settledAt: number;
  /** True when this call found the edit already settled the same way and changed nothing. */
  already: boolean;
}

/** The refusals the store turns into PlatformError (kept here as plain data so this file does not import the store). */
export class ParkedRefusal extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST' | 'ALREADY_SETTLED',
    message: string,
  ) {
    super(message);
  }
}

/** Who wrote a document, in `documents.written_by`, when an operator applied a parked edit. */
const WRITER = 'parked';
const REVIEW_TYPE = 'syncReview';
/** Ownership fields a late edit never changes: the move decided them (residents also leave their household). */
const OWNERSHIP = ['villageCode', 'clinicCode'];

export type Body = WireDocument & Record<string, unknown>;

const revision = (body: string): string => createHash('sha256').update(body).digest('hex');

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let v: unknown = doc;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

export interface TouchedScope {
  collection: string;
  clinicCodes: string[];
  villageCodes: string[];
}

export async function settleParked(
  tx: Queryable,
  input: { id: number; action: ParkedAction; reason?: string | undefined; by: string; now: number },
): Promise<{ result: ParkedSettlement; touched: TouchedScope[] }> {
  const rows = await tx.query<{
    id: string | number;
    device_id: string;
    collection: string;
    document_id: string;
    body: string;
    assumed: string | null;
    settled_at: string | number | null;
    settlement: string | null;
    settle_result: string | null;
  }>('SELECT id, device_id, collection, document_id, body, assumed, settled_at, settlement, settle_result FROM parked WHERE id = $1 FOR UPDATE', [input.id]);
  const row = rows[0];
  if (!row) throw new ParkedRefusal('NOT_FOUND', `No parked edit ${input.id}.`);
  if (row.settled_at !== null) {
    const first = JSON.parse(row.settle_result ?? '{}') as ParkedSettlement;
    if (row.settlement === input.action) return { result: { ...first, already: true }, touched: [] };
    throw new ParkedRefusal('ALREADY_SETTLED', `Parked edit ${input.id} was already settled (${row.settlement ?? 'settled'} by ${first.settledBy ?? '?'}); it cannot be ${input.action === 'apply' ? 'applied' : 'discarded'} now.`);
  }
  const base = { id: Number(row.id), action: input.action, collection: row.collection, documentId: row.document_id, settledBy: input.by, settledAt: input.now, already: false };
  let result: ParkedSettlement;
  const touched: TouchedScope[] = [];
  if (input.action === 'discard') {
    const reason = (input.reason ?? '').trim();
    if (reason === '') throw new ParkedRefusal('BAD_REQUEST', 'Give a reason for discarding a parked edit (--reason).');
    result = { ...base, outcome: 'discarded', conflicts: [], reason };
  } else {
    result = await apply(tx, row, base, input.now, touched);
  }
  await tx.query('UPDATE parked SET settled_at = $2, settled_by = $3, settlement = $4, settle_reason = $5, settle_result = $6 WHERE id = $1', [
    input.id,
    input.now,
    input.by,
    input.action,
    result.reason ?? null,
    JSON.stringify(result),
  ]);
  return { result, touched };
}

async function body(tx: Queryable, collection: string, id: string): Promise<Body | null> {
  const rows = await tx.query<{ body: string }>('SELECT body FROM documents WHERE collection = $1 AND id = $2', [collection, id]);
  return rows[0] ? (JSON.parse(rows[0].body) as Body) : null;
}

/** Writes one document at a new change sequence, with its county indicator records; `by` goes into `written_by`. */
export async function writeDocument(tx: Queryable, collection: string, storedId: string, doc: Body, now: number, by: string): Promise<TouchedScope> {
  const text = canonicalJson(doc);
  const clinicCode = String(doc['clinicCode']);
  const villageCode = typeof doc['villageCode'] === 'string' ? doc['villageCode'] : null;
  await tx.query(
    `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
     VALUES ($1, $2, nextval('document_seq'), $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, clinic_code = EXCLUDED.clinic_code,
       village_code = EXCLUDED.village_code, rev = EXCLUDED.rev, deleted = EXCLUDED.deleted, body = EXCLUDED.body,
       written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at`,
    [collection, storedId, clinicCode, villageCode, revision(text), doc._deleted, text, by.slice(0, 200), now],
  );
  await writeFacts(tx, collection, [storedId]);
  return { collection, clinicCodes: [clinicCode], villageCodes: villageCode ? [villageCode] : [] };
}

/**
 * A late edit merged into the record as it is now: the edit's assumed master state as the base of a field-level
 * three-way merge (`shared/sync/merge.ts`), the record's current village, clinic (and household) kept whatever the edit
 * said. `doc` is what to write (null: the record already says the same); `conflicts` the fields changed both ways.
 * A document first made on the device after the move (nothing stored yet) takes the resident's home. Null when the
 * platform does not hold the resident.
 */
export async function mergeLateEdit(
  tx: Queryable,
  input: { collection: string; documentId: string; edit: Body; assumed: Body | undefined; now: number },
): Promise<{ resident: Body; current: Body | null; doc: Body | null; conflicts: FieldConflict[] } | null> {
  const { collection, edit } = input;
  const residentId = collection === 'residents' ? input.documentId : typeof edit['residentId'] === 'string' ? edit['residentId'] : '';
  const resident = residentId ? await body(tx, 'residents', residentId) : null;
  if (!resident) return null;
  const current = await body(tx, collection, input.documentId);
  if (!current) {
    const doc: Body = { ...edit, villageCode: resident['villageCode'], clinicCode: resident['clinicCode'], updatedAt: Math.max(input.now, Number(edit['updatedAt'] ?? 0)) };
    return { resident, current, doc, conflicts: [] };
  }
  const { resolved, conflicts } = resolveConflict(collection, {
    assumedMasterState: input.assumed as SyncDoc | undefined,
    realMasterState: current as SyncDoc,
    newDocumentState: edit as SyncDoc,
  });
  const owned = collection === 'residents' ? [...OWNERSHIP, 'householdId'] : OWNERSHIP;
  const doc: Body = { ...(resolved as Body) };
  for (const f of owned) {
    if (f in current) doc[f] = current[f];
    else delete doc[f];
  }
  const kept = conflicts.filter((c) => !owned.includes(c.path));
  // The record may already say what the merge decided while a field changed both ways was kept as the record has it
  // (the newer side wins the value): the edit's value is then only in the conflict, which must not be lost.
  if (canonicalJson(doc) === canonicalJson(current)) return { resident, current, doc: null, conflicts: kept };
  // Later than both sides, so every device that holds the record takes this version over the one it has.
  doc['updatedAt'] = Math.max(input.now, Number(current['updatedAt'] ?? 0) + 1);
  return { resident, current, doc, conflicts: kept };
}

async function apply(
  tx: Queryable,
  row: { id: string | number; device_id: string; collection: string; document_id: string; body: string; assumed: string | null },
  base: Omit<ParkedSettlement, 'outcome' | 'conflicts'>,
  now: number,
  touched: TouchedScope[],
): Promise<ParkedSettlement> {
  const edit = JSON.parse(row.body) as Body;
  const assumed = row.assumed === null ? undefined : (JSON.parse(row.assumed) as Body);
  const merged = await mergeLateEdit(tx, { collection: row.collection, documentId: row.document_id, edit, assumed, now });
  if (!merged) {
    const residentId = row.collection === 'residents' ? row.document_id : typeof edit['residentId'] === 'string' ? edit['residentId'] : '';
    throw new ParkedRefusal('BAD_REQUEST', `Parked edit ${base.id}: resident ${residentId || '(none)'} is not on the platform; discard it with a reason instead.`);
  }
  const by = `${WRITER}:${String(row.id)}:${base.settledBy}`;
  if (!merged.doc && merged.conflicts.length === 0) return { ...base, outcome: 'unchanged', conflicts: [] };
  if (merged.doc) touched.push(await writeDocument(tx, row.collection, row.document_id, merged.doc, now, by));
  if (merged.conflicts.length === 0) return { ...base, outcome: 'merged', conflicts: [] };
  const review = await queueReview(tx, { conflicts: merged.conflicts, collection: row.collection, docId: row.document_id, resident: merged.resident, edit, deviceId: row.device_id, parkedId: Number(row.id), now });
  touched.push(...review.touched);
  return { ...base, outcome: 'conflict', conflicts: merged.conflicts.map((c) => c.path), reviewId: review.id, reviewClinics: review.clinics };
}

/**
 * The fields changed both ways, as a 同步冲突 review for every clinic whose villages hold the resident now: the same
 * typed settings document a device writes (`syncReview`, id `conflict:<docId>`), so their devices pull it, show it and
 * sync the decision like any other. An open review of the same document takes the new fields beside its own.
 */
async function queueReview(
  tx: Queryable,
  c: { conflicts: FieldConflict[]; collection: string; docId: string; resident: Body; edit: Body; deviceId: string; parkedId: number; now: number },
): Promise<{ id: string; clinics: string[]; touched: TouchedScope[] }> {
  const side = (s: FieldConflict['winner'], path: string): ReviewField['kept'] => {
    const fromEdit = path === '_deleted' ? (s.value === true) === (c.edit._deleted === true) : canonicalJson(getPath(c.edit, path)) === canonicalJson(s.value);
    return { value: s.value, updatedAt: s.updatedAt, by: fromEdit ? `device ${c.deviceId}` : 'platform', isLocal: false };
  };
  const fields: ReviewField[] = c.conflicts.map((f) => ({ path: f.path, base: f.base, kept: side(f.winner, f.path), setAside: side(f.loser, f.path) }));
  const id = `conflict:${c.docId}`;
  const village = String(c.resident['villageCode']);
  const clinics = (await tx.query<{ code: string; villages: string }>('SELECT code, villages FROM clinics ORDER BY code'))
    .filter((r) => (JSON.parse(r.villages) as Array<{ code: string }>).some((v) => v.code === village))
    .map((r) => r.code);
  const touched: TouchedScope[] = [];
  for (const clinicCode of clinics) {
    const stored = await body(tx, 'settings', `${clinicCode}/${id}`);
    const previous = stored && !stored._deleted ? ConflictReview.safeParse(stored['data']) : null;
    const open = previous?.success && previous.data.status === 'open' ? previous.data : null;
    const merged = new Map((open?.fields ?? []).map((f) => [f.path, f]));
    for (const f of fields) merged.set(f.path, f);
    const item: ReviewItem = ReviewItem.parse({
      kind: 'conflict',
      id,
      collection: c.collection,
      docId: c.docId,
      residentId: String(c.resident['id']),
      residentName: typeof c.resident['name'] === 'string' ? c.resident['name'] : '',
      source: `parked:${c.parkedId}`,
      detectedAt: c.now,
      fields: [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
      status: 'open',
    });
    touched.push(await writeDocument(tx, 'settings', `${clinicCode}/${id}`, { id, type: REVIEW_TYPE, clinicCode, data: item, updatedAt: c.now, _deleted: false }, c.now, `${WRITER}:${c.parkedId}`));
  }
  return { id, clinics, touched };
}
