/**
 * Device decoders and the reading path. `npm run bench -- devices` prints one JSON object:
 * - decoder throughput (MB/s) per protocol on a long stream of good frames mixed with garbage, corrupted and cut
 *   frames, beside a raw baseline from the same run (a byte-sum pass over the same stream);
 * - latency from the last byte of an Omron BP line written on the device end of a socat PTY to the reading
 *   arriving at a subscriber of the runtime's event bus (target < 50 ms), beside the raw PTY hop (device write →
 *   app port `data`). Needs socat for the latency part; without it that part is reported as skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../main/services/runtime';
import { serialPortFactory } from '../main/devices/port';
import { createProtocolDecoder, PROTOCOLS, type Protocol } from '../main/devices/protocols';
import { buildText, readReply, V2_FIELDS } from '../main/devices/idcard/card-text';
import { encodeLine } from '../main/devices/onetouch/frame';
import { encodePacket } from '../main/devices/ultraeasy/frame';
import { bpReport } from '../main/devices/ieee11073/sim';
import { LineSim } from '../main/devices/line/sim';
import { fixedClock } from '../shared/domain/dates';

const TARGET_MS = 50;
const STREAM_BYTES = 4 * 1024 * 1024;

function goodFrame(p: Protocol): Uint8Array {
  const b = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
  switch (p) {
    case 'idcard':
      return readReply(buildText(V2_FIELDS), new Uint8Array(1024));
    case 'onetouch':
      return Uint8Array.from([...encodeLine('P 001,"ZZQ12345Y","MG/DL "'), ...encodeLine('P "WED","03/15/23","07:45:10   ","  126 ","B","00", 00')]);
    case 'ultraeasy':
      return encodePacket(0x01, [0x05, 0x06, 0x86, 0xfc, 0xf3, 0x65, 0x7e, 0, 0, 0]);
    case 'freestyle':
      return b('\r\nXAGX123-B4567\r\n0.22\r\nOct  05 2013 14:26:44\r\n002\r\n126  Oct  05 2013 08:12 G 0x00\r\n088  Oct  04 2013 21:40 G 0x00\r\n0x1600  END\r\n');
    case 'beurer':
      return Uint8Array.of(0xac, 0x67, 0x39, 0x47, 0x03, 0x0f, 0x08, 0x1e, 0x18);
    case 'ieee11073':
      return bpReport(2, 120, 80, 93, 72, new Date('2024-03-15T08:30:00Z'));
    case 'line':
      return b('2024,03,15,08,30,A0000000000000000001,0,128,082,071,0\r\n');
  }
}

/** Good frames with, every fourth frame, one of: garbage, a flipped byte, a cut frame. Deterministic. */
function mixedStream(p: Protocol): Uint8Array {
  const good = goodFrame(p);
  const out = new Uint8Array(STREAM_BYTES + good.length * 2);
  let at = 0;
  let i = 0;
  while (at < STREAM_BYTES) {
    const kind = i++ % 8;
    if (kind === 3) {
      out.set([0x13, 0x37, 0x00, 0xff, 0x5a], at);
      at += 5;
    } else if (kind === 5) {
      const bad = Uint8Array.from(good);
      bad[Math.floor(bad.length / 2)]! ^= 0x21;
      out.set(bad, at);
      at += bad.length;
    } else if (kind === 7) {
      out.set(good.subarray(0, Math.floor(good.length / 2)), at);
      at += Math.floor(good.length / 2);
    }
    out.set(good, at);
    at += good.length;
  }
  return out.subarray(0, at);
}

function throughput(p: Protocol): { mbPerSecond: number; baselineMbPerSecond: number; results: number } {
  const stream = mixedStream(p);
  const chunk = 4096;
  const mb = stream.length / 1e6;
  let results = 0;
  const t0 = performance.now();
  const d = createProtocolDecoder(p, 'device');
  for (let i = 0; i < stream.length; i += chunk) results += d.push(stream.subarray(i, i + chunk)).length;
  results += d.finish().length;
  const t1 = performance.now();
  let sum = 0;
  for (let i = 0; i < stream.length; i++) sum = (sum + (stream[i] ?? 0)) & 0xffff;
  const t2 = performance.now();
  if (sum < 0) throw new Error('unreachable');
  return { mbPerSecond: Math.round((mb / ((t1 - t0) / 1000)) * 10) / 10, baselineMbPerSecond: Math.round((mb / ((t2 - t1) / 1000)) * 10) / 10, results };
}

async function latency(): Promise<Record<string, unknown>> {
  if (!existsSync('/usr/bin/socat')) return { skipped: 'socat not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-bench-dev-'));
  const app = join(dir, 'app');
  const dev = join(dir, 'dev');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${app}`, `pty,raw,echo=0,link=${dev}`], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => socat.once('exit', () => r()));
  const runtime = createRuntime({ dataDir: join(dir, 'clinic'), shell: 'headless', clock: fixedClock('2026-03-02T02:00:00Z'), kdfCost: { N: 2 ** 10, r: 8, p: 1 }, logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
  try {
    while (!(existsSync(app) && existsSync(dev))) await new Promise((r) => setTimeout(r, 10));
    const call = async (m: string, input: unknown) => {
      const r = (await runtime.dispatch(m, input, { transport: 'test', connectionId: 'bench' })) as { ok: boolean; error?: unknown };
      if (!r.ok) throw new Error(`${m}: ${JSON.stringify(r.error)}`);
    };
    await call('session.setup', { clinicCode: '441521101', clinicName: '基准卫生院', villages: [], admin: { username: 'admin', displayName: '管理员', password: 'correct horse 1' } });
    let arrived: (() => void) | null = null;
    let statusConnected: (() => void) | null = null;
    runtime.services.bus.subscribe((event, payload) => {
      if (event === 'device.reading') arrived?.();
      if (event === 'device.status' && (payload as { devices: { state: string }[] }).devices[0]?.state === 'connected') statusConnected?.();
    });
    const connected = new Promise<void>((r) => (statusConnected = r));
    await call('devices.saveBinding', { label: 'bench', match: { kind: 'path', path: app }, protocol: 'line', baudRate: 9600 });
    await connected;
    const devPort = await serialPortFactory()(dev, 9600);
    const runs = 30;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const line = Buffer.from(LineSim.omronLine(new Date(Date.UTC(2024, 0, 1, 0, i)), 120 + i, 80, 70), 'latin1');
      const got = new Promise<void>((r) => (arrived = r));
      await devPort.write(line.subarray(0, line.length - 1));
      const t0 = performance.now();
      await devPort.write(line.subarray(line.length - 1));
      await got;
      times.push(performance.now() - t0);
    }
    // Raw PTY hop: a second pair of ports on the same link, no decoder, no runtime.
    await call('session.lock', {}).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const appPort = await serialPortFactory()(app, 9600);
    const raw: number[] = [];
    for (let i = 0; i < runs; i++) {
      const got = new Promise<void>((r) => {
        const off = appPort.onData(() => {
          off();
          r();
        });
      });
      const t0 = performance.now();
      await devPort.write(Uint8Array.of(0x0a));
      await got;
      raw.push(performance.now() - t0);
    }
    await appPort.close();
    await devPort.close();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const r1 = (n: number) => Math.round(n * 100) / 100;
    return { runs, medianMs: r1(median(times)), maxMs: r1(Math.max(...times)), rawPtyMedianMs: r1(median(raw)), targetMs: TARGET_MS, meetsTarget: median(times) < TARGET_MS };
  } finally {
    await runtime.close();
    if (socat.exitCode === null && socat.pid !== undefined) process.kill(socat.pid, 'SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const decoders: Record<string, unknown> = {};
  for (const p of PROTOCOLS) {
    decoders[p] = throughput(p);
    process.stderr.write(`decoder ${p}: ${JSON.stringify(decoders[p])}\n`);
  }
  const bpLatency = await latency();
  process.stdout.write(`${JSON.stringify({ bench: 'devices', streamBytes: STREAM_BYTES, decoders, bpLatency, node: process.version })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
