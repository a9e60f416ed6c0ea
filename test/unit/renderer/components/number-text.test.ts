import { describe, expect, it } from 'vitest';
import { numberProblem, readNumberText, toAsciiNumber } from '../../../../renderer/components/number-text';

// Issue 16: input is never changed silently. What a Chinese input method types is accepted and normalised; anything
// else is kept as typed and reported.
describe('reading a number box', () => {
  it.each([
    ['150', 150, '150'],
    ['１５０', 150, '150'],
    [' 150 ', 150, '150'],
    ['36.5', 36.5, '36.5'],
    ['36,5', 36.5, '36.5'],
    ['３６．５', 36.5, '36.5'],
    ['36。5', 36.5, '36.5'],
    ['６.２', 6.2, '6.2'],
    ['０', 0, '0'],
    ['007', 7, '7'],
    ['.5', 0.5, '0.5'],
    ['－3', -3, '-3'],
  ])('%j reads as %d, shown as %j', (text, value, shown) => {
    expect(readNumberText(text)).toEqual({ kind: 'number', value, normalised: shown });
  });

  it.each(['abc', '15o', '1 5 0x', '12.3.4', '1e3', '--1', '150mmHg', '3,000,000', 'NaN', 'Infinity'])('%j is malformed and kept as typed', (text) => {
    expect(readNumberText(text)).toEqual({ kind: 'malformed', text });
  });

  it.each(['', '   ', '\u3000'])('%j is empty', (text) => {
    expect(readNumberText(text)).toEqual({ kind: 'empty' });
  });

  it('maps every full-width digit', () => {
    expect(toAsciiNumber('０１２３４５６７８９')).toBe('0123456789');
  });
});

describe('what is wrong with a value', () => {
  const sbp = { min: 40, max: 300, precision: 0 };
  it.each([
    [150, null],
    [40, null],
    [300, null],
    [39, 'outOfRange'],
    [301, 'outOfRange'],
    [400, 'outOfRange'],
    [20, 'outOfRange'],
    [150.5, 'tooManyDecimals'],
    ['abc', 'malformed'],
    ['１５０', null],
    ['４００', 'outOfRange'],
    [null, null],
    [undefined, null],
    ['', null],
  ])('SBP %j: %s', (value, code) => {
    expect(numberProblem(value, sbp)?.code ?? null).toBe(code);
  });

  it.each([
    [-1, { min: 0 }, 'belowMin'],
    [0, { min: 0 }, null],
    [13, { max: 12 }, 'aboveMax'],
    [12, { max: 12 }, null],
    [36.55, { precision: 1 }, 'tooManyDecimals'],
    [36.5, { precision: 1 }, null],
    [Number.NaN, {}, 'malformed'],
  ])('%d with %j: %s', (value, limits, code) => {
    expect(numberProblem(value, limits)?.code ?? null).toBe(code);
  });
});
