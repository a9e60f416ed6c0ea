import { describe, expect, it } from 'vitest';
import { createDecoder, encodeCommand } from '../../../../../main/devices/freestyle/frame';
import { decodeAll, errors, frames, fuzzDecoder, latin1 } from '../../../../helpers/devices';

export const V1 = '\r\nXAGX123-B4567\r\n0.22\r\nOct  05 2013 14:26:44\r\n002\r\n126  Oct  05 2013 08:12 G 0x00\r\n088  Oct  04 2013 21:40 G 0x00\r\n0x1600  END\r\n';
const V2 = '\r\nXAGX123-B4567\r\n0.22\r\nJuly 01 2014 09:00:00\r\n003\r\nHI   June 30 2014 22:05 G 0x00\r\n003  June 29 2014 07:30 K 0x00\r\n245  May  31 2014 12:00 G 0x00\r\n0x1D4F  END\r\n';
const V3 = 'S/N:\tXAGX123-B4567\r\nVer:\t0.22\tMMOL\r\nClock:\tOct  05 2013\t14:26:44\r\nMarket:\t1\t0\r\nROM:\t0\t0\t0\t0\r\nUsage:\t2\r\nCMD OK\r\n';

describe('FreeStyle Optium decoder (glucometer-freestyle.md)', () => {
  it('host $xmem bytes', () => {
    expect(encodeCommand('xmem')).toEqual(Uint8Array.of(0x24, 0x78, 0x6d, 0x65, 0x6d, 0x0d, 0x0a));
    expect(frames(decodeAll(createDecoder('host'), latin1('$xmem\r\n$coly\r\n')))).toMatchObject([{ command: 'xmem' }, { command: 'powerOff' }]);
  });

  it('V1: two results, checksum 0x1600', () => {
    expect(frames(decodeAll(createDecoder('device'), latin1(V1), [7, 1100]))).toEqual([
      {
        kind: 'memory',
        serial: 'XAGX123-B4567',
        unit: null,
        version: '0.22',
        clock: '2013-10-05T14:26:44',
        records: [
          { at: '2013-10-05T08:12:00', mgdl: 126, flags: [], meal: null, comment: null },
          { at: '2013-10-04T21:40:00', mgdl: 88, flags: [], meal: null, comment: null },
        ],
      },
    ]);
  });

  it('V2: June/July spelled out, HI kept as above range, ketone kept apart', () => {
    expect(frames(decodeAll(createDecoder('device'), latin1(V2)))).toMatchObject([
      {
        clock: '2014-07-01T09:00:00',
        records: [
          { at: '2014-06-30T22:05:00', mgdl: null, flags: ['high'] },
          { at: '2014-06-29T07:30:00', mgdl: 3, flags: ['ketone'] },
          { at: '2014-05-31T12:00:00', mgdl: 245, flags: [] },
        ],
      },
    ]);
  });

  it('V3: $colq device information', () => {
    expect(frames(decodeAll(createDecoder('device'), latin1(V3)))).toEqual([
      { kind: 'info', serial: 'XAGX123-B4567', version: '0.22', unit: 'mmol/L', clock: '2013-10-05T14:26:44', usage: 2 },
    ]);
  });

  it('a lone empty line (ignored first command) before the dump is tolerated', () => {
    expect(frames(decodeAll(createDecoder('device'), latin1(`\r\n${V1}`)))).toHaveLength(1);
  });

  it.each([
    ['wrong checksum', V1.replace('0x1600', '0x1601'), 'checksum'],
    ['count mismatch', V1.replace('\r\n002\r\n', '\r\n003\r\n'), 'length'],
    ['malformed result line', V1.replace('126  Oct', '12x  Oct'), 'format'],
    ['truncated dump', V1.slice(0, 90), 'truncated'],
    ['echoed command', '$xmem\r\n', 'format'],
  ])('%s refuses the download', (_n, text, kind) => {
    const r = decodeAll(createDecoder('device'), latin1(text));
    expect(frames(r)).toEqual([]);
    expect(errors(r)).toContain(kind);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder('device'), latin1(V1 + V3), { runs: 150, accountsForEveryByte: { skippable: [0x0d, 0x0a] } });
  });
});
