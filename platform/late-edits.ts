/**
 * What a device is told about its late edits (issue 13 item 6): the edits it uploaded after the resident had moved
 * out of its villages, each with what became of it: forwarded to the resident's new home (moved-edits.ts), still
 * parked for the county's operator and why, or settled by the operator (parked.ts). The clinic that made an edit
 * otherwise never learns that it reached the new clinic: `GET /v1/parked` carries this list, and the device keeps it
 * (main/sync/late-edits.ts) for its 同步 screen and the resident's page.
 *
 * Only the device's own edits are listed, with the names of the resident (as in its own edit, or as the platform holds
 * the record) and of the clinic and village they went to, which the 迁出申请 or the move already told that clinic.
 */
import { LateEditReason, MAX_SETTLED_LATE_EDITS, type LateEditNotice, type LateEditPlace } from '../shared/sync/protocol';
import type { Queryable } from './db';
import type { LateEditWhy } from './moved-edits';
import type { ParkedSettlement } from './parked';

interface Row {
  id: string | number;
  at: string | number;
  clinic_code: string;
  collection: string;
  document_id: string;
  body: string;
  settled_at: string | number | null;
  settlement: string | null;
  settle_reason: string | null;
  settle_result: string | null;
  why: string | null;
}

const STATUS: Record<string, LateEditNotice['status']> = { forward: 'forwarded', apply: 'applied', discard: 'discarded' };

function parseWhy(text: string | null): LateEditWhy | null {
  if (text === null) return null;
  const v = JSON.parse(text) as Partial<LateEditWhy>;
  const reason = LateEditReason.safeParse(v.reason);
  return reason.success ? { reason: reason.data, ...(v.fields ? { fields: v.fields } : {}), ...(v.to ? { to: v.to } : {}) } : null;
}

/**
 * The device's late edits, oldest first: every one not yet settled and the newest `MAX_SETTLED_LATE_EDITS` settled
 * ones. A row from before migration 0150 has no stored `why`: a forward is still a forward, any other says the
 * resident moved away, and the destination is the resident's latest move.
 */
export async function deviceLateEdits(q: Queryable, deviceId: string): Promise<LateEditNotice[]> {
  const rows = await q.query<Row>(
    `SELECT id, at, clinic_code, collection, document_id, body, settled_at, settlement, settle_reason, settle_result, why FROM parked
     WHERE device_id = $1 AND (settled_at IS NULL OR id IN (
       SELECT id FROM parked WHERE device_id = $1 AND settled_at IS NOT NULL ORDER BY id DESC LIMIT $2))
     ORDER BY id`,
    [deviceId, MAX_SETTLED_LATE_EDITS],
  );
  if (rows.length === 0) return [];
  const edits = rows.map((r) => ({ row: r, body: JSON.parse(r.body) as Record<string, unknown> }));
  const residentOf = (e: (typeof edits)[number]): string | null =>
    e.row.collection === 'residents' ? e.row.document_id : typeof e.body['residentId'] === 'string' ? e.body['residentId'] : null;
  const residentIds = [...new Set(edits.map(residentOf).filter((id): id is string => id !== null))];
  const names = new Map(
    (await q.query<{ id: string; body: string }>("SELECT id, body FROM documents WHERE collection = 'residents' AND id = ANY($1::text[])", [residentIds])).map((r) => {
      const name = (JSON.parse(r.body) as { name?: unknown }).name;
      return [r.id, typeof name === 'string' ? name : null];
    }),
  );
  const clinicCode = edits[0]?.row.clinic_code ?? '';
  const lastMoveOut = new Map(
    (await q.query<{ resident_id: string; from_village: string }>(
      'SELECT DISTINCT ON (resident_id) resident_id, from_village FROM moves WHERE resident_id = ANY($1::text[]) AND from_clinic = $2 ORDER BY resident_id, id DESC',
      [residentIds, clinicCode],
    )).map((m) => [m.resident_id, m.from_village]),
  );
  const lastMove = new Map(
    (await q.query<{ resident_id: string; to_village: string; to_clinic: string }>(
      'SELECT DISTINCT ON (resident_id) resident_id, to_village, to_clinic FROM moves WHERE resident_id = ANY($1::text[]) ORDER BY resident_id, id DESC',
      [residentIds],
    )).map((m) => [m.resident_id, { clinicCode: m.to_clinic, villageCode: m.to_village }]),
  );
  const clinics = new Map(
    (await q.query<{ code: string; name: string; villages: string }>('SELECT code, name, villages FROM clinics')).map((c) => [
      c.code,
      { name: c.name, villages: new Map((JSON.parse(c.villages) as Array<{ code: string; name: string }>).map((v) => [v.code, v.name])) },
    ]),
  );
  const place = (p: { clinicCode: string; villageCode: string } | undefined): LateEditPlace | null => {
    if (!p) return null;
    const clinic = clinics.get(p.clinicCode);
    return { clinicCode: p.clinicCode, clinicName: clinic?.name ?? '', villageCode: p.villageCode, villageName: clinic?.villages.get(p.villageCode) ?? '' };
  };
  // The edit's own village is where the device knew the resident; a document without one falls back to the move.
  const fromVillage = (e: (typeof edits)[number], residentId: string | null): { clinicCode: string; villageCode: string } | undefined => {
    const own = e.body['villageCode'];
    const villageCode = typeof own === 'string' ? own : residentId ? lastMoveOut.get(residentId) : undefined;
    return villageCode === undefined ? undefined : { clinicCode, villageCode };
  };
  return edits.map((e) => {
    const r = e.row;
    const residentId = residentOf(e);
    const why = parseWhy(r.why);
    const settled = r.settle_result ? (JSON.parse(r.settle_result) as Partial<ParkedSettlement>) : null;
    const status = r.settled_at === null ? 'parked' : (STATUS[r.settlement ?? ''] ?? 'applied');
    const ownName = r.collection === 'residents' && typeof e.body['name'] === 'string' ? e.body['name'] : null;
    const outcome = status === 'applied' || status === 'forwarded' ? settled?.outcome : undefined;
    return {
      id: Number(r.id),
      at: Number(r.at),
      collection: r.collection,
      documentId: r.document_id,
      residentId,
      residentName: ownName ?? (residentId ? (names.get(residentId) ?? null) : null),
      status,
      reason: why?.reason ?? (r.settlement === 'forward' ? 'FORWARDED' : 'MOVED_AWAY'),
      fields: why?.fields ?? (status === 'applied' ? (settled?.conflicts ?? []) : []),
      to: place(why?.to ?? (residentId ? lastMove.get(residentId) : undefined)),
      from: place(fromVillage(e, residentId)),
      settledAt: r.settled_at === null ? null : Number(r.settled_at),
      outcome: outcome === 'merged' || outcome === 'unchanged' || outcome === 'conflict' ? outcome : null,
      discardReason: status === 'discarded' ? (r.settle_reason ?? null) : null,
    };
  });
}
