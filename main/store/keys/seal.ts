/**
 * Sealing the data key to a slot's public key (X25519 + HKDF-SHA256 + AES-256-GCM), so the key can be replaced
 * without anyone's password (issue 11 §3). Each password or recovery slot keeps an X25519 key pair: the private
 * key wrapped under the slot's own key-encryption key, the public key in the clear. Whoever holds the current data
 * key can seal a new one to every remaining slot; a removed user's private key opens only their own, dropped,
 * slot, so no old copy of the key slots opens the database after a rotation.
 */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { z } from 'zod';

import { AppError } from '../../../shared/api/errors';
import { Base64Bytes, DATA_KEY_BYTES, unwrapKey, wrapKey, WrappedKey, type SlotBinding } from './wrap';

const RAW_KEY_BYTES = 32;

export const SlotBox = z.object({
  /** Raw X25519 public key. */
  publicKey: Base64Bytes(RAW_KEY_BYTES),
  /** The raw X25519 private key, wrapped under the slot's key-encryption key. */
  privateKey: WrappedKey,
});
export type SlotBox = z.infer<typeof SlotBox>;

export const SealedKey = z.object({
  /** The sender's one-time public key. */
  ephemeral: Base64Bytes(RAW_KEY_BYTES),
  key: WrappedKey,
});
export type SealedKey = z.infer<typeof SealedKey>;

const b64 = (s: string) => Buffer.from(s, 'base64url').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'base64').toString('base64url');

function publicKeyObject(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' });
}

function newPair(): { publicKey: string; privateRaw: Buffer } {
  const { privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { publicKey: b64(jwk.x ?? ''), privateRaw: Buffer.from(jwk.d ?? '', 'base64url') };
}

function sharedKek(privateKey: KeyObject, publicKey: KeyObject, ephemeral: string, recipient: string): Buffer {
  const secret = diffieHellman({ privateKey, publicKey });
  try {
    const salt = Buffer.concat([Buffer.from(ephemeral, 'base64'), Buffer.from(recipient, 'base64')]);
    return Buffer.from(hkdfSync('sha256', secret, salt, 'cunyi.seal.v1', DATA_KEY_BYTES));
  } finally {
    secret.fill(0);
  }
}

/** A new key pair for a slot, its private key wrapped under `kek`. */
export function makeSlotBox(kek: Buffer, binding: SlotBinding): SlotBox {
  const { publicKey, privateRaw } = newPair();
  try {
    return { publicKey, privateKey: wrapKey(privateRaw, kek, binding) };
  } finally {
    privateRaw.fill(0);
  }
}

export function sealKey(dataKey: Buffer, recipient: string, binding: SlotBinding): SealedKey {
  const { publicKey: ephemeral, privateRaw } = newPair();
  const priv = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', x: b64url(ephemeral), d: privateRaw.toString('base64url') },
    format: 'jwk',
  });
  privateRaw.fill(0);
  const kek = sharedKek(priv, publicKeyObject(recipient), ephemeral, recipient);
  try {
    return { ephemeral, key: wrapKey(dataKey, kek, binding) };
  } finally {
    kek.fill(0);
  }
}

/** Opens a sealed data key with the slot's key-encryption key. Errors: `failure` (WRONG_PASSWORD by default). */
export function openSealedKey(
  sealed: SealedKey,
  box: SlotBox,
  kek: Buffer,
  binding: SlotBinding,
  failure: 'WRONG_PASSWORD' | 'RECOVERY_KEY_INVALID' = 'WRONG_PASSWORD',
): Buffer {
  const privateRaw = unwrapKey(box.privateKey, kek, binding, failure);
  let priv: KeyObject;
  try {
    priv = createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', x: b64url(box.publicKey), d: privateRaw.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    throw new AppError(failure);
  } finally {
    privateRaw.fill(0);
  }
  const shared = sharedKek(priv, publicKeyObject(sealed.ephemeral), sealed.ephemeral, box.publicKey);
  try {
    return unwrapKey(sealed.key, shared, binding, failure);
  } finally {
    shared.fill(0);
  }
}
