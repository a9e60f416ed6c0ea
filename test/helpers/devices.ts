/** Shared by the device decoder tests: hex vectors, chunked feeding and the fast-check fuzz properties. */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { DecodeResult, Decoder } from '../../main/devices/frame-types';
import { FRAME_ERROR_KINDS } from '../../main/devices/frame-types';

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/[\s↵]/g, ''), 'hex'));
}

export function latin1(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

/** Feeds `bytes` in chunks of the given sizes (cycling), then finishes. */
export function decodeAll<F>(d: Decoder<F>, bytes: Uint8Array, chunks: number[] = [bytes.length || 1]): DecodeResult<F>[] {
  const out: DecodeResult<F>[] = [];
  let i = 0;
  let c = 0;
  while (i < bytes.length) {
    const n = Math.max(1, chunks[c++ % chunks.length] ?? 1);
    out.push(...d.push(bytes.subarray(i, i + n)));
    i += n;
  }
  out.push(...d.finish());
  return out;
}

export function frames<F>(results: DecodeResult<F>[]): F[] {
  return results.flatMap((r) => (r.ok ? [r.frame] : []));
}

export function errors<F>(results: DecodeResult<F>[]): string[] {
  return results.flatMap((r) => (r.ok ? [] : [r.error]));
}

function checkShape<F>(results: DecodeResult<F>[]): void {
  for (const r of results) {
    expect(r.raw).toBeInstanceOf(Uint8Array);
    if (!r.ok) expect(FRAME_ERROR_KINDS).toContain(r.error);
  }
}

/**
 * Every byte in exactly one result (`true`), or, for protocols that skip some bytes without a word (bare line ends,
 * SAM preamble padding), never a byte reported twice and never one of the others dropped: the reported count lies
 * between the input length less the skippable bytes and the input length.
 */
export type ByteAccounting = true | { skippable: readonly number[] };

function expectAccounted<F>(results: DecodeResult<F>[], bytes: Uint8Array, accounting: ByteAccounting | undefined): void {
  if (accounting === undefined) return;
  const reported = results.reduce((n, r) => n + r.raw.length, 0);
  if (accounting === true) {
    expect(reported).toBe(bytes.length);
    return;
  }
  const skippable = bytes.reduce((n, b) => n + (accounting.skippable.includes(b) ? 1 : 0), 0);
  expect(reported).toBeLessThanOrEqual(bytes.length);
  expect(reported).toBeGreaterThanOrEqual(bytes.length - skippable);
}

/**
 * The properties every decoder must have (devices/README.md): random bytes in random chunks never throw; every
 * input byte comes back in some result (`accountsForEveryByte`); good frames decode the same whatever the chunking;
 * streams spliced from pieces of good frames and random bytes (a frame start inside a damaged frame) are accounted
 * for; after a mutated frame and a timeout (`finish`), good frames decode again.
 */
export function fuzzDecoder<F>(make: () => Decoder<F>, goodStream: Uint8Array, opts: { runs?: number; accountsForEveryByte?: ByteAccounting } = {}): void {
  const runs = opts.runs ?? 200;
  const accounting = opts.accountsForEveryByte;
  const reference = decodeAll(make(), goodStream);
  const referenceFrames = JSON.stringify(frames(reference));
  expect(errors(reference)).toEqual([]);
  const chunking = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), chunking, (bytes, chunks) => {
      const out = decodeAll(make(), bytes, chunks);
      checkShape(out);
      expectAccounted(out, bytes, accounting);
    }),
    { numRuns: runs },
  );
  const piece = fc.oneof(
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })).map(([at, n]) => goodStream.subarray(at % goodStream.length, (at % goodStream.length) + n)),
    fc.uint8Array({ minLength: 1, maxLength: 8 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), chunking, (pieces, chunks) => {
      const bytes = concat(...pieces);
      const out = decodeAll(make(), bytes, chunks);
      checkShape(out);
      expectAccounted(out, bytes, accounting);
    }),
    { numRuns: runs },
  );
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 6 }), (chunks) => {
      expect(JSON.stringify(frames(decodeAll(make(), goodStream, chunks)))).toBe(referenceFrames);
    }),
    { numRuns: Math.ceil(runs / 4) },
  );
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  );
  fc.assert(
    fc.property(mutation, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), (m, chunks) => {
      const at = m.at % Math.max(1, goodStream.length);
      let bad: Uint8Array;
      if (m.kind === 'flip') {
        bad = Uint8Array.from(goodStream);
        bad[at] = (bad[at] ?? 0) ^ m.xor;
      } else if (m.kind === 'cut') bad = goodStream.subarray(0, at);
      else bad = concat(goodStream.subarray(0, at), m.bytes, goodStream.subarray(at));
      const d = make();
      const first = decodeAll(d, bad, chunks);
      checkShape(first);
      expectAccounted(first, bad, accounting);
      expect(JSON.stringify(frames(decodeAll(d, goodStream, chunks)))).toBe(referenceFrames);
    }),
    { numRuns: runs },
  );
}
