/**
 * Beurer BM58/65 session (bp-and-11073.md §A): wake with `AA` until the meter answers `55` (it must be switched on),
 * read the record count, then records 1…n. Each download reports every record; the manager de-duplicates by time
 * and values. No checksum exists, so a record is accepted only with a plausible date, time and pulse.
 */
import { DeviceError, Link } from '../link';
import type { DevicePort } from '../port';
import { pause, type DeviceSession, type SessionOptions } from '../session-types';
import { ATTENTION, COUNT, createDecoder, encodeRead, type BeurerFrame } from './frame';

export function createBeurerSession(port: DevicePort, opts: SessionOptions = {}): DeviceSession {
  const timeout = opts.timeoutMs ?? 1000;
  const pollMs = opts.pollMs ?? 5000;
  const decoder = createDecoder('device');
  const link = new Link<BeurerFrame>(port, decoder);
  const one = async (bytes: Uint8Array) => {
    const [r] = await link.exchange(bytes, (x) => (x.ok || x.error !== 'garbage' ? 'done' : 'skip'), timeout);
    if (!r) throw new DeviceError('timeout', 'no reply');
    return r;
  };
  return {
    async run(emit, signal) {
      try {
        do {
          decoder.expect('ready');
          let ready;
          try {
            ready = await one(Uint8Array.of(ATTENTION));
          } catch (e) {
            // Switched off or not in PC mode: keep asking, quietly.
            if (e instanceof DeviceError && e.kind === 'timeout') continue;
            throw e;
          }
          if (!ready.ok || ready.frame.kind !== 'ready') continue;
          decoder.expect('count');
          const count = await one(Uint8Array.of(COUNT));
          if (!count.ok || count.frame.kind !== 'count') continue;
          for (let i = 1; i <= count.frame.count && !signal.aborted; i++) {
            decoder.expect('record');
            const r = await one(encodeRead(i));
            if (!r.ok) emit({ type: 'problem', kind: r.error, message: `record ${i}: ${r.message}`, raw: r.raw });
            else if (r.frame.kind === 'record') {
              const { systolic, diastolic, pulse, at } = r.frame.record;
              emit({ type: 'measurement', measurement: { kind: 'bloodPressure', systolic, diastolic, pulse, isFlagged: false }, measuredAt: at, raw: r.raw });
            }
          }
        } while (await pause(pollMs, signal));
      } finally {
        await link.close();
      }
    },
  };
}
