import { describe, expect, it } from 'vitest';
import { isHealthCardCode, KeyBurstDetector, MAX_KEY_GAP_MS, MIN_BURST_LENGTH } from '../../../../shared/domain/key-burst';

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
