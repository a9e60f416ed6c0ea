// safeStorage replaced by a reversible fake: what is tested is the availability rules and the base64 framing.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const storage = vi.hoisted(() => ({
  available: true,
  backend: 'gnome_libsecret',
}));

vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => storage.available,
    getSelectedStorageBackend: () => storage.backend,
    encryptString: (text: string) => Buffer.from(`sealed:${text}`, 'utf8'),
    decryptString: (sealed: Buffer) => {
      const text = sealed.toString('utf8');
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return text.slice('sealed:'.length);
    },
  },
}));

const { SafeStorageKeystore } = await import('../../../../main/app/safe-storage-keystore');

beforeEach(() => {
  storage.available = true;
  storage.backend = 'gnome_libsecret';
});

describe('SafeStorageKeystore', () => {
  it.each([
    ['win32', true, 'unknown', true],
    ['win32', false, 'unknown', false],
    ['linux', true, 'gnome_libsecret', true],
    ['linux', true, 'kwallet6', true],
    ['linux', true, 'basic_text', false],
    ['linux', true, 'unknown', false],
    ['linux', false, 'gnome_libsecret', false],
  ] as const)('on %s with encryption %s and backend %s is available: %s', (platform, available, backend, expected) => {
    storage.available = available;
    storage.backend = backend;
    expect(new SafeStorageKeystore(platform).isAvailable()).toBe(expected);
  });

  it('round-trips arbitrary bytes, including zeros and high bytes', () => {
    const keystore = new SafeStorageKeystore('linux');
    const secret = Buffer.from([0, 1, 2, 255, 254, 0, 128]);
    expect(keystore.decrypt(keystore.encrypt(secret))).toEqual(secret);
  });

  it('refuses to seal or open when the store is not available', () => {
    storage.backend = 'basic_text';
    const keystore = new SafeStorageKeystore('linux');
    expect(() => keystore.encrypt(Buffer.from('k'))).toThrow(/not available/);
    expect(() => keystore.decrypt(Buffer.from('sealed:aw=='))).toThrow(/not available/);
  });

  it('throws on values it did not seal', () => {
    const keystore = new SafeStorageKeystore('win32');
    expect(() => keystore.decrypt(Buffer.from('garbage'))).toThrow();
    expect(() => keystore.decrypt(Buffer.from('sealed:not base64!'))).toThrow(/not made by this store/);
  });
});
