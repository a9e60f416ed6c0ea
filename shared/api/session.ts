import { z } from 'zod';
import { method } from './method';

/** 用户角色: 乡村医生, 乡镇医生, 体检人员, 管理员 */
export const Role = z.enum(['villageDoctor', 'townshipDoctor', 'checkStaff', 'admin']);
export type Role = z.infer<typeof Role>;

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(32)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'validation.usernameChars');
export const Password = z.string().min(1).max(256);
/** New passwords: at least 8 characters (README, accounts). */
export const NewPassword = z.string().min(8, 'validation.passwordTooShort').max(256);

export const ClinicCode = z.string().regex(/^(\d{9}|\d{12})$/, 'validation.clinicCode').brand<'ClinicCode'>();
export type ClinicCode = z.infer<typeof ClinicCode>;

export const Clinic = z.object({ code: z.string(), name: z.string() });
export type Clinic = z.infer<typeof Clinic>;

export const SessionUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /**
   * 服务村: the village codes a village doctor serves, set by an admin. Only a village doctor's calls are limited to
   * them (shared/domain/access-scope.ts); absent or empty for a village doctor means no resident-level data at all.
   */
  villages: z.array(z.string()).optional(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const SessionState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('uninitialised') }),
  z.object({
    state: z.literal('locked'),
    clinic: Clinic,
    lastUsername: z.string().optional(),
    /** The OS keystore can hold a "remember on this computer" slot (Electron with a real keyring only). */
    canRemember: z.boolean().default(false),
  }),
  z.object({
    state: z.literal('unlocked'),
    clinic: Clinic,
    user: SessionUser,
    idleLockMinutes: z.number().int().min(1).max(240),
  }),
]);
export type SessionState = z.infer<typeof SessionState>;

export const Village = z.object({
  code: z.string().regex(/^\d{12}$/, 'validation.villageCode'),
  name: z.string().trim().min(1).max(40),
});
export type Village = z.infer<typeof Village>;

/** 首次设置: the first-run wizard's one request. */
export const SetupInput = z.object({
  clinicCode: ClinicCode,
  clinicName: z.string().trim().min(2).max(60),
  villages: z.array(Village).max(500).default([]),
  admin: z.object({ username: Username, displayName: z.string().trim().min(1).max(40), password: NewPassword }),
});

export const session = {
  /** Where the app stands: no clinic yet, locked, or signed in. Errors: none. */
  state: method({ input: z.object({}).strict(), output: SessionState, access: 'public' }),
  /** 首次设置 on an empty data directory; returns the recovery key, shown once. Errors: ALREADY_INITIALISED. */
  setup: method({
    input: SetupInput,
    output: z.object({ recoveryKey: z.string(), state: SessionState }),
    access: 'public',
  }),
  /** 登录 offline. Errors: NOT_INITIALISED, WRONG_PASSWORD, TOO_MANY_ATTEMPTS, DATA_DAMAGED. */
  signIn: method({
    input: z.object({ username: Username, password: Password, remember: z.boolean().default(false) }).strict(),
    output: SessionState,
    access: 'public',
  }),
  /** 记住我: sign in with the slot the OS keystore protects, no password. Errors: NOT_FOUND (nothing remembered, or the keyring changed). */
  signInRemembered: method({
    input: z.object({ username: Username }).strict(),
    output: SessionState,
    access: 'public',
  }),
  /** Forget the remembered slot of the signed-in user on this computer. Errors: LOCKED. */
  forgetMe: method({ scope: 'self', input: z.object({}).strict(), output: z.object({ ok: z.literal(true) }) }),
  /** Unlock with the printed recovery key and set a new password for one user. Errors: RECOVERY_KEY_INVALID, NOT_FOUND. */
  recover: method({
    input: z.object({ recoveryKey: z.string().trim().min(10).max(200), username: Username, newPassword: NewPassword }).strict(),
    output: SessionState,
    access: 'public',
  }),
  /** 锁定: drops the data key from memory. Errors: none. */
  lock: method({ input: z.object({}).strict(), output: SessionState, access: 'public' }),
  /** The user is active (keyboard/mouse); postpones the idle lock. Errors: LOCKED. */
  touch: method({ scope: 'self', input: z.object({}).strict(), output: z.object({ lockAt: z.number() }) }),
  /** Change one's own password; rewraps only that user's key slot. Errors: WRONG_PASSWORD, WEAK_PASSWORD. */
  changePassword: method({
    scope: 'self',
    input: z.object({ oldPassword: Password, newPassword: NewPassword }).strict(),
    output: z.object({ ok: z.literal(true) }),
  }),
};

/** What a data-key rotation changed: users to give a new password, and a new recovery key to show once. */
export const KeyRotation = z.object({ droppedUsers: z.array(z.string()), recoveryKey: z.string().nullable() });
export type KeyRotation = z.infer<typeof KeyRotation>;

/** Where a data-key rotation is (main/store/key-rotation.ts): copy, re-encrypt, rewrap slots, swap, reopen, done. */
export const RotationPhase = z.enum(['copy', 'rekey', 'slots', 'swap', 'reopen', 'done']);
export type RotationPhase = z.infer<typeof RotationPhase>;
export const KeyRotationProgress = z.object({ phase: RotationPhase });
export type KeyRotationProgress = z.infer<typeof KeyRotationProgress>;

export const UserSummary = SessionUser.extend({ createdAt: z.number() });

/** The village codes a user serves: distinct, at most 50 (a village doctor serves one or a few). */
export const UserVillages = z
  .array(z.string().regex(/^\d{12}$/, 'validation.villageCode'))
  .max(50)
  .refine((codes) => new Set(codes).size === codes.length, 'validation.duplicateVillage');
export type UserSummary = z.infer<typeof UserSummary>;

export const users = {
  /** 用户管理: everyone who can sign in to this clinic. Errors: FORBIDDEN. */
  list: method({ input: z.object({}).strict(), output: z.array(UserSummary), access: 'admin' }),
  /** Add a user with their own key slot (and a village doctor's villages). Errors: USER_EXISTS, WEAK_PASSWORD, VALIDATION_FAILED (unknown village), FORBIDDEN. */
  add: method({
    input: z
      .object({
        username: Username,
        displayName: z.string().trim().min(1).max(40),
        role: Role,
        password: NewPassword,
        villages: UserVillages.default([]),
      })
      .strict(),
    output: UserSummary,
    access: 'admin',
  }),
  /** 服务村: set the villages a user serves (what a village doctor may see and change). Errors: NOT_FOUND, VALIDATION_FAILED (unknown village), FORBIDDEN. */
  setVillages: method({
    input: z.object({ username: Username, villages: UserVillages }).strict(),
    output: UserSummary,
    access: 'admin',
  }),
  /**
   * Set another user's password (admin); with `isCompromised` the data key is replaced too (the old password may
   * be known to someone else). Errors: NOT_FOUND, FORBIDDEN, LAST_USER.
   */
  resetPassword: method({
    input: z.object({ username: Username, newPassword: NewPassword, isCompromised: z.boolean().default(false) }).strict(),
    output: z.object({ ok: z.literal(true), rotation: KeyRotation.optional() }),
    access: 'admin',
  }),
  /** Remove a user and their key slot, then replace the data key. Errors: NOT_FOUND, LAST_USER, FORBIDDEN. */
  remove: method({
    input: z.object({ username: Username }).strict(),
    output: z.object({ ok: z.literal(true), rotation: KeyRotation }),
    access: 'admin',
  }),
};
