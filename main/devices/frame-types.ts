/**
 * What every protocol decoder in `main/devices/<protocol>/frame.ts` promises: `push(bytes)` returns zero or more
 * results and never throws; garbage is skipped (and reported), frames are capped in size, and `finish()` reports the
 * bytes still buffered as a `truncated` error so nothing is silently dropped (devices/README.md "Driver structure").
 */

/** Named reasons a run of bytes did not become a frame (devices/README.md). */
export const FRAME_ERROR_KINDS = ['checksum', 'length', 'format', 'sequence', 'truncated', 'device-status', 'garbage'] as const;
export type FrameErrorKind = (typeof FRAME_ERROR_KINDS)[number];

export type DecodeResult<F> =
  | { ok: true; frame: F; raw: Uint8Array }
  | { ok: false; error: FrameErrorKind; message: string; raw: Uint8Array; status?: number };

export interface Decoder<F> {
  /** Feeds the next bytes; returns every result they complete. Never throws. */
  push(chunk: Uint8Array): DecodeResult<F>[];
  /** End of input (or a session timeout): anything still buffered comes back as one `truncated` error. */
  finish(): DecodeResult<F>[];
}

/** Which end of the link produced the bytes being decoded. */
export type Direction = 'device' | 'host';

export function fail<F>(error: FrameErrorKind, message: string, raw: Uint8Array, status?: number): DecodeResult<F> {
  return status === undefined ? { ok: false, error, message, raw: Uint8Array.from(raw) } : { ok: false, error, message, raw: Uint8Array.from(raw), status };
}

export function good<F>(frame: F, raw: Uint8Array): DecodeResult<F> {
  return { ok: true, frame, raw: Uint8Array.from(raw) };
}

/** A growable byte buffer with cheap consumption from the front. */
export class ByteQueue {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.length;
      if (live + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array((live + chunk.length) * 2);
        next.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  at(i: number): number {
    return this.buf[this.start + i] ?? 0;
  }

  view(from = 0, to = this.length): Uint8Array {
    return this.buf.subarray(this.start + from, this.start + Math.min(to, this.length));
  }

  /** Removes and returns (a copy of) the first `n` bytes. */
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.start += Math.min(n, this.length);
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  indexOf(pattern: readonly number[], from = 0): number {
    const n = this.length - pattern.length;
    outer: for (let i = from; i <= n; i++) {
      for (let j = 0; j < pattern.length; j++) if (this.buf[this.start + i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** Strips spaces and an optional `0x`/`,` between bytes; null when the text is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | null {
  const clean = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** True when text holds C0 control characters other than TAB, DEL, or U+FFFD (bytes that were not text). */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}
