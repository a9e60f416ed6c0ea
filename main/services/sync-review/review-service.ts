/**
 * 同步审核 queue: field conflicts sync kept a value for but a person must confirm, and residents recorded twice.
 * Items are `settings` documents of type `syncReview` (no new collection, DESIGN.md §1); deciding one is a normal,
 * audited write to the record concerned, so the decision syncs like any edit. Recording is idempotent: the same
 * conflict or pair recorded twice (a replayed pull, a bundle imported twice) leaves the queue as it was.
 */
import type { RxCollection, RxDocument } from 'rxdb';
import { AppError } from '../../../shared/api/errors';
import { ConflictReview, type DuplicateReview, ReviewItem, type ReviewField, type ReviewSide } from '../../../shared/api/sync-review';
import { villagesVisibleTo } from '../../../shared/domain/access-scope';
import { maskIdNumber } from '../../../shared/domain/id-number';
import type { ResidentDoc, SettingDoc } from '../../../shared/schemas/collections';
import { duplicateReviewId, findDuplicateResidents, type MergePending } from '../../../shared/sync/duplicates';
import { canonicalJson, type FieldConflict, type SyncDoc } from '../../../shared/sync/merge';
import type { ClinicContext } from '../clinic-context';
import type { WriteTx } from '../unit-of-work';
import { validationFailed, type ResidentsService } from '../residents/residents-service';

type Doc = Record<string, unknown> & { id: string };

/** The `source` of review items the platform queued (platform/reviews.ts). */
export const PLATFORM_SOURCE = 'platform';
type ReviewCollectionName = ConflictReview['collection'];

const REVIEW_COLLECTIONS: readonly string[] = ['residents', 'households', 'encounters', 'contracts'];

function getPath(doc: Record<string, unknown> | null, path: string): unknown {
  let cur: unknown = doc;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Sets (or, for `undefined`, removes) one dotted path, creating plain objects on the way. */
function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = doc;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

export class SyncReviewService {
  constructor(
    private readonly ctx: ClinicContext,
    private readonly residents: ResidentsService,
  ) {}

  private collection(name: ReviewCollectionName): RxCollection<Doc> {
    return this.ctx.db.rx[name] as unknown as RxCollection<Doc>;
  }

  private async item(id: string): Promise<{ doc: RxDocument<SettingDoc>; item: ReviewItem }> {
    const doc = await this.ctx.db.rx.settings.findOne(id).exec();
    if (!doc || doc.type !== 'syncReview') throw new AppError('NOT_FOUND', { id });
    const parsed = ReviewItem.safeParse(doc.toJSON().data);
    if (!parsed.success) throw new AppError('DATA_DAMAGED', { reason: 'review item unreadable', id });
    return { doc, item: parsed.data };
  }

  /** The review item written inside another change's transaction (a merge and its decision commit together). */
  private putTx(tx: WriteTx, item: ReviewItem): void {
    const next: SettingDoc = { id: item.id, type: 'syncReview', clinicCode: this.ctx.clinicCode, data: ReviewItem.parse(item), updatedAt: this.ctx.clock.now() };
    const current = tx.get('settings', item.id);
    if (current) tx.update('settings', current, next);
    else tx.insert('settings', next);
  }

  private async put(item: ReviewItem): Promise<void> {
    await this.ctx.db.rx.settings.upsert({
      id: item.id,
      type: 'syncReview',
      clinicCode: this.ctx.clinicCode,
      data: ReviewItem.parse(item),
      updatedAt: this.ctx.clock.now(),
    });
  }

  async list(status: 'open' | 'settled' | 'all'): Promise<ReviewItem[]> {
    const docs = await this.ctx.db.rx.settings.find({ selector: { type: 'syncReview' } }).exec();
    const items = docs
      .flatMap((d) => {
        const parsed = ReviewItem.safeParse(d.toJSON().data);
        return parsed.success ? [this.fromHere(parsed.data)] : [];
      })
      .filter((i) => status === 'all' || i.status === status)
      .sort((a, b) => b.detectedAt - a.detectedAt || (a.id < b.id ? -1 : 1));
    return Promise.all(items.map((i) => (i.kind === 'duplicate' ? this.withLocalFacts(i) : Promise.resolve(i))));
  }

  /**
   * What a person needs beside the two records to decide (issue 13 item 5): who made each record (the audit log's
   * insert, which syncs within the clinic) and, while the pair is open, the encounters of each record this device
   * holds as of now; a record outside its villages keeps what the platform said when it counted.
   */
  private async withLocalFacts(item: DuplicateReview): Promise<DuplicateReview> {
    const held = item.status === 'open' ? await this.ctx.db.rx.residents.findByIds(item.residents.map((r) => r.id)).exec() : new Map();
    const residents = await Promise.all(
      item.residents.map(async (r) => {
        const audit = await this.ctx.db.rx.audit.find({ selector: { residentId: r.id }, sort: [{ residentId: 'asc' }, { at: 'asc' }] }).exec();
        const made = audit.find((e) => e.action === 'insert' && e.entity === 'residents' && e.recordId === r.id);
        const encounters = held.has(r.id) ? await this.ctx.db.rx.encounters.count({ selector: { residentId: r.id, amends: '' } }).exec() : r.encounters;
        return { ...r, ...(encounters !== undefined ? { encounters } : {}), ...(made ? { createdBy: made.username } : {}) };
      }),
    );
    return { ...item, residents };
  }

  /**
   * A conflict another device met (the platform shares it, issue 13 item 4): which side was this device's own is not
   * known here, so neither is shown as local; who saved each side still is.
   */
  private fromHere(item: ReviewItem): ReviewItem {
    if (item.kind !== 'conflict' || item.recordedOn === undefined || item.recordedOn === this.ctx.deviceId) return item;
    return { ...item, fields: item.fields.map((f) => ({ ...f, kept: { ...f.kept, isLocal: false }, setAside: { ...f.setAside, isLocal: false } })) };
  }

  /** Who last wrote a record on this device, from the audit log (the document itself does not say). */
  private async lastWriter(collection: string, docId: string, residentId: string): Promise<string> {
    const entries = await this.ctx.db.rx.audit.find({ selector: { residentId }, sort: [{ residentId: 'desc' }, { at: 'desc' }] }).exec();
    const hit = entries.find((e) => e.recordId === docId && e.entity === collection && e.action !== 'open');
    return hit?.username ?? '';
  }

  /**
   * Queue the true conflicts of one resolution. `localDoc` is what this device had (RxDB's `newDocumentState` in a
   * replication, the importer's copy for a bundle); `source` names the other side.
   */
  async recordConflicts(conflicts: readonly FieldConflict[], opts: { source: string; localDoc: SyncDoc | null }): Promise<number> {
    const byDoc = new Map<string, FieldConflict[]>();
    for (const c of conflicts) {
      if (!REVIEW_COLLECTIONS.includes(c.collection)) continue;
      byDoc.set(`${c.collection}\u0000${c.docId}`, [...(byDoc.get(`${c.collection}\u0000${c.docId}`) ?? []), c]);
    }
    let written = 0;
    for (const group of byDoc.values()) {
      const first = group[0] as FieldConflict;
      const collection = first.collection as ReviewCollectionName;
      const local = opts.localDoc && opts.localDoc.id === first.docId ? opts.localDoc : null;
      const current = (await this.collection(collection).findOne(first.docId).exec())?.toJSON();
      const owner = (current ?? local)?.['residentId'];
      const residentId = collection === 'residents' ? first.docId : typeof owner === 'string' ? owner : '';
      const resident = residentId ? await this.ctx.db.rx.residents.findOne(residentId).exec() : null;
      const localBy = (await this.lastWriter(collection, first.docId, residentId)) || this.ctx.user.username;
      const isLocalSide = (value: unknown, path: string): boolean => {
        if (local === null) return false;
        // For a removal the kept side is `true` (removed) and the set-aside side is the edited document.
        if (path === '_deleted') return value === true ? local._deleted : !local._deleted;
        return canonicalJson(getPath(local, path)) === canonicalJson(value);
      };
      const side = (s: FieldConflict['winner'], path: string): ReviewSide => {
        const isLocal = isLocalSide(s.value, path);
        return { value: s.value, updatedAt: s.updatedAt, by: isLocal ? localBy : opts.source, isLocal };
      };
      const fields: ReviewField[] = group.map((c) => ({ path: c.path, base: c.base, kept: side(c.winner, c.path), setAside: side(c.loser, c.path) }));
      const id = `conflict:${first.docId}`;
      const existing = await this.ctx.db.rx.settings.findOne(id).exec();
      const previous = existing ? ConflictReview.safeParse(existing.toJSON().data) : null;
      const open = previous?.success && previous.data.status === 'open' ? previous.data : null;
      const merged = new Map((open?.fields ?? []).map((f) => [f.path, f]));
      for (const f of fields) merged.set(f.path, f);
      const nextFields = [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
      if (open && canonicalJson(open.fields) === canonicalJson(nextFields)) continue;
      await this.put({
        kind: 'conflict',
        id,
        collection,
        docId: first.docId,
        residentId,
        residentName: resident?.name ?? '',
        source: opts.source,
        detectedAt: this.ctx.clock.now(),
        recordedOn: this.ctx.deviceId,
        fields: nextFields,
        status: 'open',
      });
      written++;
    }
    return written;
  }

  async settleConflict(id: string, choices: { path: string; choose: 'kept' | 'setAside' }[]): Promise<ReviewItem> {
    const { item } = await this.item(id);
    if (item.kind !== 'conflict') throw validationFailed([{ path: 'id', message: 'validation.reviewKind' }]);
    if (item.status === 'settled') throw new AppError('REVIEW_SETTLED', { id, settledBy: item.settledBy });
    const byPath = new Map(item.fields.map((f) => [f.path, f]));
    const chosen = new Map(choices.map((c) => [c.path, c.choose]));
    const missing = item.fields.filter((f) => !chosen.has(f.path)).map((f) => f.path);
    const unknown = choices.filter((c) => !byPath.has(c.path)).map((c) => c.path);
    if (missing.length > 0 || unknown.length > 0) {
      throw validationFailed([...missing, ...unknown].map((path) => ({ path: `choices.${path}`, message: missing.includes(path) ? 'validation.reviewChoiceMissing' : 'validation.reviewChoiceUnknown' })));
    }
    const restore = [...chosen].filter(([, c]) => c === 'setAside').map(([path]) => byPath.get(path) as ReviewField);
    this.refuseMoveOutOfScope(item.residentId, restore);
    const now = this.ctx.clock.now();
    const coll = this.collection(item.collection);
    if (restore.length > 0) {
      const removal = restore.find((f) => f.path === '_deleted');
      if (removal) {
        // The person chose to keep the edited record over its removal: write the edited version back as it was.
        const body = removal.setAside.value as Doc;
        await coll.upsert({ ...body, id: item.docId, updatedAt: now });
      } else {
        const doc = await coll.findOne(item.docId).exec();
        if (!doc) throw new AppError('NOT_FOUND', { id: item.docId });
        await doc.incrementalModify((d) => {
          for (const f of restore) setPath(d, f.path, f.setAside.value);
          d['updatedAt'] = now;
          return d;
        });
      }
    }
    const settled: ReviewItem = { ...item, status: 'settled', settledBy: this.ctx.user.username, settledAt: now, choices: Object.fromEntries(chosen) };
    await this.put(settled);
    await this.ctx.audit.record({
      action: 'settle',
      collection: item.collection,
      recordId: item.docId,
      residentId: item.residentId,
      detail: choices.map((c) => `${c.path}=${c.choose}`).join(' '),
    });
    return settled;
  }

  /**
   * A village doctor settles conflicts of their villages' records (the dispatcher checked the record), but choosing the
   * set-aside 所属村, or a set-aside whole record of another village, would move it where they may not follow
   * (issue 11): FORBIDDEN, before anything is written.
   */
  private refuseMoveOutOfScope(residentId: string, restore: readonly ReviewField[]): void {
    const visible = villagesVisibleTo(this.ctx.user);
    if (visible === null) return;
    for (const f of restore) {
      const value = f.path === '_deleted' ? (f.setAside.value as Doc | null)?.['villageCode'] : f.path === 'villageCode' || f.path === 'data.villageCode' ? f.setAside.value : undefined;
      if (typeof value === 'string' && !visible.has(value)) throw new AppError('FORBIDDEN', { reason: 'village', villageCode: value, residentId });
    }
  }

  /** Queue a review for every new pair of live residents with the same ID number. */
  async queueDuplicates(source: string): Promise<number> {
    const docs = (await this.ctx.db.rx.residents.find({ selector: { idNumber: { $ne: '' } } }).exec()).map((d) => d.toJSON() as ResidentDoc);
    const byId = new Map(docs.map((d) => [d.id, d]));
    let queued = 0;
    for (const group of findDuplicateResidents(docs)) {
      const [keep, ...others] = group.residentIds.map((id) => byId.get(id) as ResidentDoc);
      for (const other of others) {
        if (!keep) continue;
        const id = duplicateReviewId(keep.id, other.id);
        if (await this.ctx.db.rx.settings.findOne(id).exec()) continue;
        const candidate = (r: ResidentDoc) => ({ id: r.id, name: r.name, recordNo: r.recordNo, villageCode: r.villageCode, birthDate: r.birthDate, createdAt: r.createdAt });
        await this.put({
          kind: 'duplicate',
          id,
          idNumberMasked: maskIdNumber(group.idNumber),
          residents: [candidate(keep), candidate(other)],
          source,
          detectedAt: this.ctx.clock.now(),
          status: 'open',
        });
        queued++;
      }
    }
    return queued;
  }

  async settleDuplicate(id: string, decision: 'merge' | 'dismiss', keepId: string | undefined, reason: string): Promise<ReviewItem> {
    const { item } = await this.item(id);
    if (item.kind !== 'duplicate') throw validationFailed([{ path: 'id', message: 'validation.reviewKind' }]);
    if (item.status === 'settled') throw new AppError('REVIEW_SETTLED', { id, settledBy: item.settledBy });
    const [a, b] = item.residents as [DuplicateReview['residents'][number], DuplicateReview['residents'][number]];
    const now = this.ctx.clock.now();
    let settled: DuplicateReview;
    if (decision === 'merge') {
      const keep = keepId ?? a.id;
      if (keep !== a.id && keep !== b.id) throw validationFailed([{ path: 'keepId', message: 'validation.keepNotCandidate' }]);
      const mergeId = keep === a.id ? b.id : a.id;
      const merged: DuplicateReview = { ...item, status: 'settled', settledBy: this.ctx.user.username, settledAt: now, decision: 'merged', keptId: keep, reason };
      if (item.source !== PLATFORM_SOURCE) {
        await this.residents.merge(keep, mergeId, reason, { alsoInTx: (tx) => this.putTx(tx, merged) });
        return merged;
      }
      if ((await this.ctx.db.rx.residents.findByIds([keep, mergeId]).exec()).size === 2) {
        // Both records are here: merged at once, in one transaction with the decision, and marked pending until the
        // platform confirms it (the first decision to reach it wins; a different one comes back and is followed).
        const pendingItem: DuplicateReview = { ...merged, pending: true };
        const pending: MergePending = { reviewId: item.id, keptId: keep, by: this.ctx.user.username, at: now, reason };
        await this.residents.merge(keep, mergeId, reason, { pending, alsoInTx: (tx) => this.putTx(tx, pendingItem) });
        return pendingItem;
      }
      settled = merged;
      // The other record is another clinic's (outside this device's villages): the platform merges it when this
      // decision reaches it, and the result comes back by sync.
      await this.ctx.audit.record({ action: 'settle', collection: 'residents', recordId: keep, residentId: keep, detail: `duplicate ${mergeId} → ${keep} (merged by the platform on sync): ${reason}` });
    } else {
      settled = { ...item, status: 'settled', settledBy: this.ctx.user.username, settledAt: now, decision: 'dismissed', reason };
      await this.ctx.audit.record({ action: 'settle', collection: 'residents', recordId: a.id, residentId: a.id, detail: `duplicate of ${b.id} dismissed: ${reason}` });
    }
    await this.put(settled);
    return settled;
  }
}
