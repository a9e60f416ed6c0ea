import { describe, expect, it } from 'vitest';

import { DEFAULT_KDF_COST, deriveKey, KdfParams, newKdfParams } from '../../../../../main/store/keys/kdf';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('kdf', () => {
  it('derives with the real defaults (timing lives in bench/kdf.ts)', async () => {
    const params = newKdfParams();
    expect(params).toMatchObject({ name: 'scrypt', ...DEFAULT_KDF_COST, keyLen: 32 });
    expect(Buffer.from(params.salt, 'base64')).toHaveLength(16);
    const [a, b] = await Promise.all([deriveKey('correct horse', params), deriveKey('correct horse', params)]);
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(true);
  });

  it('the salt makes two slots with the same password differ', async () => {
    const [a, b] = await Promise.all([
      deriveKey('same', newKdfParams(cheap)),
      deriveKey('same', newKdfParams(cheap)),
    ]);
    expect(a.equals(b)).toBe(false);
  });

  it('a full-width password from a Chinese IME is the same password', async () => {
    const params = newKdfParams(cheap);
    const [half, full] = await Promise.all([deriveKey('abc12345', params), deriveKey('ａｂｃ１２３４５', params)]);
    expect(half.equals(full)).toBe(true);
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
  ])('rejects %s', (_label, change) => {
    expect(KdfParams.safeParse({ ...newKdfParams(cheap), ...change }).success).toBe(false);
  });
});
