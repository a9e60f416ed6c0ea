/**
 * 公民身份号码 (GB 11643-1999) and the other identity documents a resident may show (identifiers.md §1).
 * Parsing never throws: a bad number is an expected input, so callers get `{ ok: false, reason }` and map the
 * reason to a `validation.*` message.
 */
import { type CalendarDate, compareDates, formatDate, isValidDate } from './dates';

/** ISO 7064 MOD 11-2 weights for positions 1–17: 2^(18−i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits, or null when they are not 17 digits. */
export function idCheckDigit(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? null;
}

/** True when an 18-character number (lowercase x allowed) carries the right check character. */
export function hasValidCheckDigit(idNumber: string): boolean {
  const s = idNumber.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  return idCheckDigit(s.slice(0, 17)) === s[17];
}

export type IdParseFailure = 'length' | 'format' | 'birthDate' | 'futureBirthDate' | 'checkDigit';

export type ParsedIdNumber =
  | {
      ok: true;
      /** 18 characters, check character uppercase. */
      idNumber: string;
      birthDate: CalendarDate;
      /** GB/T 2261.1: 1 男, 2 女 — from the parity of the 17th digit. */
      sex: 1 | 2;
      /** Address code at first issue; may be a retired GB/T 2260 code, so it is not checked against the list. */
      addressCode: string;
    }
  | { ok: false; reason: IdParseFailure };

/**
 * Parses an 18-character resident ID number (15-digit first-generation numbers are converted first).
 * `today` is the clinic's calendar date, used to refuse birth dates in the future.
 */
export function parseIdNumber(input: string, today: CalendarDate): ParsedIdNumber {
  const s = input.trim().toUpperCase();
  if (s.length === 15) {
    if (!/^\d{15}$/.test(s)) return { ok: false, reason: 'format' };
    const converted = convert15To18(s);
    if (converted === null) return { ok: false, reason: 'birthDate' };
    return parseIdNumber(converted, today);
  }
  if (s.length !== 18) return { ok: false, reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, reason: 'format' };
  const birthDate = formatDate(Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14)));
  if (!isValidDate(birthDate)) return { ok: false, reason: 'birthDate' };
  if (compareDates(birthDate, today) > 0) return { ok: false, reason: 'futureBirthDate' };
  if (idCheckDigit(s.slice(0, 17)) !== s[17]) return { ok: false, reason: 'checkDigit' };
  return {
    ok: true,
    idNumber: s,
    birthDate,
    sex: Number(s[16]) % 2 === 1 ? 1 : 2,
    addressCode: s.slice(0, 6),
  };
}

/**
 * First-generation 15-digit number → 18 characters. All of them were issued to people born 1900–1999
 * (identifiers.md §1), so the century is always 19. Null when the input is not 15 digits or the date is not real.
 */
export function convert15To18(id15: string): string | null {
  if (!/^\d{15}$/.test(id15)) return null;
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  const birth = formatDate(Number(first17.slice(6, 10)), Number(first17.slice(10, 12)), Number(first17.slice(12, 14)));
  if (!isValidDate(birth)) return null;
  return first17 + (idCheckDigit(first17) ?? '');
}

/**
 * For logs and audit lines: keeps the address code (first 6) and the last 4, so a number can be recognised by a
 * person holding the card but the birth date is not written out.
 */
export function maskIdNumber(idNumber: string): string {
  const s = idNumber.trim();
  if (s.length <= 10) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

/**
 * 证件类型. Only documents built on GB 11643's layout carry the MOD 11-2 check character; for "other" documents
 * we only bound the length, since their formats are not standardised for us (identifiers.md: **unconfirmed**).
 */
export const idTypes = [
  { code: 'residentId', zh: '居民身份证', en: 'Resident identity card', hasCheckDigit: true },
  { code: 'foreignerPermanent', zh: '外国人永久居留身份证', en: 'Foreigner permanent residence ID card', hasCheckDigit: true },
  { code: 'hkMacaoTaiwanPermit', zh: '港澳台居民居住证', en: 'Residence permit for Hong Kong, Macao and Taiwan residents', hasCheckDigit: true },
  { code: 'other', zh: '其他证件', en: 'Other document', hasCheckDigit: false },
] as const;

export type IdType = (typeof idTypes)[number]['code'];
export const ID_TYPE_CODES = idTypes.map((t) => t.code) as [IdType, ...IdType[]];

const FOREIGNER_2017 = /^[A-Z]{3}\d{12}$/;

/** HK / Macao / Taiwan residence permits use these address codes (identifiers.md §1). */
const HMT_ADDRESS_CODES = new Set(['810000', '820000', '830000']);

export type IdDocumentCheck = ParsedIdNumber | { ok: true; idNumber: string; birthDate?: undefined; sex?: undefined };

/**
 * Validates a document number according to its type. Resident IDs must not start with 9 or a HK/Macao/Taiwan
 * code, which would mean the wrong type was chosen; a permanent-residence ID starts with 9 (2017 layout).
 */
export function checkIdDocument(idType: IdType, input: string, today: CalendarDate): IdDocumentCheck {
  switch (idType) {
    case 'residentId': {
      const parsed = parseIdNumber(input, today);
      if (parsed.ok && (parsed.idNumber.startsWith('9') || HMT_ADDRESS_CODES.has(parsed.addressCode))) {
        return { ok: false, reason: 'format' };
      }
      return parsed;
    }
    case 'foreignerPermanent': {
      const s = input.trim().toUpperCase();
      // identifiers.md §1: the 2017 card is 3 letters (country) + 12 digits and has no check character we can verify;
      // the 2023 card is 18 digits starting with 9 with the resident-ID check character.
      if (s.length === 15) return FOREIGNER_2017.test(s) ? { ok: true, idNumber: s } : { ok: false, reason: 'format' };
      if (s.length === 18 && !s.startsWith('9')) return { ok: false, reason: 'format' };
      return parseIdNumber(s, today);
    }
    case 'hkMacaoTaiwanPermit': {
      const s = input.trim().toUpperCase();
      if (s.length === 18 && !HMT_ADDRESS_CODES.has(s.slice(0, 6))) return { ok: false, reason: 'format' };
      return s.length === 15 ? { ok: false, reason: 'length' } : parseIdNumber(s, today);
    }
    case 'other': {
      const s = input.trim();
      if (s.length < 4 || s.length > 32) return { ok: false, reason: 'length' };
      if (!/^[\p{L}\p{N}()（）-]+$/u.test(s)) return { ok: false, reason: 'format' };
      return { ok: true, idNumber: s.toUpperCase() };
    }
  }
}

/**
 * The forms of one resident ID number that name the same person: its 18-character form first, and the
 * first-generation 15-digit form when one exists (born 1900–1999). Duplicate checks look for any of them, so a person
 * entered once with each form is found, including records stored as typed before the 18-digit form was kept
 * (identifiers.md §1). Other document types have one form, uppercased.
 */
export function idNumberForms(idType: IdType, input: string): string[] {
  const s = input.trim().toUpperCase();
  if (idType !== 'residentId') return [s];
  const id18 = s.length === 15 ? convert15To18(s) : s;
  if (id18 === null || id18.length !== 18) return [s];
  const id15 = id18.slice(6, 8) === '19' ? `${id18.slice(0, 6)}${id18.slice(8, 17)}` : null;
  return id15 ? [id18, id15] : [id18];
}

/** What is stored for a resident ID: the 18-character form, and the 15 digits as typed when it was typed that way. */
export function storedIdNumber(idType: IdType, input: string): { idNumber: string; idNumber15?: string } {
  const s = input.trim().toUpperCase();
  if (idType === 'residentId' && /^\d{15}$/.test(s)) {
    const id18 = convert15To18(s);
    if (id18) return { idNumber: id18, idNumber15: s };
  }
  return { idNumber: s };
}
