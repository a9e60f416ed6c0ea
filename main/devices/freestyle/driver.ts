/**
 * FreeStyle Optium session (glucometer-freestyle.md): the meter sometimes ignores the first command after
 * connecting, so `$colq` is retried once on silence; then `$xmem`. `$coly` (power off) is never sent.
 */
import { DeviceError, Link } from '../link';
import type { DecodeResult } from '../frame-types';
import type { DevicePort } from '../port';
import { pause, type DeviceSession, type SessionOptions } from '../session-types';
import { createDecoder, encodeCommand, type FreeStyleFrame } from './frame';

export function createFreeStyleSession(port: DevicePort, opts: SessionOptions = {}): DeviceSession {
  const timeout = opts.timeoutMs ?? 2000;
  const pollMs = opts.pollMs ?? 30_000;
  const link = new Link<FreeStyleFrame>(port, createDecoder('device'));
  const accept = (x: DecodeResult<FreeStyleFrame>) => (x.ok || x.error !== 'garbage' ? ('done' as const) : ('skip' as const));
  const ask = async (cmd: 'colq' | 'xmem', retries: number): Promise<DecodeResult<FreeStyleFrame>> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const [r] = await link.exchange(encodeCommand(cmd), accept, timeout);
        if (r) return r;
      } catch (e) {
        if (!(e instanceof DeviceError) || e.kind !== 'timeout' || attempt >= retries) throw e;
      }
    }
  };
  return {
    async run(emit, signal) {
      try {
        do {
          const info = await ask('colq', 1);
          if (!info.ok || info.frame.kind !== 'info') {
            if (!info.ok) emit({ type: 'problem', kind: info.error, message: info.message, raw: info.raw });
            continue;
          }
          const mem = await ask('xmem', 0);
          if (!mem.ok) emit({ type: 'problem', kind: mem.error, message: mem.message, raw: mem.raw });
          else if (mem.frame.kind === 'memory') emit({ type: 'memory', serial: mem.frame.serial, records: mem.frame.records, raw: mem.raw });
        } while (await pause(pollMs, signal));
      } finally {
        await link.close();
      }
    },
  };
}
