/**
 * One decoder over one port, with one outstanding exchange at a time: the request is written, results are
 * collected until the caller's `accept` says the reply is complete, and silence longer than the timeout (measured
 * from the last byte, so a long memory dump is not cut) ends the exchange with `DeviceError('timeout')` after the
 * decoder's partial bytes are discarded (id-card-sam.md receive rule 3).
 */
import type { DecodeResult, Decoder, FrameErrorKind } from './frame-types';
import type { DevicePort } from './port';

export type DeviceErrorKind = FrameErrorKind | 'timeout' | 'disconnected' | 'unsupported';

export class DeviceError extends Error {
  constructor(
    readonly kind: DeviceErrorKind,
    message: string,
    readonly raw: Uint8Array = new Uint8Array(0),
  ) {
    super(message);
  }
}

/** What an exchange does with each result: keep collecting, finish with what it has, or fail. */
export type Verdict = 'more' | 'done' | 'skip';

export class Link<F> {
  private busy: Promise<unknown> = Promise.resolve();
  private pending: { onBytes(): void; onResult(r: DecodeResult<F>): void; onClose(e: Error | null): void } | null = null;
  private unsolicited: ((r: DecodeResult<F>) => void) | null = null;
  private closedWith: Error | null | undefined = undefined;
  private readonly stopData: () => void;

  constructor(
    readonly port: DevicePort,
    readonly decoder: Decoder<F>,
  ) {
    this.stopData = port.onData((chunk) => {
      this.pending?.onBytes();
      for (const r of decoder.push(chunk)) {
        if (this.pending) this.pending.onResult(r);
        else this.unsolicited?.(r);
      }
    });
    port.onClose((e) => {
      this.closedWith = e;
      this.pending?.onClose(e);
    });
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Results that arrive while no exchange is waiting (agent-driven protocols, line devices). */
  onUnsolicited(listener: (r: DecodeResult<F>) => void): void {
    this.unsolicited = listener;
  }

  exchange(request: Uint8Array | null, accept: (r: DecodeResult<F>) => Verdict, timeoutMs: number): Promise<DecodeResult<F>[]> {
    const run = () =>
      new Promise<DecodeResult<F>[]>((resolve, reject) => {
        if (this.closedWith !== undefined) {
          reject(new DeviceError('disconnected', 'the port is closed'));
          return;
        }
        const got: DecodeResult<F>[] = [];
        let timer: NodeJS.Timeout;
        const finish = (err: Error | null) => {
          clearTimeout(timer);
          this.pending = null;
          if (err) reject(err);
          else resolve(got);
        };
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            const partial = this.decoder.finish();
            const raw = partial[0]?.raw;
            finish(new DeviceError(partial.length ? 'truncated' : 'timeout', partial.length ? 'the reply stopped part way' : `no reply within ${timeoutMs} ms`, raw));
          }, timeoutMs);
        };
        this.pending = {
          onBytes: arm,
          onResult: (r) => {
            const v = accept(r);
            if (v === 'skip') return;
            got.push(r);
            if (v === 'done') finish(null);
          },
          onClose: () => finish(new DeviceError('disconnected', 'the device went away during the exchange')),
        };
        arm();
        if (request) this.port.write(request).catch((e: unknown) => finish(new DeviceError('disconnected', e instanceof Error ? e.message : String(e))));
      });
    const next = this.busy.then(run, run);
    this.busy = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.stopData();
    await this.port.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
