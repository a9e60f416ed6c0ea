/**
 * 同一人两份档案: a resident created offline in two places with the same ID number. The platform (on push) and a
 * device (on pull or bundle import) call the same detector, so both sides queue the same merge review and, after a
 * person decides, the same record is kept.
 */
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
  const { mergedInto: _dupMergedInto, ...rest } = filled;
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
