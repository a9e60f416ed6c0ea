import { describe, expect, it } from 'vitest';
import { createDecoder, encodeRecord } from '../../../../../main/devices/beurer/frame';
import { concat, decodeAll, errors, frames, fuzzDecoder, hex } from '../../../../helpers/devices';

describe('Beurer BM58/65 decoder (bp-and-11073.md §A)', () => {
  it('V1: AA → 55, A2 → 02 with the session expecting a count', () => {
    const d = createDecoder('device');
    expect(frames(d.push(hex('55')))).toEqual([{ kind: 'ready' }]);
    d.expect('count');
    expect(frames(d.push(hex('02')))).toEqual([{ kind: 'count', count: 2 }]);
  });

  it('V2: A3 01 → AC 67 39 47 03 0F 08 1E 18 = 2024-03-15 08:30, 128/82, pulse 71', () => {
    expect(frames(decodeAll(createDecoder('host'), hex('AA A2 A3 01')))).toEqual([
      { kind: 'command', command: 'attention', index: null },
      { kind: 'command', command: 'count', index: null },
      { kind: 'command', command: 'read', index: 1 },
    ]);
    const rec = hex('AC 67 39 47 03 0F 08 1E 18');
    expect(frames(decodeAll(createDecoder('device'), rec, [4]))).toEqual([{ kind: 'record', record: { at: '2024-03-15T08:30:00', systolic: 128, diastolic: 82, pulse: 71 } }]);
    expect(encodeRecord({ at: '2024-03-15T08:30:00', systolic: 128, diastolic: 82, pulse: 71 })).toEqual(rec);
  });

  it('identity: 32 ASCII bytes when expected', () => {
    const d = createDecoder('device');
    d.expect('identity');
    expect(frames(decodeAll(d, Uint8Array.from(Buffer.from('Andon Blood Pressure Meter KD001'))))).toEqual([{ kind: 'identity', model: 'Andon Blood Pressure Meter KD001' }]);
  });

  it('A9 = no record; garbage around records is reported, records still decode', () => {
    const r = decodeAll(createDecoder('device'), concat(hex('A9 13 37'), hex('AC 67 39 47 03 0F 08 1E 18')));
    expect(frames(r)).toMatchObject([{ kind: 'noRecord' }, { kind: 'record' }]);
    expect(errors(r)).toEqual(['garbage']);
  });

  it('a record with an impossible month is a format error, never a reading', () => {
    const r = decodeAll(createDecoder('device'), hex('AC 67 39 47 0D 0F 08 1E 18'));
    expect(frames(r)).toEqual([]);
    expect(errors(r)[0]).toBe('format');
  });

  it('a record cut short is truncated', () => {
    expect(errors(decodeAll(createDecoder('device'), hex('AC 67 39 47')))).toEqual(['truncated']);
  });

  it('a record marker with impossible fields reports each of its bytes once (fast-check counterexample)', () => {
    const bytes = Uint8Array.from([0xac, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = decodeAll(createDecoder('device'), bytes, [1]);
    expect(errors(r)).toContain('format');
    expect(r.reduce((n, x) => n + x.raw.length, 0)).toBe(bytes.length);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder('device'), hex('55 AC 67 39 47 03 0F 08 1E 18 A9 AC 70 40 50 0C 1F 17 3B 19'), { runs: 200, accountsForEveryByte: true });
  });
});
