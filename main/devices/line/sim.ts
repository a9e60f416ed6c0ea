/** Line device simulator: prints one Omron format-5 line per `measure` (or on its interval). */
import { pad2 } from '../glucose-record';
import { SimBase } from '../sim-base';

export class LineSim extends SimBase {
  readonly name = 'line';
  patientId = 'A0000000000000000001';

  static omronLine(at: Date, sys: number, dia: number, pulse: number, error = 0): string {
    const d = `${at.getUTCFullYear()},${pad2(at.getUTCMonth() + 1)},${pad2(at.getUTCDate())},${pad2(at.getUTCHours())},${pad2(at.getUTCMinutes())}`;
    const v = (n: number) => (error ? '   ' : String(n).padStart(3, '0'));
    return `${d},A0000000000000000001,${error},${v(sys)},${v(dia)},${v(pulse)},0\r\n`;
  }

  override command(text: string): boolean {
    const m = /^measure(?: (\d+)\/(\d+) (\d+))?$/.exec(text);
    if (!m) return false;
    this.measure(Number(m[1] ?? 128), Number(m[2] ?? 82), Number(m[3] ?? 71));
    return true;
  }

  measure(sys: number, dia: number, pulse: number): void {
    const line = LineSim.omronLine(new Date(), sys, dia, pulse);
    const bytes = Uint8Array.from(Buffer.from(line, 'latin1'));
    // No checksum in this format: the `checksum` fault garbles a digit, which the strict grammar may or may not catch.
    this.send({ bytes, checksumAt: line.indexOf(',', 40) + 1, errorStatus: Uint8Array.from(Buffer.from(LineSim.omronLine(new Date(), sys, dia, pulse, 3), 'latin1')) });
  }

  protected onHostBytes(): void {}
}
