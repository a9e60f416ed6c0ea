/**
 * Byte encodings of RxDB index strings whose bytewise order (how SQLite compares BLOBs) is RxDB's order (JS `<`,
 * UTF-16 code units). SQLite compares TEXT as UTF-8 bytes, which puts astral characters such as 𠮷 (U+20BB7)
 * after RxDB's INDEX_MAX '\uFFFF', so a TEXT column would make range scans drop them (rxdb.md, "Index keys").
 */

/**
 * SQL type of the key columns: names the encoding below, so key columns that a build with another encoding filled
 * (UTF-16BE, declared plain `BLOB`) are rebuilt on open rather than scanned with bounds of another order. Change
 * it with any change to toPaddedIndexKey. Contains "BLOB", so the column keeps BLOB affinity.
 */
export const INDEX_KEY_COLUMN_TYPE = 'BLOB_CESU8_SPACE_RUNS';

const SPACE = 0x20;
/** A space whose next non-space unit is below U+0020 (RxDB pads INDEX_MIN bounds with '\x00'). */
const SPACE_BEFORE_LOW = 0x01;
/** Ends a key whose trailing spaces were cut: sorts as "spaces up to the end" would. */
const CUT_SPACES = 0x02;
/** Prefix of a unit below U+0020, so that it sorts below both spaces and CUT_SPACES. */
const LOW_UNIT = 0x00;
/** Runs of 2..SHORT_RUN_MAX spaces before a higher unit: one length byte, 0x1f for 2 down to 0x03 for 30. */
const SHORT_RUN_MAX = 30;
/** Length byte of longer runs, followed by 0xffffffff - length as four big-endian bytes. */
const LONG_RUN = 0x02;

const SURROGATE = /[\uD800-\uDFFF]/;
/** What toPaddedIndexKey writes differently from UTF-8: low units, surrogates, runs of spaces. */
// eslint-disable-next-line no-control-regex -- finding units below U+0020 is the point: they are escaped.
const NOT_PLAIN = /[\u0000-\u001F\uD800-\uDFFF]| {2}/;

/** Writes `unit` as UTF-8 would encode that value (surrogates too); returns the next offset. */
function writeUnit(out: Buffer, at: number, unit: number): number {
  if (unit < 0x80) {
    out[at] = unit;
    return at + 1;
  }
  if (unit < 0x800) {
    out[at] = 0xc0 | (unit >> 6);
    out[at + 1] = 0x80 | (unit & 0x3f);
    return at + 2;
  }
  out[at] = 0xe0 | (unit >> 12);
  out[at + 1] = 0x80 | ((unit >> 6) & 0x3f);
  out[at + 2] = 0x80 | (unit & 0x3f);
  return at + 3;
}

/**
 * Any string -> CESU-8: every UTF-16 code unit on its own, as UTF-8 would encode that value. UTF-8 of values up to
 * U+FFFF is prefix-free and order-preserving, so bytewise order equals JS order for any two strings, and the ASCII
 * that makes up most keys takes one byte where UTF-16BE took two.
 */
export function toIndexKey(indexString: string): Buffer {
  // Without surrogates Node's UTF-8 is CESU-8; with them it would join a pair into one 4-byte code point.
  if (!SURROGATE.test(indexString)) return Buffer.from(indexString, 'utf8');
  const out = Buffer.allocUnsafe(indexString.length * 3);
  let at = 0;
  for (let i = 0; i < indexString.length; i++) at = writeUnit(out, at, indexString.charCodeAt(i));
  return Buffer.from(out.subarray(0, at));
}

/**
 * Writes a run of `length` spaces (not at the end of the key) whose next unit is `next`; returns the next offset.
 * Before a higher unit, a longer run sorts lower (where the shorter run's unit stands, the longer has a space), so
 * the length is written descending; one space stays the plain byte 0x20, whose next byte (the unit, 0x21 or more)
 * then sorts above every length byte.
 */
function writeSpaceRun(out: Buffer, at: number, length: number, next: number): number {
  if (next < SPACE) {
    // Only bounds padded with INDEX_MIN have these; a longer run before a low unit sorts higher, as bytes do.
    out.fill(SPACE_BEFORE_LOW, at, at + length);
    return at + length;
  }
  out[at] = SPACE;
  if (length === 1) return at + 1;
  if (length <= SHORT_RUN_MAX) {
    out[at + 1] = 0x21 - length;
    return at + 2;
  }
  out[at + 1] = LONG_RUN;
  out.writeUInt32BE(0xffffffff - length, at + 2);
  return at + 6;
}

/**
 * The key the storage stores and scans. RxDB pads every string field of an index to its maxLength with spaces
 * (a 3-character name in a `maxLength: 40` field is 37 spaces, the id at the end 26 more), in the row and again in
 * the SQL index; this writes each run of spaces in a few bytes and drops the trailing one. Order is kept for
 * strings of equal length, which RxDB's keys and bounds of one index are (every field is padded to a fixed width):
 * - the trailing spaces become CUT_SPACES, which sorts as "spaces up to the end" does: above units below U+0020
 *   (LOW_UNIT + unit), below every other unit;
 * - a space run inside the key sorts by the unit after it: below CUT_SPACES when that unit is below U+0020, above
 *   it otherwise (writeSpaceRun);
 * - everything else is CESU-8, as in toIndexKey.
 * Strings of different lengths (a value longer than its maxLength, which the validation in front of the storage
 * rejects) compare as if the shorter were padded with spaces.
 */
export function toPaddedIndexKey(indexString: string): Buffer {
  let end = indexString.length;
  while (end > 0 && indexString.charCodeAt(end - 1) === SPACE) end--;
  const cut = end < indexString.length;
  const core = cut ? indexString.slice(0, end) : indexString;
  if (!NOT_PLAIN.test(core)) {
    if (!cut) return Buffer.from(core, 'utf8');
    const length = Buffer.byteLength(core, 'utf8');
    const out = Buffer.allocUnsafe(length + 1);
    out.write(core, 0, 'utf8');
    out[length] = CUT_SPACES;
    return out;
  }
  // At most 3 bytes per unit: a run of k spaces takes at most 6 bytes only when k > 30.
  const out = scratch(end * 3 + 1);
  let at = 0;
  let i = 0;
  while (i < end) {
    const unit = core.charCodeAt(i);
    if (unit === SPACE) {
      let next = i + 1;
      // The core does not end with a space, so the run ends before `end`.
      while (core.charCodeAt(next) === SPACE) next++;
      at = writeSpaceRun(out, at, next - i, core.charCodeAt(next));
      i = next;
    } else if (unit < SPACE) {
      out[at] = LOW_UNIT;
      out[at + 1] = unit;
      at += 2;
      i++;
    } else {
      at = writeUnit(out, at, unit);
      i++;
    }
  }
  if (cut) out[at++] = CUT_SPACES;
  return Buffer.from(out.subarray(0, at));
}

let scratchBuffer = Buffer.allocUnsafe(1024);

/** One reusable buffer for building keys; the result is copied out of it. */
function scratch(size: number): Buffer {
  if (scratchBuffer.length < size) scratchBuffer = Buffer.allocUnsafe(Math.max(size, scratchBuffer.length * 2));
  return scratchBuffer;
}
