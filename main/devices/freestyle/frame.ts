/**
 * FreeStyle Optium text protocol (glucometer-freestyle.md): `$xmem` dumps and `$colq` device information, CR LF
 * lines. A dump is accepted only whole: header lines, result count and the byte-sum checksum (everything before
 * the final `0x`) must all agree, as glucometerutils does; anything else refuses the download.
 */
import { ByteQueue, fail, good, type DecodeResult, type Decoder, type Direction } from '../frame-types';
import { wallClock, type GlucoseRecord, type MeterMemory } from '../glucose-record';

export const MAX_LINE = 128;
/** `$coly` powers the meter off and is never sent; `$cksm`, `$dtim`, `$vrom` are not understood. */
export const COMMANDS = { xmem: '$xmem', colq: '$colq' } as const;
export type CommandName = keyof typeof COMMANDS;
export type HostCommand = CommandName | 'setClock' | 'temperature' | 'powerOff' | 'unknown';

export interface MeterInfo {
  kind: 'info';
  serial: string;
  version: string;
  unit: 'mg/dL' | 'mmol/L';
  clock: string;
  usage: number;
}

export type FreeStyleFrame =
  | { kind: 'command'; command: HostCommand; text: string }
  | (MeterMemory & { clock: string; version: string })
  | MeterInfo
  | { kind: 'ok' };

export function encodeCommand(name: CommandName): Uint8Array {
  return Uint8Array.from(Buffer.from(`${COMMANDS[name]}\r\n`, 'latin1'));
}

const MONTHS = ['Jan ', 'Feb ', 'Mar ', 'Apr ', 'May ', 'June', 'July', 'Aug ', 'Sep ', 'Oct ', 'Nov ', 'Dec '];
const MONTH4 = '(Jan |Feb |Mar |Apr |May |June|July|Aug |Sep |Oct |Nov |Dec )';
const DATE_SEC = new RegExp(`^${MONTH4} (\\d{2}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})$`);
const RESULT = new RegExp(`^(\\d{3}|HI ) {2}${MONTH4} (\\d{2}) (\\d{4}) (\\d{2}):(\\d{2}) ([GK]) 0x00$`);
const END = /^0x([0-9A-F]{4}) {2}END$/;
const SERIAL = /^[A-Z0-9]{7}-[A-Z0-9]{5}$/;
const COLQ_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(month: string, day: string, year: string, h: string, mi: string, s = '00'): string | null {
  const mo = MONTHS.indexOf(month) + 1;
  return mo ? wallClock(Number(year), mo, Number(day), Number(h), Number(mi), Number(s)) : null;
}

function sum(bytes: readonly number[]): number {
  let s = 0;
  for (const b of bytes) s += b;
  return s;
}

type Xmem = { lines: string[]; raw: number[]; expected: number | null; records: GlucoseRecord[] };
type Colq = { fields: Map<string, string[]>; raw: number[] };

export function createDecoder(from: Direction): Decoder<FreeStyleFrame> {
  const q = new ByteQueue();
  let xmem: Xmem | null = null;
  let colq: Colq | null = null;

  function refuse(message: string, extra: Uint8Array): DecodeResult<FreeStyleFrame> {
    const raw = Uint8Array.from([...(xmem?.raw ?? colq?.raw ?? []), ...extra]);
    xmem = null;
    colq = null;
    return fail('format', `download refused: ${message}`, raw);
  }

  function xmemLine(x: Xmem, text: string, raw: Uint8Array): DecodeResult<FreeStyleFrame>[] {
    const n = x.lines.length;
    const end = END.exec(text);
    if (end) {
      // The checksum covers every byte before the `0x` of this line.
      const all = Uint8Array.from([...x.raw, ...raw]);
      xmem = null;
      if (x.expected === null || n < 4) return [fail('format', 'download refused: END before the header was complete', all)];
      if (x.records.length !== x.expected) return [fail('length', `download refused: ${x.records.length} results, header says ${x.expected}`, all)];
      const want = parseInt(end[1] ?? '', 16);
      const got = sum(x.raw);
      if (want !== got) return [fail('checksum', `download refused: checksum 0x${want.toString(16).toUpperCase()} does not match 0x${got.toString(16).toUpperCase()}`, all)];
      const clockM = DATE_SEC.exec(x.lines[2] ?? '');
      const clock = clockM ? stamp(clockM[1] ?? '', clockM[2] ?? '', clockM[3] ?? '', clockM[4] ?? '', clockM[5] ?? '', clockM[6]) : null;
      return [good({ kind: 'memory', serial: x.lines[0] ?? '', unit: null, version: x.lines[1] ?? '', clock: clock ?? '', records: x.records }, all)];
    }
    if (n === 0 && !SERIAL.test(text)) return [refuse('serial line is not XXXXXXX-XXXXX', raw)];
    if (n === 1 && text.length === 0) return [refuse('version line is empty', raw)];
    if (n === 2) {
      const m = DATE_SEC.exec(text);
      if (!m || !stamp(m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? '', m[6])) return [refuse('meter clock line is not "Mmm DD YYYY HH:MM:SS"', raw)];
    }
    if (n === 3) {
      if (!/^\d{3}$/.test(text)) return [refuse('count line is not 3 digits', raw)];
      x.expected = Number(text);
    }
    if (n >= 4) {
      const m = RESULT.exec(text);
      if (!m) return [refuse(`result line ${n - 3} does not match the pattern`, raw)];
      const at = stamp(m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? '', m[6] ?? '');
      if (!at) return [refuse(`result line ${n - 3} has an impossible date`, raw)];
      if (x.expected !== null && x.records.length >= x.expected) return [refuse(`more results than the header's ${x.expected}`, raw)];
      const isHigh = m[1] === 'HI ';
      const flags: GlucoseRecord['flags'] = [];
      if (m[7] === 'K') flags.push('ketone');
      if (isHigh) flags.push('high');
      x.records.push({ at, mgdl: isHigh ? null : Number(m[1]), flags, meal: null, comment: null });
    }
    x.lines.push(text);
    x.raw.push(...raw);
    return [];
  }

  function colqDone(c: Colq, raw: Uint8Array): DecodeResult<FreeStyleFrame> {
    const all = Uint8Array.from([...c.raw, ...raw]);
    colq = null;
    const get = (k: string) => c.fields.get(k) ?? [];
    const serial = get('S/N:')[0] ?? '';
    const [version = '', unitText = ''] = get('Ver:');
    const [dateText = '', timeText = ''] = get('Clock:');
    const d = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{4})$/.exec(dateText);
    const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(timeText);
    const mo = d ? COLQ_MONTHS.indexOf(d[1] ?? '') + 1 : 0;
    const clock = d && t && mo ? wallClock(Number(d[3]), mo, Number(d[2]), Number(t[1]), Number(t[2]), Number(t[3])) : null;
    const usage = Number(get('Usage:')[0] ?? 'x');
    if (!SERIAL.test(serial) || !version || clock === null || !Number.isInteger(usage)) return fail('format', '$colq reply is missing or has malformed fields', all);
    // glucometerutils: any unit other than MMOL is mg/dL.
    return good({ kind: 'info', serial, version, unit: unitText === 'MMOL' ? 'mmol/L' : 'mg/dL', clock, usage }, all);
  }

  function deviceLine(text: string, raw: Uint8Array): DecodeResult<FreeStyleFrame>[] {
    if (/[^\x20-\x7e\t]/.test(text)) {
      const r = xmem || colq ? refuse('line contains control bytes', raw) : fail<FreeStyleFrame>('format', 'line contains control bytes', raw);
      return [r];
    }
    if (xmem && xmem.lines.length === 0 && text !== '' && !SERIAL.test(text)) {
      // The empty line was the lone answer to an ignored first command, not the start of a dump.
      xmem = null;
    }
    if (xmem) {
      if (xmem.lines.length === 0 && text === '') {
        // A lone empty line answers an ignored first command; the dump starts with the next one.
        xmem.raw = [...raw];
        return [];
      }
      return xmemLine(xmem, text, raw);
    }
    if (colq) {
      if (text === 'CMD OK') return [colqDone(colq, raw)];
      const [key = '', ...values] = text.split('\t');
      if (!key.endsWith(':')) return [refuse(`unexpected line in $colq reply: ${JSON.stringify(text.slice(0, 30))}`, raw)];
      colq.fields.set(key, values);
      colq.raw.push(...raw);
      return [];
    }
    if (text === '') {
      xmem = { lines: [], raw: [...raw], expected: null, records: [] };
      return [];
    }
    if (text.startsWith('S/N:\t')) {
      colq = { fields: new Map(), raw: [] };
      return deviceLine(text, raw);
    }
    if (text === 'CMD OK') return [good({ kind: 'ok' }, raw)];
    if (text.startsWith('$')) return [fail('format', 'the meter echoed a command instead of answering', raw)];
    if (RESULT.test(text) || END.test(text)) return [fail('sequence', 'dump line outside a dump', raw)];
    return [fail('format', `unknown reply ${JSON.stringify(text.slice(0, 40))}`, raw)];
  }

  function hostLine(text: string, raw: Uint8Array): DecodeResult<FreeStyleFrame>[] {
    if (text === '') return [];
    const name = text.split(',')[0];
    const command: HostCommand =
      name === '$xmem' ? 'xmem' : name === '$colq' ? 'colq' : name === '$tim' ? 'setClock' : name === '$temp' ? 'temperature' : name === '$coly' ? 'powerOff' : 'unknown';
    return [good({ kind: 'command', command, text }, raw)];
  }

  return {
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<FreeStyleFrame>[] = [];
      for (;;) {
        const lf = q.indexOf([0x0a]);
        if (lf < 0) {
          if (q.length > MAX_LINE) {
            const raw = q.take(q.length);
            out.push(xmem || colq ? refuse(`line longer than ${MAX_LINE} bytes`, raw) : fail('length', `line longer than ${MAX_LINE} bytes`, raw));
          }
          return out;
        }
        const raw = q.take(lf + 1);
        if (raw.length > MAX_LINE) {
          out.push(xmem || colq ? refuse(`line longer than ${MAX_LINE} bytes`, raw) : fail('length', `line longer than ${MAX_LINE} bytes`, raw));
          continue;
        }
        const text = Buffer.from(raw).toString('latin1').replace(/\r?\n$/, '');
        out.push(...(from === 'host' ? hostLine(text, raw) : deviceLine(text, raw)));
      }
    },
    finish() {
      const out: DecodeResult<FreeStyleFrame>[] = [];
      const pending = [...(xmem?.raw ?? []), ...(colq?.raw ?? [])];
      const onlyBlank = xmem !== null && xmem.lines.length === 0;
      xmem = null;
      colq = null;
      const rest = q.take(q.length);
      if ((pending.length && !onlyBlank) || rest.length) out.push(fail('truncated', 'input ended inside a reply', Uint8Array.from([...(onlyBlank ? [] : pending), ...rest])));
      return out;
    },
  };
}
