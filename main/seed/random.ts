/**
 * The seeded randomness of `cunyi seed`: sfc32 (PractRand-clean, 128-bit state) keyed by cyrb128 of a label, so
 * the same seed gives the same township on every machine and Node version. Streams are derived per purpose and per
 * resident (`Rng.derive`), so what one resident draws never shifts what another gets.
 */
import { type CalendarDate, addDays, daysBetween } from '../../shared/domain/dates';

/** cyrb128: four 32-bit lanes from a string, the usual seeding hash for sfc32. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(private readonly label: string) {
    [this.a, this.b, this.c, this.d] = cyrb128(label);
    // The first outputs of sfc32 still echo the seed: discard them.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** An independent stream for a sub-purpose: `rng.derive('resident', 17)`. */
  derive(...parts: (string | number)[]): Rng {
    return new Rng(`${this.label}/${parts.join('/')}`);
  }

  uint32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max), rounded to `decimals`. */
  float(min: number, max: number, decimals = 1): number {
    const f = 10 ** decimals;
    return Math.round((min + this.next() * (max - min)) * f) / f;
  }

  /** Roughly normal (Irwin–Hall of 4), clamped to [min, max], rounded to `decimals`. */
  normal(mean: number, sd: number, min: number, max: number, decimals = 1): number {
    const z = (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
    const f = 10 ** decimals;
    return Math.round(Math.min(max, Math.max(min, mean + z * sd)) * f) / f;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One item by weight; `weights` are non-negative and not all zero. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [item, w] of items) {
      if (x < w) return item;
      x -= w;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** A date in [from, to], both included (from ≤ to). */
  dateBetween(from: CalendarDate, to: CalendarDate): CalendarDate {
    return addDays(from, this.int(0, Math.max(0, daysBetween(from, to))));
  }

  hex(length: number): string {
    let s = '';
    while (s.length < length) s += this.uint32().toString(16).padStart(8, '0');
    return s.slice(0, length);
  }
}

/** A UUIDv7-shaped id with time part `at` and a random part from the seeded stream. */
export function seededUuidV7(rng: Rng, at: number): string {
  const ms = Math.max(0, Math.floor(at)).toString(16).padStart(12, '0').slice(-12);
  const r = rng.hex(19);
  const variant = ((parseInt(r[3] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}

/**
 * Ids in generation order: the time part is a fixed base plus a counter, so same seed, same ids, and every id is
 * greater than the one before. Inserting in that order appends to the primary-key index instead of scattering
 * writes over it, which keeps the stress profile's 225,000 encounters fast once the index outgrows the page cache.
 */
export class IdSequence {
  private seq = 0;

  constructor(
    private readonly rng: Rng,
    private readonly baseMs: number,
  ) {}

  next(): string {
    return seededUuidV7(this.rng, this.baseMs + this.seq++);
  }
}

/**
 * Weighted sampling without replacement (Efraimidis–Spirakis): the `count` candidates with the largest u^(1/w).
 * Deterministic for a given stream and candidate order.
 */
export function weightedSample<T>(rng: Rng, candidates: readonly { item: T; weight: number }[], count: number): T[] {
  const keyed = candidates
    .filter((c) => c.weight > 0)
    .map((c, i) => ({ item: c.item, i, key: Math.log(Math.max(rng.next(), 1e-300)) / c.weight }));
  keyed.sort((a, b) => b.key - a.key || a.i - b.i);
  return keyed.slice(0, count).map((k) => k.item);
}
