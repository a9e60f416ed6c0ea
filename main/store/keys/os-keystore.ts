/**
 * "Remember on this computer" seals a secret with the operating system's per-user store. The shape is Electron's
 * safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux); main/app provides that one.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface OsKeystore {
  /** False when the OS offers no protected store (e.g. Linux without a keyring): "remember me" is then not offered. */
  isAvailable(): boolean;
  /** May answer later: in the Electron shell the runtime asks the main process, where safeStorage lives. */
  encrypt(plain: Buffer): Buffer | Promise<Buffer>;
  /** Throws (or rejects) when the sealed bytes were not made by this store (another OS user, a reset keyring). */
  decrypt(sealed: Buffer): Buffer | Promise<Buffer>;
}

/**
 * For tests and the headless host. Its key lives only in this process's memory, so it protects nothing: anyone
 * who can read the process can read the key, and a restart forgets everything it sealed (unlockRemembered then
 * returns null). The headless host therefore does not offer "remember me" unless explicitly told to.
 */
export class FakeOsKeystore implements OsKeystore {
  private readonly key = randomBytes(32);

  constructor(private readonly isStoreAvailable = true) {}

  isAvailable(): boolean {
    return this.isStoreAvailable;
  }

  encrypt(plain: Buffer): Buffer {
    if (!this.isStoreAvailable) throw new Error('FakeOsKeystore: not available');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: 16 });
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]);
  }

  decrypt(sealed: Buffer): Buffer {
    if (!this.isStoreAvailable) throw new Error('FakeOsKeystore: not available');
    if (sealed.length < 28) throw new Error('FakeOsKeystore: sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12), { authTagLength: 16 });
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }
}
