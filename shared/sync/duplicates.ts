/**
 * 同一人两份档案: a resident created offline in two places with the same ID number. The platform (on push) and a
 * device (on pull or bundle import) call the same detector, so both sides queue the same merge review and, after a
 * person decides, the same record is kept.
 */
import type { DuplicateReview, OverruledDecision } from '../api/sync-review';
import { convert15To18, hasValidCheckDigit } from '../domain/id-number';
import { hash64 } from './hash';

/** The 18-character form of a resident ID number (15-digit numbers converted), or null when it is not one. */
export function normaliseIdNumber(input: string): string | null {
  const s = input.trim().toUpperCase();
  const eighteen = s.length === 15 ? convert15To18(s) : s;
  return eighteen !== null && hasValidCheckDigit(eighteen) ? eighteen : null;
}

/** What the detector needs of a resident document. */
export interface ResidentKey {
  id: string;
  idNumber: string;
  createdAt: number;
  recordNo?: string;
  _deleted?: boolean;
}

/** Two or more live records with the same ID number, oldest first (the first is the one proposed to keep). */
export interface DuplicateGroup {
  idNumber: string;
  residentIds: string[];
}

/**
 * Which of two records is proposed to keep: the one created first (its record number is the one already printed on
 * cards and reports), then the smaller id. The same answer whichever side asks.
 */
export function compareKeepOrder(a: ResidentKey, b: ResidentKey): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every group of live residents sharing one normalised ID number, sorted by ID number. */
export function findDuplicateResidents(residents: readonly ResidentKey[]): DuplicateGroup[] {
  const byNumber = new Map<string, ResidentKey[]>();
  for (const r of residents) {
    if (r._deleted) continue;
    const n = normaliseIdNumber(r.idNumber);
    if (n === null) continue;
    byNumber.set(n, [...(byNumber.get(n) ?? []), r]);
  }
  return [...byNumber.entries()]
    .filter(([, group]) => new Set(group.map((g) => g.id)).size > 1)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([idNumber, group]) => ({ idNumber, residentIds: [...new Map(group.sort(compareKeepOrder).map((g) => [g.id, g])).keys()] }));
}

/** The live records among `existing` that are the same person as `incoming` (another id, same ID number). */
export function duplicatesOf(incoming: ResidentKey, existing: readonly ResidentKey[]): ResidentKey[] {
  const n = normaliseIdNumber(incoming.idNumber);
  if (n === null || incoming._deleted) return [];
  return existing.filter((e) => e.id !== incoming.id && !e._deleted && normaliseIdNumber(e.idNumber) === n).sort(compareKeepOrder);
}

/** The review item's id: one per pair, the same on every device (settings ids are at most 60 characters). */
export function duplicateReviewId(a: string, b: string): string {
  const [x, y] = a < b ? [a, b] : [b, a];
  return `dup:${hash64(`${x}|${y}`)}`;
}

/** The fields of a resident record the merge rule reads and writes (a device's ResidentDoc, a platform body). */
export interface MergeableResident {
  id: string;
  idNumber: string;
  phone: string;
  recordNo: string;
  data: Record<string, unknown>;
  updatedAt: number;
}

/**
 * The record kept after merging `dup` into `keep` (residents.merge on a device and the platform's merge of a settled
 * duplicate apply this one rule): fields the kept record lacks are filled from the duplicate, and the duplicate's
 * record number is remembered, never reused. Applying it twice changes nothing more.
 */
export function mergedSurvivor<T extends MergeableResident>(keep: T, dup: T, now: number): T {
  const filled = { ...dup.data, ...Object.fromEntries(Object.entries(keep.data).filter(([, v]) => v !== undefined && v !== '')) };
  const earlier = (keep.data['mergedRecordNos'] as string[] | undefined) ?? [];
  const { mergedInto: _dupMergedInto, [MERGE_PENDING]: _pending, ...rest } = filled;
  return {
    ...keep,
    idNumber: keep.idNumber || dup.idNumber,
    phone: keep.phone || dup.phone,
    data: { ...rest, mergedRecordNos: earlier.includes(dup.recordNo) ? earlier : [...earlier, dup.recordNo] },
    updatedAt: now,
  };
}

/** The merged duplicate as a tombstone: removed from the live records, pointing at the record that survives. */
export function mergeTombstone<T extends MergeableResident>(dup: T, keepId: string, now: number): T & { _deleted: true } {
  return { ...dup, data: { ...dup.data, mergedInto: keepId }, updatedAt: now, _deleted: true };
}

/**
 * A merge a device applied at once for a pair the platform queued, before the platform confirmed it: kept in the
 * survivor's and the tombstone's `data` under MERGE_PENDING until the platform's own write of them (which never has
 * it) replaces them. It names the decision, so the platform can take it as the settlement when these writes reach it
 * before the review item does.
 */
export interface MergePending {
  reviewId: string;
  keptId: string;
  by: string;
  at: number;
  reason: string;
}

export const MERGE_PENDING = 'mergePending';

type WithData = { data?: unknown; _deleted?: boolean; updatedAt?: unknown };

function dataOf(doc: WithData): Record<string, unknown> {
  return typeof doc.data === 'object' && doc.data !== null && !Array.isArray(doc.data) ? (doc.data as Record<string, unknown>) : {};
}

/** The pending-merge mark of a resident document, or null. */
export function pendingMergeOf(doc: WithData): MergePending | null {
  const m = dataOf(doc)[MERGE_PENDING] as Partial<MergePending> | undefined;
  return m && typeof m.reviewId === 'string' && typeof m.keptId === 'string' && typeof m.at === 'number'
    ? { reviewId: m.reviewId, keptId: m.keptId, by: String(m.by ?? ''), at: m.at, reason: String(m.reason ?? '') }
    : null;
}

export function withMergePending<T extends MergeableResident>(doc: T, mark: MergePending): T {
  return { ...doc, data: { ...doc.data, [MERGE_PENDING]: mark } };
}

/** The document without its pending mark (the platform's confirmed form). */
export function withoutMergePending<T extends WithData>(doc: T): T {
  if (!(MERGE_PENDING in dataOf(doc))) return doc;
  const { [MERGE_PENDING]: _m, ...data } = dataOf(doc);
  return { ...doc, data };
}

function sameDecision(a: DuplicateReview, b: DuplicateReview): boolean {
  return a.decision === b.decision && (a.decision !== 'merged' || a.keptId === b.keptId);
}

function overruledOf(item: DuplicateReview): OverruledDecision {
  return {
    decision: item.decision ?? 'dismissed',
    ...(item.keptId !== undefined ? { keptId: item.keptId } : {}),
    settledBy: item.settledBy ?? '',
    settledAt: item.settledAt ?? 0,
    ...(item.reason !== undefined ? { reason: item.reason } : {}),
  };
}

/**
 * The recorded decision of a pair after `arriving` (another copy or settlement of the same pair) met it: the recorded
 * settlement stands; a different settlement that arrived later, and any the arriving copy already listed, are added
 * to `overruled` (each once, oldest first) so every device can show the person whose decision was not taken what
 * happened. Never pending. The same answer whichever device or the platform computes it.
 */
export function decisionAfter(recorded: DuplicateReview, arriving: DuplicateReview): DuplicateReview {
  const { pending: _p, overruled: earlier, ...base } = recorded;
  const entries = [...(earlier ?? []), ...(arriving.overruled ?? [])];
  if (arriving.status === 'settled' && !sameDecision(recorded, arriving)) entries.push(overruledOf(arriving));
  const unique = [...new Map(entries.map((e) => [JSON.stringify([e.settledAt, e.settledBy, e.decision, e.keptId ?? '', e.reason ?? '']), e])).values()].sort(
    (a, b) => a.settledAt - b.settledAt || (a.settledBy < b.settledBy ? -1 : a.settledBy > b.settledBy ? 1 : 0),
  );
  return unique.length > 0 ? { ...base, overruled: unique } : base;
}

/** What `resolvePendingMerge` answers: the document to keep, and whether edits of the other side need a person. */
export interface PendingMergeResolution<T> {
  resolved: T;
  /** The live pending side was edited after its merge: its body is set aside for review, not lost. */
  setAside: T | null;
}

/**
 * A conflict between a device's pending merge and the platform's confirmed state of the same document: the confirmed
 * side wins whichever of the two is passed first (so the device follows the platform's decision, even when another
 * device decided differently first). For a resident, a pending live record edited after its merge is returned as
 * `setAside`; for a duplicate review, the pending settlement is listed under `overruled` when it differs. Null when
 * the rule does not apply (neither or both sides pending): the field-level merge decides.
 */
export function resolvePendingMerge<T extends WithData & { id: string }>(collection: string, a: T, b: T): PendingMergeResolution<T> | null {
  if (collection === 'residents') {
    const pa = pendingMergeOf(a);
    const pb = pendingMergeOf(b);
    if ((pa === null) === (pb === null)) return null;
    const [confirmed, pending, mark] = pa === null ? [a, b, pb as MergePending] : [b, a, pa];
    const editedAfter = !pending._deleted && confirmed._deleted === true && typeof pending.updatedAt === 'number' && pending.updatedAt > mark.at;
    return { resolved: confirmed, setAside: editedAfter ? pending : null };
  }
  if (collection === 'settings') {
    const da = dataOf(a) as Partial<DuplicateReview>;
    const db = dataOf(b) as Partial<DuplicateReview>;
    if (da.kind !== 'duplicate' || db.kind !== 'duplicate' || Boolean(da.pending) === Boolean(db.pending)) return null;
    const [confirmed, pending] = da.pending ? [b, a] : [a, b];
    const recorded = dataOf(confirmed) as DuplicateReview;
    if (recorded.status !== 'settled') return null;
    const data = decisionAfter(recorded, dataOf(pending) as DuplicateReview);
    if ((data.overruled?.length ?? 0) === (recorded.overruled?.length ?? 0) && !recorded.pending) return { resolved: confirmed, setAside: null };
    const at = Math.max(Number(a.updatedAt ?? 0), Number(b.updatedAt ?? 0));
    return { resolved: { ...confirmed, data, updatedAt: at }, setAside: null };
  }
  return null;
}
