/**
 * What the platform adds to a push so that both sides of a problem see it (issue 13 items 4 and 5), inside the push's
 * own transaction (after its writes, under its lock, so two devices' pushes are decided in one order):
 * - 同一人两份档案: a resident pushed with an ID number (compared in its 18-character form) that another live record
 *   already has is indexed in `resident_id_numbers`, and the pair is queued as a `syncReview` settings document for
 *   every clinic whose villages hold either record, so every device of those clinics pulls the same review.
 * - The first settlement of such a pair that reaches the platform is the decision: a merge is applied here (the
 *   shared merge rule: the other record becomes a tombstone pointing at the survivor, its encounters and contracts are
 *   re-pointed) and every clinic's copy of the review is settled the same way. A later, different settlement (two
 *   people deciding at once) is answered with the first one, and listed on it as overruled, so every device ends
 *   with the same record and the person whose decision was not taken sees why. A device that held both records merged
 *   them at once, marked pending: those resident writes, when they arrive first, are the decision; contrary ones are
 *   answered as conflicts. A survivor in another village takes the merged record's documents there, with a departure
 *   for the old village's devices.
 * - 同步冲突: a conflict review a device pushes is copied to the other clinics whose villages hold the resident, so the
 *   clinic whose value was set aside sees it too; the first settlement of it is copied to every clinic.
 */
import { createHash } from 'node:crypto';
import { maskIdNumber } from '../shared/domain/id-number';
import { ReviewItem, type ConflictReview, type DuplicateReview } from '../shared/api/sync-review';
import {
  compareKeepOrder,
  decisionAfter,
  duplicateReviewId,
  mergedSurvivor,
  mergeTombstone,
  normaliseIdNumber,
  pendingMergeOf,
  withoutMergePending,
  type MergeableResident,
} from '../shared/sync/duplicates';
import { canonicalJson, type WireDocument } from '../shared/sync/protocol';
import type { Queryable } from './db';
import { writeFacts } from './county/facts';

/** The collections and scopes the platform's own writes touched, for the change notices the push sends. */
export type Touched = Map<string, { clinicCodes: Set<string>; villageCodes: Set<string> }>;

interface Pusher {
  id: string;
  clinic: { code: string; name: string };
}

type Body = WireDocument & Record<string, unknown>;
type Resident = Body & MergeableResident & { villageCode: string; clinicCode: string; name: string; birthDate: string; createdAt: number };

/** 建档人 as entered on the record's cover (`data.createdBy`), or '' when not filled in. */
function creatorOf(r: Resident): string {
  const data = (r as { data?: unknown }).data;
  const v = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)['createdBy'] : undefined;
  return typeof v === 'string' ? v.trim().slice(0, 100) : '';
}

const REVIEW_TYPE = 'syncReview';
/** Who the platform's own writes are recorded as (`documents.written_by`). */
export const PLATFORM_WRITER = 'platform';

const revision = (body: string): string => createHash('sha256').update(body).digest('hex');

export class PlatformReviews {
  constructor(private readonly now: () => number) {}

  /** Runs after a push wrote `docs` to `collection`; returns what it wrote itself. */
  async afterPush(tx: Queryable, device: Pusher, collection: string, docs: WireDocument[]): Promise<Touched> {
    const touched: Touched = new Map();
    if (collection === 'residents') {
      await this.indexResidents(tx, device, docs, touched);
      await this.pendingMerges(tx, device, docs, touched);
    }
    if (collection === 'encounters' || collection === 'contracts') await this.followMerges(tx, collection, docs, touched);
    if (collection === 'encounters') await this.recountOpenPairs(tx, docs, touched);
    if (collection === 'settings') {
      for (const doc of docs as Body[]) {
        if (doc['type'] !== REVIEW_TYPE || doc._deleted) continue;
        const item = ReviewItem.safeParse(doc['data']);
        if (!item.success) continue;
        if (item.data.kind === 'duplicate') await this.duplicateDecision(tx, device, item.data, touched);
        else await this.shareConflict(tx, device, item.data, touched);
      }
    }
    return touched;
  }

  private async write(tx: Queryable, touched: Touched, collection: string, storedId: string, doc: Body): Promise<void> {
    const body = canonicalJson(doc);
    const clinicCode = String(doc['clinicCode']);
    const villageCode = typeof doc['villageCode'] === 'string' ? doc['villageCode'] : null;
    await tx.query(
      `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
       VALUES ($1, $2, nextval('document_seq'), $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, clinic_code = EXCLUDED.clinic_code,
         village_code = EXCLUDED.village_code, rev = EXCLUDED.rev, deleted = EXCLUDED.deleted, body = EXCLUDED.body,
         written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at`,
      [collection, storedId, clinicCode, villageCode, revision(body), doc._deleted, body, PLATFORM_WRITER, this.now()],
    );
    await writeFacts(tx, collection, [storedId]);
    const t = touched.get(collection) ?? { clinicCodes: new Set<string>(), villageCodes: new Set<string>() };
    t.clinicCodes.add(clinicCode);
    if (villageCode) t.villageCodes.add(villageCode);
    touched.set(collection, t);
  }

  private async body(tx: Queryable, collection: string, storedId: string): Promise<Body | null> {
    const rows = await tx.query<{ body: string }>('SELECT body FROM documents WHERE collection = $1 AND id = $2', [collection, storedId]);
    return rows[0] ? (JSON.parse(rows[0].body) as Body) : null;
  }

  /** The clinics whose villages hold any of `villageCodes`, with their names. */
  private async clinicsCovering(tx: Queryable, villageCodes: readonly string[]): Promise<Array<{ code: string; name: string }>> {
    const rows = await tx.query<{ code: string; name: string; villages: string }>('SELECT code, name, villages FROM clinics ORDER BY code');
    return rows.filter((r) => (JSON.parse(r.villages) as Array<{ code: string }>).some((v) => villageCodes.includes(v.code))).map((r) => ({ code: r.code, name: r.name }));
  }

  private async writeReviewCopy(tx: Queryable, touched: Touched, clinicCode: string, item: ReviewItem): Promise<void> {
    await this.write(tx, touched, 'settings', `${clinicCode}/${item.id}`, {
      id: item.id,
      type: REVIEW_TYPE,
      clinicCode,
      data: ReviewItem.parse(item),
      updatedAt: this.now(),
      _deleted: false,
    });
  }

  private async reviewCopy(tx: Queryable, clinicCode: string, id: string): Promise<ReviewItem | null> {
    const body = await this.body(tx, 'settings', `${clinicCode}/${id}`);
    const parsed = body && !body._deleted ? ReviewItem.safeParse(body['data']) : null;
    return parsed?.success ? parsed.data : null;
  }

  /** Three statements per push, whatever its size: the index is kept and every new pair found in one pass. */
  private async indexResidents(tx: Queryable, device: Pusher, docs: Body[], touched: Touched): Promise<void> {
    const numbered = new Map<string, { number: string; villageCode: string }>();
    const unnumbered: string[] = [];
    for (const doc of docs) {
      const id = String(doc['id']);
      const number = doc._deleted ? null : normaliseIdNumber(typeof doc['idNumber'] === 'string' ? doc['idNumber'] : '');
      if (number === null) unnumbered.push(id);
      else numbered.set(id, { number, villageCode: String(doc['villageCode']) });
    }
    if (unnumbered.length > 0) await tx.query('DELETE FROM resident_id_numbers WHERE resident_id = ANY($1::text[])', [unnumbered]);
    if (numbered.size === 0) return;
    const ids = [...numbered.keys()];
    // The first push names where the record was created; later edits only move its number or village.
    await tx.query(
      `INSERT INTO resident_id_numbers (resident_id, id_number, village_code, clinic_code, device_id, created_at)
       SELECT u.resident_id, u.id_number, u.village_code, $4, $5, $6 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(resident_id, id_number, village_code)
       ON CONFLICT (resident_id) DO UPDATE SET id_number = EXCLUDED.id_number, village_code = EXCLUDED.village_code`,
      [ids, ids.map((id) => numbered.get(id)!.number), ids.map((id) => numbered.get(id)!.villageCode), device.clinic.code, device.id, this.now()],
    );
    const numbers = [...new Set([...numbered.values()].map((n) => n.number))];
    const holders = await tx.query<{ resident_id: string; id_number: string }>(
      'SELECT resident_id, id_number FROM resident_id_numbers WHERE id_number = ANY($1::text[]) ORDER BY id_number, resident_id',
      [numbers],
    );
    for (const [id, { number }] of numbered) {
      for (const other of holders) if (other.id_number === number && other.resident_id !== id) await this.queuePair(tx, number, id, other.resident_id, touched);
    }
  }

  private async queuePair(tx: Queryable, idNumber: string, aId: string, bId: string, touched: Touched): Promise<void> {
    const reviewId = duplicateReviewId(aId, bId);
    if ((await tx.query('SELECT id FROM duplicate_pairs WHERE id = $1', [reviewId])).length > 0) return;
    const a = (await this.body(tx, 'residents', aId)) as Resident | null;
    const b = (await this.body(tx, 'residents', bId)) as Resident | null;
    if (!a || !b || a._deleted || b._deleted) return;
    const [first, second] = [a, b].sort((x, y) => compareKeepOrder(x, y)) as [Resident, Resident];
    const origin = new Map(
      (await tx.query<{ resident_id: string; clinic_code: string; device_id: string; name: string | null }>(
        'SELECT r.resident_id, r.clinic_code, r.device_id, c.name FROM resident_id_numbers r LEFT JOIN clinics c ON c.code = r.clinic_code WHERE r.resident_id = ANY($1::text[])',
        [[aId, bId]],
      )).map((r) => [r.resident_id, r]),
    );
    const counts = new Map<string, number>();
    for (const r of [first, second]) counts.set(String(r['id']), await this.encounterCount(tx, String(r['id']), r.villageCode));
    const candidate = (r: Resident): DuplicateReview['residents'][number] => {
      const o = origin.get(String(r['id']));
      return {
        encounters: counts.get(String(r['id'])) ?? 0,
        id: String(r['id']),
        name: r.name,
        recordNo: r.recordNo,
        villageCode: r.villageCode,
        birthDate: r.birthDate,
        createdAt: r.createdAt,
        ...(o ? { clinicCode: o.clinic_code, deviceId: o.device_id, ...(o.name ? { clinicName: o.name } : {}) } : {}),
        // The platform knows no user names; the record's own 建档人 (the cover's display name) is who made it.
        ...(creatorOf(r) ? { createdBy: creatorOf(r) } : {}),
      };
    };
    const now = this.now();
    await tx.query('INSERT INTO duplicate_pairs (id, first_id, second_id, detected_at) VALUES ($1, $2, $3, $4)', [reviewId, first['id'], second['id'], now]);
    const item: DuplicateReview = {
      kind: 'duplicate',
      id: reviewId,
      idNumberMasked: maskIdNumber(idNumber),
      residents: [candidate(first), candidate(second)],
      source: PLATFORM_WRITER,
      detectedAt: now,
      status: 'open',
    };
    for (const clinic of await this.clinicsCovering(tx, [first.villageCode, second.villageCode])) await this.writeReviewCopy(tx, touched, clinic.code, item);
  }

  /**
   * True for a resident write of a device's pending merge (shared/sync/duplicates.ts MergePending) that contradicts the
   * decision already recorded for its pair: the push answers it as a conflict instead of writing it, and the device's
   * conflict rule then takes the platform's record (`resolvePendingMerge`).
   */
  async refusesPendingMerge(tx: Queryable, doc: WireDocument): Promise<boolean> {
    const mark = pendingMergeOf(doc);
    if (!mark) return false;
    const rows = await tx.query<{ decision: string | null }>('SELECT decision FROM duplicate_pairs WHERE id = $1', [mark.reviewId]);
    const decision = rows[0]?.decision ? (JSON.parse(rows[0].decision) as DuplicateReview) : null;
    return decision !== null && (decision.decision !== 'merged' || decision.keptId !== mark.keptId);
  }

  /**
   * The resident writes of a device's pending merge reached the platform (before or after its review item): when the
   * pair is not decided yet they are its decision (the first to arrive); either way the merge is applied here, which
   * also writes both records again without the pending mark, so the devices pull the confirmed form.
   */
  private async pendingMerges(tx: Queryable, device: Pusher, docs: Body[], touched: Touched): Promise<void> {
    const marks = new Map(docs.flatMap((d) => {
      const m = pendingMergeOf(d);
      return m ? [[m.reviewId, m] as const] : [];
    }));
    for (const mark of marks.values()) {
      const rows = await tx.query<{ first_id: string; second_id: string; decision: string | null }>('SELECT first_id, second_id, decision FROM duplicate_pairs WHERE id = $1 FOR UPDATE', [mark.reviewId]);
      const pair = rows[0];
      if (!pair || ![pair.first_id, pair.second_id].includes(mark.keptId)) continue;
      const mergedId = pair.first_id === mark.keptId ? pair.second_id : pair.first_id;
      if (pair.decision === null) {
        const open = await this.anyReviewCopy(tx, [pair.first_id, pair.second_id], mark.reviewId);
        if (open?.kind !== 'duplicate') continue;
        const decision: DuplicateReview = { ...open, status: 'settled', settledBy: mark.by, settledAt: mark.at, decision: 'merged', keptId: mark.keptId, reason: mark.reason };
        await this.recordDecision(tx, device, decision, mark.keptId, mergedId);
        await this.writeDecisionCopies(tx, touched, decision);
      }
      await this.applyMerge(tx, mark.keptId, mergedId, touched);
    }
  }

  /** Some clinic's copy of a review about `residentIds` (every copy of a pair says the same until it is settled). */
  private async anyReviewCopy(tx: Queryable, residentIds: string[], id: string): Promise<ReviewItem | null> {
    const villages = (await tx.query<{ village_code: string | null }>("SELECT village_code FROM documents WHERE collection = 'residents' AND id = ANY($1::text[])", [residentIds])).flatMap((r) =>
      r.village_code ? [r.village_code] : [],
    );
    for (const clinic of await this.clinicsCovering(tx, villages)) {
      const copy = await this.reviewCopy(tx, clinic.code, id);
      if (copy) return copy;
    }
    return null;
  }

  private async recordDecision(tx: Queryable, device: Pusher, decision: DuplicateReview, keptId: string | null, mergedId: string | null): Promise<void> {
    await tx.query('UPDATE duplicate_pairs SET settled_at = $2, settled_by_device = $3, kept_id = $4, merged_id = $5, decision = $6 WHERE id = $1', [
      decision.id,
      this.now(),
      device.id,
      keptId,
      mergedId,
      JSON.stringify(decision),
    ]);
  }

  /** Every clinic's copy of the pair made to say `decision` (a settlement, or new counts; copies that already do are left alone). */
  private async writeDecisionCopies(tx: Queryable, touched: Touched, decision: DuplicateReview): Promise<void> {
    const villages = decision.residents.map((r) => r.villageCode);
    for (const clinic of await this.clinicsCovering(tx, villages)) {
      const copy = await this.reviewCopy(tx, clinic.code, decision.id);
      if (copy === null || canonicalJson(copy) !== canonicalJson(decision)) await this.writeReviewCopy(tx, touched, clinic.code, decision);
    }
  }

  /** Original encounters (not amendments) about a resident, read from its village's documents. */
  private async encounterCount(tx: Queryable, residentId: string, villageCode: string): Promise<number> {
    // Canonical JSON writes "residentId":"<id>" exactly so (as store.ts moveResident relies on too).
    const rows = await tx.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM documents WHERE collection = 'encounters' AND village_code = $1 AND NOT deleted AND body LIKE $2 AND body LIKE '%"amends":""%'`,
      [villageCode, `%"residentId":${JSON.stringify(residentId)}%`],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Encounters pushed about a record of a pair still open (often just after the record itself, as replication pushes
   * collections side by side): every clinic's copy of the review is given the new counts, so a doctor in another
   * clinic decides with them.
   */
  private async recountOpenPairs(tx: Queryable, docs: Body[], touched: Touched): Promise<void> {
    const residentIds = [...new Set(docs.map((d) => String(d['residentId'])))];
    if (residentIds.length === 0) return;
    const pairs = await tx.query<{ id: string; first_id: string; second_id: string }>(
      'SELECT id, first_id, second_id FROM duplicate_pairs WHERE decision IS NULL AND (first_id = ANY($1::text[]) OR second_id = ANY($1::text[]))',
      [residentIds],
    );
    for (const { id, first_id, second_id } of pairs) {
      const open = await this.anyReviewCopy(tx, [first_id, second_id], id);
      if (open?.kind !== 'duplicate' || open.status !== 'open') continue;
      const residents: DuplicateReview['residents'] = [];
      for (const r of open.residents) residents.push({ ...r, encounters: await this.encounterCount(tx, r.id, r.villageCode) });
      const next: DuplicateReview = { ...open, residents };
      if (canonicalJson(next) !== canonicalJson(open)) await this.writeDecisionCopies(tx, touched, next);
    }
  }

  /**
   * A settled duplicate pushed by a device: the first settlement is recorded and applied; every clinic's copy is made
   * to say the recorded decision (the pusher's own copy too, when it said something else).
   */
  private async duplicateDecision(tx: Queryable, device: Pusher, item: DuplicateReview, touched: Touched): Promise<void> {
    const rows = await tx.query<{ decision: string | null }>('SELECT decision FROM duplicate_pairs WHERE id = $1 FOR UPDATE', [item.id]);
    const pair = rows[0];
    // A pair the platform never queued (found on a device by a bundle import or a local scan) is that clinic's own.
    if (!pair) return;
    const recorded: DuplicateReview | null = pair.decision ? (JSON.parse(pair.decision) as DuplicateReview) : null;
    let decision: DuplicateReview;
    if (recorded) {
      // A later settlement (or a copy listing such) is answered with the first, and is listed as overruled on it.
      decision = decisionAfter(recorded, item);
      if (canonicalJson(decision) !== canonicalJson(recorded)) await tx.query('UPDATE duplicate_pairs SET decision = $2 WHERE id = $1', [item.id, JSON.stringify(decision)]);
    } else {
      if (item.status !== 'settled') return;
      decision = decisionAfter(item, item);
      const keptId = item.decision === 'merged' ? (item.keptId ?? null) : null;
      const mergedId = keptId ? (item.residents.find((r) => r.id !== keptId)?.id ?? null) : null;
      await this.recordDecision(tx, device, decision, keptId, mergedId);
      if (keptId && mergedId) await this.applyMerge(tx, keptId, mergedId, touched);
    }
    await this.writeDecisionCopies(tx, touched, decision);
  }

  /** The shared merge rule applied to the platform's documents: survivor updated, tombstone, everything re-pointed. */
  private async applyMerge(tx: Queryable, keptId: string, mergedId: string, touched: Touched): Promise<void> {
    const keepStored = (await this.body(tx, 'residents', keptId)) as Resident | null;
    const dupStored = (await this.body(tx, 'residents', mergedId)) as Resident | null;
    if (!keepStored || !dupStored) return;
    // The platform's form has no pending mark; a device's pending merge that reached here first is this same merge.
    const keep = withoutMergePending(keepStored);
    const dup = withoutMergePending(dupStored);
    if (keep._deleted) return;
    const now = this.now();
    const merging = !dup._deleted;
    // After the merge the survivor lives in its own village: the merged record's tombstone goes there too, and the
    // merged record's village hears of a departure, so a device that holds only that village (another clinic's)
    // purges the record and its encounters, which now belong to the survivor (issue 13 item 5 across clinics).
    const moved = dupStored.villageCode !== keep.villageCode;
    const tombstone = { ...(merging ? mergeTombstone(dup, keptId, now) : dup), ...this.homeOf(keep, dupStored) };
    if (moved) {
      await tx.query("INSERT INTO departures (seq, resident_id, from_village, to_village, at) VALUES (nextval('document_seq'), $1, $2, $3, $4)", [
        mergedId,
        dupStored.villageCode,
        keep.villageCode,
        now,
      ]);
      const t = touched.get('residents') ?? { clinicCodes: new Set<string>(), villageCodes: new Set<string>() };
      t.villageCodes.add(dupStored.villageCode);
      touched.set('residents', t);
    }
    if (merging) await this.write(tx, touched, 'residents', keptId, mergedSurvivor(keep, dup, now));
    else if (keep !== keepStored) await this.write(tx, touched, 'residents', keptId, keep);
    if (merging || dup !== dupStored || moved) await this.write(tx, touched, 'residents', mergedId, tombstone);
    await tx.query('DELETE FROM resident_id_numbers WHERE resident_id = $1', [mergedId]);
    for (const collection of ['encounters', 'contracts']) {
      const rows = await tx.query<{ id: string; body: string }>(
        'SELECT id, body FROM documents WHERE collection = $1 AND village_code = ANY($2::text[]) AND NOT deleted ORDER BY id',
        [collection, [...new Set([keep.villageCode, dupStored.villageCode])]],
      );
      for (const row of rows) {
        const doc = JSON.parse(row.body) as Body;
        if (doc['residentId'] !== mergedId) continue;
        await this.write(tx, touched, collection, row.id, { ...doc, residentId: keptId, ...this.homeOf(keep, doc), updatedAt: now });
      }
    }
  }

  /**
   * Where a document about the merged record lives after the merge: the survivor's village; and, when that is another
   * village, the survivor's clinic too (as a move re-homes, store.ts `moveResident`), so each clinic's export and its
   * devices agree on what it holds.
   */
  private homeOf(keep: Body, doc: Body): { villageCode: unknown; clinicCode?: unknown } {
    return doc['villageCode'] === keep['villageCode'] ? { villageCode: keep['villageCode'] } : { villageCode: keep['villageCode'], clinicCode: keep['clinicCode'] };
  }

  /** An encounter or contract pushed for a record already merged away (made offline before the merge) follows it. */
  private async followMerges(tx: Queryable, collection: string, docs: Body[], touched: Touched): Promise<void> {
    const residentIds = [...new Set(docs.filter((d) => !d._deleted).map((d) => String(d['residentId'])))];
    if (residentIds.length === 0) return;
    const merged = await tx.query<{ merged_id: string; kept_id: string }>('SELECT merged_id, kept_id FROM duplicate_pairs WHERE merged_id = ANY($1::text[])', [residentIds]);
    if (merged.length === 0) return;
    const keptOf = new Map(merged.map((m) => [m.merged_id, m.kept_id]));
    for (const doc of docs) {
      const keptId = keptOf.get(String(doc['residentId']));
      if (!keptId || doc._deleted) continue;
      const keep = await this.body(tx, 'residents', keptId);
      if (!keep || keep._deleted) continue;
      await this.write(tx, touched, collection, String(doc['id']), { ...doc, residentId: keptId, ...this.homeOf(keep, doc), updatedAt: this.now() });
    }
  }

  /**
   * A conflict review pushed by one clinic's device, copied to every other clinic whose villages hold the resident:
   * absent or older copies take it, an open copy takes a settlement, a settled copy stays as it was settled first.
   */
  private async shareConflict(tx: Queryable, device: Pusher, item: ConflictReview, touched: Touched): Promise<void> {
    const resident = await this.body(tx, 'residents', item.residentId);
    if (!resident) return;
    for (const clinic of await this.clinicsCovering(tx, [String(resident['villageCode'])])) {
      if (clinic.code === device.clinic.code) continue;
      const copy = await this.reviewCopy(tx, clinic.code, item.id);
      const take = copy === null || copy.detectedAt < item.detectedAt || (copy.detectedAt === item.detectedAt && copy.status === 'open' && item.status === 'settled');
      if (take) await this.writeReviewCopy(tx, touched, clinic.code, item);
    }
  }
}
