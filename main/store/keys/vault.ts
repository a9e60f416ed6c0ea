/**
 * The key vault of one data folder: the database's random data key, wrapped once per user (password), once for
 * the recovery key, and optionally once per user for "remember on this computer". The data key never changes;
 * only its wrappings do. Pure Node: the session wires the returned key to the database.
 *
 * Every operation re-reads the sidecar and runs one at a time, so a CLI command and the app see each other's
 * changes, throttle counters cannot be raced by parallel attempts, and at most one key derivation runs at once.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';

import { AppError } from '../../../shared/api/errors';
import { costOf, DEFAULT_KDF_COST, deriveKey, isArgon2idCost, newKdfParams } from './kdf';
import type { KdfCost } from './kdf';
import {
  hasKeySlots,
  MAX_USERNAME_LENGTH,
  readKeySlots,
  usernameKey,
  writeKeySlots,
  type KeySlotsFile,
  type RecoverySlot,
  type UserSlot,
} from './keyslots';
import type { OsKeystore } from './os-keystore';
import { deriveRecoveryKek, generateRecoveryKey, parseRecoveryKey } from './recovery-key';
import {
  checkPasswordPolicy,
  clinicThrottleDelayMs,
  findThrottle,
  throttleDelayMs,
  throttleKey,
  withClinicFailure,
  withFailure,
  withoutThrottle,
} from './sign-in-policy';
import { makeSlotBox, openSealedKey, sealKey, type SealedKey, type SlotBox } from './seal';
import { DATA_KEY_BYTES, unwrapKey, wrapKey, type SlotBinding, type WrappedKey } from './wrap';

export interface KeyVaultOptions {
  now?: () => number;
  /** Cost for slots made or rewrapped from now on; tests pass a cheap one. Existing slots keep their own. */
  kdfCost?: KdfCost;
}

export interface NewUser {
  userId: string;
  username: string;
  password: string;
}

export interface Unlocked {
  dataKey: Buffer;
  userId: string;
}

export interface PasswordUnlocked extends Unlocked {
  /**
   * 'argon2id' when this sign-in rewrapped the user's scrypt slot with argon2id (the caller audits it); 'failed'
   * when that rewrap could not be done (the sign-in still succeeds with the old slot, and the next one tries again).
   */
  kdfUpgrade: 'argon2id' | 'failed' | null;
  /** Why the rewrap failed, for the log. */
  kdfUpgradeError?: unknown;
}

function keyCheckFor(dataKey: Buffer, vaultId: string): string {
  return createHmac('sha256', dataKey).update(`cunyi.key-check.v1:${vaultId}`).digest('base64');
}

function validateNewUser(user: NewUser): void {
  const name = user.username.trim();
  const isUserIdOk = user.userId.length > 0 && user.userId.length <= 128;
  if (name.length === 0 || name.length > MAX_USERNAME_LENGTH || !isUserIdOk) {
    throw new AppError('VALIDATION_FAILED', { reason: 'username' }, undefined, [
      { path: 'username', message: 'validation.usernameLength', params: { max: MAX_USERNAME_LENGTH } },
    ]);
  }
  const weak = checkPasswordPolicy(user.password);
  if (weak) throw weak;
}

export class KeyVault {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    /** The main sidecar was missing or damaged at open and keyslots.prev.json was used: the UI should say so. */
    readonly isFromPrevious: boolean,
    private state: KeySlotsFile,
    private readonly now: () => number,
    private readonly kdfCost: KdfCost,
  ) {}

  get clinicCode(): string {
    return this.state.clinicCode;
  }

  get vaultId(): string {
    return this.state.vaultId;
  }

  /** First set-up. Errors: ALREADY_INITIALISED, VALIDATION_FAILED, WEAK_PASSWORD. */
  static async create(
    dir: string,
    init: { clinicCode: string; admin: NewUser },
    opts: KeyVaultOptions = {},
  ): Promise<{ vault: KeyVault; dataKey: Buffer; recoveryKey: string }> {
    if (!/^(\d{9}|\d{12})$/.test(init.clinicCode)) {
      throw new AppError('VALIDATION_FAILED', { reason: 'clinicCode' });
    }
    validateNewUser(init.admin);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (await hasKeySlots(dir)) throw new AppError('ALREADY_INITIALISED');
    const now = opts.now ?? Date.now;
    const kdfCost = opts.kdfCost ?? DEFAULT_KDF_COST;
    const at = now();
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const vaultId = randomUUID();
    const { clinicCode } = init;
    const recovery = makeRecoverySlot(dataKey, clinicCode, at);
    const state: KeySlotsFile = {
      format: 1,
      clinicCode,
      vaultId,
      keyCheck: keyCheckFor(dataKey, vaultId),
      createdAt: at,
      updatedAt: at,
      users: [await makeUserSlot(init.admin, dataKey, clinicCode, kdfCost, at)],
      recovery: recovery.slot,
      remembered: [],
      throttle: [],
    };
    await writeKeySlots(dir, state, at);
    return { vault: new KeyVault(dir, false, state, now, kdfCost), dataKey, recoveryKey: recovery.text };
  }

  /** Errors: NOT_INITIALISED, KEYSLOTS_DAMAGED, DATA_FROM_NEWER_VERSION. */
  static async open(dir: string, opts: KeyVaultOptions = {}): Promise<KeyVault> {
    const read = await readKeySlots(dir);
    if (!read) throw new AppError('NOT_INITIALISED');
    return new KeyVault(dir, read.isFromPrevious, read.file, opts.now ?? Date.now, opts.kdfCost ?? DEFAULT_KDF_COST);
  }

  /**
   * A scrypt slot (made before argon2id) is rewrapped with argon2id in the same sidecar write that clears the
   * throttle, while the password and data key are at hand. Errors: WRONG_PASSWORD (unknown user too),
   * TOO_MANY_ATTEMPTS { retryAfterMs }, KEYSLOTS_DAMAGED.
   */
  unlockWithPassword(username: string, password: string): Promise<PasswordUnlocked> {
    return this.exclusive(async () => {
      const slot = await this.checkPassword(username, password, { upgradeKdf: true });
      return {
        dataKey: slot.dataKey,
        userId: slot.user.userId,
        kdfUpgrade: slot.kdfUpgrade,
        ...(slot.kdfUpgradeError === undefined ? {} : { kdfUpgradeError: slot.kdfUpgradeError }),
      };
    });
  }

  /** Errors: RECOVERY_KEY_INVALID (typo, or a valid key of another vault). */
  async unlockWithRecoveryKey(recoveryKey: string): Promise<Buffer> {
    const key = parseRecoveryKey(recoveryKey);
    return this.exclusive(async () => {
      const { recovery, clinicCode } = await this.load();
      const kek = deriveRecoveryKek(key, Buffer.from(recovery.kdf.salt, 'base64'));
      try {
        return openSlot(recovery, kek, { clinicCode, slotId: recovery.slotId }, 'RECOVERY_KEY_INVALID');
      } finally {
        kek.fill(0);
        key.fill(0);
      }
    });
  }

  /** Errors: USER_EXISTS, WEAK_PASSWORD, VALIDATION_FAILED. */
  async addUser(user: NewUser, dataKey: Buffer): Promise<void> {
    validateNewUser(user);
    return this.exclusive(async () => {
      const state = await this.load();
      this.assertDataKey(dataKey);
      const nameKey = usernameKey(user.username);
      if (state.users.some((u) => u.userId === user.userId || usernameKey(u.username) === nameKey)) {
        throw new AppError('USER_EXISTS', { username: user.username });
      }
      const slot = await makeUserSlot(user, dataKey, state.clinicCode, this.kdfCost, this.now());
      const throttle = withoutThrottle(state, throttleKey(user.username));
      await this.save({ ...state, users: [...state.users, slot], throttle });
    });
  }

  /**
   * Rewraps that user's slot only, with fresh salt and the current KDF cost. `oldPassword` null is an
   * administrator's reset (the caller checks the role). Errors: NOT_FOUND, WRONG_PASSWORD, TOO_MANY_ATTEMPTS,
   * WEAK_PASSWORD.
   */
  async changePassword(
    username: string,
    oldPassword: string | null,
    newPassword: string,
    dataKey: Buffer,
  ): Promise<void> {
    const weak = checkPasswordPolicy(newPassword);
    if (weak) throw weak;
    return this.exclusive(async () => {
      if (oldPassword !== null) (await this.checkPassword(username, oldPassword)).dataKey.fill(0);
      const state = await this.load();
      this.assertDataKey(dataKey);
      const index = findUserIndex(state, username);
      const current = state.users[index];
      if (!current) throw new AppError('NOT_FOUND', { username });
      const at = this.now();
      const kdf = newKdfParams(this.kdfCost);
      const kek = await deriveKey(newPassword, kdf);
      // A new key pair too: an administrator's reset does not know the old private key, and need not.
      const keys = boxedKeys(dataKey, kek, { clinicCode: state.clinicCode, slotId: current.slotId });
      kek.fill(0);
      const users = state.users.map((u, i) => (i === index ? { ...withoutKeys(u), kdf, ...keys, updatedAt: at } : u));
      await this.save({ ...state, users });
    });
  }

  /** Removes the user's password slot and remembered slot. Errors: NOT_FOUND, LAST_USER. */
  removeUser(username: string): Promise<void> {
    return this.exclusive(async () => {
      const state = await this.load();
      const user = state.users[findUserIndex(state, username)];
      if (!user) throw new AppError('NOT_FOUND', { username });
      // Without a password slot only the recovery key could open the clinic: no one should do that by accident.
      if (state.users.length === 1) throw new AppError('LAST_USER');
      const throttle = withoutThrottle(state, throttleKey(username));
      await this.save(
        {
          ...state,
          users: state.users.filter((u) => u !== user),
          remembered: state.remembered.filter((r) => r.userId !== user.userId),
          throttle,
          rotationDue: true,
        },
        { replacePrevious: true },
      );
    });
  }

  /** Replaces the recovery slot; the old recovery key stops working. Returns the new key, to show once. */
  resetRecoveryKey(dataKey: Buffer): Promise<string> {
    return this.exclusive(async () => {
      const state = await this.load();
      this.assertDataKey(dataKey);
      const recovery = makeRecoverySlot(dataKey, state.clinicCode, this.now());
      await this.save({ ...state, recovery: recovery.slot });
      return recovery.text;
    });
  }

  /**
   * Replaces the data key in every slot that can take it without a password: each password and recovery slot with
   * a key pair gets `newKey` sealed to it. Format-1 slots cannot (their owner never signed in since the upgrade):
   * they are dropped and named, to be given a new password. Remembered slots are dropped (the next sign-in asks
   * for the password). Both sidecar files are replaced, so no copy here still opens the old key. Returns the
   * dropped users and, when the recovery slot was format 1, a new recovery key to show once.
   */
  rotate(oldKey: Buffer, newKey: Buffer): Promise<{ droppedUsers: string[]; recoveryKey: string | null }> {
    return this.exclusive(async () => {
      const state = await this.load();
      this.assertDataKey(oldKey);
      const at = this.now();
      const { clinicCode } = state;
      const kept = state.users.filter((u) => u.box);
      const droppedUsers = state.users.filter((u) => !u.box).map((u) => u.username);
      if (kept.length === 0) throw new AppError('LAST_USER');
      const users = kept.map((u) => {
        const box = u.box as SlotBox;
        return { ...withoutKeys(u), box, sealed: sealKey(newKey, box.publicKey, { clinicCode, slotId: u.slotId }), updatedAt: at };
      });
      let recoveryKey: string | null = null;
      let recovery: RecoverySlot;
      if (state.recovery.box) {
        const r = state.recovery;
        const box = state.recovery.box;
        recovery = { ...withoutKeys(r), box, sealed: sealKey(newKey, box.publicKey, { clinicCode, slotId: r.slotId }), updatedAt: at };
      } else {
        const fresh = makeRecoverySlot(newKey, clinicCode, at);
        recovery = fresh.slot;
        recoveryKey = fresh.text;
      }
      await this.save(
        { ...state, keyCheck: keyCheckFor(newKey, state.vaultId), users, recovery, remembered: [], rotationDue: false },
        { replacePrevious: true },
      );
      return { droppedUsers, recoveryKey };
    });
  }

  /** After a password reset for a suspected compromise: the next open (or the caller, now) rotates the key. */
  markRotationDue(): Promise<void> {
    return this.exclusive(async () => {
      const state = await this.load();
      await this.save({ ...state, rotationDue: true });
    });
  }

  /** Re-read: a rotation was asked for and has not finished. */
  isRotationDue(): Promise<boolean> {
    return this.exclusive(async () => (await this.load()).rotationDue === true);
  }

  listUsers(): Promise<{ userId: string; username: string }[]> {
    return this.exclusive(async () =>
      (await this.load()).users.map(({ userId, username }) => ({ userId, username })),
    );
  }

  /** "Remember on this computer". Errors: NOT_FOUND, NOT_SUPPORTED (no OS keystore). */
  remember(username: string, dataKey: Buffer, keystore: OsKeystore): Promise<void> {
    return this.exclusive(async () => {
      const state = await this.load();
      this.assertDataKey(dataKey);
      const user = state.users[findUserIndex(state, username)];
      if (!user) throw new AppError('NOT_FOUND', { username });
      if (!keystore.isAvailable()) throw new AppError('NOT_SUPPORTED', { reason: 'osKeystoreUnavailable' });
      const secret = randomBytes(32);
      const slotId = randomUUID();
      const slot = {
        slotId,
        userId: user.userId,
        sealedSecret: (await keystore.encrypt(secret)).toString('base64'),
        wrapped: wrapKey(dataKey, secret, { clinicCode: state.clinicCode, slotId }),
        createdAt: this.now(),
      };
      secret.fill(0);
      await this.save({ ...state, remembered: [...state.remembered.filter((r) => r.userId !== user.userId), slot] });
    });
  }

  /**
   * null whenever the remembered slot cannot be used (none, keystore unavailable, sealed by another OS user or a
   * reset keyring): the caller falls back to the password, so there is nothing to report.
   */
  unlockRemembered(username: string, keystore: OsKeystore): Promise<Unlocked | null> {
    return this.exclusive(async () => {
      const state = await this.load();
      const user = state.users[findUserIndex(state, username)];
      const slot = user && state.remembered.find((r) => r.userId === user.userId);
      if (!user || !slot || !keystore.isAvailable()) return null;
      let secret: Buffer | undefined;
      try {
        secret = await keystore.decrypt(Buffer.from(slot.sealedSecret, 'base64'));
        if (secret.length !== 32) return null;
        const dataKey = unwrapKey(slot.wrapped, secret, { clinicCode: state.clinicCode, slotId: slot.slotId });
        return { dataKey, userId: user.userId };
      } catch {
        return null;
      } finally {
        secret?.fill(0);
      }
    });
  }

  forget(username: string): Promise<void> {
    return this.exclusive(async () => {
      const state = await this.load();
      const user = state.users[findUserIndex(state, username)];
      if (!user || !state.remembered.some((r) => r.userId === user.userId)) return;
      await this.save({ ...state, remembered: state.remembered.filter((r) => r.userId !== user.userId) });
    });
  }

  /**
   * Throttled password check shared by sign-in and password change. Unknown names run the same KDF and count
   * failures the same way, so neither timing nor the answer tells whether a name exists.
   */
  private async checkPassword(
    username: string,
    password: string,
    opts: { upgradeKdf?: boolean } = {},
  ): Promise<{ user: UserSlot; dataKey: Buffer; kdfUpgrade: PasswordUnlocked['kdfUpgrade']; kdfUpgradeError?: unknown }> {
    const state = await this.load();
    const key = throttleKey(username);
    const entry = findThrottle(state, key);
    const at = this.now();
    const clinicWide = state.clinicThrottle;
    if (clinicWide) {
      const delay = clinicThrottleDelayMs(clinicWide.failures);
      if (at < clinicWide.lastFailureAt && delay > 0) {
        await this.save({ ...state, clinicThrottle: { ...clinicWide, lastFailureAt: at } });
        throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterMs: delay, scope: 'clinic' });
      }
      const retryAfterMs = clinicWide.lastFailureAt + delay - at;
      if (retryAfterMs > 0) throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterMs, scope: 'clinic' });
    }
    if (entry) {
      const delay = throttleDelayMs(entry.failures);
      if (at < entry.lastFailureAt && delay > 0) {
        // The clock was set back: restart the wait from now, or it would last until the clock caught up again.
        const throttle = state.throttle.map((t) => (t === entry ? { ...t, lastFailureAt: at } : t));
        await this.save({ ...state, throttle });
        throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterMs: delay });
      }
      const retryAfterMs = entry.lastFailureAt + delay - at;
      if (retryAfterMs > 0) throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterMs });
    }
    const user = state.users[findUserIndex(state, username)];
    const kdf = user?.kdf ?? newKdfParams(pickCost(state, this.kdfCost));
    const kek = await deriveKey(password, kdf);
    try {
      if (!user) throw new AppError('WRONG_PASSWORD');
      const binding = { clinicCode: state.clinicCode, slotId: user.slotId };
      const dataKey = openSlot(user, kek, binding);
      let upgraded: UserSlot | null = null;
      let kdfUpgrade: PasswordUnlocked['kdfUpgrade'] = null;
      let kdfUpgradeError: unknown;
      if (opts.upgradeKdf && user.kdf.name === 'scrypt' && isArgon2idCost(this.kdfCost)) {
        try {
          upgraded = await rewrappedSlot(user, password, dataKey, this.kdfCost, binding, at);
          kdfUpgrade = 'argon2id';
        } catch (e) {
          kdfUpgrade = 'failed';
          kdfUpgradeError = e;
        }
      }
      // A format-1 slot gets its key pair now, while its key-encryption key is at hand, so rotation can reach it.
      if (!upgraded && !user.box) upgraded = { ...withoutKeys(user), ...boxedKeys(dataKey, kek, binding) };
      if (entry || clinicWide || upgraded) {
        const { clinicThrottle: _cleared, ...rest } = state;
        const next = upgraded;
        const users = next ? state.users.map((u) => (u === user ? next : u)) : state.users;
        await this.save({ ...rest, users, throttle: withoutThrottle(state, key) });
      }
      return { user, dataKey, kdfUpgrade, ...(kdfUpgradeError === undefined ? {} : { kdfUpgradeError }) };
    } catch (e) {
      if (e instanceof AppError && e.code === 'WRONG_PASSWORD') {
        await this.save({ ...state, throttle: withFailure(state, key, at), clinicThrottle: withClinicFailure(state, at) });
      }
      throw e;
    } finally {
      kek.fill(0);
    }
  }

  private assertDataKey(dataKey: Buffer): void {
    const expected = Buffer.from(this.state.keyCheck, 'base64');
    const actual = Buffer.from(keyCheckFor(dataKey, this.state.vaultId), 'base64');
    // A mismatch is a bug in the caller, not a user error: wrapping a wrong key would lock that user out.
    if (dataKey.length !== DATA_KEY_BYTES || !timingSafeEqual(expected, actual)) {
      throw new AppError('INTERNAL', { reason: 'dataKeyMismatch' });
    }
  }

  private async load(): Promise<KeySlotsFile> {
    const read = await readKeySlots(this.dir);
    if (!read) throw new AppError('NOT_INITIALISED');
    this.state = read.file;
    return read.file;
  }

  private async save(next: KeySlotsFile, opts: { replacePrevious?: boolean } = {}): Promise<void> {
    const at = this.now();
    const file = { ...next, updatedAt: Math.max(at, next.createdAt) };
    await writeKeySlots(this.dir, file, at, opts);
    this.state = file;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A slot's key material for `dataKey`: a new key pair under `kek` and the data key sealed to it. */
function boxedKeys(dataKey: Buffer, kek: Buffer, binding: SlotBinding): { box: SlotBox; sealed: SealedKey } {
  const box = makeSlotBox(kek, binding);
  return { box, sealed: sealKey(dataKey, box.publicKey, binding) };
}

function withoutKeys<T extends { wrapped?: unknown; box?: unknown; sealed?: unknown }>(slot: T): Omit<T, 'wrapped' | 'box' | 'sealed'> {
  const { wrapped: _w, box: _b, sealed: _s, ...rest } = slot;
  return rest;
}

/** The data key from a password or recovery slot of either format. */
function openSlot(
  slot: { wrapped?: WrappedKey | undefined; box?: SlotBox | undefined; sealed?: SealedKey | undefined },
  kek: Buffer,
  binding: SlotBinding,
  failure: 'WRONG_PASSWORD' | 'RECOVERY_KEY_INVALID' = 'WRONG_PASSWORD',
): Buffer {
  if (slot.box && slot.sealed) return openSealedKey(slot.sealed, slot.box, kek, binding, failure);
  if (slot.wrapped) return unwrapKey(slot.wrapped, kek, binding, failure);
  throw new AppError(failure);
}

function findUserIndex(state: KeySlotsFile, username: string): number {
  const key = usernameKey(username);
  return state.users.findIndex((u) => usernameKey(u.username) === key);
}

/** An unknown name costs what a real one does: the parameters of an existing slot, with a throw-away salt. */
function pickCost(state: KeySlotsFile, current: KdfCost): KdfCost {
  const first = state.users[0];
  return first ? costOf(first.kdf) : current;
}

/**
 * The slot anew under `cost` (fresh salt, fresh key pair, the same slot id and user), as `changePassword` makes it:
 * done at sign-in for a slot whose KDF is older than the current one.
 */
async function rewrappedSlot(
  user: UserSlot,
  password: string,
  dataKey: Buffer,
  cost: KdfCost,
  binding: SlotBinding,
  at: number,
): Promise<UserSlot> {
  const kdf = newKdfParams(cost);
  const kek = await deriveKey(password, kdf);
  try {
    return { ...withoutKeys(user), kdf, ...boxedKeys(dataKey, kek, binding), updatedAt: at };
  } finally {
    kek.fill(0);
  }
}

async function makeUserSlot(
  user: NewUser,
  dataKey: Buffer,
  clinicCode: string,
  cost: KdfCost,
  at: number,
): Promise<UserSlot> {
  const slotId = randomUUID();
  const kdf = newKdfParams(cost);
  const kek = await deriveKey(user.password, kdf);
  const keys = boxedKeys(dataKey, kek, { clinicCode, slotId });
  kek.fill(0);
  return { slotId, userId: user.userId, username: user.username.trim(), kdf, ...keys, createdAt: at, updatedAt: at };
}

function makeRecoverySlot(dataKey: Buffer, clinicCode: string, at: number): { slot: RecoverySlot; text: string } {
  const { key, text } = generateRecoveryKey();
  const salt = randomBytes(16);
  const slotId = randomUUID();
  const kek = deriveRecoveryKek(key, salt);
  const keys = boxedKeys(dataKey, kek, { clinicCode, slotId });
  kek.fill(0);
  key.fill(0);
  return {
    slot: {
      slotId,
      kdf: { name: 'hkdf-sha256', salt: salt.toString('base64') },
      ...keys,
      createdAt: at,
      updatedAt: at,
    },
    text,
  };
}
