/**
 * Configurable line driver for devices that print one text line per measurement (scales, thermometers, BP
 * monitors, QR scanners in serial mode). A profile gives a regular expression per field (first capture group is
 * the value) and optional whole-line and reject patterns; the Omron HBP-9030 "format 5" profile
 * (bp-and-11073.md §B) is built in. Profiles come from the 设备 screen, so a pattern that does not compile is a
 * profile error reported by `compileProfile`, never an exception in the decoder.
 */
import { ByteQueue, fail, good, hasControlChars, type DecodeResult, type Decoder } from '../frame-types';
import { pad2 } from '../glucose-record';

export const LINE_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'systolic', 'diastolic', 'pulse', 'glucose', 'weight', 'temperature', 'spo2', 'identifier', 'error', 'movement'] as const;
export type LineField = (typeof LINE_FIELDS)[number];

export interface LineProfile {
  name: string;
  /** When set, a line must match it whole or it is a `format` error. */
  line?: string;
  /** Lines matching one of these are a `format` error with this reason (e.g. the monitor's other output formats). */
  reject?: { pattern: string; reason: string }[];
  fields: Partial<Record<LineField, string>>;
  /** Longest accepted line in bytes. */
  maxLine?: number;
}

/** Omron HBP-9030 USB output "format 5": `YYYY,MM,DD,HH,MM,<ID 20>,E,SSS,DDD,PPP,M`. */
export const OMRON_HBP9030: LineProfile = {
  name: 'omron-hbp9030',
  line: '^\\d{4},\\d{2},\\d{2},\\d{2},\\d{2},.{20},\\d,[ \\d]{3},[ \\d]{3},[ \\d]{3},\\d$',
  reject: [{ pattern: '^(MMBP203N|ID|bp,)', reason: 'wrong format setting on the monitor' }],
  fields: {
    year: '^(\\d{4}),',
    month: '^\\d{4},(\\d{2}),',
    day: '^(?:[^,]*,){2}(\\d{2}),',
    hour: '^(?:[^,]*,){3}(\\d{2}),',
    minute: '^(?:[^,]*,){4}(\\d{2}),',
    identifier: '^(?:[^,]*,){5}(.{20}),',
    error: '^(?:[^,]*,){5}.{20},(\\d),',
    systolic: ',(\\d{3}),[ \\d]{3},[ \\d]{3},\\d$',
    diastolic: ',(\\d{3}),[ \\d]{3},\\d$',
    pulse: ',(\\d{3}),\\d$',
    movement: ',(\\d)$',
  },
  maxLine: 80,
};

export const BUILT_IN_PROFILES: Readonly<Record<string, LineProfile>> = { [OMRON_HBP9030.name]: OMRON_HBP9030 };

export interface LineReading {
  kind: 'reading';
  /** Wall clock from the line when it carries a date and time, else null (the session stamps receive time). */
  at: string | null;
  values: Partial<Record<Exclude<LineField, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'error' | 'movement' | 'identifier'>, number>>;
  /** Scanned or keyed identifier (never logged). */
  identifier: string | null;
  /** Omron: body movement detected during the measurement. */
  isFlagged: boolean;
}

export interface CompiledProfile {
  name: string;
  line: RegExp | null;
  reject: { pattern: RegExp; reason: string }[];
  fields: [LineField, RegExp][];
  maxLine: number;
}

export type CompileResult = { ok: true; profile: CompiledProfile } | { ok: false; field: string; message: string };

export function compileProfile(p: LineProfile): CompileResult {
  const re = (field: string, src: string): RegExp | string => {
    if (src.length > 500) return 'pattern longer than 500 characters';
    try {
      return new RegExp(src);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  const line = p.line ? re('line', p.line) : null;
  if (typeof line === 'string') return { ok: false, field: 'line', message: line };
  const reject: CompiledProfile['reject'] = [];
  for (const r of p.reject ?? []) {
    const c = re('reject', r.pattern);
    if (typeof c === 'string') return { ok: false, field: 'reject', message: c };
    reject.push({ pattern: c, reason: r.reason });
  }
  const fields: [LineField, RegExp][] = [];
  for (const [name, src] of Object.entries(p.fields) as [LineField, string][]) {
    if (!(LINE_FIELDS as readonly string[]).includes(name)) return { ok: false, field: name, message: 'unknown field' };
    const c = re(name, src);
    if (typeof c === 'string') return { ok: false, field: name, message: c };
    fields.push([name, c]);
  }
  if (fields.length === 0) return { ok: false, field: 'fields', message: 'a profile needs at least one field' };
  return { ok: true, profile: { name: p.name, line, reject, fields, maxLine: Math.min(Math.max(p.maxLine ?? 256, 8), 4096) } };
}

const NUMERIC = ['systolic', 'diastolic', 'pulse', 'glucose', 'weight', 'temperature', 'spo2'] as const;

/** Applies a compiled profile to one line (without its terminator). */
export function parseLine(p: CompiledProfile, text: string): { ok: true; reading: LineReading } | { ok: false; error: 'format' | 'device-status'; message: string } {
  for (const r of p.reject) if (r.pattern.test(text)) return { ok: false, error: 'format', message: r.reason };
  if (p.line && !p.line.test(text)) return { ok: false, error: 'format', message: `line does not match the ${p.name} pattern` };
  const got: Partial<Record<LineField, string>> = {};
  // The device's own error digit first: a failed measurement may leave the value fields blank.
  const ordered = [...p.fields].sort(([a], [b]) => Number(b === 'error') - Number(a === 'error'));
  for (const [name, re] of ordered) {
    const m = re.exec(text);
    if (!m) return { ok: false, error: 'format', message: `field ${name} not found` };
    got[name] = (m[1] ?? m[0]).trim();
    if (name === 'error' && got.error !== '0') return { ok: false, error: 'device-status', message: `device reports error ${got.error}` };
  }
  const values: LineReading['values'] = {};
  for (const k of NUMERIC) {
    const v = got[k];
    if (v === undefined) continue;
    const n = Number(v.replace(',', '.'));
    if (v === '' || !Number.isFinite(n)) return { ok: false, error: 'format', message: `field ${k} is not a number: ${JSON.stringify(v)}` };
    values[k] = n;
  }
  let at: string | null = null;
  if (got.year && got.month && got.day && got.hour && got.minute) {
    const [y, mo, d, h, mi] = [got.year, got.month, got.day, got.hour, got.minute].map(Number) as [number, number, number, number, number];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCMonth() + 1 !== mo || t.getUTCDate() !== d || h > 23 || mi > 59) return { ok: false, error: 'format', message: 'date or time is impossible' };
    at = `${y}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:00`;
  }
  const movement = got.movement === undefined ? 0 : Number(got.movement);
  return { ok: true, reading: { kind: 'reading', at, values, identifier: got.identifier ?? null, isFlagged: movement > 0 } };
}

export function createDecoder(profile: LineProfile = OMRON_HBP9030): Decoder<LineReading> {
  const compiled = compileProfile(profile);
  const q = new ByteQueue();
  /** Bare line ends waiting to lead the next line's raw bytes. */
  const blank: number[] = [];
  return {
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<LineReading>[] = [];
      if (!compiled.ok) {
        out.push(fail('format', `profile ${profile.name}: ${compiled.field}: ${compiled.message}`, q.take(q.length)));
        return out;
      }
      const max = compiled.profile.maxLine;
      for (;;) {
        let end = -1;
        for (let i = 0; i < q.length; i++) {
          const b = q.at(i);
          if (b === 0x0a || b === 0x0d) {
            end = i;
            break;
          }
        }
        if (end < 0) {
          if (q.length > max) out.push(fail('length', `line longer than ${max} bytes`, q.take(q.length)));
          return out;
        }
        let stop = end + 1;
        if (q.at(end) === 0x0d && stop < q.length && q.at(stop) === 0x0a) stop++;
        const line = q.take(stop);
        if (end === 0) {
          // An empty line, or the LF of a CR LF split across two reads: kept for the next line's raw frame, so the
          // audit copy is the bytes as sent; only line ends at the very end of the input are left out.
          if (blank.length < 64) blank.push(...line);
          continue;
        }
        const raw = blank.length ? Uint8Array.from([...blank.splice(0), ...line]) : line;
        if (end > max) {
          out.push(fail('length', `line longer than ${max} bytes`, raw));
          continue;
        }
        const bytes = line.subarray(0, end);
        const text = Buffer.from(bytes).toString('utf8');
        if (hasControlChars(text)) {
          out.push(fail('format', 'line contains control or undecodable bytes (wrong baud rate?)', raw));
          continue;
        }
        const r = parseLine(compiled.profile, text);
        out.push(r.ok ? good(r.reading, raw) : fail(r.error, r.message, raw));
      }
    },
    finish() {
      const lead = blank.splice(0);
      return q.length ? [fail('truncated', `${q.length} bytes without a line end`, Uint8Array.from([...lead, ...q.take(q.length)]))] : [];
    },
  };
}
