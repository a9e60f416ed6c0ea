/**
 * "Remember on this computer" backed by Electron's safeStorage: DPAPI on Windows, Keychain on macOS, libsecret or
 * kwallet on Linux. safeStorage only seals strings, so the secret bytes travel as base64 text.
 */
import { safeStorage } from 'electron';
import type { OsKeystore } from '../store/keys/os-keystore';

export class SafeStorageKeystore implements OsKeystore {
  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  isAvailable(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    // Without a keyring Linux falls back to 'basic_text', a key hard-coded in Chromium: sealing with it would
    // look like protection and give none, so "remember me" is not offered there (VS Code refuses it too).
    if (this.platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend();
      return backend !== 'basic_text' && backend !== 'unknown';
    }
    return true;
  }

  encrypt(plain: Buffer): Buffer {
    if (!this.isAvailable()) throw new Error('SafeStorageKeystore: the OS keystore is not available');
    return safeStorage.encryptString(plain.toString('base64'));
  }

  decrypt(sealed: Buffer): Buffer {
    if (!this.isAvailable()) throw new Error('SafeStorageKeystore: the OS keystore is not available');
    const text = safeStorage.decryptString(sealed);
    // A value sealed by another store can decrypt to garbage rather than fail; only our own base64 is accepted.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new Error('SafeStorageKeystore: sealed value was not made by this store');
    }
    return Buffer.from(text, 'base64');
  }
}
