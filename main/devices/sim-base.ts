/**
 * Shared machinery of the device simulators (`npm run sim`): they speak the device side over a PTY or the mock
 * binding, answer from a script of good data, and apply one named fault to every reply until told `good` again.
 */
import type { DevicePort } from './port';

export const FAULTS = ['checksum', 'truncated', 'garbage', 'silence', 'status'] as const;
export type Fault = (typeof FAULTS)[number];

export const GARBAGE = Uint8Array.of(0x13, 0x37, 0x00, 0xff, 0x5a);

export interface Simulator {
  readonly name: string;
  attach(port: DevicePort): void;
  fault: Fault | null;
  /** Device-initiated actions (`measure`, `card on`, `card off`); returns false when the command is unknown. */
  command(text: string): boolean;
}

export interface Reply {
  bytes: Uint8Array;
  /** Index of a byte that carries the checksum (or a checksum digit), for the `checksum` fault. */
  checksumAt?: number;
  /** The reply to send instead under the `status` fault (a valid frame reporting a failure). */
  errorStatus?: Uint8Array;
}

export function faulted(reply: Reply, fault: Fault | null): Uint8Array | null {
  switch (fault) {
    case null:
      return reply.bytes;
    case 'silence':
      return null;
    case 'garbage':
      return Uint8Array.from([...GARBAGE, ...reply.bytes]);
    case 'truncated':
      return reply.bytes.subarray(0, Math.max(1, Math.floor(reply.bytes.length / 2)));
    case 'checksum': {
      const out = Uint8Array.from(reply.bytes);
      const at = reply.checksumAt ?? out.length - 1;
      const b = out[at] ?? 0;
      // Text checksums are hex digits: swap to another digit so the line still parses.
      out[at] = b >= 0x30 && b <= 0x39 ? (b === 0x39 ? 0x30 : b + 1) : b >= 0x41 && b <= 0x46 ? (b === 0x46 ? 0x41 : b + 1) : b ^ 0x01;
      return out;
    }
    case 'status':
      return reply.errorStatus ?? reply.bytes;
  }
}

/** Base for simulators: collects host bytes, lets the protocol answer, applies the fault, writes. */
export abstract class SimBase implements Simulator {
  abstract readonly name: string;
  fault: Fault | null = null;
  protected port: DevicePort | null = null;

  attach(port: DevicePort): void {
    this.port = port;
    port.onData((chunk) => this.onHostBytes(chunk));
    this.onAttach();
  }

  protected onAttach(): void {}

  command(_text: string): boolean {
    return false;
  }

  protected abstract onHostBytes(chunk: Uint8Array): void;

  protected send(reply: Reply): void {
    const bytes = faulted(reply, this.fault);
    if (bytes && this.port?.isOpen) this.port.write(bytes).catch(() => undefined);
  }

  /** Unfaulted bytes (link-level acks, or to complete a scenario). */
  protected sendRaw(bytes: Uint8Array): void {
    if (this.port?.isOpen) this.port.write(bytes).catch(() => undefined);
  }
}
