/** Password rules and the sign-in throttle: what a clinic may want tuned, kept apart from the key handling. */
import { AppError } from '../../../shared/api/errors';
import { normalisePassword } from './kdf';
import { MAX_USERNAME_LENGTH, usernameKey, type ClinicThrottle, type KeySlotsFile, type ThrottleEntry } from './keyslots';

export const MIN_PASSWORD_LENGTH = 8;
/** scrypt would take any length; a cap keeps a pasted novel from being a denial of service. */
export const MAX_PASSWORD_LENGTH = 256;
export const FREE_ATTEMPTS = 3;
export const MAX_THROTTLE_DELAY_MS = 5 * 60_000;
/** Unknown names are counted too; this caps how far guessing names can grow the sidecar. */
export const MAX_THROTTLE_ENTRIES = 256;

/** WEAK_PASSWORD with `reason` and the limits, or null when the password is acceptable. */
export function checkPasswordPolicy(password: string): AppError | null {
  const length = [...normalisePassword(password)].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return new AppError('WEAK_PASSWORD', { reason: 'tooShort', minLength: MIN_PASSWORD_LENGTH, length }, undefined, [
      { path: 'password', message: 'validation.passwordTooShort', params: { min: MIN_PASSWORD_LENGTH } },
    ]);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return new AppError('WEAK_PASSWORD', { reason: 'tooLong', maxLength: MAX_PASSWORD_LENGTH, length }, undefined, [
      { path: 'password', message: 'validation.passwordTooLong', params: { max: MAX_PASSWORD_LENGTH } },
    ]);
  }
  return null;
}

/** 0 for the first FREE_ATTEMPTS failures, then 1 s, 2 s, 4 s … capped at 5 minutes. */
export function throttleDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(1000 * 2 ** (failures - FREE_ATTEMPTS), MAX_THROTTLE_DELAY_MS);
}

/**
 * Failed attempts across every name (known or not) before the whole clinic waits: a clinic's few users mistyping
 * now and then stay far below it, while trying 20 made-up names no longer costs the attacker nothing but scrypt.
 */
export const CLINIC_FREE_ATTEMPTS = 10;

/** 0 for the first CLINIC_FREE_ATTEMPTS failures since the last success, then 1 s, 2 s, 4 s … capped at 5 minutes. */
export function clinicThrottleDelayMs(failures: number): number {
  if (failures < CLINIC_FREE_ATTEMPTS) return 0;
  return Math.min(1000 * 2 ** (failures - CLINIC_FREE_ATTEMPTS), MAX_THROTTLE_DELAY_MS);
}

export function withClinicFailure(state: KeySlotsFile, at: number): ClinicThrottle {
  return { failures: (state.clinicThrottle?.failures ?? 0) + 1, lastFailureAt: at };
}

export function throttleKey(username: string): string {
  return usernameKey(username).slice(0, MAX_USERNAME_LENGTH);
}

export function findThrottle(state: KeySlotsFile, key: string): ThrottleEntry | undefined {
  return state.throttle.find((t) => t.username === key);
}

export function withoutThrottle(state: KeySlotsFile, key: string): ThrottleEntry[] {
  return state.throttle.filter((t) => t.username !== key);
}

/**
 * Records one more failure. Over the cap, drops the oldest entries for names that are no user first, so guessing
 * names cannot reset a real user's wait.
 */
export function withFailure(state: KeySlotsFile, key: string, at: number): ThrottleEntry[] {
  const failures = (findThrottle(state, key)?.failures ?? 0) + 1;
  const entries = [...withoutThrottle(state, key), { username: key, failures, lastFailureAt: at }];
  if (entries.length <= MAX_THROTTLE_ENTRIES) return entries;
  const known = new Set(state.users.map((u) => throttleKey(u.username)));
  const rank = (t: ThrottleEntry) => (known.has(t.username) || t.username === key ? 1 : 0);
  return [...entries]
    .sort((a, b) => rank(a) - rank(b) || a.lastFailureAt - b.lastFailureAt)
    .slice(entries.length - MAX_THROTTLE_ENTRIES);
}
