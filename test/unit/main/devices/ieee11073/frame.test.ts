import { describe, expect, it } from 'vitest';
import { absoluteTime, createDecoder, encodeAare, encodeEventResponse, float32, RELEASE_RESPONSE, sfloat } from '../../../../../main/devices/ieee11073/frame';
import { concat, decodeAll, errors, frames, fuzzDecoder, hex } from '../../../../helpers/devices';

export const AARQ = hex(`E2 00 00 32 80 00 00 00 00 01 00 2A 50 79 00 26 80 00 00 00 A0 00 80 00 00 00
      00 00 00 00 00 80 00 00 00 08 00 11 22 33 44 55 66 77 02 BC 00 01 01 00 00 00 00 00`);
const AARE = hex(`E3 00 00 2C 00 00 50 79 00 26 80 00 00 00 80 00 80 00 00 00 00 00 00 00 80 00 00
      00 00 08 88 77 66 55 44 33 22 11 00 00 00 00 00 00 00 00 00 00`);
export const REPORT = hex(`E7 00 00 3E 00 3C 00 02 01 01 00 36 00 00 FF FF FF FF 0D 1D 00 2C F0 00 00 00 00 02
00 24 00 01 00 12 00 03 00 06 00 78 00 50 00 5D 20 24 03 15 08 30 00 00 00 02 00 0A
00 48 20 24 03 15 08 30 00 00`);
const RLRQ = hex('E4 00 00 02 00 00');

describe('IEEE 11073-20601 manager decoder (bp-and-11073.md §C)', () => {
  it.each([
    [0x0078, 120],
    [0xf048, 7.2],
    [0x07ff, null],
    [0x0800, null],
    [0x07fe, null],
    [0x0802, null],
    [0x0801, null],
    [0x0ff8, -8],
  ])('SFLOAT %i = %s', (v, want) => expect(sfloat(v)).toBe(want));

  it('FLOAT FF 00 02 D4 = 72.4; BCD time', () => {
    expect(float32(0xff0002d4)).toBe(72.4);
    expect(absoluteTime(hex('20 24 03 15 08 30 00 00'))).toBe('2024-03-15T08:30:00');
    expect(absoluteTime(hex('20 24 13 15 08 30 00 00'))).toBeNull();
  });

  it('V1 association and V2 BP report: 120/80, MAP 93, pulse 72 at 2024-03-15 08:30', () => {
    expect(frames(decodeAll(createDecoder('device'), concat(AARQ, REPORT, RLRQ), [7]))).toEqual([
      { kind: 'associationRequest', devConfigId: 700, systemId: '0011223344556677', isSupportedProtocol: true },
      {
        kind: 'eventReport',
        invokeId: 2,
        eventType: 0x0d1d,
        devConfigId: 700,
        configReportId: null,
        measurements: [
          { type: 'bloodPressure', systolic: 120, diastolic: 80, map: 93, unit: 'mmHg', at: '2024-03-15T08:30:00' },
          { type: 'pulse', bpm: 72, at: '2024-03-15T08:30:00' },
        ],
      },
      { kind: 'releaseRequest', reason: 0 },
    ]);
  });

  it('V2 alone (no association in the capture) is recognised by shape', () => {
    expect(frames(decodeAll(createDecoder('device'), REPORT))).toMatchObject([{ devConfigId: 700, measurements: [{ systolic: 120 }, { bpm: 72 }] }]);
  });

  it('manager replies encode byte for byte (V1 AARE, V2 response, V3 RLRE)', () => {
    expect(encodeAare(0)).toEqual(AARE);
    expect(encodeEventResponse(2, 0x0d1d)).toEqual(hex('E7 00 00 12 00 10 00 02 02 01 00 0A 00 00 00 00 00 00 0D 1D 00 00'));
    expect(RELEASE_RESPONSE).toEqual(hex('E5 00 00 02 00 00'));
    expect(frames(decodeAll(createDecoder('host'), concat(AARE, RELEASE_RESPONSE)))).toMatchObject([{ kind: 'associationResponse', result: 0 }, { kind: 'releaseResponse' }]);
  });

  it('an APDU shorter than its inner lengths is a length error; garbage is skipped', () => {
    const cut = Uint8Array.from(REPORT);
    cut[3] = 0x20;
    const r = decodeAll(createDecoder('device'), concat(hex('00 11 22'), cut.subarray(0, 0x24), RLRQ));
    expect(errors(r)).toEqual(['garbage', 'length']);
    expect(frames(r)).toMatchObject([{ kind: 'releaseRequest' }]);
  });

  it('an absurd APDU length is refused without waiting for it', () => {
    expect(errors(decodeAll(createDecoder('device'), concat(hex('E7 00 FF FF'), RLRQ)))).toEqual(['length']);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder('device'), concat(AARQ, REPORT, RLRQ), { runs: 200, accountsForEveryByte: true });
  });
});
