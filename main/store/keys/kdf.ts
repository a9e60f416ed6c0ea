/**
 * Password -> key-encryption key. New and rewrapped slots use **argon2id** (`@node-rs/argon2`, a prebuilt N-API
 * binding whose derivations run on libuv's thread pool, so the runtime's thread stays responsive); slots made by
 * earlier releases keep **scrypt** (node:crypto) until their next successful sign-in rewraps them (vault.ts).
 *
 * The parameters and salt are written into every key slot, so the cost can be raised later: a slot keeps the
 * parameters it was made with, and `changePassword` or the sign-in upgrade rewraps with the current defaults.
 *
 * Defaults: argon2id m = 64 MiB (65536 KiB), t = 2, p = 1. The OWASP Password Storage Cheat Sheet puts argon2id
 * first and lists m = 19 MiB, t = 2, p = 1 (and, equivalently, m = 46 MiB, t = 1) as its minimum, equivalent to the
 * scrypt minimum N = 2^17, r = 8, p = 1 that the earlier slots use. We keep t = 2 and give it more than three times
 * that memory: memory is what a guessing GPU or ASIC pays for, and 64 MiB still costs a doctor signing in well under
 * a tenth of a second. p = 1: the binding computes lanes one after another, so more lanes would add time, not
 * strength per second. Measured on the 2-core development machine (Node 22, one derivation at a time, median of 15,
 * load 4–7 from other work, 2026-12-07):
 *   argon2id m = 19 MiB t = 2: ~56 ms (min 9), m = 46 MiB t = 1: ~36 ms (min 20), m = 64 MiB t = 2: ~116 ms
 *   (min 98), m = 64 MiB t = 3: ~244 ms (min 127); scrypt N = 2^17 r = 8 p = 1 in the same run: ~1,850 ms
 *   (min 1,380; ~450 ms quiet). `npm run bench -- kdf` measures the default.
 * The vault runs derivations one at a time, so at most one slot's memory (64 MiB; 128 MiB for a scrypt slot) is
 * in use.
 */
import { hashRaw } from '@node-rs/argon2';
import { randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

import { Base64Bytes } from './wrap';

export interface ScryptCost {
  /** Optional so the cost objects of earlier releases and tests (`{ N, r, p }`) still mean scrypt. */
  name?: 'scrypt';
  N: number;
  r: number;
  p: number;
}

export interface Argon2idCost {
  name: 'argon2id';
  /** KiB, as argon2's `m`. */
  memoryKiB: number;
  /** Passes over the memory, argon2's `t`. */
  timeCost: number;
  /** Lanes, argon2's `p`. */
  parallelism: number;
}

export type KdfCost = ScryptCost | Argon2idCost;

export const DEFAULT_KDF_COST: Readonly<Argon2idCost> = Object.freeze({
  name: 'argon2id',
  memoryKiB: 64 * 1024,
  timeCost: 2,
  parallelism: 1,
});

const SALT_BYTES = 16;
export const KEY_LEN = 32;
/** Argon2 version 1.3 (0x13), the RFC 9106 one; the binding's `Version.V0x13` is the const enum value 1. */
const ARGON2_VERSION = 0x13;
const BINDING_VERSION_0X13 = 1;
/** The binding's `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const BINDING_ARGON2ID = 2;

/**
 * Bounds on what a sidecar may ask for: a tampered or damaged file must not make us allocate gigabytes or spin
 * for minutes before we can even say "wrong password". The lower bounds are the algorithms' own floors, low enough
 * for tests' cheap parameters: a slot with lowered parameters gains an attacker nothing, since only the data key's
 * holder can make a slot that opens it; the cost of slots we make comes from `DEFAULT_KDF_COST`.
 */
const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
export const ScryptParams = z.object({
  name: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(2 ** 10)
    .max(2 ** 20)
    .refine(isPowerOfTwo, 'N must be a power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(4),
  keyLen: z.literal(KEY_LEN),
  salt: Base64Bytes(SALT_BYTES),
});
export type ScryptParams = z.infer<typeof ScryptParams>;

/** 256 MiB: four times the default, far below what would take a clinic PC's memory away. */
export const MAX_ARGON2_MEMORY_KIB = 256 * 1024;
export const MAX_ARGON2_TIME_COST = 10;
export const MAX_ARGON2_PARALLELISM = 4;
export const Argon2idParams = z
  .object({
    name: z.literal('argon2id'),
    version: z.literal(ARGON2_VERSION),
    memoryKiB: z.number().int().min(8).max(MAX_ARGON2_MEMORY_KIB),
    timeCost: z.number().int().min(1).max(MAX_ARGON2_TIME_COST),
    parallelism: z.number().int().min(1).max(MAX_ARGON2_PARALLELISM),
    keyLen: z.literal(KEY_LEN),
    salt: Base64Bytes(SALT_BYTES),
  })
  // RFC 9106 §3.1: m is at least 8·p KiB.
  .refine((p) => p.memoryKiB >= 8 * p.parallelism, 'memory must be at least 8 KiB per lane');
export type Argon2idParams = z.infer<typeof Argon2idParams>;

export const KdfParams = z.discriminatedUnion('name', [ScryptParams, Argon2idParams]);
export type KdfParams = z.infer<typeof KdfParams>;

export function isArgon2idCost(cost: KdfCost): cost is Argon2idCost {
  return cost.name === 'argon2id';
}

/** Fresh parameters with a random salt, for a new or rewrapped slot. */
export function newKdfParams(cost: KdfCost = DEFAULT_KDF_COST): KdfParams {
  const salt = randomBytes(SALT_BYTES).toString('base64');
  if (isArgon2idCost(cost)) {
    const { memoryKiB, timeCost, parallelism } = cost;
    return KdfParams.parse({ name: 'argon2id', version: ARGON2_VERSION, memoryKiB, timeCost, parallelism, keyLen: KEY_LEN, salt });
  }
  return KdfParams.parse({ name: 'scrypt', N: cost.N, r: cost.r, p: cost.p, keyLen: KEY_LEN, salt });
}

/** The cost a slot was made with (an unknown name at sign-in costs what a real slot does). */
export function costOf(params: KdfParams): KdfCost {
  return params.name === 'argon2id'
    ? { name: 'argon2id', memoryKiB: params.memoryKiB, timeCost: params.timeCost, parallelism: params.parallelism }
    : { name: 'scrypt', N: params.N, r: params.r, p: params.p };
}

/**
 * NFKC so a password typed with a Chinese IME in full-width mode (ＡＢＣ１２３) is the same password as in
 * half-width mode; changing this ever again would lock every existing user out.
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** OpenSSL needs 128·r·(N + p + 2) bytes; Node's default cap (32 MiB) is below our defaults. */
function maxmemFor(params: ScryptCost): number {
  return 128 * params.r * (params.N + params.p + 2) + 1024 * 1024;
}

export function deriveKey(password: string, params: KdfParams): Promise<Buffer> {
  const salt = Buffer.from(params.salt, 'base64');
  if (params.name === 'argon2id') {
    return hashRaw(normalisePassword(password), {
      salt,
      memoryCost: params.memoryKiB,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
      outputLen: params.keyLen,
      algorithm: BINDING_ARGON2ID,
      version: BINDING_VERSION_0X13,
    });
  }
  const { N, r, p, keyLen } = params;
  return new Promise((resolve, reject) => {
    scrypt(normalisePassword(password), salt, keyLen, { N, r, p, maxmem: maxmemFor(params) }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}
