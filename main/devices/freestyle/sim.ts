/** FreeStyle Optium simulator: ignores the first command (lone CR LF) like some meters, then answers $colq/$xmem. */
import { SimBase } from '../sim-base';
import { createDecoder } from './frame';

const MONTH4 = ['Jan ', 'Feb ', 'Mar ', 'Apr ', 'May ', 'June', 'July', 'Aug ', 'Sep ', 'Oct ', 'Nov ', 'Dec '];

function date(at: string, withSeconds: boolean): string {
  const [d = '', t = ''] = at.split('T');
  const [y = '', mo = '', day = ''] = d.split('-');
  return `${MONTH4[Number(mo) - 1] ?? 'Jan '} ${day} ${y} ${withSeconds ? t : t.slice(0, 5)}`;
}

export class FreeStyleSim extends SimBase {
  readonly name = 'freestyle';
  private readonly decoder = createDecoder('host');
  private isFirst = true;
  ignoreFirstCommand = true;
  serial = 'XAGX123-B4567';
  results: { at: string; value: string; type: 'G' | 'K' }[] = [
    { at: '2013-10-05T08:12:00', value: '126', type: 'G' },
    { at: '2013-10-04T21:40:00', value: '088', type: 'G' },
  ];

  xmem(): string {
    let body = `\r\n${this.serial}\r\n0.22\r\n${date('2013-10-05T14:26:44', true)}\r\n${String(this.results.length).padStart(3, '0')}\r\n`;
    for (const r of this.results) body += `${r.value.padEnd(3, ' ')}  ${date(r.at, false)} ${r.type} 0x00\r\n`;
    let sum = 0;
    for (const c of Buffer.from(body, 'latin1')) sum += c;
    return `${body}0x${sum.toString(16).toUpperCase().padStart(4, '0')}  END\r\n`;
  }

  protected onHostBytes(chunk: Uint8Array): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok || r.frame.kind !== 'command') continue;
      if (this.isFirst && this.ignoreFirstCommand) {
        this.isFirst = false;
        this.sendRaw(Uint8Array.of(0x0d, 0x0a));
        continue;
      }
      this.isFirst = false;
      if (r.frame.command === 'colq') {
        const text = `S/N:\t${this.serial}\r\nVer:\t0.22\tMMOL\r\nClock:\tOct  05 2013\t14:26:44\r\nMarket:\t1\t0\r\nROM:\t0\t0\t0\t0\r\nUsage:\t${this.results.length}\r\nCMD OK\r\n`;
        this.send({ bytes: Uint8Array.from(Buffer.from(text, 'latin1')), errorStatus: Uint8Array.from(Buffer.from('$colq\r\n', 'latin1')) });
      } else if (r.frame.command === 'xmem') {
        const bytes = Uint8Array.from(Buffer.from(this.xmem(), 'latin1'));
        this.send({ bytes, checksumAt: bytes.length - 8, errorStatus: Uint8Array.from(Buffer.from('$xmem\r\n', 'latin1')) });
      }
    }
  }
}
