import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_KDF_COST,
  deriveKey,
  KdfParams,
  MAX_ARGON2_MEMORY_KIB,
  newKdfParams,
  type KdfCost,
} from '../../../../../main/store/keys/kdf';

const cheapScrypt: KdfCost = { N: 2 ** 10, r: 8, p: 1 };
const cheapArgon: KdfCost = { name: 'argon2id', memoryKiB: 64, timeCost: 1, parallelism: 1 };

describe('kdf', () => {
  it('new slots get argon2id with the real defaults (timing lives in bench/kdf.ts)', async () => {
    const params = newKdfParams();
    expect(params).toMatchObject({ ...DEFAULT_KDF_COST, version: 0x13, keyLen: 32 });
    expect(DEFAULT_KDF_COST).toEqual({ name: 'argon2id', memoryKiB: 65536, timeCost: 2, parallelism: 1 });
    expect(Buffer.from(params.salt, 'base64')).toHaveLength(16);
    const [a, b] = await Promise.all([deriveKey('correct horse', params), deriveKey('correct horse', params)]);
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(true);
  });

  it('derives argon2id version 1.3 (not argon2d or argon2i): the same bytes as the PHC hash the binding labels', async () => {
    const params = newKdfParams(cheapArgon);
    if (params.name !== 'argon2id') throw new Error('expected argon2id');
    const key = await deriveKey('correct horse', params);
    const phc = await hash('correct horse', { salt: Buffer.from(params.salt, 'base64'), memoryCost: 64, timeCost: 1, parallelism: 1, outputLen: 32 });
    expect(phc.startsWith('$argon2id$v=19$m=64,t=1,p=1$')).toBe(true);
    expect(Buffer.from(phc.split('$').pop() ?? '', 'base64').equals(key)).toBe(true);
  });

  it('a cost object without a name (slots and tests of earlier releases) still means scrypt', () => {
    expect(newKdfParams(cheapScrypt)).toMatchObject({ name: 'scrypt', N: 1024, r: 8, p: 1 });
  });

  it.each([
    ['scrypt', cheapScrypt],
    ['argon2id', cheapArgon],
  ])('%s: the salt makes two slots with the same password differ', async (_kind, cost) => {
    const [a, b] = await Promise.all([deriveKey('same', newKdfParams(cost)), deriveKey('same', newKdfParams(cost))]);
    expect(a.equals(b)).toBe(false);
  });

  it.each([
    ['scrypt', cheapScrypt],
    ['argon2id', cheapArgon],
  ])('%s: a full-width password from a Chinese IME is the same password', async (_kind, cost) => {
    const params = newKdfParams(cost);
    const [half, full] = await Promise.all([deriveKey('abc12345', params), deriveKey('ａｂｃ１２３４５', params)]);
    expect(half.equals(full)).toBe(true);
  });

  it('the two kinds give different keys for the same password and salt', async () => {
    const scrypt = newKdfParams(cheapScrypt);
    const argon = { ...newKdfParams(cheapArgon), salt: scrypt.salt } as KdfParams;
    const [a, b] = await Promise.all([deriveKey('same', scrypt), deriveKey('same', argon)]);
    expect(a.equals(b)).toBe(false);
  });

  it.each([
    ['N not a power of two', { N: 3000 }],
    ['N above 2^20 (a tampered file asking for gigabytes)', { N: 2 ** 21 }],
    ['N below 2^10', { N: 2 ** 9 }],
    ['r too large', { r: 64 }],
    ['p too large', { p: 16 }],
    ['short salt', { salt: Buffer.alloc(8).toString('base64') }],
    ['non-base64 salt', { salt: '!!!!' }],
    ['other key length', { keyLen: 64 }],
    ['argon2 fields on a scrypt slot', { name: 'argon2id' }],
  ])('scrypt: rejects %s', (_label, change) => {
    expect(KdfParams.safeParse({ ...newKdfParams(cheapScrypt), ...change }).success).toBe(false);
  });

  it.each([
    ['memory above 256 MiB (a tampered file asking for gigabytes)', { memoryKiB: MAX_ARGON2_MEMORY_KIB + 1 }],
    ['4 GiB of memory', { memoryKiB: 4 * 1024 * 1024 }],
    ['memory below 8 KiB per lane', { memoryKiB: 16, parallelism: 4 }],
    ['zero memory', { memoryKiB: 0 }],
    ['zero passes', { timeCost: 0 }],
    ['more than 10 passes (minutes before "wrong password")', { timeCost: 11 }],
    ['zero lanes', { parallelism: 0 }],
    ['more than 4 lanes', { parallelism: 5 }],
    ['fractional memory', { memoryKiB: 64.5 }],
    ['argon2 version 1.0', { version: 0x10 }],
    ['no version', { version: undefined }],
    ['short salt', { salt: Buffer.alloc(8).toString('base64') }],
    ['other key length', { keyLen: 16 }],
    ['an unknown KDF name', { name: 'pbkdf2' }],
  ])('argon2id: rejects %s', (_label, change) => {
    expect(KdfParams.safeParse({ ...newKdfParams(cheapArgon), ...change }).success).toBe(false);
  });

  it.each([
    ['the argon2 floor (8 KiB, one pass, one lane)', { memoryKiB: 8, timeCost: 1, parallelism: 1 }],
    ['the ceiling (256 MiB, 10 passes, 4 lanes)', { memoryKiB: MAX_ARGON2_MEMORY_KIB, timeCost: 10, parallelism: 4 }],
    ['the defaults', { memoryKiB: 65536, timeCost: 2, parallelism: 1 }],
  ])('argon2id: accepts %s', (_label, change) => {
    expect(KdfParams.safeParse({ ...newKdfParams(cheapArgon), ...change }).success).toBe(true);
  });
});
