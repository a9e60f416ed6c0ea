/**
 * 第二代居民身份证阅读器 SAM protocol codec (id-card-sam.md): `AA AA AA 96 69` + u16 BE LEN + body + XOR.
 * The device-side decoder turns a read reply into a `CardIdentity` for every document layout the reader returns
 * (resident card, 港澳台居民居住证 `J`, 外国人永久居留身份证 2017 `I` and 2023 `Y`); any SW3 other than 90/9F
 * is a `device-status` error carrying the status byte, never an identity.
 */
import { formatDate, isValidDate, type CalendarDate } from '../../../shared/domain/dates';
import { hasValidCheckDigit } from '../../../shared/domain/id-number';
import { ByteQueue, fail, good, type DecodeResult, type Decoder, type Direction } from '../frame-types';

export const PREAMBLE = [0xaa, 0xaa, 0xaa, 0x96, 0x69] as const;
/** id-card-sam.md receive rule 2: LEN above 4096 is garbage, not a frame. */
export const MAX_LEN = 4096;

export const COMMANDS = {
  reset: [0x10, 0xff],
  samStatus: [0x11, 0xff],
  samId: [0x12, 0xff],
  find: [0x20, 0x01],
  select: [0x20, 0x02],
  read: [0x30, 0x01],
  readWithFingerprint: [0x30, 0x10],
} as const satisfies Record<string, readonly [number, number]>;
export type CommandName = keyof typeof COMMANDS;

/** SW3 status bytes (id-card-sam.md "Status codes"). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  0x90: 'success',
  0x9f: 'find success',
  0x91: 'item not present on card',
  0x10: 'bad checksum in the host frame',
  0x11: 'bad length in the host frame',
  0x21: 'bad command or parameter',
  0x23: 'unauthorised operation',
  0x24: 'unrecognised error',
  0x31: 'card failed to authenticate SAM',
  0x32: 'SAM failed to authenticate card',
  0x33: 'data verification failed',
  0x37: 'fingerprint verification error',
  0x3f: 'data length error',
  0x40: 'unknown card type',
  0x41: 'read failed',
  0x47: 'random-number fetch failed',
  0x60: 'SAM self-test failed',
  0x66: 'SAM not authorised',
  0x80: 'find failed (no card)',
  0x81: 'select failed',
};

export type DocumentType = 'residentId' | 'hkMacaoTaiwanPermit' | 'foreignerPermanent2017' | 'foreignerPermanent2023';

/** What a card says about its holder, one shape for every layout; fields a layout lacks are null. */
export interface CardIdentity {
  documentType: DocumentType;
  /** Chinese name when the card has one, else the English name. */
  name: string;
  nameEnglish: string | null;
  /** GB/T 2261.1 code as printed: 1 male, 2 female, 0 unknown, 9 unspecified. */
  sex: string;
  /** GB/T 3304 two-digit code (resident cards only). */
  ethnicity: string | null;
  birthDate: CalendarDate;
  address: string | null;
  idNumber: string;
  issuer: string | null;
  validFrom: CalendarDate;
  /** A date, or `longTerm` for 长期. */
  validTo: string;
  passNumber: string | null;
  issueCount: string | null;
  nationality: string | null;
  cardVersion: string | null;
  renewalCount: string | null;
  previousNumber: string | null;
}

export type IdCardFrame =
  | { kind: 'command'; command: CommandName | 'unknown'; cmd: number; para: number; data: Uint8Array }
  | { kind: 'status'; status: number; data: Uint8Array }
  | { kind: 'identity'; identity: CardIdentity; photo: Uint8Array; fingerprint: Uint8Array };

function xor(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** A whole frame: preamble, LEN, body, XOR. */
export function encodeFrame(body: Uint8Array | readonly number[]): Uint8Array {
  const len = body.length + 1;
  const out = new Uint8Array(7 + len);
  out.set(PREAMBLE, 0);
  out[5] = (len >> 8) & 0xff;
  out[6] = len & 0xff;
  out.set(body, 7);
  out[out.length - 1] = xor(out.subarray(5, out.length - 1));
  return out;
}

export function encodeCommand(name: CommandName): Uint8Array {
  return encodeFrame(COMMANDS[name]);
}

/** A reader's reply: SW1 SW2 SW3 + data. */
export function encodeReply(status: number, data: Uint8Array | readonly number[] = []): Uint8Array {
  return encodeFrame([0x00, 0x00, status, ...data]);
}

function commandName(cmd: number, para: number): CommandName | 'unknown' {
  for (const [name, [c, p]] of Object.entries(COMMANDS)) if (c === cmd && p === para) return name as CommandName;
  return 'unknown';
}

function ucs2(text: Uint8Array, from: number, to: number): string {
  const s = Buffer.from(text.buffer, text.byteOffset + from, to - from).toString('utf16le');
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s.charCodeAt(end - 1) === 0)) end--;
  return s.slice(0, end);
}

function cardDate(s: string): CalendarDate | null {
  if (!/^\d{8}$/.test(s)) return null;
  const d = formatDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
  return isValidDate(d) ? d : null;
}

type TextParse = { ok: true; identity: CardIdentity } | { ok: false; message: string };

/** Decodes the 256-byte text block by its type flag (bytes 248–249). */
export function parseText(text: Uint8Array): TextParse {
  if (text.length !== 256) return { ok: false, message: `text block is ${text.length} bytes, expected 256` };
  const flag = ucs2(text, 248, 250);
  const validFrom = cardDate(ucs2(text, 188, 204));
  const validToText = ucs2(text, 204, 220);
  const validTo = validToText === '长期' ? 'longTerm' : cardDate(validToText);
  if (validFrom === null || validTo === null) return { ok: false, message: 'validity dates are not YYYYMMDD' };
  const base = { passNumber: null, issueCount: null, nationality: null, cardVersion: null, renewalCount: null, previousNumber: null, nameEnglish: null, ethnicity: null, address: null, issuer: null };
  switch (flag) {
    case '':
    case 'J': {
      const birthDate = cardDate(ucs2(text, 36, 52));
      const idNumber = ucs2(text, 122, 158);
      if (birthDate === null) return { ok: false, message: 'birth date is not YYYYMMDD' };
      if (!hasValidCheckDigit(idNumber)) return { ok: false, message: 'ID number fails its MOD 11-2 check' };
      const isPermit = flag === 'J';
      if (isPermit !== /^8[123]0000/.test(idNumber)) return { ok: false, message: 'ID number does not match the card type' };
      const identity: CardIdentity = {
        ...base,
        documentType: isPermit ? 'hkMacaoTaiwanPermit' : 'residentId',
        name: ucs2(text, 0, 30),
        sex: ucs2(text, 30, 32),
        ethnicity: isPermit ? null : ucs2(text, 32, 36) || null,
        birthDate,
        address: ucs2(text, 52, 122) || null,
        idNumber,
        issuer: ucs2(text, 158, 188) || null,
        validFrom,
        validTo,
      };
      if (isPermit) {
        identity.passNumber = ucs2(text, 220, 238) || null;
        identity.issueCount = ucs2(text, 238, 242) || null;
      }
      return identity.name ? { ok: true, identity } : { ok: false, message: 'name is empty' };
    }
    case 'I': {
      const birthDate = cardDate(ucs2(text, 220, 236));
      if (birthDate === null) return { ok: false, message: 'birth date is not YYYYMMDD' };
      const nameEnglish = ucs2(text, 0, 120);
      const nameChinese = ucs2(text, 158, 188);
      const idNumber = ucs2(text, 122, 152);
      if (!/^[A-Z0-9]{15}$/.test(idNumber)) return { ok: false, message: 'card number is not 15 characters' };
      const identity: CardIdentity = {
        ...base,
        documentType: 'foreignerPermanent2017',
        name: nameChinese || nameEnglish,
        nameEnglish: nameEnglish || null,
        sex: ucs2(text, 120, 122),
        birthDate,
        idNumber,
        nationality: ucs2(text, 152, 158) || null,
        validFrom,
        validTo,
        cardVersion: ucs2(text, 236, 240) || null,
        issuer: ucs2(text, 240, 248) || null,
      };
      return identity.name ? { ok: true, identity } : { ok: false, message: 'name is empty' };
    }
    case 'Y': {
      const birthDate = cardDate(ucs2(text, 36, 52));
      if (birthDate === null) return { ok: false, message: 'birth date is not YYYYMMDD' };
      const idNumber = ucs2(text, 122, 158);
      if (!hasValidCheckDigit(idNumber)) return { ok: false, message: 'ID number fails its MOD 11-2 check' };
      // id-card-sam.md: English name part 2 (220–241) is appended to part 1 (52–121) as is.
      const part1 = Buffer.from(text.buffer, text.byteOffset + 52, 70).toString('utf16le');
      const nameEnglish = (part1 + ucs2(text, 220, 242)).replace(/ +$/u, '');
      const nameChinese = ucs2(text, 0, 30);
      const identity: CardIdentity = {
        ...base,
        documentType: 'foreignerPermanent2023',
        name: nameChinese || nameEnglish,
        nameEnglish: nameEnglish || null,
        sex: ucs2(text, 30, 32),
        renewalCount: ucs2(text, 32, 36) || null,
        birthDate,
        idNumber,
        validFrom,
        validTo,
        nationality: ucs2(text, 242, 248) || null,
        previousNumber: ucs2(text, 250, 256) || null,
      };
      return identity.name ? { ok: true, identity } : { ok: false, message: 'name is empty' };
    }
    default:
      return { ok: false, message: `unknown card type flag ${JSON.stringify(flag)}` };
  }
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}

function decodeReply(frame: Uint8Array): DecodeResult<IdCardFrame> {
  const status = frame[9] ?? 0;
  const data = frame.subarray(10, frame.length - 1);
  if (status !== 0x90 && status !== 0x9f) {
    return fail('device-status', `SW3 ${status.toString(16).padStart(2, '0').toUpperCase()}: ${STATUS_TEXT[status] ?? 'unknown status'}`, frame, status);
  }
  if (data.length < 260) return good({ kind: 'status', status, data: Uint8Array.from(data) }, frame);
  const textLen = u16(data, 0);
  const photoLen = u16(data, 2);
  let offset: number;
  let fpLen = 0;
  if (4 + textLen + photoLen === data.length) offset = 4;
  else if (6 + textLen + photoLen + u16(data, 4) === data.length) {
    fpLen = u16(data, 4);
    offset = 6;
  } else return fail('length', 'text/photo/fingerprint lengths do not add up to the frame length', frame);
  const parsed = parseText(data.subarray(offset, offset + textLen));
  if (!parsed.ok) return fail('format', parsed.message, frame);
  const photo = data.slice(offset + textLen, offset + textLen + photoLen);
  const fingerprint = data.slice(offset + textLen + photoLen, offset + textLen + photoLen + fpLen);
  return good({ kind: 'identity', identity: parsed.identity, photo, fingerprint }, frame);
}

function decodeCommand(frame: Uint8Array): DecodeResult<IdCardFrame> {
  const cmd = frame[7] ?? 0;
  const para = frame[8] ?? 0;
  return good({ kind: 'command', command: commandName(cmd, para), cmd, para, data: frame.slice(9, frame.length - 1) }, frame);
}

export function createDecoder(from: Direction): Decoder<IdCardFrame> {
  const q = new ByteQueue();
  const minLen = from === 'device' ? 4 : 3;
  return {
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<IdCardFrame>[] = [];
      for (;;) {
        const at = q.indexOf(PREAMBLE);
        if (at < 0) {
          // Keep a possible partial preamble; the rest is garbage (leading AA bytes are allowed padding).
          const keep = Math.min(q.length, PREAMBLE.length - 1);
          if (q.length > keep) {
            const dropped = q.take(q.length - keep);
            if (dropped.some((b) => b !== 0xaa)) out.push(fail('garbage', `${dropped.length} bytes outside a frame`, dropped));
          }
          return out;
        }
        if (at > 0) {
          const dropped = q.take(at);
          if (dropped.some((b) => b !== 0xaa)) out.push(fail('garbage', `${dropped.length} bytes before a preamble`, dropped));
        }
        if (q.length < 7) return out;
        const len = u16(q.view(), 5);
        if (len < minLen || len > MAX_LEN) {
          out.push(fail('length', `LEN ${len} is outside ${minLen}–${MAX_LEN}`, q.take(7)));
          continue;
        }
        if (q.length < 7 + len) return out;
        const frame = q.view(0, 7 + len);
        if (xor(frame.subarray(5, frame.length - 1)) !== frame[frame.length - 1]) {
          // A real preamble may hide inside a damaged frame: give up only the bytes before it, so every byte is
          // reported once (the bytes from that preamble on are decoded again as what they are).
          // Its last bytes are kept when they could begin a preamble whose rest has not arrived yet, so the result
          // does not depend on where the serial port split the stream.
          const inner = q.indexOf(PREAMBLE, 1);
          const end = inner > 0 && inner < 7 + len ? inner : 7 + len - preamblePrefixAtEnd(frame);
          out.push(fail('checksum', 'XOR check byte does not match', q.take(end)));
          continue;
        }
        const whole = q.take(7 + len);
        out.push(from === 'device' ? decodeReply(whole) : decodeCommand(whole));
      }
    },
    finish() {
      if (q.length === 0) return [];
      return [fail('truncated', `${q.length} bytes left without a complete frame`, q.take(q.length))];
    },
  };
}

/** How many of the last bytes of `bytes` (at most 4) are the first bytes of a preamble. */
function preamblePrefixAtEnd(bytes: Uint8Array): number {
  outer: for (let n = Math.min(PREAMBLE.length - 1, bytes.length - 1); n > 0; n--) {
    for (let j = 0; j < n; j++) if (bytes[bytes.length - n + j] !== PREAMBLE[j]) continue outer;
    return n;
  }
  return 0;
}
