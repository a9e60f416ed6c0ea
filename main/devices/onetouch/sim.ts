/** OneTouch Ultra 2 simulator: answers DM@, DM?, DMF, DMSU? and DMP from a list of records; ignores DMZ. */
import { SimBase } from '../sim-base';
import type { GlucoseRecord } from '../glucose-record';
import { createDecoder, encodeLine } from './frame';

const DOW = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function stamp(at: string): string {
  const [d = '', t = ''] = at.split('T');
  const [y = '', mo = '', day = ''] = d.split('-');
  const dow = DOW[new Date(`${d}T00:00:00Z`).getUTCDay()] ?? 'MON';
  return `"${dow}","${mo}/${day}/${y.slice(2)}","${t}   "`;
}

export class OneTouchSim extends SimBase {
  readonly name = 'onetouch';
  private readonly decoder = createDecoder('host');
  serial = 'ZZQ12345Y';
  records: GlucoseRecord[] = [
    { at: '2023-03-15T07:45:10', mgdl: 126, flags: [], meal: 'before', comment: null },
    { at: '2023-03-14T19:02:44', mgdl: 188, flags: [], meal: 'after', comment: 'too much food' },
  ];

  private line(body: string): { bytes: Uint8Array; checksumAt: number } {
    const bytes = encodeLine(body);
    return { bytes, checksumAt: bytes.length - 3 };
  }

  protected onHostBytes(chunk: Uint8Array): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok || r.frame.kind !== 'command') continue;
      switch (r.frame.command) {
        case 'serial':
          this.send(this.line(`@ "${this.serial}"`));
          break;
        case 'version':
          this.send(this.line('?P02.00.00 30/08/06'));
          break;
        case 'clock':
          this.send(this.line('F "WED","03/15/23","08:30:05   "'));
          break;
        case 'unit':
          this.send(this.line('SU?,"MG/DL "'));
          break;
        case 'dump': {
          const lines = [encodeLine(`P ${String(this.records.length).padStart(3, '0')},"${this.serial}","MG/DL "`)];
          for (const rec of this.records) {
            const flag = rec.flags.includes('control') ? 'C' : ' ';
            const meal = rec.meal === 'before' ? 'B' : rec.meal === 'after' ? 'A' : 'N';
            lines.push(encodeLine(`P ${stamp(rec.at)},"${flag} ${String(rec.mgdl ?? 0).padStart(3, '0')} ","${meal}","00", 00`));
          }
          const bytes = Uint8Array.from(lines.flatMap((l) => [...l]));
          this.send({ bytes, checksumAt: bytes.length - 3 });
          break;
        }
        default:
          // DMZ and unknown commands: a real meter would erase; the simulator refuses to play along.
          break;
      }
    }
  }
}
