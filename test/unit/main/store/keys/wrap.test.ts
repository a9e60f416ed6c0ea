import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../../../../shared/api/errors';
import { unwrapKey, wrapKey, WrappedKey } from '../../../../../main/store/keys/wrap';

const binding = { clinicCode: '110101001', slotId: 'slot-a' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
  return undefined;
}

describe('wrapKey / unwrapKey', () => {
  const dataKey = randomBytes(32);
  const kek = randomBytes(32);

  it('round-trips the data key and produces a valid sidecar shape', () => {
    const wrapped = wrapKey(dataKey, kek, binding);
    expect(WrappedKey.safeParse(wrapped).success).toBe(true);
    expect(unwrapKey(wrapped, kek, binding).equals(dataKey)).toBe(true);
  });

  it('uses a fresh IV each time', () => {
    expect(wrapKey(dataKey, kek, binding).iv).not.toBe(wrapKey(dataKey, kek, binding).iv);
  });

  it('a wrong key-encryption key is WRONG_PASSWORD, not a crypto error', () => {
    const wrapped = wrapKey(dataKey, kek, binding);
    expect(codeOf(() => unwrapKey(wrapped, randomBytes(32), binding))).toBe('WRONG_PASSWORD');
  });

  it.each([
    ['another clinic', { clinicCode: '110101002', slotId: 'slot-a' }],
    ['another slot id', { clinicCode: '110101001', slotId: 'slot-b' }],
  ])('a slot moved to %s fails even with the right key', (_label, other) => {
    const wrapped = wrapKey(dataKey, kek, binding);
    expect(codeOf(() => unwrapKey(wrapped, kek, other))).toBe('WRONG_PASSWORD');
  });

  it('a tampered or truncated tag fails', () => {
    const wrapped = wrapKey(dataKey, kek, binding);
    const tag = Buffer.from(wrapped.tag, 'base64');
    tag[0] = (tag[0] ?? 0) ^ 1;
    expect(codeOf(() => unwrapKey({ ...wrapped, tag: tag.toString('base64') }, kek, binding))).toBe('WRONG_PASSWORD');
    const short = Buffer.from(wrapped.tag, 'base64').subarray(0, 4).toString('base64');
    expect(codeOf(() => unwrapKey({ ...wrapped, tag: short }, kek, binding))).toBe('WRONG_PASSWORD');
  });

  it('reports the code the caller asks for', () => {
    const wrapped = wrapKey(dataKey, kek, binding);
    expect(codeOf(() => unwrapKey(wrapped, randomBytes(32), binding, 'RECOVERY_KEY_INVALID'))).toBe(
      'RECOVERY_KEY_INVALID',
    );
  });
});
