/**
 * OneTouch Ultra 2 text protocol (glucometer-onetouch.md Part 1). Every meter line is `<body> SP <4 hex> CR LF`
 * (bare CR accepted) with a 16-bit byte-sum of the body. A `DMP` dump is one result: the header's count and every
 * line's checksum must agree, otherwise the whole download is refused (no partial import).
 */
import { ByteQueue, fail, good, type DecodeResult, type Decoder, type Direction } from '../frame-types';
import { rangeFlags, wallClock, type GlucoseRecord, type MeterMemory } from '../glucose-record';

export const MAX_LINE = 160;

export const COMMANDS = { version: 'DM?', serial: 'DM@', clock: 'DMF', unit: 'DMSU?', dump: 'DMP' } as const;
export type CommandName = keyof typeof COMMANDS;
/** `DMZ` erases the meter: recognised when decoding a capture, never encodable. */
export type HostCommand = CommandName | 'setClock' | 'erase' | 'unknown';

export type OneTouchFrame =
  | { kind: 'command'; command: HostCommand; text: string }
  | { kind: 'version'; version: string }
  | { kind: 'serial'; serial: string }
  | { kind: 'clock'; at: string }
  | { kind: 'unit'; unit: 'mg/dL' | 'mmol/L' }
  | { kind: 'erased' }
  | MeterMemory;

export function checksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum = (sum + body.charCodeAt(i)) & 0xffff;
  return sum;
}

export function encodeLine(body: string): Uint8Array {
  return Uint8Array.from(Buffer.from(`${body} ${checksum(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`, 'latin1'));
}

/** DC1 CR wakes the meter, then the command and CR (glucometerutils). */
export function encodeCommand(name: CommandName): Uint8Array {
  return Uint8Array.from(Buffer.from(`\x11\r${COMMANDS[name]}\r`, 'latin1'));
}

const LINE_RE = /^(.*) ([0-9A-F]{4})$/;
const CLOCK_RE = /^"[A-Z]{3}","(\d{2})\/(\d{2})\/(\d{2})","(\d{2}):(\d{2}):(\d{2}) {3}"$/;
const HEADER_RE = /^P (\d{3}),"([^"]{9})","(MG\/DL |MMOL\/L)"$/;
const RECORD_RE = /^P "[A-Z]{3}","(\d{2})\/(\d{2})\/(\d{2})","(\d{2}):(\d{2}):(\d{2}) {3}","([C ]) (\d{3})([? ])","([NBA])","(\d{2})", 00$/;
const COMMENTS = ['none', 'not enough food', 'too much food', 'mild exercise', 'hard exercise', 'medication', 'stress', 'illness', 'feel hypo', 'menses', 'vacation', 'other'];

function clock(m: RegExpMatchArray, at: number): string | null {
  const n = (i: number) => Number(m[at + i]);
  return wallClock(2000 + n(2), n(0), n(1), n(3), n(4), n(5));
}

type Pending = { serial: string; unit: 'mg/dL' | 'mmol/L'; expected: number; records: GlucoseRecord[]; raw: number[] };

function parseRecord(body: string): GlucoseRecord | null {
  const m = RECORD_RE.exec(body);
  if (!m) return null;
  const at = clock(m, 1);
  if (at === null) return null;
  const mgdl = Number(m[8]);
  const flags: GlucoseRecord['flags'] = [];
  if (m[7] === 'C') flags.push('control');
  if (m[9] === '?') flags.push('parityError');
  flags.push(...rangeFlags(mgdl));
  const meal = m[10] === 'B' ? 'before' : m[10] === 'A' ? 'after' : 'none';
  const comment = COMMENTS[Number(m[11])];
  if (comment === undefined) return null;
  return { at, mgdl, flags, meal, comment: comment === 'none' ? null : comment };
}

export function createDecoder(from: Direction): Decoder<OneTouchFrame> {
  const q = new ByteQueue();
  let dump: Pending | null = null;

  function deviceLine(raw: Uint8Array): DecodeResult<OneTouchFrame>[] {
    const text = Buffer.from(raw).toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, '');
    const m = LINE_RE.exec(text);
    if (!m || /[^\x20-\x7e]/.test(text)) return abortDump('format', `not a checksummed meter line: ${JSON.stringify(text.slice(0, 40))}`, raw);
    const body = m[1] ?? '';
    if (checksum(body) !== parseInt(m[2] ?? '', 16)) return abortDump('checksum', `line checksum ${m[2]} does not match ${checksum(body).toString(16).toUpperCase().padStart(4, '0')}`, raw);
    if (dump) {
      const rec = parseRecord(body);
      if (rec) {
        dump.records.push(rec);
        dump.raw.push(...raw);
        if (dump.records.length === dump.expected) {
          const done = dump;
          dump = null;
          return [good({ kind: 'memory', serial: done.serial, unit: done.unit, records: done.records }, Uint8Array.from(done.raw))];
        }
        return [];
      }
      const short = abortDump('length', `dump ended after ${dump.records.length} of ${dump.expected} records`, raw, false);
      return [...short, ...deviceLine(raw)];
    }
    const header = HEADER_RE.exec(body);
    if (header) {
      const expected = Number(header[1]);
      const unit = header[3] === 'MMOL/L' ? 'mmol/L' : 'mg/dL';
      if (expected === 0) return [good({ kind: 'memory', serial: header[2] ?? '', unit, records: [] }, raw)];
      dump = { serial: header[2] ?? '', unit, expected, records: [], raw: [...raw] };
      return [];
    }
    if (RECORD_RE.test(body)) return [fail('sequence', 'record line outside a dump', raw)];
    if (body.startsWith('?')) return [good({ kind: 'version', version: body.slice(1) }, raw)];
    const serial = /^@ "([^"]{9})"$/.exec(body);
    if (serial) return [good({ kind: 'serial', serial: serial[1] ?? '' }, raw)];
    const clk = /^[FT] (.*)$/.exec(body);
    if (body === 'F' || body === 'T') return [fail('format', 'clock reply without a time', raw)];
    if (clk) {
      const c = CLOCK_RE.exec(clk[1] ?? '');
      const at = c ? clock(c, 1) : null;
      return at ? [good({ kind: 'clock', at }, raw)] : [fail('format', 'clock reply is not "DOW","MM/DD/YY","HH:MM:SS   "', raw)];
    }
    const unit = /^SU\?,"(MG\/DL |MMOL\/L)"$/.exec(body);
    if (unit) return [good({ kind: 'unit', unit: unit[1] === 'MMOL/L' ? 'mmol/L' : 'mg/dL' }, raw)];
    if (body === 'Z') return [good({ kind: 'erased' }, raw)];
    return [fail('format', `unknown reply ${JSON.stringify(body.slice(0, 40))}`, raw)];
  }

  /** A bad line inside a dump refuses the whole download. */
  function abortDump(error: 'format' | 'checksum' | 'length', message: string, raw: Uint8Array, includeLine = true): DecodeResult<OneTouchFrame>[] {
    if (!dump) return [fail(error, message, raw)];
    const all = includeLine ? Uint8Array.from([...dump.raw, ...raw]) : Uint8Array.from(dump.raw);
    dump = null;
    return [fail(error, `download refused: ${message}`, all)];
  }

  /** The DC1 CR wake-up before a command: its bytes go into the command's raw frame, so none is dropped. */
  let wake: number[] = [];
  /** Bare line ends from the meter waiting to lead its next line's raw bytes. */
  const blank: number[] = [];

  function hostLine(line: Uint8Array): DecodeResult<OneTouchFrame>[] {
    const DC1 = String.fromCharCode(0x11);
    let text = Buffer.from(line).toString('latin1').replace(/[\r\n]+$/, '');
    while (text.startsWith(DC1) || text.startsWith('\r')) text = text.slice(1);
    if (text === '') {
      wake.push(...line);
      return wake.length > MAX_LINE ? [fail('garbage', `${wake.length} wake-up bytes without a command`, Uint8Array.from(wake.splice(0)))] : [];
    }
    const raw = Uint8Array.from([...wake, ...line]);
    wake = [];
    if (/[^\x20-\x7e]/.test(text)) return [fail('format', 'command contains control bytes', raw)];
    const byText = (Object.entries(COMMANDS) as [CommandName, string][]).find(([, t]) => t === text);
    const command: HostCommand = byText ? byText[0] : text === 'DMZ' ? 'erase' : /^DMT\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? 'setClock' : 'unknown';
    return [good({ kind: 'command', command, text }, raw)];
  }

  return {
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<OneTouchFrame>[] = [];
      for (;;) {
        let end = -1;
        for (let i = 0; i < q.length; i++) {
          const b = q.at(i);
          if (b === 0x0d || b === 0x0a) {
            end = i;
            break;
          }
        }
        if (end < 0) {
          if (q.length > MAX_LINE) out.push(...abortDump('length', `line longer than ${MAX_LINE} bytes`, q.take(q.length)));
          return out;
        }
        // CR LF is one terminator; a bare CR or a bare LF ends a line too.
        // An LF split off into the next chunk arrives as an empty line, which is skipped.
        let stop = end + 1;
        if (q.at(end) === 0x0d && stop < q.length && q.at(stop) === 0x0a) stop++;
        const line = q.take(stop);
        if (line.length > MAX_LINE) {
          out.push(...abortDump('length', `line longer than ${MAX_LINE} bytes`, line));
          continue;
        }
        const content = line.subarray(0, end);
        if (from === 'host') {
          out.push(...hostLine(line));
          continue;
        }
        if (content.length === 0) {
          // An empty line, or the LF of a CR LF split across two reads: part of the dump's raw frame while one is
          // open, else it leads the next line's raw bytes; only line ends at the very end of the input are left out.
          if (dump) dump.raw.push(...line);
          else if (blank.length < 64) blank.push(...line);
          continue;
        }
        out.push(...deviceLine(blank.length ? Uint8Array.from([...blank.splice(0), ...line]) : line));
      }
    },
    finish() {
      const out: DecodeResult<OneTouchFrame>[] = [];
      if (q.length === 0) blank.length = 0;
      const pending = dump;
      dump = null;
      if (q.length > 0 || pending || wake.length > 0) {
        const raw = Uint8Array.from([...wake.splice(0), ...(pending?.raw ?? []), ...blank.splice(0), ...q.take(q.length)]);
        out.push(fail('truncated', pending ? `dump ended after ${pending.records.length} of ${pending.expected} records` : `${raw.length} bytes without a line end`, raw));
      }
      return out;
    },
  };
}
