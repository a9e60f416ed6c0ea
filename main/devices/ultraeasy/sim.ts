/** UltraEasy simulator: the meter side of the link procedure, answering ack then reply with S = the host's E. */
import { SimBase } from '../sim-base';
import type { GlucoseRecord } from '../glucose-record';
import { createDecoder, encodePacket, LINK } from './frame';

function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export class UltraEasySim extends SimBase {
  readonly name = 'ultraeasy';
  private readonly decoder = createDecoder('host');
  serial = 'ZZQ67890M';
  records: GlucoseRecord[] = [
    { at: '2024-03-15T07:45:10', mgdl: 126, flags: [], meal: null, comment: null },
    { at: '2024-03-14T19:02:44', mgdl: 188, flags: [], meal: null, comment: null },
  ];

  private reply(hostE: number, message: number[]): void {
    this.sendRaw(encodePacket(LINK.ack | hostE | ((hostE ? 0 : 1) << 1), []));
    const bytes = encodePacket(hostE | ((hostE ? 0 : 1) << 1), message);
    this.send({ bytes, checksumAt: bytes.length - 1, errorStatus: encodePacket(hostE, [0x05, 0x15]) });
  }

  protected onHostBytes(chunk: Uint8Array): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok) continue;
      const f = r.frame;
      if (f.kind === 'link') {
        if (f.link.disconnect) this.sendRaw(encodePacket(LINK.ack | LINK.disconnect, []));
        continue;
      }
      if (f.kind !== 'request') continue;
      const e = f.link.e;
      switch (f.request) {
        case 'serial':
          this.reply(e, [0x05, 0x06, ...Buffer.from(this.serial, 'latin1')]);
          break;
        case 'version':
          this.reply(e, [0x05, 0x06, 0x11, ...Buffer.from('P02.00.00 30/08/06'.slice(0, 17), 'latin1')]);
          break;
        case 'count':
          this.reply(e, [0x05, 0x0f, this.records.length & 0xff, this.records.length >> 8]);
          break;
        case 'record': {
          const rec = this.records[f.index ?? 0];
          if (!rec) this.reply(e, [0x05, 0x15]);
          else this.reply(e, [0x05, 0x06, ...u32le(Date.parse(`${rec.at}Z`) / 1000), ...u32le(rec.mgdl ?? 0)]);
          break;
        }
        default:
          // Erase and unknown requests are refused.
          this.reply(e, [0x05, 0x15]);
      }
    }
  }
}
