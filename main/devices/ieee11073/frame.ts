/**
 * IEEE 11073-20601 manager subset (bp-and-11073.md §C): APDUs are `u16 choice + u16 length + body`, MDER
 * big-endian. The decoder remembers the dev-config-id of the last association request so fixed scan reports of the
 * standard configurations (BP 700, glucose 1700, weight 1500, SpO2 400/401, thermometer 800) become measurements;
 * without an association in the capture the configuration is recognised from the observations' shape.
 */
import { ByteQueue, fail, good, type DecodeResult, type Decoder, type Direction } from '../frame-types';
import { pad2 } from '../glucose-record';

export const APDU = { aarq: 0xe200, aare: 0xe300, rlrq: 0xe400, rlre: 0xe500, abrt: 0xe600, prst: 0xe700 } as const;
/** Far above any standard configuration's APDU; a larger length is treated as garbage, not waited for. */
export const MAX_APDU = 8192;
export const PROTO_20601 = 0x5079;
export const MDER = 0x8000;
export const EVENT = { config: 0x0d1c, scanFixed: 0x0d1d, scanVar: 0x0d1e } as const;
export const DATA_CHOICE = { confirmedEventReport: 0x0101, eventReportResponse: 0x0201 } as const;
export const STANDARD_CONFIGS = { bloodPressure: 700, glucose: 1700, weight: 1500, spo2: 400, spo2WithTime: 401, thermometer: 800 } as const;

export type Measurement =
  | { type: 'bloodPressure'; systolic: number | null; diastolic: number | null; map: number | null; unit: 'mmHg' | 'kPa'; at: string | null }
  | { type: 'pulse'; bpm: number | null; at: string | null }
  | { type: 'glucose'; value: number | null; unit: 'mg/dL'; at: string | null }
  | { type: 'weight'; kg: number | null; at: string | null }
  | { type: 'spo2'; percent: number | null; at: string | null }
  | { type: 'temperature'; celsius: number | null; at: string | null };

export type Ieee11073Frame =
  | { kind: 'associationRequest'; devConfigId: number; systemId: string; isSupportedProtocol: boolean }
  | { kind: 'associationResponse'; result: number; devConfigId: number }
  | { kind: 'releaseRequest'; reason: number }
  | { kind: 'releaseResponse'; reason: number }
  | { kind: 'abort'; reason: number }
  | { kind: 'eventReport'; invokeId: number; eventType: number; devConfigId: number | null; configReportId: number | null; measurements: Measurement[] }
  | { kind: 'eventResponse'; invokeId: number; eventType: number }
  | { kind: 'data'; invokeId: number; choice: number };

/** Reader over a byte view; any read past the end throws `Short`, caught by the decoder as a `length` error. */
class Short extends Error {}
class Reader {
  constructor(
    private readonly b: Uint8Array,
    public pos = 0,
    private readonly end = b.length,
  ) {}
  u8(): number {
    if (this.pos + 1 > this.end) throw new Short();
    return this.b[this.pos++] ?? 0;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new Short();
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  sub(n: number): Reader {
    if (this.pos + n > this.end) throw new Short();
    const r = new Reader(this.b, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
  get left(): number {
    return this.end - this.pos;
  }
}

/** SFLOAT: 4-bit signed exponent, 12-bit signed mantissa; NaN/NRes/±INF/reserved are "no value". */
export function sfloat(v: number): number | null {
  const m = v & 0x0fff;
  if (m === 0x07ff || m === 0x0800 || m === 0x07fe || m === 0x0802 || m === 0x0801) return null;
  const mantissa = m >= 0x0800 ? m - 0x1000 : m;
  const e = v >> 12 >= 8 ? (v >> 12) - 16 : v >> 12;
  return round(mantissa, e);
}

/** FLOAT: 8-bit signed exponent, 24-bit signed mantissa. */
export function float32(v: number): number | null {
  const m = v & 0xffffff;
  if (m === 0x7fffff || m === 0x800000 || m === 0x7ffffe || m === 0x800002 || m === 0x800001) return null;
  const mantissa = m >= 0x800000 ? m - 0x1000000 : m;
  const exp = (v >>> 24) >= 128 ? (v >>> 24) - 256 : v >>> 24;
  return round(mantissa, exp);
}

function round(m: number, e: number): number {
  return e >= 0 ? m * 10 ** e : Number((m / 10 ** -e).toFixed(-e));
}

function bcd(b: number): number | null {
  const hi = b >> 4;
  const lo = b & 0x0f;
  return hi > 9 || lo > 9 ? null : hi * 10 + lo;
}

/** Absolute time: 8 BCD bytes century, year, month, day, hour, minute, second, hundredths. */
export function absoluteTime(b: Uint8Array): string | null {
  const [c, y, mo, d, h, mi, s] = Array.from(b.subarray(0, 7)).map(bcd);
  if ([c, y, mo, d, h, mi, s].some((x) => x === null || x === undefined)) return null;
  const year = (c ?? 0) * 100 + (y ?? 0);
  const t = new Date(Date.UTC(year, (mo ?? 0) - 1, d ?? 0));
  if (t.getUTCMonth() + 1 !== mo || t.getUTCDate() !== d || (h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) return null;
  return `${year}-${pad2(mo ?? 0)}-${pad2(d ?? 0)}T${pad2(h ?? 0)}:${pad2(mi ?? 0)}:${pad2(s ?? 0)}`;
}

type Observation = { handle: number; value: Uint8Array };

function timeAfter(v: Uint8Array, at: number): string | null {
  return v.length >= at + 8 ? absoluteTime(v.subarray(at, at + 8)) : null;
}

function u16of(v: Uint8Array, i: number): number {
  return ((v[i] ?? 0) << 8) | (v[i + 1] ?? 0);
}

function u32of(v: Uint8Array, i: number): number {
  return u16of(v, i) * 0x10000 + u16of(v, i + 2);
}

/** Which standard configuration these observations fit, when no association told us. */
function inferConfig(obs: Observation[]): number | null {
  const shape = obs.map((o) => `${o.handle}:${o.value.length}`).sort().join(',');
  if (shape === '1:18,2:10' || shape === '1:10,2:2' || shape === '1:18' || shape === '2:10') return STANDARD_CONFIGS.bloodPressure;
  if (shape === '1:10') return STANDARD_CONFIGS.glucose;
  if (shape === '1:12' || shape === '1:4') return STANDARD_CONFIGS.weight;
  if (shape === '1:2,10:2' || shape === '1:2' || shape === '10:2') return STANDARD_CONFIGS.spo2;
  if (shape === '1:10,10:10') return STANDARD_CONFIGS.spo2WithTime;
  return null;
}

function measurements(config: number, obs: Observation[]): Measurement[] | string {
  const out: Measurement[] = [];
  for (const { handle, value: v } of obs) {
    switch (config) {
      case STANDARD_CONFIGS.bloodPressure:
        if (handle === 1) {
          if (v.length < 10 || u16of(v, 0) !== 3 || u16of(v, 2) !== 6) return 'NIBP compound is not 3 SFLOATs';
          out.push({ type: 'bloodPressure', systolic: sfloat(u16of(v, 4)), diastolic: sfloat(u16of(v, 6)), map: sfloat(u16of(v, 8)), unit: 'mmHg', at: timeAfter(v, 10) });
        } else if (handle === 2) {
          if (v.length < 2) return 'pulse observation is too short';
          out.push({ type: 'pulse', bpm: sfloat(u16of(v, 0)), at: timeAfter(v, 2) });
        } else return `unknown handle ${handle} for the BP configuration`;
        break;
      case STANDARD_CONFIGS.glucose:
        if (handle !== 1 || v.length < 2) return `unexpected observation ${handle} for the glucose configuration`;
        out.push({ type: 'glucose', value: sfloat(u16of(v, 0)), unit: 'mg/dL', at: timeAfter(v, 2) });
        break;
      case STANDARD_CONFIGS.weight:
        if (handle !== 1 || v.length < 4) return `unexpected observation ${handle} for the weight configuration`;
        out.push({ type: 'weight', kg: float32(u32of(v, 0)), at: timeAfter(v, 4) });
        break;
      case STANDARD_CONFIGS.spo2:
      case STANDARD_CONFIGS.spo2WithTime:
        if (v.length < 2 || (handle !== 1 && handle !== 10)) return `unexpected observation ${handle} for the SpO2 configuration`;
        out.push(handle === 1 ? { type: 'spo2', percent: sfloat(u16of(v, 0)), at: timeAfter(v, 2) } : { type: 'pulse', bpm: sfloat(u16of(v, 0)), at: timeAfter(v, 2) });
        break;
      case STANDARD_CONFIGS.thermometer:
        // bp-and-11073.md: the 10408 value layout is unconfirmed; SFLOAT or FLOAT by length, optional time.
        if (handle !== 1) return `unexpected observation ${handle} for the thermometer configuration`;
        if (v.length === 2 || v.length === 10) out.push({ type: 'temperature', celsius: sfloat(u16of(v, 0)), at: timeAfter(v, 2) });
        else if (v.length === 4 || v.length === 12) out.push({ type: 'temperature', celsius: float32(u32of(v, 0)), at: timeAfter(v, 4) });
        else return 'temperature observation has an unknown layout';
        break;
      default:
        return `configuration ${config} is not a supported standard configuration`;
    }
  }
  return out;
}

type Parsed = { ok: true; frame: Ieee11073Frame } | { ok: false; error: 'format' | 'length'; message: string };

function parseAarq(r: Reader): Parsed {
  r.u32();
  const count = r.u16();
  r.u16();
  for (let i = 0; i < count; i++) {
    const id = r.u16();
    const info = r.sub(r.u16());
    if (id !== PROTO_20601) continue;
    info.u32();
    const encoding = info.u16();
    info.u32();
    info.u32();
    info.u32();
    const idLen = info.u16();
    const systemId = Buffer.from(info.bytes(idLen)).toString('hex').toUpperCase();
    const devConfigId = info.u16();
    return { ok: true, frame: { kind: 'associationRequest', devConfigId, systemId, isSupportedProtocol: (encoding & MDER) !== 0 } };
  }
  return { ok: true, frame: { kind: 'associationRequest', devConfigId: 0, systemId: '', isSupportedProtocol: false } };
}

/** APDUs have the same framing in both directions; `from` is kept for the common decoder signature. */
export function createDecoder(_from: Direction): Decoder<Ieee11073Frame> {
  const q = new ByteQueue();
  let devConfigId: number | null = null;

  function parse(apdu: Uint8Array): Parsed {
    const r = new Reader(apdu, 4);
    const choice = u16of(apdu, 0);
    switch (choice) {
      case APDU.aarq: {
        const p = parseAarq(r);
        if (p.ok && p.frame.kind === 'associationRequest') devConfigId = p.frame.devConfigId;
        return p;
      }
      case APDU.aare: {
        const result = r.u16();
        r.u16();
        r.sub(r.u16());
        return { ok: true, frame: { kind: 'associationResponse', result, devConfigId: devConfigId ?? 0 } };
      }
      case APDU.rlrq:
        return { ok: true, frame: { kind: 'releaseRequest', reason: r.u16() } };
      case APDU.rlre:
        devConfigId = null;
        return { ok: true, frame: { kind: 'releaseResponse', reason: r.u16() } };
      case APDU.abrt:
        devConfigId = null;
        return { ok: true, frame: { kind: 'abort', reason: r.u16() } };
      case APDU.prst: {
        const data = r.sub(r.u16());
        const invokeId = data.u16();
        const dataChoice = data.u16();
        const payload = data.sub(data.u16());
        if (dataChoice === DATA_CHOICE.eventReportResponse) {
          payload.u16();
          payload.u32();
          return { ok: true, frame: { kind: 'eventResponse', invokeId, eventType: payload.u16() } };
        }
        if (dataChoice !== DATA_CHOICE.confirmedEventReport) return { ok: true, frame: { kind: 'data', invokeId, choice: dataChoice } };
        payload.u16();
        payload.u32();
        const eventType = payload.u16();
        const info = payload.sub(payload.u16());
        if (eventType !== EVENT.scanFixed) {
          const configReportId = eventType === EVENT.config && info.left >= 2 ? info.u16() : null;
          return { ok: true, frame: { kind: 'eventReport', invokeId, eventType, devConfigId, configReportId, measurements: [] } };
        }
        info.u16();
        info.u16();
        const count = info.u16();
        const list = info.sub(info.u16());
        const obs: Observation[] = [];
        for (let i = 0; i < count; i++) obs.push({ handle: list.u16(), value: list.bytes(list.u16()) });
        if (list.left !== 0) return { ok: false, error: 'length', message: 'observation list length disagrees with its entries' };
        const config = devConfigId ?? inferConfig(obs);
        if (config === null) return { ok: false, error: 'format', message: 'observations fit no standard configuration and no association was seen' };
        const m = measurements(config, obs);
        if (typeof m === 'string') return { ok: false, error: 'format', message: m };
        return { ok: true, frame: { kind: 'eventReport', invokeId, eventType, devConfigId: config, configReportId: null, measurements: m } };
      }
      default:
        return { ok: false, error: 'format', message: `unknown APDU choice ${choice.toString(16)}` };
    }
  }

  return {
    push(chunk) {
      q.append(chunk);
      const out: DecodeResult<Ieee11073Frame>[] = [];
      const garbage: number[] = [];
      const flush = () => {
        if (garbage.length) out.push(fail('garbage', `${garbage.length} bytes outside an APDU`, Uint8Array.from(garbage.splice(0))));
      };
      while (q.length >= 2) {
        const choice = (q.at(0) << 8) | q.at(1);
        if (q.at(1) !== 0x00 || q.at(0) < 0xe2 || q.at(0) > 0xe7) {
          garbage.push(...q.take(1));
          continue;
        }
        if (q.length < 4) break;
        const len = (q.at(2) << 8) | q.at(3);
        if (len > MAX_APDU) {
          flush();
          out.push(fail('length', `APDU length ${len} exceeds ${MAX_APDU}`, q.take(4)));
          continue;
        }
        if (q.length < 4 + len) break;
        flush();
        const apdu = q.take(4 + len);
        let p: Parsed;
        try {
          p = parse(apdu);
        } catch (e) {
          if (!(e instanceof Short)) throw e;
          p = { ok: false, error: 'length', message: `APDU ${choice.toString(16).toUpperCase()} is shorter than its contents say` };
        }
        out.push(p.ok ? good(p.frame, apdu) : fail(p.error, p.message, apdu));
      }
      flush();
      return out;
    },
    finish() {
      return q.length ? [fail('truncated', `${q.length} bytes without a complete APDU`, q.take(q.length))] : [];
    },
  };
}

/** AARE: result, then the manager's PhdAssociationInformation (V1 layout: system-type manager, config id 0). */
export function encodeAare(result: number): Uint8Array {
  const info = [0x80, 0, 0, 0, 0x80, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0x00, 0x08, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const body = [result >> 8, result & 0xff, 0x50, 0x79, 0, info.length, ...info];
  return Uint8Array.from([0xe3, 0x00, body.length >> 8, body.length & 0xff, ...body]);
}

export function encodeEventResponse(invokeId: number, eventType: number, replyInfo: readonly number[] = []): Uint8Array {
  const payload = [0, 0, 0, 0, 0, 0, eventType >> 8, eventType & 0xff, replyInfo.length >> 8, replyInfo.length & 0xff, ...replyInfo];
  const data = [invokeId >> 8, invokeId & 0xff, 0x02, 0x01, 0, payload.length, ...payload];
  const body = [0, data.length, ...data];
  return Uint8Array.from([0xe7, 0x00, 0, body.length, ...body]);
}

export const RELEASE_RESPONSE = Uint8Array.of(0xe5, 0x00, 0x00, 0x02, 0x00, 0x00);
export const ABORT = Uint8Array.of(0xe6, 0x00, 0x00, 0x02, 0x00, 0x00);
export const RELEASE_REQUEST = Uint8Array.of(0xe4, 0x00, 0x00, 0x02, 0x00, 0x00);
