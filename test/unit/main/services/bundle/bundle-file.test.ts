import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deriveBundleKey,
  formatPairingCode,
  generateDeviceKey,
  parsePairingCode,
  readEnvelope,
  sealBundle,
  type BundleHeader,
  type BundlePayload,
} from '../../../../../main/services/bundle/bundle-file';

const dataKey = randomBytes(32);
const device = generateDeviceKey();
const key = deriveBundleKey(dataKey, '441521101201', 'dev-1');
const header: BundleHeader = { bundleId: 'b1', clinicCode: '441521101201', deviceId: 'dev-1', publicKey: device.publicKey, createdAt: 1_800_000_000_000, counts: { residents: 1 } };
const payload: BundlePayload = { bundleId: 'b1', docs: [{ collection: 'residents', doc: { id: 'r1', _deleted: false, name: '张三', villageCode: '441521101201' } }] };
const peer = { publicKey: device.publicKey, key };

function sealed(): Record<string, string> {
  return JSON.parse(sealBundle(header, payload, key, device.privateKey)) as Record<string, string>;
}
const open = (file: unknown, p = peer) => readEnvelope(Buffer.from(typeof file === 'string' ? file : JSON.stringify(file))).open(p);
const flip = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64');
};

describe('offline bundle envelope (AES-256-GCM + Ed25519)', () => {
  it('round-trips for the paired device', () => {
    expect(open(sealed())).toEqual(payload);
  });

  it('the key depends on the data key, the clinic and the device', () => {
    expect(deriveBundleKey(dataKey, '441521101201', 'dev-1')).toEqual(key);
    expect(deriveBundleKey(dataKey, '441521101201', 'dev-2')).not.toEqual(key);
    expect(deriveBundleKey(dataKey, '441521101202', 'dev-1')).not.toEqual(key);
    expect(deriveBundleKey(randomBytes(32), '441521101201', 'dev-1')).not.toEqual(key);
  });

  it('does not carry the payload in clear', () => {
    expect(sealBundle(header, payload, key, device.privateKey)).not.toContain('张三');
    expect(Buffer.from(sealed()['ciphertext'] as string, 'base64').toString('utf8')).not.toContain('r1');
  });

  it.each(['ciphertext', 'iv', 'tag', 'signature'])('a changed %s is BUNDLE_TAMPERED', (part) => {
    const file = sealed();
    expect(() => open({ ...file, [part]: flip(file[part] as string) })).toThrow(expect.objectContaining({ code: 'BUNDLE_TAMPERED' }));
  });

  it('a changed header is BUNDLE_TAMPERED', () => {
    const file = sealed();
    expect(() => open({ ...file, header: (file['header'] as string).replace('"residents":1', '"residents":9') })).toThrow(expect.objectContaining({ code: 'BUNDLE_TAMPERED' }));
  });

  it('a bundle signed by another device key is BUNDLE_FOREIGN, even with a matching header key', () => {
    const other = generateDeviceKey();
    const forged = JSON.parse(sealBundle({ ...header, publicKey: other.publicKey }, payload, key, other.privateKey)) as unknown;
    expect(() => open(forged)).toThrow(expect.objectContaining({ code: 'BUNDLE_FOREIGN' }));
  });

  it('the right signature with a stale bundle key is BUNDLE_TAMPERED (decryption)', () => {
    expect(() => open(sealed(), { ...peer, key: deriveBundleKey(randomBytes(32), '441521101201', 'dev-1') })).toThrow(
      expect.objectContaining({ code: 'BUNDLE_TAMPERED', details: { reason: 'decryption' } }),
    );
  });

  it.each([
    ['not JSON', 'PK\u0003\u0004'],
    ['JSON but no bundle', '{"a":1}'],
    ['another format', JSON.stringify({ format: 'cunyi-bundle/9', header: '{}', iv: '', ciphertext: '', tag: '', signature: '' })],
  ])('%s is BUNDLE_UNREADABLE', (_label, text) => {
    expect(() => readEnvelope(Buffer.from(text))).toThrow(expect.objectContaining({ code: 'BUNDLE_UNREADABLE' }));
  });
});

describe('pairing codes', () => {
  const code = { v: 1 as const, clinicCode: '441521101201', clinicName: '东光村卫生室', deviceId: 'dev-1', publicKey: device.publicKey, key: key.toString('hex') };
  it('round-trips', () => expect(parsePairingCode(formatPairingCode(code))).toEqual(code));
  it.each(['', 'CUNYI-PAIR-1.', 'CUNYI-PAIR-1.!!!', `CUNYI-PAIR-2.${formatPairingCode(code).slice(13)}`, formatPairingCode({ ...code, key: 'abc' })])(
    '%s is refused',
    (text) => expect(parsePairingCode(text)).toBeNull(),
  );
});
