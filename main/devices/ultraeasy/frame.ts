/**
 * OneTouch UltraEasy / Ultra Mini binary link (glucometer-onetouch.md Part 2): STX, LEN (whole packet), link
 * control, message, ETX, CRC-16/CCITT-FALSE little-endian over STX…ETX. Packets are at most 34 bytes (Thompson's
 * driver); the link bits (S/E/ack/disconnect) are checked by the session, not here.
 */
import { ByteQueue, fail, good, type DecodeResult, type Decoder, type Direction } from '../frame-types';
import { rangeFlags, type GlucoseRecord } from '../glucose-record';

export const STX = 0x02;
export const ETX = 0x03;
export const MAX_PACKET = 34;
export const MIN_PACKET = 6;

export const LINK = { more: 0x10, disconnect: 0x08, ack: 0x04, expect: 0x02, sequence: 0x01 } as const;

export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodePacket(link: number, message: Uint8Array | readonly number[]): Uint8Array {
  const len = message.length + 6;
  const out = new Uint8Array(len);
  out[0] = STX;
  out[1] = len;
  out[2] = link;
  out.set(message, 3);
  out[len - 3] = ETX;
  const crc = crc16(out.subarray(0, len - 2));
  out[len - 2] = crc & 0xff;
  out[len - 1] = crc >> 8;
  return out;
}

/** Messages the host may send. Erase (`05 1A`) is deliberately absent: it is never sent (devices/README.md). */
export const MESSAGES = {
  version: [0x05, 0x0d, 0x02],
  serial: [0x05, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x84, 0x6a, 0xe8, 0x73, 0x00],
  readClock: [0x05, 0x20, 0x02, 0x00, 0x00, 0x00, 0x00],
  unit: [0x05, 0x09, 0x02, 0x09, 0x00, 0x00, 0x00, 0x00],
  /** glucometerutils asks for record 501, which does not exist, to get the count. */
  count: [0x05, 0x1f, 0xf5, 0x01],
} as const;

export function recordMessage(n: number): number[] {
  return [0x05, 0x1f, n & 0xff, (n >> 8) & 0xff];
}

export interface LinkBits {
  more: boolean;
  disconnect: boolean;
  ack: boolean;
  e: 0 | 1;
  s: 0 | 1;
}

export type HostRequest = 'version' | 'serial' | 'readClock' | 'setClock' | 'unit' | 'count' | 'record' | 'erase' | 'unknown';

export type UltraEasyFrame =
  | { kind: 'link'; link: LinkBits }
  | { kind: 'request'; link: LinkBits; request: HostRequest; index: number | null; message: Uint8Array }
  | { kind: 'count'; link: LinkBits; count: number }
  /** `05 06` + 8 bytes: time (meter wall clock) + mg/dL. */
  | { kind: 'record'; link: LinkBits; record: GlucoseRecord }
  /** Any other `05 06` reply: its meaning depends on the request (serial, version, clock, unit). */
  | { kind: 'reply'; link: LinkBits; payload: Uint8Array; text: string | null };

export function linkBits(b: number): LinkBits {
  return { more: !!(b & LINK.more), disconnect: !!(b & LINK.disconnect), ack: !!(b & LINK.ack), e: b & LINK.expect ? 1 : 0, s: b & LINK.sequence ? 1 : 0 };
}

function u32le(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16)) + (b[i + 3] ?? 0) * 0x1000000;
}

/** Meter times are seconds since 1970 of its local wall clock: decode with UTC functions, attach no zone. */
export function meterTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

function printable(b: Uint8Array): string | null {
  return b.length > 0 && b.every((c) => c >= 0x20 && c < 0x7f) ? Buffer.from(b).toString('latin1') : null;
}

function decodePacket(p: Uint8Array, from: Direction): DecodeResult<UltraEasyFrame> {
  const link = linkBits(p[2] ?? 0);
  const msg = p.subarray(3, p.length - 3);
  if ((p[2] ?? 0) & 0xe0) return fail('format', 'reserved link-control bits are set', p);
  if (msg.length === 0) return good({ kind: 'link', link }, p);
  if (msg[0] !== 0x05) return fail('format', `message does not start with 05`, p);
  if (from === 'host') {
    const second = msg[1];
    let request: HostRequest = 'unknown';
    let index: number | null = null;
    if (second === 0x0d) request = 'version';
    else if (second === 0x0b) request = 'serial';
    else if (second === 0x20) request = msg[2] === 0x01 ? 'setClock' : 'readClock';
    else if (second === 0x09) request = 'unit';
    else if (second === 0x1a) request = 'erase';
    else if (second === 0x1f && msg.length === 4) {
      index = (msg[2] ?? 0) | ((msg[3] ?? 0) << 8);
      request = index >= 500 ? 'count' : 'record';
      if (request === 'count') index = null;
    }
    return good({ kind: 'request', link, request, index, message: Uint8Array.from(msg) }, p);
  }
  if (msg[1] === 0x0f) {
    if (msg.length !== 4) return fail('length', 'count reply is not 4 bytes', p);
    return good({ kind: 'count', link, count: (msg[2] ?? 0) | ((msg[3] ?? 0) << 8) }, p);
  }
  if (msg[1] !== 0x06) return fail('device-status', `meter answered 05 ${(msg[1] ?? 0).toString(16).padStart(2, '0').toUpperCase()} (not success)`, p, msg[1] ?? 0);
  const payload = msg.subarray(2);
  if (payload.length === 8) {
    const mgdl = u32le(payload, 4);
    return good({ kind: 'record', link, record: { at: meterTime(u32le(payload, 0)), mgdl, flags: rangeFlags(mgdl), meal: null, comment: null } }, p);
  }
  // Version replies carry their own length byte before the text.
  const text = payload.length > 1 && payload[0] === payload.length - 1 ? printable(payload.subarray(1)) : printable(payload);
  return good({ kind: 'reply', link, payload: Uint8Array.from(payload), text }, p);
}

export function createDecoder(from: Direction): Decoder<UltraEasyFrame> {
  const q = new ByteQueue();
  return {
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<UltraEasyFrame>[] = [];
      for (;;) {
        const at = q.indexOf([STX]);
        if (at < 0) {
          if (q.length) out.push(fail('garbage', `${q.length} bytes outside a packet`, q.take(q.length)));
          return out;
        }
        if (at > 0) out.push(fail('garbage', `${at} bytes before STX`, q.take(at)));
        if (q.length < 2) return out;
        const len = q.at(1);
        if (len < MIN_PACKET || len > MAX_PACKET) {
          out.push(fail('length', `packet length ${len} is outside ${MIN_PACKET}–${MAX_PACKET}`, q.take(2)));
          continue;
        }
        if (q.length < len) return out;
        const p = q.view(0, len);
        // A damaged packet may hide the STX of a good one: only its STX is given up (and reported, so every byte is
        // accounted for once); the decoder resyncs on the byte after it.
        if (p[len - 3] !== ETX) {
          out.push(fail('format', `no ETX where the length says (${len}-byte packet dropped from its STX)`, q.take(1)));
          continue;
        }
        const crc = (p[len - 2] ?? 0) | ((p[len - 1] ?? 0) << 8);
        if (crc16(p.subarray(0, len - 2)) !== crc) {
          out.push(fail('checksum', `CRC-16 does not match (${len}-byte packet dropped from its STX)`, q.take(1)));
          continue;
        }
        out.push(decodePacket(q.take(len), from));
      }
    },
    finish() {
      return q.length ? [fail('truncated', `${q.length} bytes without a complete packet`, q.take(q.length))] : [];
    },
  };
}
