import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AppError } from '../../../../../shared/api/errors';
import {
  KEYSLOTS_FILE,
  readKeySlots,
  writeKeySlots,
  type KeySlotsFile,
} from '../../../../../main/store/keys/keyslots';
import { FakeOsKeystore } from '../../../../../main/store/keys/os-keystore';
import type { KdfCost } from '../../../../../main/store/keys/kdf';
import { KeyVault, type KeyVaultOptions } from '../../../../../main/store/keys/vault';

const cheap: KdfCost = { name: 'argon2id', memoryKiB: 64, timeCost: 1, parallelism: 1 };
const cheapScrypt: KdfCost = { name: 'scrypt', N: 2 ** 10, r: 8, p: 1 };
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
let dir: string;
let clockAt: number;
const opts: KeyVaultOptions = { kdfCost: cheap, now: () => clockAt };
const admin = { userId: 'u-admin', username: 'Admin', password: 'admin-pass-1' };
const doctor = { userId: 'u-doc', username: '李医生', password: 'doctor-pass-1' };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cunyi-vault-'));
  clockAt = T0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError, but it resolved');
}

async function setup() {
  return KeyVault.create(dir, { clinicCode: '110101001', admin }, opts);
}

async function sidecar(): Promise<KeySlotsFile> {
  const read = await readKeySlots(dir);
  if (!read) throw new Error('no sidecar');
  return read.file;
}

describe('KeyVault set-up and open', () => {
  it('creates a vault that the admin can unlock to the same data key', async () => {
    const { dataKey, recoveryKey } = await setup();
    expect(dataKey).toHaveLength(32);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){13}[0-9A-Z]{4}$/);
    const vault = await KeyVault.open(dir, opts);
    expect(vault.isFromPrevious).toBe(false);
    const unlocked = await vault.unlockWithPassword('admin', admin.password);
    expect(unlocked.userId).toBe('u-admin');
    expect(unlocked.dataKey.equals(dataKey)).toBe(true);
    expect(await vault.listUsers()).toEqual([{ userId: 'u-admin', username: 'Admin' }]);
  });

  it('the sidecar never contains the data key or the recovery key', async () => {
    const { dataKey, recoveryKey } = await setup();
    const text = await readFile(path.join(dir, KEYSLOTS_FILE), 'utf8');
    expect(text).not.toContain(dataKey.toString('base64'));
    expect(text).not.toContain(dataKey.toString('hex'));
    expect(text).not.toContain(recoveryKey);
    expect(text).not.toContain(admin.password);
  });

  it('refuses a second set-up: ALREADY_INITIALISED', async () => {
    await setup();
    expect((await caught(setup())).code).toBe('ALREADY_INITIALISED');
  });

  it('refuses a set-up over a damaged sidecar instead of replacing it', async () => {
    await writeFile(path.join(dir, KEYSLOTS_FILE), 'garbage');
    expect((await caught(setup())).code).toBe('ALREADY_INITIALISED');
  });

  it('open without a sidecar: NOT_INITIALISED', async () => {
    expect((await caught(KeyVault.open(dir, opts))).code).toBe('NOT_INITIALISED');
  });

  it.each([
    ['a clinic code of 10 digits', { clinicCode: '1101010010', admin }, 'VALIDATION_FAILED'],
    ['a short admin password', { clinicCode: '110101001', admin: { ...admin, password: '1234567' } }, 'WEAK_PASSWORD'],
    ['an empty username', { clinicCode: '110101001', admin: { ...admin, username: '  ' } }, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_label, init, code) => {
    expect((await caught(KeyVault.create(dir, init, opts))).code).toBe(code);
  });
});

describe('sign-in', () => {
  it('unknown user and wrong password give the same WRONG_PASSWORD with the same details', async () => {
    const { vault } = await setup();
    const unknown = await caught(vault.unlockWithPassword('nobody', admin.password));
    const wrong = await caught(vault.unlockWithPassword('admin', 'not-the-password'));
    expect(unknown.code).toBe('WRONG_PASSWORD');
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect(unknown.details).toEqual(wrong.details);
    expect(unknown.message).toBe(wrong.message);
  });

  it('usernames match case- and width-insensitively', async () => {
    const { vault } = await setup();
    await expect(vault.unlockWithPassword(' ＡＤＭＩＮ ', admin.password)).resolves.toMatchObject({ userId: 'u-admin' });
  });

  it('after 3 failures waits 1 s, 2 s, 4 s … refusing at once without a KDF run, and success resets', async () => {
    const { vault } = await setup();
    for (let i = 0; i < 3; i++) {
      expect((await caught(vault.unlockWithPassword('admin', 'wrong-pass'))).code).toBe('WRONG_PASSWORD');
    }
    const refused = await caught(vault.unlockWithPassword('admin', admin.password));
    expect(refused.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.details).toEqual({ retryAfterMs: 1000 });

    clockAt += 999;
    expect((await caught(vault.unlockWithPassword('admin', admin.password))).details).toEqual({ retryAfterMs: 1 });
    clockAt += 1;
    expect((await caught(vault.unlockWithPassword('admin', 'wrong-pass'))).code).toBe('WRONG_PASSWORD');
    const second = await caught(vault.unlockWithPassword('admin', admin.password));
    expect(second.details).toEqual({ retryAfterMs: 2000 });

    clockAt += 2000;
    await expect(vault.unlockWithPassword('admin', admin.password)).resolves.toMatchObject({ userId: 'u-admin' });
    expect((await sidecar()).throttle).toEqual([]);
    expect((await caught(vault.unlockWithPassword('admin', 'wrong-pass'))).code).toBe('WRONG_PASSWORD');
  });

  it('the wait is capped at 5 minutes; a clock set back restarts it rather than waiting for the clock', async () => {
    const { vault } = await setup();
    const file = await sidecar();
    await writeKeySlots(dir, { ...file, throttle: [{ username: 'admin', failures: 40, lastFailureAt: T0 }] }, T0);
    expect((await caught(vault.unlockWithPassword('admin', admin.password))).details).toEqual({
      retryAfterMs: 300_000,
    });
    clockAt = T0 - 86_400_000;
    expect((await caught(vault.unlockWithPassword('admin', admin.password))).details).toEqual({
      retryAfterMs: 300_000,
    });
    clockAt += 300_000;
    await expect(vault.unlockWithPassword('admin', admin.password)).resolves.toMatchObject({ userId: 'u-admin' });
  });

  it('unknown names are throttled the same way (no user enumeration)', async () => {
    const { vault } = await setup();
    for (let i = 0; i < 3; i++) await caught(vault.unlockWithPassword('ghost', 'whatever-1'));
    expect((await caught(vault.unlockWithPassword('ghost', 'whatever-1'))).code).toBe('TOO_MANY_ATTEMPTS');
    await expect(vault.unlockWithPassword('admin', admin.password)).resolves.toBeDefined();
  });

  it('failures across many names make the whole clinic wait after 10 (issue 11 §6), and a success clears it', async () => {
    const { vault } = await setup();
    for (let i = 0; i < 9; i++) {
      expect((await caught(vault.unlockWithPassword(`ghost${i}`, 'whatever-1'))).code).toBe('WRONG_PASSWORD');
    }
    // Nine failures are free; the tenth makes the next attempt of any name, even the right password, wait 1 s.
    expect((await caught(vault.unlockWithPassword('ghost9', 'whatever-1'))).code).toBe('WRONG_PASSWORD');
    const refused = await caught(vault.unlockWithPassword('admin', admin.password));
    expect(refused.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.details).toEqual({ retryAfterMs: 1000, scope: 'clinic' });
    expect((await sidecar()).clinicThrottle).toEqual({ failures: 10, lastFailureAt: T0 });
    clockAt += 1000;
    expect((await caught(vault.unlockWithPassword('ghost10', 'whatever-1'))).code).toBe('WRONG_PASSWORD');
    expect((await caught(vault.unlockWithPassword('admin', admin.password))).details).toEqual({
      retryAfterMs: 2000,
      scope: 'clinic',
    });
    clockAt += 2000;
    await expect(vault.unlockWithPassword('admin', admin.password)).resolves.toMatchObject({ userId: 'u-admin' });
    expect((await sidecar()).clinicThrottle).toBeUndefined();
  });

  it('failures survive closing and reopening the vault', async () => {
    const { vault } = await setup();
    for (let i = 0; i < 3; i++) await caught(vault.unlockWithPassword('admin', 'wrong-pass'));
    const reopened = await KeyVault.open(dir, opts);
    expect((await caught(reopened.unlockWithPassword('admin', admin.password))).code).toBe('TOO_MANY_ATTEMPTS');
    expect((await sidecar()).throttle).toEqual([{ username: 'admin', failures: 3, lastFailureAt: T0 }]);
  });

  it('a name like __proto__ is just a name', async () => {
    const { vault } = await setup();
    for (let i = 0; i < 3; i++) await caught(vault.unlockWithPassword('__proto__', 'whatever-1'));
    const reopened = await KeyVault.open(dir, opts);
    expect((await caught(reopened.unlockWithPassword('__proto__', 'whatever-1'))).code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('guessing many names never evicts a real user’s wait', async () => {
    const { vault } = await setup();
    for (let i = 0; i < 3; i++) await caught(vault.unlockWithPassword('admin', 'wrong-pass'));
    const file = await sidecar();
    const ghosts = Array.from({ length: 256 }, (_, i) => ({
      username: `ghost${i}`,
      failures: 1,
      lastFailureAt: T0 + i,
    }));
    await writeKeySlots(dir, { ...file, throttle: [...file.throttle, ...ghosts.slice(1)] }, T0);
    clockAt += 10_000;
    await caught(vault.unlockWithPassword('newghost', 'wrong-pass'));
    const names = (await sidecar()).throttle.map((t) => t.username);
    expect(names).toHaveLength(256);
    expect(names).toContain('admin');
    expect(names).toContain('newghost');
    expect(names).not.toContain('ghost1');
  });

  it('parallel attempts are counted one by one', async () => {
    const { vault } = await setup();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => caught(vault.unlockWithPassword('admin', 'wrong-pass'))),
    );
    expect(results.map((e) => e.code)).toEqual([
      'WRONG_PASSWORD',
      'WRONG_PASSWORD',
      'WRONG_PASSWORD',
      'TOO_MANY_ATTEMPTS',
      'TOO_MANY_ATTEMPTS',
      'TOO_MANY_ATTEMPTS',
    ]);
  });
});

describe('users', () => {
  it('changing a password rewraps only that slot; other slots stay byte-identical', async () => {
    const { vault, dataKey, recoveryKey } = await setup();
    await vault.addUser(doctor, dataKey);
    const before = await sidecar();
    clockAt += 60_000;
    await vault.changePassword('李医生', doctor.password, 'new-doctor-pass', dataKey);
    const after = await sidecar();
    expect(JSON.stringify(after.users[0])).toBe(JSON.stringify(before.users[0]));
    expect(JSON.stringify(after.recovery)).toBe(JSON.stringify(before.recovery));
    const [b, a] = [before.users[1], after.users[1]];
    expect(a?.slotId).toBe(b?.slotId);
    expect(a?.kdf.salt).not.toBe(b?.kdf.salt);
    expect(a?.sealed?.key.data).not.toBe(b?.sealed?.key.data);
    expect(a?.box?.publicKey).not.toBe(b?.box?.publicKey);
    expect(a?.updatedAt).toBe(clockAt);
    expect((await caught(vault.unlockWithPassword('李医生', doctor.password))).code).toBe('WRONG_PASSWORD');
    expect((await vault.unlockWithPassword('李医生', 'new-doctor-pass')).dataKey.equals(dataKey)).toBe(true);
    expect((await vault.unlockWithRecoveryKey(recoveryKey)).equals(dataKey)).toBe(true);
  });

  it('change password checks the old one (and counts a wrong one) unless an admin resets it', async () => {
    const { vault, dataKey } = await setup();
    await vault.addUser(doctor, dataKey);
    const wrong = await caught(vault.changePassword('李医生', 'not-it-at-all', 'new-doctor-pass', dataKey));
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect((await sidecar()).throttle).toEqual([{ username: '李医生', failures: 1, lastFailureAt: T0 }]);
    await vault.changePassword('李医生', null, 'reset-by-admin', dataKey);
    await expect(vault.unlockWithPassword('李医生', 'reset-by-admin')).resolves.toMatchObject({ userId: 'u-doc' });
  });

  it.each([
    ['a weak new password', 'admin', 'short', 'WEAK_PASSWORD'],
    ['an unknown user', 'nobody', 'long-enough-pw', 'NOT_FOUND'],
  ])('change password refuses %s', async (_label, username, password, code) => {
    const { vault, dataKey } = await setup();
    expect((await caught(vault.changePassword(username, null, password, dataKey))).code).toBe(code);
  });

  it('refuses a duplicate username (any case) or user id', async () => {
    const { vault, dataKey } = await setup();
    await vault.addUser(doctor, dataKey);
    expect((await caught(vault.addUser({ ...doctor, userId: 'u-other' }, dataKey))).code).toBe('USER_EXISTS');
    expect((await caught(vault.addUser({ ...doctor, username: 'ADMIN' }, dataKey))).code).toBe('USER_EXISTS');
    expect((await caught(vault.addUser({ ...doctor, username: 'x' }, dataKey))).code).toBe('USER_EXISTS');
  });

  it('refuses to wrap a key that is not this vault’s data key', async () => {
    const { vault } = await setup();
    expect((await caught(vault.addUser(doctor, Buffer.alloc(32, 7)))).code).toBe('INTERNAL');
  });

  it('removes a user and its remembered slot, but never the last user', async () => {
    const { vault, dataKey } = await setup();
    await vault.addUser(doctor, dataKey);
    const keystore = new FakeOsKeystore();
    await vault.remember('李医生', dataKey, keystore);
    await vault.removeUser('李医生');
    const file = await sidecar();
    expect(file.users.map((u) => u.userId)).toEqual(['u-admin']);
    expect(file.remembered).toEqual([]);
    expect((await caught(vault.unlockWithPassword('李医生', doctor.password))).code).toBe('WRONG_PASSWORD');
    expect((await caught(vault.removeUser('李医生'))).code).toBe('NOT_FOUND');
    expect((await caught(vault.removeUser('admin'))).code).toBe('LAST_USER');
  });
});

describe('recovery key', () => {
  it('unlocks, tolerates how it was typed, and rejects typos before any unwrap', async () => {
    const { vault, dataKey, recoveryKey } = await setup();
    expect((await vault.unlockWithRecoveryKey(recoveryKey.toLowerCase().replaceAll('-', ' '))).equals(dataKey)).toBe(
      true,
    );
    const typo = (recoveryKey[0] === 'A' ? 'B' : 'A') + recoveryKey.slice(1);
    const error = await caught(vault.unlockWithRecoveryKey(typo));
    expect(error.code).toBe('RECOVERY_KEY_INVALID');
    expect(error.details).toMatchObject({ reason: 'checksum' });
  });

  it('a well-formed key of another vault is RECOVERY_KEY_INVALID', async () => {
    const { vault } = await setup();
    const otherDir = await mkdtemp(path.join(tmpdir(), 'cunyi-vault-other-'));
    try {
      const other = await KeyVault.create(otherDir, { clinicCode: '110101001', admin }, opts);
      expect((await caught(vault.unlockWithRecoveryKey(other.recoveryKey))).code).toBe('RECOVERY_KEY_INVALID');
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('reset gives a new key and the old one stops working; passwords are untouched', async () => {
    const { vault, dataKey, recoveryKey } = await setup();
    const fresh = await vault.resetRecoveryKey(dataKey);
    expect(fresh).not.toBe(recoveryKey);
    expect((await vault.unlockWithRecoveryKey(fresh)).equals(dataKey)).toBe(true);
    expect((await caught(vault.unlockWithRecoveryKey(recoveryKey))).code).toBe('RECOVERY_KEY_INVALID');
    await expect(vault.unlockWithPassword('admin', admin.password)).resolves.toBeDefined();
  });

  it('recovers the data key from keyslots.prev.json when the main sidecar is lost', async () => {
    const { vault, dataKey, recoveryKey } = await setup();
    await vault.addUser(doctor, dataKey);
    await writeFile(path.join(dir, KEYSLOTS_FILE), '');
    const reopened = await KeyVault.open(dir, opts);
    expect(reopened.isFromPrevious).toBe(true);
    expect((await reopened.unlockWithRecoveryKey(recoveryKey)).equals(dataKey)).toBe(true);
  });
});

describe('slots copied between clinics', () => {
  it('a user slot pasted from another clinic’s sidecar does not open, even with its password', async () => {
    const { vault } = await setup();
    const otherDir = await mkdtemp(path.join(tmpdir(), 'cunyi-vault-other-'));
    try {
      await KeyVault.create(otherDir, { clinicCode: '110101002', admin: { ...doctor, userId: 'u-x' } }, opts);
      const theirs = (await readKeySlots(otherDir))?.file.users[0];
      if (!theirs) throw new Error('no slot');
      const mine = await sidecar();
        await writeKeySlots(dir, { ...mine, users: [...mine.users, theirs] }, clockAt);
      expect((await caught(vault.unlockWithPassword(doctor.username, doctor.password))).code).toBe('WRONG_PASSWORD');
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe('remember on this computer', () => {
  it('unlocks without a password with the same keystore, and forget removes it', async () => {
    const { vault, dataKey } = await setup();
    const keystore = new FakeOsKeystore();
    expect(await vault.unlockRemembered('admin', keystore)).toBeNull();
    await vault.remember('admin', dataKey, keystore);
    const text = await readFile(path.join(dir, KEYSLOTS_FILE), 'utf8');
    expect(text).not.toContain(dataKey.toString('base64'));
    const unlocked = await (await KeyVault.open(dir, opts)).unlockRemembered('ADMIN', keystore);
    expect(unlocked?.userId).toBe('u-admin');
    expect(unlocked?.dataKey.equals(dataKey)).toBe(true);
    await vault.forget('admin');
    expect(await vault.unlockRemembered('admin', keystore)).toBeNull();
  });

  it('another OS keystore (another account, a restart of the fake) gives null, not an error', async () => {
    const { vault, dataKey } = await setup();
    await vault.remember('admin', dataKey, new FakeOsKeystore());
    expect(await vault.unlockRemembered('admin', new FakeOsKeystore())).toBeNull();
    expect(await vault.unlockRemembered('nobody', new FakeOsKeystore())).toBeNull();
  });

  it('is refused when the OS keystore is unavailable', async () => {
    const { vault, dataKey } = await setup();
    expect((await caught(vault.remember('admin', dataKey, new FakeOsKeystore(false)))).code).toBe('NOT_SUPPORTED');
    expect(await vault.unlockRemembered('admin', new FakeOsKeystore(false))).toBeNull();
  });

  it('remembering again replaces the slot rather than adding one', async () => {
    const { vault, dataKey } = await setup();
    const keystore = new FakeOsKeystore();
    await vault.remember('admin', dataKey, keystore);
    await vault.remember('admin', dataKey, keystore);
    expect((await sidecar()).remembered).toHaveLength(1);
  });
});

describe('scrypt slots of earlier releases', () => {
  /** Slots made the way releases before argon2id made them; the vault that opens them later makes argon2id. */
  async function setupWithScrypt() {
    const made = await KeyVault.create(dir, { clinicCode: '110101001', admin }, { ...opts, kdfCost: cheapScrypt });
    await made.vault.addUser(doctor, made.dataKey);
    return { ...made, vault: await KeyVault.open(dir, opts) };
  }

  it('a sign-in opens the scrypt slot and rewraps it with argon2id in one sidecar write; other slots stay as they were', async () => {
    const { vault, dataKey, recoveryKey } = await setupWithScrypt();
    const before = await sidecar();
    expect(before.users.map((u) => u.kdf.name)).toEqual(['scrypt', 'scrypt']);
    const beforePrev = await readFile(path.join(dir, 'keyslots.json'), 'utf8');
    clockAt += 60_000;
    const unlocked = await vault.unlockWithPassword('admin', admin.password);
    expect(unlocked.dataKey.equals(dataKey)).toBe(true);
    expect(unlocked.kdfUpgrade).toBe('argon2id');
    const after = await sidecar();
    const [a, b] = [after.users[0], before.users[0]];
    expect(a?.kdf).toMatchObject({ name: 'argon2id', memoryKiB: 64, timeCost: 1, parallelism: 1 });
    expect(a?.slotId).toBe(b?.slotId);
    expect(a?.box?.publicKey).not.toBe(b?.box?.publicKey);
    expect(a?.updatedAt).toBe(clockAt);
    expect(JSON.stringify(after.users[1])).toBe(JSON.stringify(before.users[1]));
    expect(JSON.stringify(after.recovery)).toBe(JSON.stringify(before.recovery));
    // One write: the previous copy is the sidecar as it was before this sign-in.
    expect(await readFile(path.join(dir, 'keyslots.prev.json'), 'utf8')).toBe(beforePrev);
    const again = await vault.unlockWithPassword('ADMIN', admin.password);
    expect(again.kdfUpgrade).toBeNull();
    expect(again.dataKey.equals(dataKey)).toBe(true);
    expect(JSON.stringify((await sidecar()).users[0])).toBe(JSON.stringify(a));
    expect((await vault.unlockWithRecoveryKey(recoveryKey)).equals(dataKey)).toBe(true);
    expect((await vault.unlockWithPassword('李医生', doctor.password)).kdfUpgrade).toBe('argon2id');
    expect((await sidecar()).users.map((u) => u.kdf.name)).toEqual(['argon2id', 'argon2id']);
  });

  it('a wrong password on a scrypt slot is WRONG_PASSWORD as before, counted, and upgrades nothing', async () => {
    const { vault } = await setupWithScrypt();
    const before = await sidecar();
    const wrong = await caught(vault.unlockWithPassword('admin', 'not-the-password'));
    expect(wrong.code).toBe('WRONG_PASSWORD');
    const after = await sidecar();
    expect(JSON.stringify(after.users)).toBe(JSON.stringify(before.users));
    expect(after.throttle).toEqual([{ username: 'admin', failures: 1, lastFailureAt: T0 }]);
    // The success that follows clears the count in the same write that rewraps the slot.
    const ok = await vault.unlockWithPassword('admin', admin.password);
    expect(ok.kdfUpgrade).toBe('argon2id');
    expect((await sidecar()).throttle).toEqual([]);
  });

  it('the throttle holds for a scrypt slot too: no KDF and no rewrap while waiting', async () => {
    const { vault } = await setupWithScrypt();
    for (let i = 0; i < 3; i++) expect((await caught(vault.unlockWithPassword('admin', 'wrong-pass'))).code).toBe('WRONG_PASSWORD');
    const refused = await caught(vault.unlockWithPassword('admin', admin.password));
    expect(refused.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await sidecar()).users[0]?.kdf.name).toBe('scrypt');
  });

  it('changing the password of a scrypt slot makes an argon2id one', async () => {
    const { vault, dataKey } = await setupWithScrypt();
    await vault.changePassword('李医生', doctor.password, 'new-doctor-pass', dataKey);
    expect((await sidecar()).users[1]?.kdf.name).toBe('argon2id');
    expect((await vault.unlockWithPassword('李医生', 'new-doctor-pass')).kdfUpgrade).toBeNull();
  });

  it('a vault given a scrypt cost (a caller of an earlier release) never rewraps an argon2id slot back to scrypt', async () => {
    const { dataKey } = await setup();
    await KeyVault.open(dir, opts).then((v) => v.addUser(doctor, dataKey));
    const old = await KeyVault.open(dir, { ...opts, kdfCost: cheapScrypt });
    expect((await old.unlockWithPassword('admin', admin.password)).kdfUpgrade).toBeNull();
    expect((await sidecar()).users.map((u) => u.kdf.name)).toEqual(['argon2id', 'argon2id']);
  });

  it('the stored sidecar of release 0.1.0 (test/fixtures/store-v1: format 1, scrypt) opens and is upgraded on sign-in', async () => {
    await copyFile(path.resolve(import.meta.dirname, '../../../../fixtures/store-v1/keyslots.json'), path.join(dir, 'keyslots.json'));
    const vault = await KeyVault.open(dir, opts);
    const before = await sidecar();
    expect(before.format).toBe(1);
    expect(before.users[0]?.kdf.name).toBe('scrypt');
    expect((await caught(vault.unlockWithPassword('admin', 'correct horse 2'))).code).toBe('WRONG_PASSWORD');
    clockAt += 5_000;
    const unlocked = await vault.unlockWithPassword('admin', 'correct horse 1');
    expect(unlocked.kdfUpgrade).toBe('argon2id');
    const after = await sidecar();
    expect(after.format).toBe(2);
    expect(after.users[0]?.kdf.name).toBe('argon2id');
    expect(after.users[0]?.wrapped).toBeUndefined();
    expect(after.users[0]?.box).toBeDefined();
    expect(after.throttle).toEqual([]);
    const again = await vault.unlockWithPassword('admin', 'correct horse 1');
    expect(again.dataKey.equals(unlocked.dataKey)).toBe(true);
    expect(again.kdfUpgrade).toBeNull();
  });

});
