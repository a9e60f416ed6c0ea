/** Simulator registry (names = protocol names) and capture replay for `npm run sim`. */
import { readFileSync } from 'node:fs';
import type { Protocol } from './protocols';
import type { DevicePort } from './port';
import type { Simulator } from './sim-base';
import { IdCardSim } from './idcard/sim';
import { OneTouchSim } from './onetouch/sim';
import { UltraEasySim } from './ultraeasy/sim';
import { FreeStyleSim } from './freestyle/sim';
import { BeurerSim } from './beurer/sim';
import { Ieee11073Sim } from './ieee11073/sim';
import { LineSim } from './line/sim';
import { fromHex } from './frame-types';

export function createSimulator(protocol: Protocol): Simulator {
  switch (protocol) {
    case 'idcard':
      return new IdCardSim();
    case 'onetouch':
      return new OneTouchSim();
    case 'ultraeasy':
      return new UltraEasySim();
    case 'freestyle':
      return new FreeStyleSim();
    case 'beurer':
      return new BeurerSim();
    case 'ieee11073':
      return new Ieee11073Sim();
    case 'line':
      return new LineSim();
  }
}

export interface CaptureStep {
  delayMs: number;
  bytes: Uint8Array;
}

/**
 * A capture file: one write per line, `+MS HEX` (wait MS milliseconds after the previous write) or just `HEX`;
 * blank lines and `#` comments are ignored. Returns the line number of the first bad line instead of throwing.
 */
export function parseCapture(text: string): { ok: true; steps: CaptureStep[] } | { ok: false; line: number; message: string } {
  const steps: CaptureStep[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] ?? '').replace(/#.*$/, '').trim();
    if (!l) continue;
    const m = /^(?:\+(\d+)\s+)?(.+)$/.exec(l);
    const bytes = m ? fromHex(m[2] ?? '') : null;
    if (!m || !bytes) return { ok: false, line: i + 1, message: 'expected [+MS] HEX' };
    steps.push({ delayMs: Number(m[1] ?? 0), bytes });
  }
  return { ok: true, steps };
}

export function readCapture(path: string): CaptureStep[] {
  const parsed = parseCapture(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}:${parsed.line}: ${parsed.message}`);
  return parsed.steps;
}

export async function replay(port: DevicePort, steps: CaptureStep[], signal?: AbortSignal): Promise<void> {
  for (const s of steps) {
    if (signal?.aborted) return;
    if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
    await port.write(s.bytes);
  }
}
