/**
 * UltraEasy / Ultra Mini link procedure (glucometer-onetouch.md Part 2): reset, then per command: our packet,
 * the meter's ack, its reply (both with S equal to our E), our ack. A CRC error, wrong S bit or silence resets the
 * link and retries the command, at most 3 times (Thompson's driver). Erase (`05 1A`) is never sent.
 */
import { DeviceError, Link, sleep } from '../link';
import type { DecodeResult } from '../frame-types';
import type { DevicePort } from '../port';
import { pause, type DeviceSession, type SessionOptions } from '../session-types';
import type { GlucoseRecord } from '../glucose-record';
import { createDecoder, encodePacket, LINK, MESSAGES, recordMessage, type UltraEasyFrame } from './frame';

const RETRIES = 3;
const GAP_MS = 100;

export function createUltraEasySession(port: DevicePort, opts: SessionOptions & { gapMs?: number } = {}): DeviceSession {
  const timeout = opts.timeoutMs ?? 500;
  const pollMs = opts.pollMs ?? 30_000;
  const gapMs = opts.gapMs ?? GAP_MS;
  const link = new Link<UltraEasyFrame>(port, createDecoder('device'));
  let s: 0 | 1 = 0;
  let e: 0 | 1 = 0;

  async function reset(): Promise<void> {
    s = 0;
    e = 0;
    const [r] = await link.exchange(encodePacket(LINK.disconnect, []), (x) => (x.ok ? 'done' : 'skip'), timeout);
    if (!r?.ok || r.frame.kind !== 'link' || !r.frame.link.disconnect || !r.frame.link.ack) throw new DeviceError('sequence', 'meter did not acknowledge the link reset');
  }

  async function command(message: readonly number[]): Promise<UltraEasyFrame> {
    let lastError: unknown = null;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      try {
        if (attempt > 0) await reset();
        await sleep(gapMs);
        const got: DecodeResult<UltraEasyFrame>[] = await link.exchange(
          encodePacket(s | (e << 1), message),
          (x) => {
            if (!x.ok) return 'done';
            return x.frame.kind === 'link' ? 'more' : 'done';
          },
          timeout,
        );
        const [ack, reply] = got;
        if (!ack?.ok || ack.frame.kind !== 'link' || !ack.frame.link.ack) throw new DeviceError(ack && !ack.ok ? ack.error : 'sequence', 'no ack from the meter', ack?.raw);
        if (!reply) throw new DeviceError('timeout', 'no reply after the ack');
        if (!reply.ok) {
          if (reply.error === 'device-status') throw new DeviceError('device-status', reply.message, reply.raw);
          throw new DeviceError(reply.error, reply.message, reply.raw);
        }
        if (ack.frame.link.s !== e || ('link' in reply.frame && reply.frame.link.s !== e)) throw new DeviceError('sequence', 'wrong S bit from the meter');
        s = s ? 0 : 1;
        e = e ? 0 : 1;
        await port.write(encodePacket(LINK.ack | s | (e << 1), []));
        return reply.frame;
      } catch (err) {
        if (err instanceof DeviceError && (err.kind === 'disconnected' || err.kind === 'device-status')) throw err;
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new DeviceError('timeout', 'the meter did not answer');
  }

  return {
    async run(emit, signal) {
      try {
        do {
          try {
            await reset();
            const serialReply = await command(MESSAGES.serial);
            const serial = serialReply.kind === 'reply' && serialReply.text ? serialReply.text : 'unknown';
            const countReply = await command(MESSAGES.count);
            if (countReply.kind !== 'count') throw new DeviceError('format', 'the count reply has no count');
            const records: GlucoseRecord[] = [];
            const raw: number[] = [];
            for (let i = 0; i < countReply.count && !signal.aborted; i++) {
              const r = await command(recordMessage(i));
              if (r.kind !== 'record') throw new DeviceError('format', `record ${i} reply is not a record`);
              records.push(r.record);
            }
            emit({ type: 'memory', serial, records, raw: Uint8Array.from(raw) });
          } catch (err) {
            if (!(err instanceof DeviceError) || err.kind === 'disconnected') throw err;
            emit({ type: 'problem', kind: err.kind, message: err.message, raw: err.raw });
          }
        } while (await pause(pollMs, signal));
      } finally {
        await link.close();
      }
    },
  };
}
