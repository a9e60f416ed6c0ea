/**
 * The app-wide session: one clinic PC, one signed-in user at a time. Unlocking turns a password (or the recovery
 * key) into the data key through a key slot and opens the encrypted database; locking closes it and wipes the key
 * from memory. After `idleLockMinutes` without activity the app locks itself.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/api/errors';
import type { Access, Scope } from '../../shared/api/method';
import { roleMayUse } from '../../shared/domain/access-scope';
import type { SessionState, SessionUser } from '../../shared/api/session';
import { DEFAULT_TIME_ZONE, type Clock } from '../../shared/domain/dates';
import type { Logger } from '../api/dispatch';
import { databaseExists, openClinicDatabase, type ClinicDatabase } from '../store/database';
import { CLINIC_PROJECTIONS } from './projections';
import { prepareRotatedFile, resumeRotation, swapInRotatedFile, type RotationPhase } from '../store/key-rotation';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyVault, type KdfCost } from '../store/keys';
import { hasKeySlots, KEYSLOTS_FILE, KEYSLOTS_PREV_FILE } from '../store/keys/keyslots';
import { checkPasswordPolicy } from '../store/keys/sign-in-policy';
import type { OsKeystore } from '../store/keys/os-keystore';
import { AuditLog } from './audit-log';
import type { EventBus } from './event-bus';
import { readClinicMeta, writeClinicMeta } from './clinic-meta';
import { ClinicSettingsRepo, DEFAULT_IDLE_LOCK_MINUTES, type UserProfile } from './settings-repo';
import { UnitOfWork } from './unit-of-work';

export interface Unlocked {
  db: ClinicDatabase;
  user: SessionUser;
  clinic: { code: string; name: string };
  audit: AuditLog;
  /** One user action = one transaction with its audit entry (unit-of-work.ts). */
  uow: UnitOfWork;
  settings: ClinicSettingsRepo;
  /** The data key: needed to add users and rewrap slots. Zeroed on lock. */
  dataKey: Buffer;
  deviceId: string;
  timeZone: string;
}

export interface RotationResult {
  /** Users whose slot could not take the new key (format 1, never signed in since): they need a new password. */
  droppedUsers: string[];
  /** A new recovery key when the old recovery slot could not take the new key; shown once. */
  recoveryKey: string | null;
}

export interface SessionOptions {
  dataDir: string;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  keystore?: OsKeystore;
  kdfCost?: KdfCost;
  /** Rebuild changed projections after sign-in answers, in slices (the app); otherwise before it answers (the CLI). */
  deferRebuilds?: boolean;
  /** Tests: a deferred rebuild waits between its pages while this file exists (`RuntimeOptions.holdRebuildWhile`). */
  holdRebuildWhile?: string;
  /** Called after the database opens, before anyone uses it (the services build their indexes here). */
  onUnlocked?: (u: Unlocked) => Promise<void>;
  onLocking?: () => Promise<void>;
}

export class SessionService {
  private unlocked: Unlocked | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private lockAt = 0;
  private lastUsername: string | undefined;
  /** Unlock, setup and lock run one at a time: two sign-ins racing must not open the file twice. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SessionOptions) {}

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Throws KEYSLOTS_MISSING when the database exists without either sidecar: that is a clinic whose key slots
   * were lost, and answering "not initialised" would lead its user into the set-up wizard.
   */
  async isInitialised(): Promise<boolean> {
    const hasSlots = await hasKeySlots(this.options.dataDir);
    const hasDatabase = databaseExists(this.options.dataDir);
    if (hasDatabase && !hasSlots) throw new AppError('KEYSLOTS_MISSING');
    return hasSlots && hasDatabase;
  }

  async state(): Promise<SessionState> {
    if (this.unlocked) {
      const { clinic, user, settings } = this.unlocked;
      return { state: 'unlocked', clinic, user, idleLockMinutes: (await settings.clinic()).idleLockMinutes };
    }
    if (!(await this.isInitialised())) return { state: 'uninitialised' };
    const meta = await readClinicMeta(this.options.dataDir);
    return {
      state: 'locked',
      clinic: { code: meta?.clinicCode ?? '', name: meta?.clinicName ?? '' },
      ...(this.lastUsername ? { lastUsername: this.lastUsername } : {}),
      canRemember: this.options.keystore?.isAvailable() ?? false,
    };
  }

  /** Throws unless the caller may use a method of this access level and scope (shared/api/method.ts `Scope`). */
  authorize(access: Access, scope: Scope = access === 'admin' ? 'admin' : 'undecided'): void {
    if (access === 'public') return;
    const u = this.unlocked;
    if (!u) throw new AppError('LOCKED');
    if (!roleMayUse(u.user.role, scope)) throw new AppError('FORBIDDEN', { role: u.user.role, scope });
    this.noteActivity();
  }

  /** The open session, for services. */
  current(): Unlocked {
    if (!this.unlocked) throw new AppError('LOCKED');
    return this.unlocked;
  }

  get isUnlocked(): boolean {
    return this.unlocked !== null;
  }

  setup(input: {
    clinicCode: string;
    clinicName: string;
    villages: { code: string; name: string }[];
    admin: { username: string; displayName: string; password: string };
  }): Promise<{ recoveryKey: string }> {
    return this.serial(async () => {
      if (await hasKeySlots(this.options.dataDir)) throw new AppError('ALREADY_INITIALISED');
      if (databaseExists(this.options.dataDir)) throw new AppError('KEYSLOTS_MISSING');
      const userId = randomUUID();
      const { dataKey, recoveryKey } = await KeyVault.create(
        this.options.dataDir,
        { clinicCode: input.clinicCode, admin: { userId, username: input.admin.username, password: input.admin.password } },
        this.vaultOptions(),
      );
      let db: ClinicDatabase;
      try {
        db = await openClinicDatabase(this.options.dataDir, dataKey, { create: true, projections: CLINIC_PROJECTIONS });
      } catch (e) {
        // Nothing was saved yet: undo the sidecar so set-up can simply be tried again.
        await this.removeSidecar();
        throw e;
      }
      const now = this.options.clock.now();
      const settings = new ClinicSettingsRepo(db, input.clinicCode, this.options.clock);
      await settings.initialise({
        clinicCode: input.clinicCode,
        clinicName: input.clinicName,
        timeZone: DEFAULT_TIME_ZONE,
        isCardPhotoStored: false,
        idleLockMinutes: DEFAULT_IDLE_LOCK_MINUTES,
        villages: input.villages,
      });
      const profile: UserProfile = {
        userId,
        username: input.admin.username,
        displayName: input.admin.displayName,
        role: 'admin',
        createdAt: now,
      };
      await settings.putUser(profile);
      await writeClinicMeta(this.options.dataDir, { clinicCode: input.clinicCode, clinicName: input.clinicName, deviceId: randomUUID() });
      await this.enter(db, dataKey, profile, settings, 'setup');
      return { recoveryKey };
    });
  }

  signIn(username: string, password: string, remember = false): Promise<SessionState> {
    return this.serial(async () => {
      if (!(await this.isInitialised())) throw new AppError('NOT_INITIALISED');
      const vault = await KeyVault.open(this.options.dataDir, this.vaultOptions());
      // The password is checked before the open session is touched: a wrong guess on a second connection must
      // not sign out whoever is working.
      const { dataKey, userId, kdfUpgrade, kdfUpgradeError } = await vault.unlockWithPassword(username, password);
      if (kdfUpgrade === 'failed') this.options.logger.error('could not rewrap the key slot with argon2id', { error: String(kdfUpgradeError) });
      // Read before the clinic opens: once it is open, the work list's background fill shares this thread, and each
      // step of a file read would wait for one of its slices (this read cost 1.2 s of a 3 s sign-in under load).
      const rotationDue = await vault.isRotationDue();
      if (this.unlocked) await this.closeSession('switchUser');
      this.lastUsername = username;
      await this.openAs(dataKey, userId, 'signIn');
      // Recorded like a password change: the slot's key material was replaced (vault.ts, scrypt → argon2id).
      if (kdfUpgrade === 'argon2id') await this.current().audit.record({ action: 'upgradeKeySlot', collection: 'settings', recordId: `user:${userId}`, detail: 'scrypt→argon2id' });
      if (rotationDue) await this.rotateNow((phase) => this.options.logger.info(`key rotation: ${phase}`));
      const keystore = this.options.keystore;
      if (remember && keystore?.isAvailable()) await vault.remember(username, dataKey, keystore);
      return this.state();
    });
  }

  /** Sign in with the remembered slot; NOT_FOUND when there is none usable (the UI asks for the password). */
  signInRemembered(username: string): Promise<SessionState> {
    return this.serial(async () => {
      if (!(await this.isInitialised())) throw new AppError('NOT_INITIALISED');
      const keystore = this.options.keystore;
      if (!keystore) throw new AppError('NOT_FOUND', { username });
      const vault = await KeyVault.open(this.options.dataDir, this.vaultOptions());
      const unlocked = await vault.unlockRemembered(username, keystore);
      if (!unlocked) throw new AppError('NOT_FOUND', { username });
      if (this.unlocked) await this.closeSession('switchUser');
      this.lastUsername = username;
      await this.openAs(unlocked.dataKey, unlocked.userId, 'signIn');
      return this.state();
    });
  }

  async forgetMe(): Promise<void> {
    const u = this.current();
    const vault = await KeyVault.open(this.options.dataDir, this.vaultOptions());
    await vault.forget(u.user.username);
    await u.audit.record({ action: 'forgetMe', collection: 'settings', recordId: `user:${u.user.id}` });
  }

  recover(recoveryKey: string, username: string, newPassword: string): Promise<SessionState> {
    return this.serial(async () => {
      if (!(await this.isInitialised())) throw new AppError('NOT_INITIALISED');
      const weak = checkPasswordPolicy(newPassword);
      if (weak) throw weak;
      const vault = await KeyVault.open(this.options.dataDir, this.vaultOptions());
      // Key, user and new password are all checked before the open session is touched (as in signIn).
      const dataKey = await vault.unlockWithRecoveryKey(recoveryKey);
      const slot = (await vault.listUsers()).find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (!slot) {
        dataKey.fill(0);
        throw new AppError('NOT_FOUND', { username });
      }
      if (this.unlocked) await this.closeSession('switchUser');
      try {
        await vault.changePassword(slot.username, null, newPassword, dataKey);
      } catch (e) {
        dataKey.fill(0);
        throw e;
      }
      this.lastUsername = slot.username;
      await this.openAs(dataKey, slot.userId, 'recover');
      return this.state();
    });
  }

  lock(reason: 'user' | 'idle' | 'shutdown' = 'user'): Promise<SessionState> {
    return this.serial(async () => {
      if (this.unlocked) await this.closeSession(reason === 'user' ? 'lock' : reason === 'idle' ? 'idleLock' : 'shutdown');
      const state = await this.state();
      this.options.bus.publish('session.changed', state);
      return state;
    });
  }

  touch(): { lockAt: number } {
    this.current();
    this.noteActivity();
    return { lockAt: this.lockAt };
  }

  async changeOwnPassword(oldPassword: string, newPassword: string): Promise<void> {
    const u = this.current();
    const vault = await KeyVault.open(this.options.dataDir, this.vaultOptions());
    await vault.changePassword(u.user.username, oldPassword, newPassword, u.dataKey);
    await u.audit.record({ action: 'changePassword', collection: 'settings', recordId: `user:${u.user.id}` });
  }

  /**
   * Replaces the data key (issue 11 §3): closes the database, writes a re-encrypted copy, moves every remaining
   * slot to the new key, swaps the copy in and reopens as the same user. Resumable: a crash at any step leaves a
   * file that opens with the key its slots hold (key-rotation.ts), and a rotation still due runs at the next open.
   * What it protects against: key slots or a password that leave with a removed (or compromised) user open no
   * future copy of the database. What it cannot: copies of the database taken before, which the old key still
   * opens. Errors: LOCKED, LAST_USER.
   */
  rotateDataKey(onProgress: (phase: RotationPhase) => void = () => undefined): Promise<RotationResult> {
    return this.serial(() =>
      this.rotateNow((phase) => {
        // The admin who asked for it sees each step (设置 → 用户); the window is locked meanwhile.
        this.options.bus.publish('session.rotation', { phase });
        onProgress(phase);
      }),
    );
  }

  private async rotateNow(onProgress: (phase: RotationPhase) => void): Promise<RotationResult> {
    const u = this.current();
    const oldKey = u.dataKey;
    const newKey = randomBytes(32);
    const userId = u.user.id;
    await u.audit.record({ action: 'rotateKey', collection: 'settings', detail: 'start' });
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.options.onLocking?.();
    this.unlocked = null;
    await u.db.close();
    let result: RotationResult;
    try {
      prepareRotatedFile(this.options.dataDir, oldKey, newKey, onProgress);
      onProgress('slots');
      const vault = await KeyVault.open(this.options.dataDir, this.vaultOptions());
      result = await vault.rotate(oldKey, newKey);
    } catch (e) {
      // The slots still hold the old key: drop the copy and carry on with the old key, the rotation still due.
      newKey.fill(0);
      resumeRotation(this.options.dataDir, oldKey);
      await this.openAs(oldKey, userId, 'signIn');
      throw e;
    }
    oldKey.fill(0);
    onProgress('swap');
    swapInRotatedFile(this.options.dataDir);
    onProgress('reopen');
    await this.openAs(newKey, userId, 'rotateKey');
    onProgress('done');
    return result;
  }

  /** The vault, for user management by an admin in an open session. */
  async vault(): Promise<KeyVault> {
    return KeyVault.open(this.options.dataDir, this.vaultOptions());
  }

  get keystore(): OsKeystore | undefined {
    return this.options.keystore;
  }

  /** Re-arms the idle timer with the clinic's current setting (after settings change). */
  async rearmIdleLock(): Promise<void> {
    if (!this.unlocked) return;
    this.noteActivity((await this.unlocked.settings.clinic()).idleLockMinutes);
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      if (this.unlocked) await this.closeSession('shutdown');
    });
  }

  /**
   * This installation's id from clinic.json. If that file was lost, a new id is made: the device then owns no
   * record-number block until one is granted, which can delay new records but never duplicate a number.
   */
  private async deviceId(clinic: { clinicCode: string; clinicName: string }): Promise<string> {
    const meta = await readClinicMeta(this.options.dataDir);
    if (meta) return meta.deviceId;
    const deviceId = randomUUID();
    await writeClinicMeta(this.options.dataDir, { clinicCode: clinic.clinicCode, clinicName: clinic.clinicName, deviceId });
    return deviceId;
  }

  private vaultOptions() {
    return { now: () => this.options.clock.now(), kdfCost: this.options.kdfCost };
  }

  private async removeSidecar(): Promise<void> {
    for (const f of [KEYSLOTS_FILE, KEYSLOTS_PREV_FILE]) await rm(join(this.options.dataDir, f), { force: true });
  }

  private async openAs(dataKey: Buffer, userId: string, action: 'signIn' | 'recover' | 'rotateKey'): Promise<void> {
    let db: ClinicDatabase;
    try {
      resumeRotation(this.options.dataDir, dataKey);
      // A projection whose version changed (the first sign-in after an upgrade) is rebuilt after sign-in has
      // answered, in slices, while the screens show the progress (app.dataUpdate), not before it (18 s at 30,000).
      db = await openClinicDatabase(this.options.dataDir, dataKey, { projections: CLINIC_PROJECTIONS, deferRebuilds: this.options.deferRebuilds === true });
    } catch (e) {
      dataKey.fill(0);
      // The slot accepted the password, so the key is this clinic's: a file it cannot open was made by another.
      if (e instanceof AppError && e.code === 'WRONG_PASSWORD') throw new AppError('FOREIGN_DATABASE');
      throw e;
    }
    try {
      const clinic = await new ClinicSettingsRepo(db, '', this.options.clock).clinic();
      const settings = new ClinicSettingsRepo(db, clinic.clinicCode, this.options.clock);
      const profile = await settings.user(userId);
      // A slot without an active profile belongs to a removed user whose slot survived (e.g. an old sidecar copy).
      if (!profile || profile.removedAt) throw new AppError('WRONG_PASSWORD');
      await this.enter(db, dataKey, profile, settings, action);
    } catch (e) {
      await db.close();
      dataKey.fill(0);
      throw e;
    }
    if (db.rebuilds.pending().length > 0) {
      const opened = db;
      setImmediate(() => {
        const hold = this.options.holdRebuildWhile;
        opened.rebuilds.run(hold ? { holdWhile: () => existsSync(hold) } : {}).catch((e: unknown) => this.options.logger.error('projection rebuild failed', { error: String(e) }));
      });
    }
  }

  private async enter(
    db: ClinicDatabase,
    dataKey: Buffer,
    profile: UserProfile,
    settings: ClinicSettingsRepo,
    action: string,
  ): Promise<void> {
    const clinicSettings = await settings.clinic();
    const user: SessionUser = {
      id: profile.userId,
      username: profile.username,
      displayName: profile.displayName,
      role: profile.role,
      villages: profile.villages ?? [],
    };
    const audit = new AuditLog(db, clinicSettings.clinicCode, user, this.options.clock);
    this.unlocked = {
      db,
      user,
      clinic: { code: clinicSettings.clinicCode, name: clinicSettings.clinicName },
      audit,
      uow: new UnitOfWork(db, audit),
      settings,
      dataKey,
      deviceId: await this.deviceId(clinicSettings),
      timeZone: clinicSettings.timeZone,
    };
    await audit.record({ action });
    await this.options.onUnlocked?.(this.unlocked);
    this.noteActivity(clinicSettings.idleLockMinutes);
    this.options.bus.publish('session.changed', await this.state());
  }

  private noteActivity(minutes?: number): void {
    if (!this.unlocked) return;
    const idleMinutes = minutes ?? this.idleMinutes;
    this.idleMinutes = idleMinutes;
    this.lockAt = this.options.clock.now() + idleMinutes * 60_000;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.checkIdle(), idleMinutes * 60_000);
    this.idleTimer.unref();
  }

  private idleMinutes = DEFAULT_IDLE_LOCK_MINUTES;

  /** Fires from the timer; re-checks against the injected clock so tests can drive idleness without waiting. */
  async checkIdle(): Promise<void> {
    if (!this.unlocked) return;
    if (this.options.clock.now() >= this.lockAt) {
      this.options.logger.info('locking after idle time');
      await this.lock('idle');
    } else {
      this.noteActivity();
    }
  }

  private async closeSession(action: string): Promise<void> {
    const u = this.unlocked;
    if (!u) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    try {
      await this.options.onLocking?.();
      await u.audit.record({ action });
    } finally {
      this.unlocked = null;
      await u.db.close();
      u.dataKey.fill(0);
    }
  }
}
