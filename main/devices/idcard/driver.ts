/**
 * ID card reader session (id-card-sam.md "Flow"): one SAM status probe after open, then find every `pollMs`; on
 * `9F` select, on `90` read `30 01`. The same card read again within `dedupeMs` is not reported twice.
 */
import { Link, DeviceError } from '../link';
import type { DecodeResult } from '../frame-types';
import type { DevicePort } from '../port';
import { pause, type DeviceSession, type SessionOptions } from '../session-types';
import { createDecoder, encodeCommand, type IdCardFrame } from './frame';

const NO_CARD = 0x80;

export function createIdCardSession(port: DevicePort, opts: SessionOptions & { dedupeMs?: number } = {}): DeviceSession {
  const pollMs = opts.pollMs ?? 500;
  const short = opts.timeoutMs ?? 1000;
  const long = Math.max(short, 3000);
  const dedupeMs = opts.dedupeMs ?? 5000;
  const link = new Link<IdCardFrame>(port, createDecoder('device'));
  const oneFrame = (r: DecodeResult<IdCardFrame>) => (r.ok || r.error !== 'garbage' ? ('done' as const) : ('skip' as const));
  const ask = async (cmd: Parameters<typeof encodeCommand>[0], timeout: number) => {
    const [r] = await link.exchange(encodeCommand(cmd), oneFrame, timeout);
    if (!r) throw new DeviceError('timeout', 'no reply');
    return r;
  };
  let last: { id: string; at: number } | null = null;
  return {
    async run(emit, signal) {
      try {
        const probe = await ask('samStatus', short);
        if (!probe.ok) throw new DeviceError(probe.error, `SAM status: ${probe.message}`, probe.raw);
        while (await pause(pollMs, signal)) {
          const found = await ask('find', short);
          if (!found.ok) {
            if (found.error === 'device-status' && found.status === NO_CARD) continue;
            emit({ type: 'problem', kind: found.error, message: found.message, raw: found.raw });
            continue;
          }
          if (found.frame.kind !== 'status' || found.frame.status !== 0x9f) continue;
          const selected = await ask('select', short);
          if (!selected.ok) {
            emit({ type: 'problem', kind: selected.error, message: selected.message, raw: selected.raw });
            continue;
          }
          const read = await ask('read', long);
          if (!read.ok) {
            emit({ type: 'problem', kind: read.error, message: read.message, raw: read.raw });
            continue;
          }
          if (read.frame.kind !== 'identity') continue;
          const now = Date.now();
          if (last && last.id === read.frame.identity.idNumber && now - last.at < dedupeMs) continue;
          last = { id: read.frame.identity.idNumber, at: now };
          emit({ type: 'identity', identity: read.frame.identity, photo: read.frame.photo, raw: read.raw });
        }
      } finally {
        await link.close();
      }
    },
  };
}
