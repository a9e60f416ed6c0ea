/** IEEE 11073 agent simulator: a BP monitor (config 700) that associates on attach and reports on `measure`. */
import { SimBase } from '../sim-base';
import { createDecoder } from './frame';

/** bp-and-11073.md V1: association request of a standard BP agent (config 700). */
const AARQ = Buffer.from('E2 00 00 32 80 00 00 00 00 01 00 2A 50 79 00 26 80 00 00 00 A0 00 80 00 00 00 00 00 00 00 00 80 00 00 00 08 00 11 22 33 44 55 66 77 02 BC 00 01 01 00 00 00 00 00'.replace(/ /g, ''), 'hex');

function bcd(n: number): number {
  return ((Math.floor(n / 10) % 10) << 4) | n % 10;
}

export function bpReport(invokeId: number, sys: number, dia: number, map: number, pulse: number, at: Date): Uint8Array {
  const t = [bcd(Math.floor(at.getUTCFullYear() / 100)), bcd(at.getUTCFullYear() % 100), bcd(at.getUTCMonth() + 1), bcd(at.getUTCDate()), bcd(at.getUTCHours()), bcd(at.getUTCMinutes()), bcd(at.getUTCSeconds()), 0];
  const h1 = [0x00, 0x03, 0x00, 0x06, 0, sys, 0, dia, 0, map, ...t];
  const h2 = [0, pulse, ...t];
  const obs = [0, 1, 0, h1.length, ...h1, 0, 2, 0, h2.length, ...h2];
  const info = [0xf0, 0x00, 0x00, 0x00, 0x00, 0x02, 0, obs.length, ...obs];
  const payload = [0, 0, 0xff, 0xff, 0xff, 0xff, 0x0d, 0x1d, 0, info.length, ...info];
  const data = [invokeId >> 8, invokeId & 0xff, 0x01, 0x01, 0, payload.length, ...payload];
  const body = [0, data.length, ...data];
  return Uint8Array.from([0xe7, 0x00, 0, body.length, ...body]);
}

export class Ieee11073Sim extends SimBase {
  readonly name = 'ieee11073';
  private readonly decoder = createDecoder('host');
  private isAssociated = false;
  private invokeId = 1;
  private queued: [number, number, number, number][] = [[120, 80, 93, 72]];

  protected override onAttach(): void {
    this.sendRaw(Uint8Array.from(AARQ));
  }

  override command(text: string): boolean {
    const m = /^measure(?: (\d+)\/(\d+) (\d+))?$/.exec(text);
    if (!m) return false;
    const sys = Number(m[1] ?? 120);
    const dia = Number(m[2] ?? 80);
    this.queued.push([sys, dia, Math.round((sys + 2 * dia) / 3), Number(m[3] ?? 72)]);
    if (this.isAssociated) this.flush();
    else this.sendRaw(Uint8Array.from(AARQ));
    return true;
  }

  private flush(): void {
    for (const [s, d, map, p] of this.queued.splice(0)) {
      const bytes = bpReport(++this.invokeId, s, d, map, p, new Date());
      this.send({ bytes, checksumAt: 40 });
    }
  }

  protected onHostBytes(chunk: Uint8Array): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok) continue;
      if (r.frame.kind === 'associationResponse') {
        this.isAssociated = r.frame.result === 0;
        if (this.isAssociated) this.flush();
      } else if (r.frame.kind === 'abort' || r.frame.kind === 'releaseResponse') this.isAssociated = false;
    }
  }
}

