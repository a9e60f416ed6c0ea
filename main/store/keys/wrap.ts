/**
 * AES-256-GCM wrapping of the 32-byte data key. The additional data binds a wrapped key to its clinic and slot,
 * so a slot pasted in from another clinic's sidecar (or moved to another slot id) fails authentication even if
 * its password is known.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

import { AppError } from '../../../shared/api/errors';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

/** Canonical base64 of exactly `bytes` bytes; anything else in the sidecar is damage, not data. */
export function Base64Bytes(bytes: number) {
  return z.string().refine((s) => {
    const decoded = Buffer.from(s, 'base64');
    return decoded.length === bytes && decoded.toString('base64') === s;
  }, `expected base64 of ${bytes} bytes`);
}

export const WrappedKey = z.object({
  iv: Base64Bytes(IV_BYTES),
  tag: Base64Bytes(TAG_BYTES),
  data: Base64Bytes(DATA_KEY_BYTES),
});
export type WrappedKey = z.infer<typeof WrappedKey>;

export interface SlotBinding {
  clinicCode: string;
  slotId: string;
}

/** A JSON array cannot be ambiguous the way a concatenation of free-form strings can. */
function aadFor(binding: SlotBinding): Buffer {
  return Buffer.from(JSON.stringify(['cunyi.keyslot.v1', binding.clinicCode, binding.slotId]), 'utf8');
}

export function wrapKey(dataKey: Buffer, kek: Buffer, binding: SlotBinding): WrappedKey {
  if (dataKey.length !== DATA_KEY_BYTES || kek.length !== 32) {
    throw new Error('wrapKey: data key and key-encryption key must be 32 bytes');
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadFor(binding));
  const data = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/**
 * A wrong key-encryption key and a tampered or misplaced slot look the same to GCM, and both mean the same to
 * the person at the keyboard: `failure` (WRONG_PASSWORD unless the caller says otherwise), never crypto details.
 */
export function unwrapKey(
  wrapped: WrappedKey,
  kek: Buffer,
  binding: SlotBinding,
  failure: 'WRONG_PASSWORD' | 'RECOVERY_KEY_INVALID' = 'WRONG_PASSWORD',
): Buffer {
  try {
    // authTagLength pins the tag size: without it a truncated tag in a tampered file would be accepted.
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(wrapped.iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aadFor(binding));
    decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
    // GCM returns the plaintext from update(); it is copied into `key` and wiped, so one copy of the key exists.
    const part = decipher.update(Buffer.from(wrapped.data, 'base64'));
    try {
      const key = Buffer.concat([part, decipher.final()]);
      if (key.length !== DATA_KEY_BYTES) {
        key.fill(0);
        throw new Error('unexpected key length');
      }
      return key;
    } finally {
      part.fill(0);
    }
  } catch {
    throw new AppError(failure);
  }
}
