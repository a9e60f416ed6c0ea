/** Beurer BM58/65 simulator: answers AA, A4, A2 and A3 nn from a list of records. */
import { SimBase } from '../sim-base';
import { createDecoder, encodeRecord, NO_RECORD, READY, type BeurerRecord } from './frame';

export class BeurerSim extends SimBase {
  readonly name = 'beurer';
  private readonly decoder = createDecoder('host');
  records: BeurerRecord[] = [{ at: '2024-03-15T08:30:00', systolic: 128, diastolic: 82, pulse: 71 }];

  override command(text: string): boolean {
    const m = /^measure(?: (\d+)\/(\d+) (\d+))?$/.exec(text);
    if (!m) return false;
    const now = new Date();
    now.setUTCSeconds(0, 0);
    this.records.unshift({ at: now.toISOString().slice(0, 19), systolic: Number(m[1] ?? 135), diastolic: Number(m[2] ?? 85), pulse: Number(m[3] ?? 76) });
    return true;
  }

  protected onHostBytes(chunk: Uint8Array): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok || r.frame.kind !== 'command') continue;
      const c = r.frame.command;
      if (c === 'attention') this.send({ bytes: Uint8Array.of(READY) });
      else if (c === 'identify') this.send({ bytes: Uint8Array.from(Buffer.from('Andon Blood Pressure Meter KD001'.padEnd(32, ' '), 'latin1')) });
      else if (c === 'count') this.send({ bytes: Uint8Array.of(this.records.length) });
      else {
        const rec = this.records[(r.frame.index ?? 0) - 1];
        this.send(rec ? { bytes: encodeRecord(rec), errorStatus: Uint8Array.of(NO_RECORD) } : { bytes: Uint8Array.of(NO_RECORD) });
      }
    }
  }
}
