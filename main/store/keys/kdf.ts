/**
 * Password -> key-encryption key, with scrypt (memory-hard, in node:crypto, no native add-on to ship).
 *
 * The parameters and salt are written into every key slot, so the cost can be raised later: a slot keeps the
 * parameters it was made with, and `changePassword` rewraps with the current defaults.
 *
 * Defaults: N = 2^17, r = 8, p = 1 (128 MiB), the OWASP Password Storage Cheat Sheet minimum for scrypt.
 * Measured on the 2-core development machine (Node 20.20, `npx tsx bench/kdf.ts`, 2026-11-23):
 *   N = 2^15: ~73 ms, N = 2^16: ~150 ms, N = 2^17: ~300 ms per derivation.
 * 2^16 would already pass the 100 ms floor; 2^17 keeps a margin for faster attacker hardware at a cost a
 * doctor signing in once a morning does not notice. Derivations run on libuv's thread pool, so the main
 * process stays responsive, and the vault runs them one at a time so at most 128 MiB is in use.
 */
import { randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

import { Base64Bytes } from './wrap';

export interface KdfCost {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_KDF_COST: Readonly<KdfCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const SALT_BYTES = 16;
export const KEY_LEN = 32;

/**
 * Bounds on what a sidecar may ask for: a tampered or damaged file must not make us allocate gigabytes or spin
 * for minutes before we can even say "wrong password". The lower bound lets tests use cheap parameters.
 */
const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
export const KdfParams = z.object({
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
export type KdfParams = z.infer<typeof KdfParams>;

/** Fresh parameters with a random salt, for a new or rewrapped slot. */
export function newKdfParams(cost: KdfCost = DEFAULT_KDF_COST): KdfParams {
  return KdfParams.parse({
    name: 'scrypt',
    N: cost.N,
    r: cost.r,
    p: cost.p,
    keyLen: KEY_LEN,
    salt: randomBytes(SALT_BYTES).toString('base64'),
  });
}

/**
 * NFKC so a password typed with a Chinese IME in full-width mode (ＡＢＣ１２３) is the same password as in
 * half-width mode; changing this ever again would lock every existing user out.
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** OpenSSL needs 128·r·(N + p + 2) bytes; Node's default cap (32 MiB) is below our defaults. */
function maxmemFor(params: KdfCost): number {
  return 128 * params.r * (params.N + params.p + 2) + 1024 * 1024;
}

export function deriveKey(password: string, params: KdfParams): Promise<Buffer> {
  const { N, r, p, keyLen } = params;
  const salt = Buffer.from(params.salt, 'base64');
  return new Promise((resolve, reject) => {
    scrypt(normalisePassword(password), salt, keyLen, { N, r, p, maxmem: maxmemFor(params) }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}
