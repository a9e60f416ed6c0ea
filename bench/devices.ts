/**
 * Device decoders and the reading path. `npm run bench -- devices` prints one JSON object:
 * - decoder throughput (MB/s) per protocol on a long stream of good frames mixed with garbage, corrupted and cut
 *   frames, beside a raw baseline from the same run (a byte-sum pass over the same stream);
 * - latency from the last byte of an Omron BP line written on the device end of a socat PTY to the reading arriving
 *   at a client subscribed over the headless host's WebSocket, through the runtime link into the worker and back
 *   (target < 50 ms), beside the raw PTY hop (device write → app port `data`). Needs socat for the latency part;
 *   without it that part is reported as skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { serialDeviceIo } from '../main/devices';
import { startHost, type RunningHost } from '../main/host/server';
import { startRuntimeWorker } from '../main/runtime/worker';
import { serialPortFactory } from '../main/devices/port';
import { createProtocolDecoder, PROTOCOLS, type Protocol } from '../main/devices/protocols';
import { buildText, readReply, V2_FIELDS } from '../main/devices/idcard/card-text';
import { encodeLine } from '../main/devices/onetouch/frame';
import { encodePacket } from '../main/devices/ultraeasy/frame';
import { bpReport } from '../main/devices/ieee11073/sim';
import { LineSim } from '../main/devices/line/sim';

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

/** A minimal client of the host's WebSocket API (as the renderer's api-client speaks it). */
async function connect(host: RunningHost): Promise<{ ok(method: string, input?: unknown): Promise<unknown>; onEvent(l: (event: string, payload: unknown) => void): void; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${encodeURIComponent(host.token)}`, { headers: { origin: host.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (r: { ok: boolean; value?: unknown; error?: unknown }) => void>();
  const listeners: ((event: string, payload: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse((Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8')) as { id?: number; result?: { ok: boolean; value?: unknown; error?: unknown }; event?: string; payload?: unknown };
    if (frame.event) for (const l of listeners) l(frame.event, frame.payload);
    else if (typeof frame.id === 'number' && frame.result) waiting.get(frame.id)?.(frame.result);
  });
  return {
    async ok(method, input = {}) {
      const id = nextId++;
      const r = await new Promise<{ ok: boolean; value?: unknown; error?: unknown }>((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, input }));
      });
      if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
      return r.value;
    },
    onEvent: (l) => listeners.push(l),
    close: () => ws.close(),
  };
}

/**
 * Last byte of an Omron BP line written on the device end of a socat PTY → `device.reading` at a WebSocket client of
 * the headless host: the app port is opened on the host's side, its bytes cross the runtime link
 * (main/runtime/device-link.ts) into the worker, are decoded there, and the reading comes back as an event. Beside
 * it, from the same run, the raw PTY hop (device write → a plain app port's `data`, no runtime).
 */
async function latency(): Promise<Record<string, unknown>> {
  if (!existsSync('/usr/bin/socat')) return { skipped: 'socat not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-bench-dev-'));
  const app = join(dir, 'app');
  const dev = join(dir, 'dev');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${app}`, `pty,raw,echo=0,link=${dev}`], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => socat.once('exit', () => r()));
  const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
  const runtime = await startRuntimeWorker({ dataDir: join(dir, 'clinic'), shell: 'headless', kdfCost: { name: 'argon2id' as const, memoryKiB: 64, timeCost: 1, parallelism: 1 }, quiet: true }, { logger: quiet, deviceIo: serialDeviceIo });
  const host = await startHost({ dispatch: runtime.dispatch, bus: runtime, rendererDir: join(dir, 'no-renderer') });
  const client = await connect(host);
  try {
    while (!(existsSync(app) && existsSync(dev))) await new Promise((r) => setTimeout(r, 10));
    await client.ok('session.setup', { clinicCode: '441521101', clinicName: '基准卫生院', villages: [], admin: { username: 'admin', displayName: '管理员', password: 'correct horse 1' } });
    await client.ok('app.ready');
    let arrived: (() => void) | null = null;
    let statusConnected: (() => void) | null = null;
    client.onEvent((event, payload) => {
      if (event === 'device.reading') arrived?.();
      if (event === 'device.status' && (payload as { devices: { state: string }[] }).devices[0]?.state === 'connected') statusConnected?.();
    });
    const connected = new Promise<void>((r) => (statusConnected = r));
    await client.ok('devices.saveBinding', { label: 'bench', match: { kind: 'path', path: app }, protocol: 'line', baudRate: 9600 });
    await connected;
    const devPort = await serialPortFactory()(dev, 9600);
    const runs = 30;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const line = Buffer.from(LineSim.omronLine(new Date(Date.UTC(2024, 0, 1, 0, i)), 120 + i, 80, 70), 'latin1');
      const got = new Promise<void>((r) => (arrived = r));
      await devPort.write(line.subarray(0, line.length - 1));
      await new Promise((r) => setTimeout(r, 20));
      const t0 = performance.now();
      await devPort.write(line.subarray(line.length - 1));
      await got;
      times.push(performance.now() - t0);
    }
    // Raw PTY hop: the binding is removed (its port closed), a plain port opened on the same app end.
    const removed = await client.ok('devices.bindings');
    for (const b of removed as { id: string }[]) await client.ok('devices.removeBinding', { id: b.id });
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
    return {
      path: 'socat PTY → host port → runtime link → worker decoder → host WebSocket → client',
      runs,
      medianMs: r1(median(times)),
      maxMs: r1(Math.max(...times)),
      rawPtyMedianMs: r1(median(raw)),
      targetMs: TARGET_MS,
      meetsTarget: median(times) < TARGET_MS,
    };
  } finally {
    client.close();
    await host.close();
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
  process.stdout.write(`${JSON.stringify({ bench: 'devices', streamBytes: STREAM_BYTES, decoders, bpLatency, loadAvg: loadavg().map((n) => Math.round(n * 100) / 100), node: process.version })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
