/**
 * Beurer BM58/BM65 (Andon KD001 family) serial protocol (bp-and-11073.md §A): single command bytes from the host,
 * fixed-size binary replies without framing or checksum. A reply's size depends on the command, so the session
 * tells the decoder what it expects; without that (a capture in `cunyi device decode`) only the self-describing
 * replies are recognised: `55` ready, `A9` no record, `AC` + 8 bytes record.
 */
import { ByteQueue, fail, good, type DecodeResult, type Decoder, type Direction } from '../frame-types';
import { pad2 } from '../glucose-record';

export const ATTENTION = 0xaa;
export const READY = 0x55;
export const IDENTIFY = 0xa4;
export const COUNT = 0xa2;
export const READ = 0xa3;
export const RECORD_MARK = 0xac;
export const NO_RECORD = 0xa9;
export const IDENTITY_LENGTH = 32;

export interface BeurerRecord {
  /** Meter wall clock, minutes only (seconds are not stored). */
  at: string;
  systolic: number;
  diastolic: number;
  pulse: number;
}

export type Expectation = 'ready' | 'identity' | 'count' | 'record';

export type BeurerFrame =
  | { kind: 'command'; command: 'attention' | 'identify' | 'count' | 'read'; index: number | null }
  | { kind: 'ready' }
  | { kind: 'identity'; model: string }
  | { kind: 'count'; count: number }
  | { kind: 'noRecord' }
  | { kind: 'record'; record: BeurerRecord };

export interface BeurerDecoder extends Decoder<BeurerFrame> {
  /** The session's last command decides how the next reply is read. */
  expect(next: Expectation | null): void;
}

export function encodeRead(index: number): Uint8Array {
  return Uint8Array.of(READ, index & 0xff);
}

export function parseRecord(b: Uint8Array): BeurerRecord | null {
  const [mark, sys, dia, pulse, month, day, hour, minute, year] = Array.from(b);
  if (mark !== RECORD_MARK || year === undefined || sys === undefined || dia === undefined || pulse === undefined) return null;
  const y = 2000 + year;
  const t = Date.UTC(y, (month ?? 0) - 1, day ?? 0, hour ?? 0, minute ?? 0);
  const d = new Date(t);
  if (d.getUTCMonth() + 1 !== month || d.getUTCDate() !== day || (hour ?? 99) > 23 || (minute ?? 99) > 59) return null;
  if (pulse === 0) return null;
  return { at: `${y}-${pad2(month)}-${pad2(day)}T${pad2(hour ?? 0)}:${pad2(minute ?? 0)}:00`, systolic: sys + 25, diastolic: dia + 25, pulse };
}

export function encodeRecord(r: BeurerRecord): Uint8Array {
  const [date, time] = r.at.split('T');
  const [y, mo, d] = (date ?? '').split('-').map(Number);
  const [h, mi] = (time ?? '').split(':').map(Number);
  return Uint8Array.of(RECORD_MARK, r.systolic - 25, r.diastolic - 25, r.pulse, mo ?? 0, d ?? 0, h ?? 0, mi ?? 0, (y ?? 2000) - 2000);
}

export function createDecoder(from: Direction): BeurerDecoder {
  const q = new ByteQueue();
  let expecting: Expectation | null = null;
  const garbage: number[] = [];

  function flushGarbage(out: DecodeResult<BeurerFrame>[]): void {
    if (garbage.length) out.push(fail('garbage', `${garbage.length} unexpected bytes`, Uint8Array.from(garbage.splice(0))));
  }

  function host(out: DecodeResult<BeurerFrame>[]): boolean {
    const b = q.at(0);
    if (b === ATTENTION || b === IDENTIFY || b === COUNT) {
      flushGarbage(out);
      const command = b === ATTENTION ? 'attention' : b === IDENTIFY ? 'identify' : 'count';
      out.push(good({ kind: 'command', command, index: null }, q.take(1)));
      return true;
    }
    if (b === READ) {
      if (q.length < 2) return false;
      flushGarbage(out);
      const raw = q.take(2);
      out.push(good({ kind: 'command', command: 'read', index: raw[1] ?? 0 }, raw));
      return true;
    }
    garbage.push(...q.take(1));
    return true;
  }

  function device(out: DecodeResult<BeurerFrame>[]): boolean {
    const b = q.at(0);
    if (expecting === 'identity') {
      if (q.length < IDENTITY_LENGTH) return false;
      flushGarbage(out);
      const raw = q.take(IDENTITY_LENGTH);
      expecting = null;
      const model = Buffer.from(raw).toString('latin1').replace(/[\0 ]+$/, '');
      out.push(/^[\x20-\x7e]*$/.test(model) ? good({ kind: 'identity', model }, raw) : fail('format', 'model string is not ASCII', raw));
      return true;
    }
    if (expecting === 'count') {
      flushGarbage(out);
      expecting = null;
      const raw = q.take(1);
      out.push(good({ kind: 'count', count: raw[0] ?? 0 }, raw));
      return true;
    }
    if (b === READY && (expecting === null || expecting === 'ready')) {
      flushGarbage(out);
      expecting = null;
      out.push(good({ kind: 'ready' }, q.take(1)));
      return true;
    }
    if (b === NO_RECORD && (expecting === null || expecting === 'record')) {
      flushGarbage(out);
      expecting = null;
      out.push(good({ kind: 'noRecord' }, q.take(1)));
      return true;
    }
    if (b === RECORD_MARK && (expecting === null || expecting === 'record')) {
      if (q.length < 9) return false;
      const record = parseRecord(q.view(0, 9));
      if (record) {
        flushGarbage(out);
        expecting = null;
        out.push(good({ kind: 'record', record }, q.take(9)));
        return true;
      }
      // A record marker with impossible fields: report it and look for the next marker one byte on. The error carries
      // only the marker byte it consumed; the 8 after it are scanned again, so every byte is reported exactly once.
      flushGarbage(out);
      out.push(fail('format', 'record has an impossible date, time or pulse', q.take(1)));
      return true;
    }
    garbage.push(...q.take(1));
    return true;
  }

  return {
    expect(next) {
      expecting = next;
    },
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<BeurerFrame>[] = [];
      while (q.length > 0 && (from === 'host' ? host(out) : device(out)));
      flushGarbage(out);
      return out;
    },
    finish() {
      const out: DecodeResult<BeurerFrame>[] = [];
      flushGarbage(out);
      if (q.length) out.push(fail('truncated', `${q.length} bytes of an incomplete reply`, q.take(q.length)));
      expecting = null;
      return out;
    },
  };
}
