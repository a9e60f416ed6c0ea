import { describe, expect, it } from 'vitest';

import { AppError } from '../../../../../shared/api/errors';
import {
  deriveRecoveryKek,
  formatRecoveryKey,
  generateRecoveryKey,
  parseRecoveryKey,
} from '../../../../../main/store/keys/recovery-key';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const fixedKey = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));

function invalidReason(text: string): unknown {
  try {
    parseRecoveryKey(text);
  } catch (e) {
    if (e instanceof AppError && e.code === 'RECOVERY_KEY_INVALID') return e.details?.reason;
    throw e;
  }
  return 'accepted';
}

describe('recovery key format', () => {
  it('is 14 groups of 4 Crockford base32 characters', () => {
    const { key, text } = generateRecoveryKey();
    expect(key).toHaveLength(32);
    expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}$/);
  });

  it('round-trips', () => {
    for (let i = 0; i < 50; i++) {
      const { key, text } = generateRecoveryKey();
      expect(parseRecoveryKey(text).equals(key)).toBe(true);
    }
  });

  it('is tolerant of how people copy it: spaces, no dashes, lower case, O/0, I/L/1, full-width', () => {
    const text = formatRecoveryKey(fixedKey);
    const variants = [
      text.replaceAll('-', ' '),
      text.replaceAll('-', ''),
      `  ${text.toLowerCase()}  `,
      text.replaceAll('0', 'O'),
      text.replaceAll('1', 'I'),
      text.replaceAll('1', 'l'),
      text.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
      text.replaceAll('-', '\u2014'),
    ];
    for (const variant of variants) expect(parseRecoveryKey(variant).equals(fixedKey)).toBe(true);
  });

  it('catches every single-character typo (checksum) before any unwrap', () => {
    const compact = formatRecoveryKey(fixedKey).replaceAll('-', '');
    for (let position = 0; position < compact.length; position++) {
      const original = compact[position] ?? '';
      const replacement = ALPHABET[(ALPHABET.indexOf(original) + 7) % 32] ?? '';
      const typo = compact.slice(0, position) + replacement + compact.slice(position + 1);
      expect(invalidReason(typo), `position ${position}`).toBe('checksum');
    }
  });

  it('catches swapped neighbours', () => {
    const compact = formatRecoveryKey(fixedKey).replaceAll('-', '');
    for (let position = 0; position + 1 < compact.length; position++) {
      const a = compact[position] ?? '';
      const b = compact[position + 1] ?? '';
      if (a === b) continue;
      const swapped = compact.slice(0, position) + b + a + compact.slice(position + 2);
      expect(invalidReason(swapped), `position ${position}`).toBe('checksum');
    }
  });

  it.each([
    ['one character short', (t: string) => t.slice(0, -1), 'length'],
    ['one group missing', (t: string) => t.slice(5), 'length'],
    ['empty', () => '', 'length'],
    ['U is not in the alphabet', (t: string) => `U${t.slice(1)}`, 'character'],
    ['punctuation inside', (t: string) => `*${t.slice(1)}`, 'character'],
  ])('rejects %s', (_label, edit, reason) => {
    expect(invalidReason(edit(formatRecoveryKey(fixedKey)))).toBe(reason);
  });

  it('the recovery KEK depends on key and salt', () => {
    const salt = Buffer.alloc(16, 1);
    const kek = deriveRecoveryKek(fixedKey, salt);
    expect(kek).toHaveLength(32);
    expect(deriveRecoveryKek(fixedKey, salt).equals(kek)).toBe(true);
    expect(deriveRecoveryKek(fixedKey, Buffer.alloc(16, 2)).equals(kek)).toBe(false);
  });
});
