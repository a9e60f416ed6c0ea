/**
 * Field-level three-way merge of two versions of one synced document, with the state both sides last agreed on
 * (RxDB's `assumedMasterState`) as the base. Used by the replication client's conflict handler and by the offline
 * bundle import, so online and offline sync settle a conflict the same way.
 *
 * Guarantees the platform and every device rely on:
 * - The result does not depend on which side is "master" and which is "new": `merge(a, b)` and `merge(b, a)` give the
 *   same document and the same conflicts, so two clinics that settle the same pair end with the same record.
 * - A field changed on one side only takes that change; no such edit is lost.
 * - A field changed on both sides to different values is a true conflict: the side saved later (`updatedAt`; on a
 *   tie the larger canonical JSON) wins for now, and both values are returned in `conflicts` for a person to settle.
 * - Top-level fields and the fields of `data` (recursively, for plain objects) merge one by one; arrays are values.
 * - Completed encounters are immutable (DESIGN.md §1): they are never merged field by field.
 */
import type { RxConflictHandler, RxConflictHandlerInput, WithDeleted } from 'rxdb';
import { resolvePendingMerge } from './duplicates';

/** A replicated document as RxDB's conflict handler sees it (WithDeleted, no `_meta`). */
export type SyncDoc = { id: string; _deleted: boolean } & Record<string, unknown>;

export interface ConflictSide {
  /** The field's value on this side; `undefined` when the side removed it. */
  value: unknown;
  /** When this side's document was saved (epoch ms), 0 when unknown. */
  updatedAt: number;
}

/** 同步冲突: one field both sides changed differently since they last agreed. */
export interface FieldConflict {
  collection: string;
  docId: string;
  /** Dotted path: `name`, `data.phone`, `data.address.street`; `_deleted` for edit-versus-delete. */
  path: string;
  base: unknown;
  /** The value kept for now (in the resolved document). */
  winner: ConflictSide;
  /** The value set aside, kept for review. */
  loser: ConflictSide;
}

export interface MergeInput {
  assumedMasterState?: SyncDoc | undefined;
  realMasterState: SyncDoc;
  newDocumentState: SyncDoc;
}

export interface MergeResult {
  resolved: SyncDoc;
  conflicts: FieldConflict[];
}

/** Local bookkeeping RxDB keeps beside the document; never part of what is compared or merged. */
const LOCAL_FIELDS = new Set(['_meta', '_rev', '_attachments']);
/** Fields merged by rule, not by value: `updatedAt` is the later of the two, `_deleted` has its own rule. */
const RULE_FIELDS = new Set(['updatedAt', '_deleted']);
/** Objects under these top-level fields merge field by field (the form bodies); other objects are values. */
const NESTED_FIELDS = new Set(['data']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted, `undefined` properties dropped: equal documents give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function withoutLocal(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!LOCAL_FIELDS.has(k)) out[k] = v;
  return out;
}

/** Equality for RxDB's conflict handler: the same content, whatever the local revision or metadata. */
export function isEqualDoc(a: SyncDoc, b: SyncDoc): boolean {
  return sameValue(withoutLocal(a), withoutLocal(b));
}

function savedAt(doc: SyncDoc): number {
  const v = doc['updatedAt'];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Which of two documents wins a true conflict, the same whichever is passed first: the later save, then the larger
 * canonical JSON of the whole document. Positive when `a` wins.
 */
function compareSides(a: SyncDoc, b: SyncDoc): number {
  const byTime = savedAt(a) - savedAt(b);
  if (byTime !== 0) return byTime;
  const ca = canonicalJson(withoutLocal(a));
  const cb = canonicalJson(withoutLocal(b));
  return ca === cb ? 0 : ca > cb ? 1 : -1;
}

interface Walk {
  collection: string;
  docId: string;
  /** The winning side of a true conflict, and its document. */
  aWins: boolean;
  a: SyncDoc;
  b: SyncDoc;
  conflicts: FieldConflict[];
}

function mergeValue(w: Walk, path: string, base: unknown, va: unknown, vb: unknown, nested: boolean): unknown {
  if (sameValue(va, vb)) return va;
  if (sameValue(va, base)) return vb;
  if (sameValue(vb, base)) return va;
  if (nested && isPlainObject(va) && isPlainObject(vb)) {
    return mergeObjects(w, path, isPlainObject(base) ? base : undefined, va, vb, true);
  }
  const [winner, loser] = w.aWins ? [va, vb] : [vb, va];
  w.conflicts.push({
    collection: w.collection,
    docId: w.docId,
    path,
    base,
    winner: { value: winner, updatedAt: savedAt(w.aWins ? w.a : w.b) },
    loser: { value: loser, updatedAt: savedAt(w.aWins ? w.b : w.a) },
  });
  return winner;
}

function mergeObjects(
  w: Walk,
  prefix: string,
  base: Record<string, unknown> | undefined,
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  nested: boolean,
): Record<string, unknown> {
  const keys = new Set([...Object.keys(base ?? {}), ...Object.keys(a), ...Object.keys(b)]);
  const out: Record<string, unknown> = {};
  for (const key of [...keys].sort()) {
    if (prefix === '' && (LOCAL_FIELDS.has(key) || RULE_FIELDS.has(key))) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const merged = mergeValue(w, path, base?.[key], a[key], b[key], nested || (prefix === '' && NESTED_FIELDS.has(key)));
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}

function isCompletedEncounter(collection: string, doc: SyncDoc | undefined): boolean {
  return collection === 'encounters' && doc?.['status'] === 'completed';
}

/**
 * Three-way merge of one document. `collection` names the RxDB collection (`residents`, `encounters`, …); it only
 * changes the rule for completed encounters.
 */
export function resolveConflict(collection: string, input: MergeInput): MergeResult {
  const { realMasterState: a, newDocumentState: b } = input;
  const base = input.assumedMasterState;
  if (isEqualDoc(a, b)) return { resolved: a, conflicts: [] };
  // A device's merge of a duplicate not yet confirmed by the platform yields to the platform's decision (duplicates.ts).
  const merge = resolvePendingMerge(collection, a, b);
  if (merge) {
    const { setAside, resolved } = merge;
    const conflicts: FieldConflict[] = setAside
      ? [{ collection, docId: a.id, path: '_deleted', base: base?._deleted ?? false, winner: { value: true, updatedAt: savedAt(resolved) }, loser: { value: withoutLocal(setAside), updatedAt: savedAt(setAside) } }]
      : [];
    return { resolved: withoutLocal(resolved) as SyncDoc, conflicts };
  }
  const aWins = compareSides(a, b) >= 0;

  // DESIGN.md §1: a completed encounter is never edited, only amended by a new document, so a completed side is the
  // record. Two different completions of one draft (completed offline on two devices) keep the earlier completion,
  // the one a report may already have counted; nothing is merged into an immutable record.
  const aDone = isCompletedEncounter(collection, a);
  const bDone = isCompletedEncounter(collection, b);
  if (aDone || bDone) {
    if (aDone && !bDone) return { resolved: a, conflicts: [] };
    if (bDone && !aDone) return { resolved: b, conflicts: [] };
    const ca = Number(a['completedAt'] ?? 0);
    const cb = Number(b['completedAt'] ?? 0);
    const keepA = ca !== cb ? ca < cb : aWins;
    return { resolved: keepA ? a : b, conflicts: [] };
  }

  const w: Walk = { collection, docId: a.id, aWins, a, b, conflicts: [] };
  const baseFields = base ? withoutLocal(base) : undefined;
  const body = mergeObjects(w, '', baseFields, withoutLocal(a), withoutLocal(b), false);

  // A removal (a merged duplicate, a purge on the platform) wins over edits: the removed record's encounters were
  // re-pointed by the merge. Edits the other side made after the base are set aside for review, not lost.
  let deleted = false;
  if (a._deleted !== b._deleted) {
    deleted = true;
    const editedSide = a._deleted ? b : a;
    const editedSinceBase = baseFields ? !isEqualDoc({ ...editedSide, _deleted: false }, { ...base, _deleted: false } as SyncDoc) : true;
    if (editedSinceBase) {
      w.conflicts.push({
        collection,
        docId: a.id,
        path: '_deleted',
        base: base?._deleted ?? false,
        winner: { value: true, updatedAt: savedAt(a._deleted ? a : b) },
        loser: { value: withoutLocal(editedSide), updatedAt: savedAt(editedSide) },
      });
    }
  } else {
    deleted = a._deleted;
  }

  const resolved: SyncDoc = { ...body, id: a.id, _deleted: deleted };
  if (typeof a['updatedAt'] === 'number' || typeof b['updatedAt'] === 'number') resolved['updatedAt'] = Math.max(savedAt(a), savedAt(b));
  w.conflicts.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { resolved, conflicts: w.conflicts };
}

/**
 * The RxDB conflict handler for one collection's replication. `onConflicts` receives the true conflicts of every
 * resolution with the input (the review queue records them; `newDocumentState` is this device's side); it must not
 * throw.
 */
export function conflictHandlerFor<T>(
  collection: string,
  onConflicts?: (conflicts: FieldConflict[], resolved: WithDeleted<T>, input: RxConflictHandlerInput<T>) => void,
): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => isEqualDoc(a as unknown as SyncDoc, b as unknown as SyncDoc),
    resolve: (i) => {
      const { resolved, conflicts } = resolveConflict(collection, i as unknown as MergeInput);
      if (conflicts.length > 0) onConflicts?.(conflicts, resolved as unknown as WithDeleted<T>, i);
      return Promise.resolve(resolved as unknown as WithDeleted<T>);
    },
  };
}
