import { describe, expect, it } from 'vitest';
import {
  compileHealthCardPattern,
  isHealthCardCode,
  isPlaceholderPattern,
  KeyBurstDetector,
  MAX_BURST_LENGTH,
  MAX_KEY_GAP_MS,
  MAX_PATTERN_SOURCE_LENGTH,
  MIN_BURST_LENGTH,
  PLACEHOLDER_HEALTH_CARD_PATTERN,
  type HealthCardPattern,
} from '../../../../shared/domain/key-burst';

/** Types `text` then Enter with `gap` ms between keys; returns the detector's last answer. */
function typed(text: string, gap: number, opts: { enterGap?: number; start?: number; detector?: KeyBurstDetector } = {}) {
  const d = opts.detector ?? new KeyBurstDetector();
  let at = opts.start ?? 1000;
  for (const ch of text) {
    expect(d.push(ch, at)).toEqual({ kind: 'none' });
    at += gap;
  }
  return d.push('Enter', at - gap + (opts.enterGap ?? gap));
}

const CODE = '6A0B3F2C9D1E4A5B';

describe('key-burst detector (devices/README.md: ≥ 8 characters within 50 ms, ended by Enter)', () => {
  it.each([
    [0, true],
    [10, true],
    [MAX_KEY_GAP_MS, true],
    [MAX_KEY_GAP_MS + 1, false],
    [80, false],
    [150, false],
  ])('keys %i ms apart: a scan is %s', (gap, isBurst) => {
    expect(typed(CODE, gap)).toEqual(isBurst ? { kind: 'burst', text: CODE } : { kind: 'none' });
  });

  it.each([
    [MIN_BURST_LENGTH - 1, false],
    [MIN_BURST_LENGTH, true],
    [MIN_BURST_LENGTH + 1, true],
  ])('%i fast characters: a scan is %s', (n, isBurst) => {
    expect(typed('A'.repeat(n), 5).kind).toBe(isBurst ? 'burst' : 'none');
  });

  it('Enter after a pause is a person pressing Enter, not the end of a scan', () => {
    expect(typed(CODE, 5, { enterGap: MAX_KEY_GAP_MS + 1 })).toEqual({ kind: 'none' });
    expect(typed(CODE, 5, { enterGap: MAX_KEY_GAP_MS })).toEqual({ kind: 'burst', text: CODE });
  });

  it('a slow start followed by a fast scan keeps only the scan', () => {
    const d = new KeyBurstDetector();
    d.push('x', 0);
    d.push('y', 500);
    expect(typed(CODE, 5, { start: 1000, detector: d })).toEqual({ kind: 'burst', text: CODE });
  });

  it('Shift between characters (upper case) neither counts nor breaks the burst; Backspace breaks it', () => {
    const d = new KeyBurstDetector();
    let at = 0;
    for (const ch of 'ABCDEFGH') {
      d.push('Shift', at);
      d.push(ch, at + 1);
      at += 5;
    }
    expect(d.push('Enter', at)).toEqual({ kind: 'burst', text: 'ABCDEFGH' });
    const e = new KeyBurstDetector();
    for (const [i, ch] of [...'ABCD'].entries()) e.push(ch, i * 5);
    e.push('Backspace', 20);
    for (const [i, ch] of [...'EFGH'].entries()) e.push(ch, 25 + i * 5);
    expect(e.push('Enter', 45)).toEqual({ kind: 'none' });
  });

  it('is idle before and after a burst', () => {
    const d = new KeyBurstDetector();
    expect(d.isIdle).toBe(true);
    d.push('A', 0);
    expect(d.isIdle).toBe(false);
    d.push('Enter', 5);
    expect(d.isIdle).toBe(true);
  });

  it.each([
    ['0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF', true],
    ['6A0B3F2C9D1E4A5B:1:C0FFEE', true],
    ['short1234', false],
    ['has a space in it 1234', false],
    ['中文二维码内容一二三四五六七八九十', false],
  ])('%s is an e-health-card code: %s', (text, expected) => {
    expect(isHealthCardCode(text)).toBe(expected);
  });
});

describe('e-health-card pattern (the clinic setting on the 设备 screen)', () => {
  it.each([
    [{ kind: 'regex', source: '[0-9' }, 'healthCardBadRegex', 'source'],
    [{ kind: 'regex', source: '(' }, 'healthCardBadRegex', 'source'],
    [{ kind: 'regex', source: '' }, 'healthCardMatchesEmpty', 'source'],
    [{ kind: 'regex', source: 'A*' }, 'healthCardMatchesEmpty', 'source'],
    [{ kind: 'regex', source: 'A|' }, 'healthCardMatchesEmpty', 'source'],
    [{ kind: 'regex', source: 'A'.repeat(MAX_PATTERN_SOURCE_LENGTH + 1) }, 'healthCardTooLong', 'source'],
    [{ kind: 'prefix', prefix: '', minLength: 0, maxLength: 10 }, 'healthCardMatchesEmpty', 'minLength'],
    [{ kind: 'prefix', prefix: 'EHC', minLength: 2, maxLength: 10 }, 'healthCardLengthRange', 'maxLength'],
    [{ kind: 'prefix', prefix: 'EHC', minLength: 10, maxLength: 9 }, 'healthCardLengthRange', 'maxLength'],
    [{ kind: 'prefix', prefix: 'EHC', minLength: 10, maxLength: MAX_BURST_LENGTH + 1 }, 'healthCardLengthRange', 'maxLength'],
    [{ kind: 'prefix', prefix: 'E C', minLength: 10, maxLength: 20 }, 'healthCardPrefixChars', 'prefix'],
    [{ kind: 'prefix', prefix: '粤', minLength: 10, maxLength: 20 }, 'healthCardPrefixChars', 'prefix'],
  ] satisfies [HealthCardPattern, string, string][])('%j is refused: %s on %s', (pattern, key, field) => {
    const c = compileHealthCardPattern(pattern);
    expect(c.ok ? null : [c.problem.key, c.problem.field]).toEqual([key, field]);
  });

  it('reports why a regular expression does not compile', () => {
    const c = compileHealthCardPattern({ kind: 'regex', source: '[0-9' });
    expect(c.ok ? '' : c.problem.detail).toMatch(/./);
  });

  const prefix: HealthCardPattern = { kind: 'prefix', prefix: 'EHC', minLength: 10, maxLength: 12 };
  it.each([
    ['EHC123456', false],
    ['EHC1234567', true],
    ['EHC123456789', true],
    ['EHC1234567890', false],
    ['XHC1234567', false],
    ['EHC 234567', false],
  ])('prefix EHC, 10–12 characters: %s → %s', (code, expected) => {
    expect(isHealthCardCode(code, prefix)).toBe(expected);
  });

  it.each([
    ['1234567890', true],
    ['x1234567890', false],
    ['1234567890x', false],
    ['123456789', false],
  ])('a regular expression must match the whole code: %s → %s', (code, expected) => {
    expect(isHealthCardCode(code, { kind: 'regex', source: '[0-9]{10}' })).toBe(expected);
  });

  it('the placeholder is the default and says so', () => {
    expect(isPlaceholderPattern(PLACEHOLDER_HEALTH_CARD_PATTERN)).toBe(true);
    expect(isPlaceholderPattern({ kind: 'regex', source: '[0-9]{10}' })).toBe(false);
    expect(isHealthCardCode('6A0B3F2C9D1E4A5B')).toBe(isHealthCardCode('6A0B3F2C9D1E4A5B', PLACEHOLDER_HEALTH_CARD_PATTERN));
    expect(isHealthCardCode('6A0B3F2C9D1E4A5', PLACEHOLDER_HEALTH_CARD_PATTERN)).toBe(false);
  });
});
