/**
 * IEEE 11073-20601 manager session (bp-and-11073.md §C "Minimum manager"): the agent associates, we accept known
 * standard configurations, answer each confirmed fixed scan report with its response (same invoke-id and event
 * type) and turn its observations into measurements. Extended configurations are answered
 * accepted-unknown-config and their configuration report is refused, then the association is aborted:
 * understanding arbitrary object lists is not part of this subset. Anything malformed aborts with no record.
 */
import { DeviceError, Link } from '../link';
import type { DevicePort } from '../port';
import { aborted, type DeviceSession, type Measurement as FormMeasurement } from '../session-types';
import { ABORT, createDecoder, encodeAare, encodeEventResponse, EVENT, RELEASE_RESPONSE, STANDARD_CONFIGS, type Ieee11073Frame, type Measurement } from './frame';

const KNOWN = new Set<number>(Object.values(STANDARD_CONFIGS));
const AARE_ACCEPTED = 0;
const AARE_UNKNOWN_CONFIG = 3;
const AARE_NO_COMMON_PROTOCOL = 4;
const CONFIG_UNSUPPORTED = 1;

export function toFormMeasurements(list: Measurement[]): { measurement: FormMeasurement; at: string | null }[] {
  const out: { measurement: FormMeasurement; at: string | null }[] = [];
  const pulse = list.find((m) => m.type === 'pulse');
  const pulseBpm = pulse && pulse.type === 'pulse' ? pulse.bpm : null;
  for (const m of list) {
    if (m.type === 'bloodPressure' && m.systolic !== null && m.diastolic !== null) {
      // kPa monitors exist (unit code 3843); the form takes mmHg.
      const k = m.unit === 'kPa' ? 7.50062 : 1;
      out.push({ measurement: { kind: 'bloodPressure', systolic: Math.round(m.systolic * k), diastolic: Math.round(m.diastolic * k), pulse: pulseBpm, isFlagged: false }, at: m.at });
    } else if (m.type === 'glucose' && m.value !== null) out.push({ measurement: { kind: 'glucose', mgdl: m.value, isFlagged: false }, at: m.at });
    else if (m.type === 'weight' && m.kg !== null) out.push({ measurement: { kind: 'weight', kg: m.kg, isFlagged: false }, at: m.at });
    else if (m.type === 'temperature' && m.celsius !== null) out.push({ measurement: { kind: 'temperature', celsius: m.celsius, isFlagged: false }, at: m.at });
    else if (m.type === 'spo2' && m.percent !== null) out.push({ measurement: { kind: 'spo2', percent: m.percent, pulse: pulseBpm, isFlagged: false }, at: m.at });
  }
  return out;
}

export function createIeee11073Session(port: DevicePort): DeviceSession {
  const link = new Link<Ieee11073Frame>(port, createDecoder('device'));
  let state: 'unassociated' | 'configuring' | 'operating' = 'unassociated';
  const send = (b: Uint8Array) => port.write(b).catch(() => undefined);
  return {
    async run(emit, signal) {
      const closed = new Promise<void>((resolve) => port.onClose(() => resolve()));
      link.onUnsolicited((r) => {
        if (!r.ok) {
          if (r.error === 'garbage') return emit({ type: 'problem', kind: r.error, message: r.message, raw: r.raw });
          state = 'unassociated';
          void send(ABORT);
          return emit({ type: 'problem', kind: r.error, message: `${r.message}; association aborted`, raw: r.raw });
        }
        const f = r.frame;
        switch (f.kind) {
          case 'associationRequest':
            if (!f.isSupportedProtocol) {
              void send(encodeAare(AARE_NO_COMMON_PROTOCOL));
              state = 'unassociated';
            } else if (KNOWN.has(f.devConfigId)) {
              void send(encodeAare(AARE_ACCEPTED));
              state = 'operating';
            } else {
              void send(encodeAare(AARE_UNKNOWN_CONFIG));
              state = 'configuring';
            }
            return;
          case 'eventReport':
            if (f.eventType === EVENT.config) {
              const id = f.configReportId ?? 0;
              void send(encodeEventResponse(f.invokeId, f.eventType, [id >> 8, id & 0xff, 0, CONFIG_UNSUPPORTED])).then(() => send(ABORT));
              state = 'unassociated';
              return emit({ type: 'problem', kind: 'unsupported', message: `extended configuration ${f.devConfigId ?? '?'} is not supported`, raw: r.raw });
            }
            if (state !== 'operating') {
              void send(ABORT);
              return emit({ type: 'problem', kind: 'sequence', message: 'measurement report before association', raw: r.raw });
            }
            void send(encodeEventResponse(f.invokeId, f.eventType));
            for (const m of toFormMeasurements(f.measurements)) emit({ type: 'measurement', measurement: m.measurement, measuredAt: m.at, raw: r.raw });
            return;
          case 'releaseRequest':
            void send(RELEASE_RESPONSE);
            state = 'unassociated';
            return;
          case 'abort':
            state = 'unassociated';
            return;
          default:
            return;
        }
      });
      try {
        await Promise.race([aborted(signal), closed]);
      } finally {
        await link.close();
      }
      if (!signal.aborted) throw new DeviceError('disconnected', 'the device went away');
    },
  };
}
