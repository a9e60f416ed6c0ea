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
