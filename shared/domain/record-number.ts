/**
 * 居民健康档案编号 (identifiers.md §2): 17 digits = 12-digit village code + 5-digit serial (00001–99999), unique
 * forever, and issued offline on several devices at once.
 *
 * Serial-block rule (DESIGN.md §2; the README repeats it). Decision: blocks belong to the clinic's devices and are
 * clinic-wide by default, because a device (a township check team's laptop) works in many villages and cannot ask
 * for a new block per village while offline; a village-scoped block is allowed for a device that serves one village.
 * - A device issues serials only from blocks it owns. A block is `{ start, end }` (inclusive, within 1–99999) and
 *   is either **clinic-wide** (no `villageCode`: valid for every village of the clinic) or **village-scoped**
 *   (`villageCode` set: valid for that village only).
 * - Two blocks *conflict* when their serial ranges intersect and their scopes meet (either is clinic-wide, or
 *   both name the same village). Whoever grants blocks — set-up for the clinic's first device, the platform for
 *   every later one — never grants a block that conflicts with any block already granted to another device of
 *   the clinic, nor one that conflicts with the device's own blocks (`conflictingBlock` over all grants).
 * - On one device serials only go up per village: the device keeps the last serial it issued in each village and
 *   issues the lowest serial above it that one of its blocks allows; that cursor is saved before the record that
 *   uses it, so a crash can skip a serial but never repeat one.
 * - Hence a record number (village, serial) can only come from the one device whose block covers that village
 *   and serial, and only once there. Record numbers are per village, so a clinic-wide block can be used in full
 *   in every village: serials are not wasted across villages.
 * - The clinic's first device gets `firstDeviceBlock()` (clinic-wide 00001–09999) at set-up, or the 9,999 serials
 *   above the highest serial already used when existing records are imported; later blocks are granted by the
 *   platform once sync exists. A device is never handed a range by another device directly.
 */
import { isVillageCode } from './division-code';

export const RECORD_NO_LENGTH = 17;
export const MIN_SERIAL = 1;
export const MAX_SERIAL = 99_999;

export function isRecordNo(s: string): boolean {
  return /^\d{17}$/.test(s) && isVillageCode(s.slice(0, 12)) && Number(s.slice(12)) >= MIN_SERIAL;
}

export function formatRecordNo(villageCode: string, serial: number): string {
  if (!isVillageCode(villageCode)) throw new RangeError(`Not a village code: ${villageCode}`);
  if (!Number.isInteger(serial) || serial < MIN_SERIAL || serial > MAX_SERIAL) {
    throw new RangeError(`Serial out of range: ${serial}`);
  }
  return `${villageCode}${String(serial).padStart(5, '0')}`;
}

export function parseRecordNo(s: string): { villageCode: string; serial: number } | null {
  if (!isRecordNo(s)) return null;
  return { villageCode: s.slice(0, 12), serial: Number(s.slice(12)) };
}

/** The last 8 digits (village 3 + serial 5): what follow-up and check forms print (identifiers.md §2). */
export function lastEight(recordNo: string): string {
  return recordNo.slice(-8);
}

export interface SerialBlock {
  /** Absent: clinic-wide. */
  villageCode?: string;
  start: number;
  end: number;
}

export const FIRST_BLOCK_SIZE = 9_999;

/**
 * The first device's block, granted at set-up. `highestExistingSerial`: the highest serial of records imported
 * from an earlier system or from paper (across all villages of the clinic, since the block is clinic-wide).
 * Null when nothing is left to grant.
 */
export function firstDeviceBlock(highestExistingSerial = 0): SerialBlock | null {
  const start = highestExistingSerial + 1;
  if (!Number.isInteger(start) || start < MIN_SERIAL || start > MAX_SERIAL) return null;
  return { start, end: Math.min(start + FIRST_BLOCK_SIZE - 1, MAX_SERIAL) };
}

/** The set-up block of a clinic with no earlier records: 00001–09999, clinic-wide. */
export const FIRST_DEVICE_BLOCK: SerialBlock = { start: 1, end: FIRST_BLOCK_SIZE };

export function isValidBlock(b: SerialBlock): boolean {
  return (
    Number.isInteger(b.start) &&
    Number.isInteger(b.end) &&
    b.start >= MIN_SERIAL &&
    b.end <= MAX_SERIAL &&
    b.start <= b.end &&
    (b.villageCode === undefined || isVillageCode(b.villageCode))
  );
}

export function blocksConflict(a: SerialBlock, b: SerialBlock): boolean {
  const scopesMeet = a.villageCode === undefined || b.villageCode === undefined || a.villageCode === b.villageCode;
  return scopesMeet && a.start <= b.end && b.start <= a.end;
}

/** The first already-granted block (of any other device) that `candidate` conflicts with, or null if it may be granted. */
export function conflictingBlock(granted: readonly SerialBlock[], candidate: SerialBlock): SerialBlock | null {
  return granted.find((g) => blocksConflict(g, candidate)) ?? null;
}

/** One device's issuing state: its blocks and, per village, the highest serial it has issued there. */
export interface SerialState {
  blocks: SerialBlock[];
  lastIssued: Record<string, number>;
}

export function initialSerialState(blocks: SerialBlock[], lastIssued: Record<string, number> = {}): SerialState {
  return { blocks: [...blocks], lastIssued: { ...lastIssued } };
}

export function addBlock(state: SerialState, block: SerialBlock): SerialState {
  return { blocks: [...state.blocks, block], lastIssued: { ...state.lastIssued } };
}

export type NextSerial = { ok: true; serial: number; recordNo: string; state: SerialState } | { ok: false; reason: 'exhausted' };

function candidates(state: SerialState, villageCode: string): Array<{ from: number; to: number }> {
  const after = (state.lastIssued[villageCode] ?? 0) + 1;
  return state.blocks
    .filter((b) => b.villageCode === undefined || b.villageCode === villageCode)
    .map((b) => ({ from: Math.max(b.start, after), to: b.end }))
    .filter((r) => r.from <= r.to);
}

/**
 * The next record number for a resident of `villageCode`: the lowest serial above the last one this device issued
 * in that village, inside any of its blocks for the village. Serials only go up per village, so even overlapping
 * blocks on one device cannot repeat a number; a block granted below the cursor is skipped (grants ascend, so this
 * does not happen in practice). Pure: the caller stores the returned state in the same write as the new record.
 */
export function nextSerial(state: SerialState, villageCode: string): NextSerial {
  const ranges = candidates(state, villageCode);
  if (ranges.length === 0) return { ok: false, reason: 'exhausted' };
  const serial = Math.min(...ranges.map((r) => r.from));
  return {
    ok: true,
    serial,
    recordNo: formatRecordNo(villageCode, serial),
    state: { blocks: state.blocks, lastIssued: { ...state.lastIssued, [villageCode]: serial } },
  };
}

/** Serials still available to this device for a village: the UI asks for a new block when it runs low. */
export function remainingSerials(state: SerialState, villageCode: string): number {
  const ranges = candidates(state, villageCode).sort((a, b) => a.from - b.from);
  let total = 0;
  let covered = 0;
  for (const r of ranges) {
    const from = Math.max(r.from, covered + 1);
    if (from <= r.to) total += r.to - from + 1;
    covered = Math.max(covered, r.to);
  }
  return total;
}
