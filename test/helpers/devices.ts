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
 * The properties every decoder must have (devices/README.md): random bytes in random chunks never throw; every
 * input byte comes back in some result (nothing silently dropped, except bare line ends and SAM preamble padding);
 * good frames decode the same whatever the chunking; after a mutated frame and a timeout (`finish`), good frames
 * decode again.
 */
export function fuzzDecoder<F>(make: () => Decoder<F>, goodStream: Uint8Array, opts: { runs?: number; accountsForEveryByte?: boolean } = {}): void {
  const runs = opts.runs ?? 200;
  const reference = decodeAll(make(), goodStream);
  const referenceFrames = JSON.stringify(frames(reference));
  expect(errors(reference)).toEqual([]);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (bytes, chunks) => {
      const out = decodeAll(make(), bytes, chunks);
      checkShape(out);
      if (opts.accountsForEveryByte) expect(out.reduce((n, r) => n + r.raw.length, 0)).toBe(bytes.length);
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
      expect(JSON.stringify(frames(decodeAll(d, goodStream, chunks)))).toBe(referenceFrames);
    }),
    { numRuns: runs },
  );
}
