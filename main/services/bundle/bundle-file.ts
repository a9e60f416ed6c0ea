/**
 * 离线数据包: the file format of an offline bundle and its cryptography, without any database.
 *
 * - Encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from the sending clinic's data key (bound to the
 *   clinic and the device), so a bundle opens only where that key was handed over at pairing, never from the stick.
 * - Signed with the sending device's Ed25519 key; the signature covers the header and the ciphertext, and the
 *   header is also the cipher's associated data, so no byte of the file can change unnoticed.
 * - The payload is gzipped JSON: `{ bundleId, docs: [{ collection, doc }] }`.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, sign, verify } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';

export const BUNDLE_FORMAT = 'cunyi-bundle/1';
/** A bundle larger than this is refused before parsing (a USB stick is not a way to fill the disk). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export const BundleHeader = z
  .object({
    bundleId: z.string().min(1).max(64),
    clinicCode: z.string().regex(/^\d{9}(\d{3})?$/),
    deviceId: z.string().min(1).max(64),
    publicKey: z.string().min(1).max(200),
    createdAt: z.number().int().nonnegative(),
    counts: z.record(z.string(), z.number().int().nonnegative()),
  })
  .strict();
export type BundleHeader = z.infer<typeof BundleHeader>;

const BundleFile = z
  .object({
    format: z.string(),
    header: z.string().max(10_000),
    iv: z.string().max(40),
    ciphertext: z.string(),
    tag: z.string().max(40),
    signature: z.string().max(200),
  })
  .strict();

export const BundleDocEntry = z.object({
  collection: z.enum(['residents', 'households', 'encounters', 'contracts']),
  doc: z.record(z.string(), z.unknown()).and(z.object({ id: z.string().min(1).max(64), _deleted: z.boolean() })),
});
export type BundleDocEntry = z.infer<typeof BundleDocEntry>;

const BundlePayload = z.object({ bundleId: z.string(), docs: z.array(BundleDocEntry) }).strict();
export type BundlePayload = z.infer<typeof BundlePayload>;

/** The AES-256-GCM key of one sending device's bundles (HKDF-SHA256 of the clinic's data key). */
export function deriveBundleKey(dataKey: Buffer, clinicCode: string, deviceId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(BUNDLE_FORMAT), Buffer.from(`bundle|${clinicCode}|${deviceId}`), 32));
}

export interface DeviceKeyPair {
  /** SPKI DER, base64. */
  publicKey: string;
  /** PKCS#8 DER, base64 (kept only inside the encrypted database). */
  privateKey: string;
}

export function generateDeviceKey(): DeviceKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

function signedBytes(file: Omit<z.infer<typeof BundleFile>, 'signature'>): Buffer {
  return Buffer.from([file.format, file.header, file.iv, file.ciphertext, file.tag].join('\n'), 'utf8');
}

export function sealBundle(header: BundleHeader, payload: BundlePayload, bundleKey: Buffer, privateKey: string): string {
  const headerJson = JSON.stringify(BundleHeader.parse(header));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', bundleKey, iv);
  cipher.setAAD(Buffer.from(headerJson, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(gzipSync(Buffer.from(JSON.stringify(payload), 'utf8'))), cipher.final()]);
  const unsigned = {
    format: BUNDLE_FORMAT,
    header: headerJson,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
  const key = createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return JSON.stringify({ ...unsigned, signature: sign(null, signedBytes(unsigned), key).toString('base64') });
}

export interface OpenedEnvelope {
  header: BundleHeader;
  /** Verifies the signature with the paired device's key and decrypts; BUNDLE_FOREIGN or BUNDLE_TAMPERED otherwise. */
  open(peer: { publicKey: string; key: Buffer }): BundlePayload;
}

/** Reads the envelope without trusting it: BUNDLE_UNREADABLE when it is not a bundle of this format. */
export function readEnvelope(bytes: Buffer): OpenedEnvelope {
  if (bytes.length > MAX_BUNDLE_BYTES) throw new AppError('BUNDLE_UNREADABLE', { reason: 'too large', bytes: bytes.length });
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('BUNDLE_UNREADABLE', { reason: 'not JSON' });
  }
  const file = BundleFile.safeParse(raw);
  if (!file.success) throw new AppError('BUNDLE_UNREADABLE', { reason: 'not a bundle' });
  if (file.data.format !== BUNDLE_FORMAT) throw new AppError('BUNDLE_UNREADABLE', { reason: 'unknown format', format: file.data.format.slice(0, 40) });
  let headerRaw: unknown;
  try {
    headerRaw = JSON.parse(file.data.header);
  } catch {
    throw new AppError('BUNDLE_TAMPERED', { reason: 'header' });
  }
  const header = BundleHeader.safeParse(headerRaw);
  if (!header.success) throw new AppError('BUNDLE_TAMPERED', { reason: 'header' });
  const f = file.data;
  return {
    header: header.data,
    open(peer) {
      // The header names a key; only the key stored at pairing counts, so a bundle re-signed with another key is foreign.
      if (peer.publicKey !== header.data.publicKey) throw new AppError('BUNDLE_FOREIGN', { deviceId: header.data.deviceId, reason: 'key differs from the paired one' });
      let ok = false;
      try {
        const key = createPublicKey({ key: Buffer.from(peer.publicKey, 'base64'), format: 'der', type: 'spki' });
        ok = verify(null, signedBytes(f), key, Buffer.from(f.signature, 'base64'));
      } catch {
        ok = false;
      }
      if (!ok) throw new AppError('BUNDLE_TAMPERED', { reason: 'signature' });
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', peer.key, Buffer.from(f.iv, 'base64'));
        decipher.setAAD(Buffer.from(f.header, 'utf8'));
        decipher.setAuthTag(Buffer.from(f.tag, 'base64'));
        plain = gunzipSync(Buffer.concat([decipher.update(Buffer.from(f.ciphertext, 'base64')), decipher.final()]));
      } catch {
        // Signed by the paired device yet not decryptable with its key: the pairing key is stale or the file is damaged.
        throw new AppError('BUNDLE_TAMPERED', { reason: 'decryption' });
      }
      let payloadRaw: unknown;
      try {
        payloadRaw = JSON.parse(plain.toString('utf8'));
      } catch {
        throw new AppError('BUNDLE_UNREADABLE', { reason: 'payload not JSON' });
      }
      const payload = BundlePayload.safeParse(payloadRaw);
      if (!payload.success || payload.data.bundleId !== header.data.bundleId) throw new AppError('BUNDLE_UNREADABLE', { reason: 'payload' });
      return payload.data;
    },
  };
}

/** 配对码: what the receiving clinic needs to trust one sending device; shown once, typed or pasted, never on the stick. */
export const PairingCode = z
  .object({
    v: z.literal(1),
    clinicCode: z.string(),
    clinicName: z.string(),
    deviceId: z.string(),
    publicKey: z.string(),
    key: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type PairingCode = z.infer<typeof PairingCode>;

const PAIRING_PREFIX = 'CUNYI-PAIR-1.';

export function formatPairingCode(code: PairingCode): string {
  return PAIRING_PREFIX + Buffer.from(JSON.stringify(code), 'utf8').toString('base64url');
}

export function parsePairingCode(text: string): PairingCode | null {
  const s = text.trim();
  if (!s.startsWith(PAIRING_PREFIX)) return null;
  try {
    const parsed = PairingCode.safeParse(JSON.parse(Buffer.from(s.slice(PAIRING_PREFIX.length), 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
