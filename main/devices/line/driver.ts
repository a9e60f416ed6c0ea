/**
 * Line device session: the device talks, we listen. Each line that matches the binding's profile becomes a
 * measurement (or a scanned identifier); every other line is reported as a problem and never becomes a reading.
 */
import { DeviceError, Link } from '../link';
import type { DevicePort } from '../port';
import { aborted, type DeviceSession, type Measurement } from '../session-types';
import { createDecoder, OMRON_HBP9030, type LineProfile, type LineReading } from './frame';

export function toMeasurements(r: LineReading): Measurement[] {
  const v = r.values;
  const out: Measurement[] = [];
  const isFlagged = r.isFlagged;
  if (v.systolic !== undefined && v.diastolic !== undefined) out.push({ kind: 'bloodPressure', systolic: v.systolic, diastolic: v.diastolic, pulse: v.pulse ?? null, isFlagged });
  if (v.glucose !== undefined) out.push({ kind: 'glucose', mgdl: v.glucose, isFlagged });
  if (v.weight !== undefined) out.push({ kind: 'weight', kg: v.weight, isFlagged });
  if (v.temperature !== undefined) out.push({ kind: 'temperature', celsius: v.temperature, isFlagged });
  if (v.spo2 !== undefined) out.push({ kind: 'spo2', percent: v.spo2, pulse: v.pulse ?? null, isFlagged });
  // A profile made only of an identifier is a QR scanner in serial mode; the Omron ID field is not a scan.
  if (out.length === 0 && r.identifier) out.push({ kind: 'identifier', code: r.identifier, isFlagged });
  return out;
}

export function createLineSession(port: DevicePort, profile: LineProfile = OMRON_HBP9030): DeviceSession {
  const link = new Link<LineReading>(port, createDecoder(profile));
  return {
    async run(emit, signal) {
      const closed = new Promise<void>((resolve) => port.onClose(() => resolve()));
      link.onUnsolicited((r) => {
        if (!r.ok) {
          emit({ type: 'problem', kind: r.error, message: r.message, raw: r.raw });
          return;
        }
        for (const m of toMeasurements(r.frame)) emit({ type: 'measurement', measurement: m, measuredAt: r.frame.at, raw: r.raw });
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
