import { describe, expect, it } from 'vitest';
import { compileProfile, createDecoder, type LineProfile } from '../../../../../main/devices/line/frame';
import { decodeAll, errors, frames, fuzzDecoder, latin1 } from '../../../../helpers/devices';

const V1 = '2024,03,15,08,30,A0000000000000000001,0,128,082,071,0';

describe('configurable line driver (bp-and-11073.md §B profile built in)', () => {
  it('V1 Omron format 5: 2024-03-15 08:30, 128/82, pulse 71, no movement', () => {
    expect(frames(decodeAll(createDecoder(), latin1(`${V1}\r\n`), [7]))).toEqual([
      { kind: 'reading', at: '2024-03-15T08:30:00', values: { systolic: 128, diastolic: 82, pulse: 71 }, identifier: 'A0000000000000000001', isFlagged: false },
    ]);
  });

  it.each([
    ['device error digit', V1.replace(',0,128,', ',3,   ,'), 'device-status'],
    ['other output format', 'MMBP203N 128 82 71', 'format'],
    ['bp, format', 'bp,128,82,71', 'format'],
    ['short line', '2024,03,15,08,30', 'format'],
    ['impossible date', V1.replace('2024,03,15', '2024,02,30'), 'format'],
    ['wrong baud (control bytes)', '\x13\x7f\x01', 'format'],
  ])('%s is a %s error', (_n, line, kind) => {
    expect(errors(decodeAll(createDecoder(), latin1(`${line}\n`)))).toEqual([kind]);
  });

  it('body movement flags the reading', () => {
    expect(frames(decodeAll(createDecoder(), latin1(`${V1.slice(0, -1)}2\n`)))).toMatchObject([{ isFlagged: true }]);
  });

  it('a custom scale profile: one regex per field', () => {
    const scale: LineProfile = { name: 'scale', fields: { weight: 'W:\\s*([\\d.]+)\\s*kg' } };
    expect(frames(decodeAll(createDecoder(scale), latin1('ST,GS W:  63.4 kg\r\n')))).toEqual([{ kind: 'reading', at: null, values: { weight: 63.4 }, identifier: null, isFlagged: false }]);
  });

  it('a pattern that does not compile is a profile error, not an exception', () => {
    expect(compileProfile({ name: 'x', fields: { weight: '([' } })).toMatchObject({ ok: false, field: 'weight' });
    expect(errors(decodeAll(createDecoder({ name: 'x', fields: { weight: '([' } }), latin1('1\n')))).toEqual(['format']);
  });

  it('a line longer than the cap is a length error', () => {
    expect(errors(decodeAll(createDecoder(), latin1(`${'9'.repeat(200)}\n`)))).toEqual(['length']);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder(), latin1(`${V1}\r\n${V1.slice(0, -1)}1\r\n`), { runs: 200, accountsForEveryByte: { skippable: [0x0d, 0x0a] } });
  });
});
