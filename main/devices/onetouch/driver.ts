/**
 * OneTouch Ultra 2 session: `DM@` (serial; last character `Y` = Ultra 2), then `DMP` (memory dump, accepted whole
 * or not at all), repeated every `pollMs` while the meter stays in PC mode. `DMZ` (erase) has no encoder at all.
 */
import { DeviceError, Link } from '../link';
import type { DevicePort } from '../port';
import { pause, type DeviceSession, type SessionOptions } from '../session-types';
import { createDecoder, encodeCommand, type OneTouchFrame } from './frame';

export function createOneTouchSession(port: DevicePort, opts: SessionOptions = {}): DeviceSession {
  const timeout = opts.timeoutMs ?? 2000;
  const pollMs = opts.pollMs ?? 30_000;
  const link = new Link<OneTouchFrame>(port, createDecoder('device'));
  const ask = async (cmd: Parameters<typeof encodeCommand>[0]) => {
    const [r] = await link.exchange(encodeCommand(cmd), (x) => (x.ok || x.error !== 'garbage' ? 'done' : 'skip'), timeout);
    if (!r) throw new DeviceError('timeout', 'no reply');
    return r;
  };
  return {
    async run(emit, signal) {
      try {
        do {
          const serial = await ask('serial');
          if (!serial.ok || serial.frame.kind !== 'serial') {
            if (!serial.ok) emit({ type: 'problem', kind: serial.error, message: serial.message, raw: serial.raw });
            continue;
          }
          if (!serial.frame.serial.endsWith('Y')) throw new DeviceError('unsupported', `meter ${serial.frame.serial} is not an Ultra 2`);
          const dump = await ask('dump');
          if (!dump.ok) emit({ type: 'problem', kind: dump.error, message: dump.message, raw: dump.raw });
          else if (dump.frame.kind === 'memory') emit({ type: 'memory', serial: serial.frame.serial, records: dump.frame.records, raw: dump.raw });
        } while (await pause(pollMs, signal));
      } finally {
        await link.close();
      }
    },
  };
}
