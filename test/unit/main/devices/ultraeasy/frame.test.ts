import { describe, expect, it } from 'vitest';
import { crc16, createDecoder, encodePacket, MESSAGES } from '../../../../../main/devices/ultraeasy/frame';
import { concat, decodeAll, errors, frames, fuzzDecoder, hex, latin1 } from '../../../../helpers/devices';

const device = hex('02 06 0C 03 06 AE 02 06 06 03 CD 41 02 0A 02 05 0F 02 00 03 2C 6F 02 06 05 03 9E 14 02 10 01 05 06 86 FC F3 65 7E 00 00 00 03 96 00');

describe('OneTouch UltraEasy binary decoder (glucometer-onetouch.md Part 2)', () => {
  it.each([
    ['123456789', 0x29b1],
  ])('CRC-16/CCITT-FALSE check value of %s', (s, v) => expect(crc16(latin1(s))).toBe(v));
  it.each([
    ['02 06 06 03', 0x41cd],
    ['02 06 08 03', 0x62c2],
  ])('CRC of %s', (b, v) => expect(crc16(hex(b))).toBe(v));

  it('V1–V3 host packets encode byte for byte', () => {
    expect(encodePacket(0x08, [])).toEqual(hex('02 06 08 03 C2 62'));
    expect(encodePacket(0x00, MESSAGES.count)).toEqual(hex('02 0A 00 05 1F F5 01 03 38 AA'));
    expect(encodePacket(0x07, [])).toEqual(hex('02 06 07 03 FC 72'));
    expect(encodePacket(0x03, [0x05, 0x1f, 0, 0])).toEqual(hex('02 0A 03 05 1F 00 00 03 4B 5F'));
  });

  it('V1–V3 meter packets: reset ack, count 2, record 0 = 2024-03-15 07:45:10 126 mg/dL', () => {
    expect(frames(decodeAll(createDecoder('device'), device, [3]))).toMatchObject([
      { kind: 'link', link: { ack: true, disconnect: true } },
      { kind: 'link', link: { ack: true, e: 1, s: 0 } },
      { kind: 'count', count: 2, link: { s: 0 } },
      { kind: 'link', link: { ack: true } },
      { kind: 'record', record: { at: '2024-03-15T07:45:10', mgdl: 126, flags: [] }, link: { s: 1 } },
    ]);
  });

  it('host capture decodes to requests', () => {
    const host = hex('02 06 08 03 C2 62 02 0A 00 05 1F F5 01 03 38 AA 02 06 07 03 FC 72 02 0A 03 05 1F 00 00 03 4B 5F');
    expect(frames(decodeAll(createDecoder('host'), host))).toMatchObject([
      { kind: 'link' },
      { kind: 'request', request: 'count' },
      { kind: 'link' },
      { kind: 'request', request: 'record', index: 0 },
    ]);
  });

  it('bad CRC, wrong ETX and absurd LEN are named errors, then decoding resumes', () => {
    const badCrc = hex('02 0A 02 05 0F 02 00 03 2C 6E');
    const badEtx = hex('02 06 06 04 CD 41');
    const absurd = hex('02 FF 00');
    const r = decodeAll(createDecoder('device'), concat(badCrc, badEtx, absurd, hex('02 06 06 03 CD 41')));
    expect(errors(r)).toEqual(expect.arrayContaining(['checksum', 'format', 'length']));
    expect(frames(r)).toMatchObject([{ kind: 'link', link: { ack: true } }]);
  });

  it('an error reply (05 not 06) is a device-status error', () => {
    expect(decodeAll(createDecoder('device'), encodePacket(0x00, [0x05, 0x15]))).toMatchObject([{ ok: false, error: 'device-status', status: 0x15 }]);
  });

  it('a packet with no ETX or a bad CRC gives up only its STX, so each byte is reported once (fast-check seed 823445768)', () => {
    const out = decodeAll(createDecoder('device'), Uint8Array.from([0x02, 0x06, 0, 0, 0, 0]), [1]);
    expect(out[0]).toMatchObject({ ok: false, error: 'format', raw: Uint8Array.from([0x02]) });
    expect(out.reduce((n, r) => n + r.raw.length, 0)).toBe(6);
    const bad = encodePacket(0x00, [0x05, 0x06]);
    bad[bad.length - 1]! ^= 0xff;
    const again = decodeAll(createDecoder('device'), concat(bad, encodePacket(0x00, [0x05, 0x06])));
    expect(again[0]).toMatchObject({ ok: false, error: 'checksum', raw: Uint8Array.from([0x02]) });
    expect(again.reduce((n, r) => n + r.raw.length, 0)).toBe(bad.length * 2);
    expect(frames(again)).toHaveLength(1);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder('device'), device, { runs: 200, accountsForEveryByte: true });
  });
});
