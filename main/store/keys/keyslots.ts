/**
 * `keyslots.json`, the plaintext sidecar beside the encrypted database (DESIGN.md §2). It must be readable before
 * the data key exists and holds no patient data: wrapped copies of the data key, their KDF parameters, and sign-in
 * throttle counters.
 *
 * Losing it must never lose the clinic's data, so a write is atomic (temp file, fsync, rename, fsync the folder)
 * and the previous good version is kept as `keyslots.prev.json`. A damaged main file is moved aside, never
 * overwritten, and never copied over the good previous version.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

import { AppError } from '../../../shared/api/errors';
import { KdfParams } from './kdf';
import { SealedKey, SlotBox } from './seal';
import { Base64Bytes, WrappedKey } from './wrap';

export const KEYSLOTS_FILE = 'keyslots.json';
export const KEYSLOTS_PREV_FILE = 'keyslots.prev.json';
/** 2: slots hold an X25519 box and the data key sealed to it (seal.ts); 1 wrapped the key directly (still read). */
export const KEYSLOTS_FORMAT = 2;

/** Far above any real sidecar (a few KB per user); a bigger file is not ours. */
const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_USERNAME_LENGTH = 64;

/** Sign-in names match case- and width-insensitively: 'Wang', 'wang' and 'ｗａｎｇ' are one user. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

const Instant = z.number().int().nonnegative();
const SlotId = z.string().min(1).max(64);
const UserId = z.string().min(1).max(128);

export const UserSlot = z.object({
  slotId: SlotId,
  userId: UserId,
  username: z.string().min(1).max(MAX_USERNAME_LENGTH),
  kdf: KdfParams,
  /** Format 1: the data key wrapped directly under the password's key. Upgraded to box + sealed at sign-in. */
  wrapped: WrappedKey.optional(),
  box: SlotBox.optional(),
  sealed: SealedKey.optional(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type UserSlot = z.infer<typeof UserSlot>;

export const HkdfParams = z.object({ name: z.literal('hkdf-sha256'), salt: Base64Bytes(16) });
export type HkdfParams = z.infer<typeof HkdfParams>;

export const RecoverySlot = z.object({
  slotId: SlotId,
  kdf: HkdfParams,
  wrapped: WrappedKey.optional(),
  box: SlotBox.optional(),
  sealed: SealedKey.optional(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type RecoverySlot = z.infer<typeof RecoverySlot>;

/** The data key wrapped with a random secret that only the OS keystore can unseal. */
export const RememberedSlot = z.object({
  slotId: SlotId,
  userId: UserId,
  sealedSecret: z.base64().max(4096),
  wrapped: WrappedKey,
  createdAt: Instant,
});
export type RememberedSlot = z.infer<typeof RememberedSlot>;

/**
 * One per sign-in name (usernameKey()) with recent failures, including names that match no user, so failures
 * reveal nothing about who exists. A list, not a map keyed by name: a name like `__proto__` must stay data.
 */
export const ThrottleEntry = z.object({
  username: z.string().max(MAX_USERNAME_LENGTH),
  failures: z.number().int().min(1),
  lastFailureAt: Instant,
});
export type ThrottleEntry = z.infer<typeof ThrottleEntry>;

export const ClinicThrottle = z.object({ failures: z.number().int().min(1), lastFailureAt: Instant });
export type ClinicThrottle = z.infer<typeof ClinicThrottle>;

export const KeySlotsFile = z
  .object({
    format: z.union([z.literal(1), z.literal(KEYSLOTS_FORMAT)]),
    clinicCode: z.string().regex(/^(\d{9}|\d{12})$/),
    vaultId: z.uuid(),
    /** HMAC of a fixed label under the data key: lets a caller's key be checked before it is wrapped anew. */
    keyCheck: Base64Bytes(32),
    createdAt: Instant,
    updatedAt: Instant,
    users: z.array(UserSlot).min(1),
    recovery: RecoverySlot,
    remembered: z.array(RememberedSlot),
    throttle: z.array(ThrottleEntry),
    /** Failures across all names since the last success: guessing many names costs time too (issue 11 §6). */
    clinicThrottle: ClinicThrottle.optional(),
    /** A user was removed or a password reset after a compromise: the data key must be replaced (issue 11 §3). */
    rotationDue: z.boolean().optional(),
  })
  .superRefine((file, ctx) => {
    for (const slot of [...file.users, file.recovery]) {
      if (!slot.wrapped && !(slot.box && slot.sealed)) ctx.addIssue({ code: 'custom', message: `slot ${slot.slotId} holds no key` });
    }
    const unique = (values: string[], what: string) => {
      if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', message: `duplicate ${what}` });
    };
    unique(
      [...file.users.map((u) => u.slotId), file.recovery.slotId, ...file.remembered.map((r) => r.slotId)],
      'slotId',
    );
    unique(
      file.users.map((u) => u.userId),
      'userId',
    );
    unique(
      file.users.map((u) => usernameKey(u.username)),
      'username',
    );
    unique(
      file.remembered.map((r) => r.userId),
      'remembered userId',
    );
    unique(
      file.throttle.map((t) => t.username),
      'throttle username',
    );
  });
export type KeySlotsFile = z.infer<typeof KeySlotsFile>;

type Inspection =
  | { kind: 'missing' }
  | { kind: 'ok'; file: KeySlotsFile; raw: Buffer }
  | { kind: 'damaged' }
  | { kind: 'newer'; format: number };

async function inspect(filePath: string): Promise<Inspection> {
  let raw: Buffer;
  try {
    raw = await readFile(filePath);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return { kind: 'missing' };
    throw e;
  }
  if (raw.length > MAX_FILE_BYTES) return { kind: 'damaged' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { kind: 'damaged' };
  }
  if (typeof json === 'object' && json !== null && 'format' in json) {
    const format = json.format;
    if (typeof format === 'number' && format > KEYSLOTS_FORMAT) return { kind: 'newer', format };
  }
  const parsed = KeySlotsFile.safeParse(json);
  return parsed.success ? { kind: 'ok', file: parsed.data, raw } : { kind: 'damaged' };
}

function newerVersion(format: number): AppError {
  // A newer app wrote this; reading it with old rules (or falling back past it) could undo a password change.
  return new AppError('DATA_FROM_NEWER_VERSION', { file: KEYSLOTS_FILE, format });
}

export interface KeySlotsRead {
  file: KeySlotsFile;
  /** True when the main file was missing or damaged and `keyslots.prev.json` was used: tell the user. */
  isFromPrevious: boolean;
}

/** null when neither file exists (a fresh data folder). Throws KEYSLOTS_DAMAGED, DATA_FROM_NEWER_VERSION. */
export async function readKeySlots(dir: string): Promise<KeySlotsRead | null> {
  const main = await inspect(path.join(dir, KEYSLOTS_FILE));
  if (main.kind === 'ok') return { file: main.file, isFromPrevious: false };
  if (main.kind === 'newer') throw newerVersion(main.format);
  const prev = await inspect(path.join(dir, KEYSLOTS_PREV_FILE));
  if (prev.kind === 'ok') return { file: prev.file, isFromPrevious: true };
  if (prev.kind === 'newer') throw newerVersion(prev.format);
  if (main.kind === 'missing' && prev.kind === 'missing') return null;
  throw new AppError('KEYSLOTS_DAMAGED', { main: main.kind, previous: prev.kind });
}

/** True if either sidecar file exists in any state: a set-up must never write over one. */
export async function hasKeySlots(dir: string): Promise<boolean> {
  const [main, prev] = await Promise.all([
    inspect(path.join(dir, KEYSLOTS_FILE)),
    inspect(path.join(dir, KEYSLOTS_PREV_FILE)),
  ]);
  return main.kind !== 'missing' || prev.kind !== 'missing';
}

/**
 * Replaces the sidecar. The current main file becomes `keyslots.prev.json` if it is valid; if it is damaged it
 * is renamed `keyslots.damaged-<at>.json` so whoever investigates still has it, and the good .prev stays.
 */
export async function writeKeySlots(
  dir: string,
  file: KeySlotsFile,
  at: number,
  opts: { replacePrevious?: boolean } = {},
): Promise<void> {
  const text = `${JSON.stringify(KeySlotsFile.parse({ ...file, format: KEYSLOTS_FORMAT }), null, 2)}\n`;
  const mainPath = path.join(dir, KEYSLOTS_FILE);
  const current = await inspect(mainPath);
  if (current.kind === 'newer') throw newerVersion(current.format);
  if (opts.replacePrevious) {
    // A removed user's slot or a rotated-out key must not survive in the previous copy (issue 11 §3).
    await writeAtomically(dir, path.join(dir, KEYSLOTS_PREV_FILE), Buffer.from(text, 'utf8'));
  } else if (current.kind === 'ok') {
    await writeAtomically(dir, path.join(dir, KEYSLOTS_PREV_FILE), current.raw);
  } else if (current.kind === 'damaged') {
    await renameWithRetry(mainPath, path.join(dir, `keyslots.damaged-${at}.json`));
  }
  await writeAtomically(dir, mainPath, Buffer.from(text, 'utf8'));
}

async function writeAtomically(dir: string, target: string, bytes: Buffer): Promise<void> {
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // 0o600: the wrapped keys are not secret by design, but there is no reason to hand them to other accounts.
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDirectory(dir);
}

/** The rename is only durable once the directory entry is; without this a power cut can bring the old file back. */
async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync (EISDIR/EPERM); NTFS journals the rename's metadata itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** On Windows an antivirus or indexer briefly holding the target makes rename fail with EPERM/EBUSY/EACCES. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (e) {
      const isTransient = isErrno(e, 'EPERM') || isErrno(e, 'EBUSY') || isErrno(e, 'EACCES');
      if (process.platform !== 'win32' || !isTransient || attempt >= 10) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === code;
}
