import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIndexKey, toPaddedIndexKey } from '../../../../../main/store/rx-storage-sqlcipher/index-key';

const js = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const bytes = (a: Buffer, b: Buffer): number => Math.sign(Buffer.compare(a, b));
// Units on both sides of every boundary the encoding treats specially: below/at/above U+0020, 1/2/3-byte UTF-8,
// both surrogate halves, INDEX_MAX; spaces weighted so that runs occur.
const UNITS = ['\x00', '\x01', '\x1f', ' ', ' ', ' ', ' ', '!', '0', 'a', '\u007f', '\u0080', '\u07ff', '\u0800', '中', '\uD842', '\uDFB7', '\uFFFF'];
const unit = fc.constantFrom(...UNITS);
const fixed = (n: number) => fc.array(unit, { minLength: n, maxLength: n }).map((u) => u.join(''));
const spaced = (n: number) =>
  fc
    .array(fc.oneof(fc.integer({ min: 1, max: 80 }).map((k) => ' '.repeat(k)), unit), { maxLength: 12 })
    .map((parts) => parts.join('').padEnd(n, ' ').slice(0, n));
/** What RxDB builds: fields padded to their maxLength, bounds filled with '\x00' (INDEX_MIN) or INDEX_MAX. */
const field = (width: number) =>
  fc.oneof(
    fc.array(unit, { maxLength: Math.min(width, 6) }).map((u) => u.join('').padEnd(width, ' ')),
    fc.constant('\x00'.repeat(width)),
    fc.constant('\uFFFF'.repeat(width)),
  );
const rxKey = fc.tuple(fc.constantFrom('0', '1'), field(4), field(40), field(10), field(40)).map((p) => p.join(''));

describe('toIndexKey', () => {
  it('orders any two strings as JS does, astral characters and lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(bytes(toIndexKey(a), toIndexKey(b))).toBe(js(a, b));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('toPaddedIndexKey', () => {
  it.each([1, 2, 3, 8, 31, 64, 150])('orders equal-length strings (%i units) as JS does', (n) => {
    fc.assert(
      fc.property(fc.oneof(fixed(n), spaced(n)), fc.oneof(fixed(n), spaced(n)), (a, b) => {
        expect(bytes(toPaddedIndexKey(a), toPaddedIndexKey(b))).toBe(js(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('orders RxDB keys and bounds of one index as JS does', () => {
    fc.assert(
      fc.property(rxKey, rxKey, (a, b) => {
        expect(bytes(toPaddedIndexKey(a), toPaddedIndexKey(b))).toBe(js(a, b));
      }),
      { numRuns: 20000 },
    );
  });

  it.each<[string, string, number]>([
    ['trailing spaces cut', 'ab  ', 3],
    ['a short run inside', `a${' '.repeat(30)}b`, 4],
    ['a long run inside', `a${' '.repeat(31)}b`, 8],
    ['a lone space stays one byte', 'a b', 3],
    ['no padding is plain UTF-8', '王建国', 9],
  ])('%s: %j takes %i bytes', (_label, key, length) => expect(toPaddedIndexKey(key)).toHaveLength(length));
});
