/**
 * County operators and their sessions. Passwords are hashed with scrypt (N = 2^15, r = 8, p = 1: 32 MiB and about
 * 0.1 s per attempt here, on a server that also serves every clinic's sync, with a per-account throttle in front);
 * a session is 32 random bytes sent only in an HttpOnly cookie and stored as its SHA-256, and every request looks
 * it up again, so a disabled operator or an expired session is refused at once.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../db';

export const OPERATOR_ROLE = 'countyOperator';
export const SESSION_MS = 8 * 60 * 60 * 1000;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

export interface Operator {
  username: string;
  displayName: string;
  role: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: SCRYPT.maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password an operator may choose: long enough that the throttle, not luck, decides. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'the password needs at least 10 characters';
  if (password.length > 200) return 'the password is longer than 200 characters';
  return null;
}

export class Operators {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds the operator, or sets a new password for an existing one (and ends their sessions). */
  async add(username: string, displayName: string, password: string): Promise<{ created: boolean }> {
    const hash = await hashPassword(password);
    return this.sql.transaction(async (tx) => {
      const existing = await tx.query('SELECT username FROM operators WHERE username = $1', [username]);
      if (existing.length === 0) {
        await tx.query('INSERT INTO operators (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
          username,
          displayName,
          OPERATOR_ROLE,
          hash,
          this.now(),
        ]);
      } else {
        await tx.query('UPDATE operators SET display_name = $2, password_hash = $3, disabled_at = NULL WHERE username = $1', [username, displayName, hash]);
        await tx.query('DELETE FROM operator_sessions WHERE username = $1', [username]);
      }
      return { created: existing.length === 0 };
    });
  }

  /** The operator when the password is right and the account active, else null (which of the two is not said). */
  async check(username: string, password: string): Promise<Operator | null> {
    const rows = await this.sql.query<{ username: string; display_name: string; role: string; password_hash: string; disabled_at: string | null }>(
      'SELECT username, display_name, role, password_hash, disabled_at FROM operators WHERE username = $1',
      [username],
    );
    const row = rows[0];
    // Hash even for an unknown name, so the answer takes as long either way.
    const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash()));
    if (!row || !ok || row.disabled_at !== null) return null;
    return { username: row.username, displayName: row.display_name, role: row.role };
  }

  async startSession(username: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.sql.query('DELETE FROM operator_sessions WHERE expires_at < $1', [this.now()]);
    await this.sql.query('INSERT INTO operator_sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      sha256(token),
      username,
      this.now(),
      this.now() + SESSION_MS,
    ]);
    return token;
  }

  /** The signed-in operator of a session token, checked on every request (role, account, expiry). */
  async session(token: string): Promise<Operator | null> {
    const rows = await this.sql.query<{ username: string; display_name: string; role: string; disabled_at: string | null; expires_at: string }>(
      `SELECT o.username, o.display_name, o.role, o.disabled_at, s.expires_at
       FROM operator_sessions s JOIN operators o ON o.username = s.username WHERE s.token_hash = $1`,
      [sha256(token)],
    );
    const row = rows[0];
    if (!row || row.disabled_at !== null || Number(row.expires_at) < this.now() || row.role !== OPERATOR_ROLE) return null;
    return { username: row.username, displayName: row.display_name, role: row.role };
  }

  async endSession(token: string): Promise<void> {
    await this.sql.query('DELETE FROM operator_sessions WHERE token_hash = $1', [sha256(token)]);
  }
}

let dummy: Promise<string> | null = null;
const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/** Failures in a row before sign-in waits, the first wait, the longest, and how long a quiet key is remembered. */
export const THROTTLE = { freeFailures: 5, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000, forgetAfterMs: 24 * 60 * 60_000 } as const;

/**
 * Sign-in throttle per account and per address: after 5 failures in a row, each further attempt waits 30 s, doubling
 * up to 15 minutes; a success clears the keys, and a key without a failure for a day starts afresh. Kept in the
 * platform database (migration 0065), so a restart, which an attacker may be able to cause, does not forget it.
 */
export class Throttle {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before `keys` may try again (0 = now). */
  async wait(keys: readonly string[]): Promise<number> {
    const rows = await this.sql.query<{ until_at: string | null }>('SELECT MAX(until_at) AS until_at FROM county_signin_failures WHERE key = ANY($1::text[])', [
      keys,
    ]);
    return Math.max(0, Number(rows[0]?.until_at ?? 0) - this.now());
  }

  async failed(keys: readonly string[]): Promise<void> {
    const now = this.now();
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM county_signin_failures WHERE last_failed_at < $1', [now - THROTTLE.forgetAfterMs]);
      for (const key of keys) {
        // One statement counts the failure, so two attempts at once cannot both read the old count.
        const rows = await tx.query<{ failures: number }>(
          `INSERT INTO county_signin_failures (key, failures, until_at, last_failed_at) VALUES ($1, 1, 0, $2)
           ON CONFLICT (key) DO UPDATE SET failures = county_signin_failures.failures + 1, last_failed_at = $2 RETURNING failures`,
          [key, now],
        );
        const count = Number(rows[0]?.failures ?? 1);
        if (count < THROTTLE.freeFailures) continue;
        const wait = Math.min(THROTTLE.firstWaitMs * 2 ** (count - THROTTLE.freeFailures), THROTTLE.maxWaitMs);
        await tx.query('UPDATE county_signin_failures SET until_at = $2 WHERE key = $1', [key, now + wait]);
      }
    });
  }

  async succeeded(keys: readonly string[]): Promise<void> {
    await this.sql.query('DELETE FROM county_signin_failures WHERE key = ANY($1::text[])', [keys]);
  }
}
