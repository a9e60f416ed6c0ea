/**
 * The recovery key: 256 random bits shown once at set-up, printed and kept in the clinic's safe. It opens the
 * recovery slot when every password is lost, and is the only way back if the sidecar's password slots are gone.
 *
 * Written as 14 groups of 4 Crockford base32 characters (no I, L, O, U to misread): 13 groups carry the key
 * (52 characters = 256 bits + 4 zero bits), the 14th is a check group, 20 bits of SHA-256 over the key, so a
 * mistyped character is caught (all but one in a million) before any unwrap is tried and the person is told
 * "check what you typed", not "wrong key".
 *
 * The key-encryption key comes from HKDF-SHA256, not from a slow KDF: a slow KDF protects guessable secrets,
 * and 256 uniformly random bits cannot be guessed, so stretching them would add seconds and no security.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';

import { AppError } from '../../../shared/api/errors';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_BYTES = 32;
const KEY_CHARS = 52;
const CHECK_CHARS = 4;
const GROUP = 4;

const DECODE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
// Crockford's decoding rules: the letters people confuse with digits read as those digits.
DECODE.set('O', 0);
DECODE.set('I', 1);
DECODE.set('L', 1);

function toBase32(bytes: Buffer, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    let value = 0;
    for (let b = 0; b < 5; b++) {
      const bit = i * 5 + b;
      const byte = bytes[bit >> 3] ?? 0;
      value = (value << 1) | ((byte >> (7 - (bit & 7))) & 1);
    }
    out += ALPHABET[value];
  }
  return out;
}

/** Returns the bytes and whether the bits past the last whole byte were all zero. */
function fromBase32(values: number[], byteCount: number): { bytes: Buffer; isPaddingZero: boolean } {
  const bytes = Buffer.alloc(byteCount);
  let isPaddingZero = true;
  values.forEach((value, i) => {
    for (let b = 0; b < 5; b++) {
      const bit = i * 5 + b;
      const on = (value >> (4 - b)) & 1;
      if (bit >= byteCount * 8) {
        if (on) isPaddingZero = false;
      } else if (on) {
        bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (1 << (7 - (bit & 7)));
      }
    }
  });
  return { bytes, isPaddingZero };
}

function checkGroup(key: Buffer): string {
  const digest = createHash('sha256').update('cunyi.recovery-key.check.v1').update(key).digest();
  return toBase32(digest, CHECK_CHARS);
}

function group(chars: string): string {
  return (chars.match(new RegExp(`.{1,${GROUP}}`, 'g')) ?? []).join('-');
}

export function formatRecoveryKey(key: Buffer): string {
  if (key.length !== KEY_BYTES) throw new Error('formatRecoveryKey: a recovery key is 32 bytes');
  return group(toBase32(key, KEY_CHARS) + checkGroup(key));
}

export function generateRecoveryKey(): { key: Buffer; text: string } {
  const key = randomBytes(KEY_BYTES);
  return { key, text: formatRecoveryKey(key) };
}

/**
 * Tolerant of what people do when copying from paper: spaces, dashes, lower case, full-width characters from a
 * Chinese IME, O for 0 and I/L for 1. Throws RECOVERY_KEY_INVALID with `reason` length | character | checksum.
 */
export function parseRecoveryKey(text: string): Buffer {
  const compact = text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212_.]/g, '');
  if (compact.length !== KEY_CHARS + CHECK_CHARS) {
    throw new AppError('RECOVERY_KEY_INVALID', {
      reason: 'length',
      expected: KEY_CHARS + CHECK_CHARS,
      actual: compact.length,
    });
  }
  const values: number[] = [];
  for (const [position, c] of [...compact].entries()) {
    const value = DECODE.get(c);
    if (value === undefined) throw new AppError('RECOVERY_KEY_INVALID', { reason: 'character', position });
    values.push(value);
  }
  const { bytes, isPaddingZero } = fromBase32(values.slice(0, KEY_CHARS), KEY_BYTES);
  const check = values
    .slice(KEY_CHARS)
    .map((v) => ALPHABET[v])
    .join('');
  if (!isPaddingZero || check !== checkGroup(bytes)) {
    throw new AppError('RECOVERY_KEY_INVALID', { reason: 'checksum' });
  }
  return bytes;
}

/** The recovery slot's key-encryption key; `salt` is the slot's own random salt. */
export function deriveRecoveryKek(recoveryKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', recoveryKey, salt, 'cunyi.recovery-slot.v1', 32));
}
