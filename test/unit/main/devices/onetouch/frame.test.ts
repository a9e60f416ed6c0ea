import { describe, expect, it } from 'vitest';
import { checksum, createDecoder, encodeCommand, encodeLine } from '../../../../../main/devices/onetouch/frame';
import { decodeAll, errors, frames, fuzzDecoder, latin1 } from '../../../../helpers/devices';

const DMP = 'P 002,"ZZQ12345Y","MG/DL " 05B2\r\nP "WED","03/15/23","07:45:10   ","  126 ","B","00", 00 099C\r\nP "TUE","03/14/23","19:02:44   ","  188 ","A","02", 00 09B5\r\n';

describe('OneTouch Ultra 2 text decoder (glucometer-onetouch.md Part 1)', () => {
  it.each([
    ['T', 0x0054],
    ['T "SAT","08/03/13","22:12:00   "', 0x0608],
  ])('checksum of %j is %i (glucometerutils reference)', (body, sum) => expect(checksum(body)).toBe(sum));

  it('V1: DM@ request and serial reply', () => {
    expect(encodeCommand('serial')).toEqual(Uint8Array.of(0x11, 0x0d, 0x44, 0x4d, 0x40, 0x0d));
    expect(frames(decodeAll(createDecoder('host'), encodeCommand('serial')))).toEqual([{ kind: 'command', command: 'serial', text: 'DM@' }]);
    expect(frames(decodeAll(createDecoder('device'), latin1('@ "ZZQ12345Y" 0301\r\n')))).toEqual([{ kind: 'serial', serial: 'ZZQ12345Y' }]);
  });

  it('V2: version, clock and display unit', () => {
    const r = decodeAll(createDecoder('device'), latin1('?P02.00.00 30/08/06 03BC\r\nF "WED","03/15/23","08:30:05   " 05FA\r\nSU?,"MMOL/L" 0307\r\n'));
    expect(frames(r)).toEqual([
      { kind: 'version', version: 'P02.00.00 30/08/06' },
      { kind: 'clock', at: '2023-03-15T08:30:05' },
      { kind: 'unit', unit: 'mmol/L' },
    ]);
  });

  it('V3: DMP dump becomes one memory result, mg/dL as received', () => {
    expect(frames(decodeAll(createDecoder('device'), latin1(DMP), [7, 1100]))).toEqual([
      {
        kind: 'memory',
        serial: 'ZZQ12345Y',
        unit: 'mg/dL',
        records: [
          { at: '2023-03-15T07:45:10', mgdl: 126, flags: [], meal: 'before', comment: null },
          { at: '2023-03-14T19:02:44', mgdl: 188, flags: [], meal: 'after', comment: 'too much food' },
        ],
      },
    ]);
  });

  it('bare CR line ends are accepted (glucometerutils test style)', () => {
    expect(frames(decodeAll(createDecoder('device'), latin1(DMP.replace(/\r\n/g, '\r'))))).toHaveLength(1);
  });

  it('control-solution and parity-error rows are kept and flagged; out-of-range values are suspect', () => {
    const rows = [
      'P "WED","03/15/23","07:45:10   ","C 126 ","N","00", 00',
      'P "WED","03/15/23","07:46:10   ","  126?","N","00", 00',
      'P "WED","03/15/23","07:47:10   ","  010 ","N","00", 00',
    ];
    const bytes = [encodeLine('P 003,"ZZQ12345Y","MG/DL "'), ...rows.map(encodeLine)].flatMap((b) => [...b]);
    const [mem] = frames(decodeAll(createDecoder('device'), Uint8Array.from(bytes)));
    expect(mem).toMatchObject({ kind: 'memory', records: [{ flags: ['control'] }, { flags: ['parityError'] }, { mgdl: 10, flags: ['outOfRange'] }] });
  });

  it('one bad line checksum refuses the whole download', () => {
    const bad = DMP.replace('09B5', '09B6');
    const r = decodeAll(createDecoder('device'), latin1(bad));
    expect(frames(r)).toEqual([]);
    expect(errors(r)).toEqual(['checksum']);
  });

  it('fewer records than the header says refuses the download (length), then the next reply decodes', () => {
    const short = DMP.split('\r\n').slice(0, 2).join('\r\n') + '\r\n@ "ZZQ12345Y" 0301\r\n';
    const r = decodeAll(createDecoder('device'), latin1(short));
    expect(errors(r)).toEqual(['length']);
    expect(frames(r)).toEqual([{ kind: 'serial', serial: 'ZZQ12345Y' }]);
  });

  it('a dump cut off at the end of input is truncated', () => {
    expect(errors(decodeAll(createDecoder('device'), latin1(DMP.slice(0, 80))))).toEqual(['truncated']);
  });

  it('DMZ in a capture is recognised as erase (the app never sends it)', () => {
    expect(frames(decodeAll(createDecoder('host'), latin1('\x11\rDMZ\r')))).toEqual([{ kind: 'command', command: 'erase', text: 'DMZ' }]);
  });

  it('an endless line without terminator is capped', () => {
    expect(errors(decodeAll(createDecoder('device'), latin1('A'.repeat(500))))).toEqual(['length']);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder('device'), latin1(`${DMP}@ "ZZQ12345Y" 0301\r\n`), { runs: 150, accountsForEveryByte: { skippable: [0x0d, 0x0a] } });
  });
});
