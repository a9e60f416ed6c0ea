import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdCardSession } from '../../../main/devices/idcard/driver';
import { createLineSession } from '../../../main/devices/line/driver';
import { LineSim } from '../../../main/devices/line/sim';
import { serialPortFactory } from '../../../main/devices/port';
import type { SessionEvent } from '../../../main/devices/session-types';
import { hasSocat, openPtyPair, type PtyPair } from '../../helpers/pty';

const open = serialPortFactory();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair(): Promise<PtyPair> {
  const p = await openPtyPair();
  cleanups.push(() => p.kill());
  return p;
}

/** Starts `npm run sim` as its own process (as support staff would) and waits for its `ready` line. */
async function startSim(args: string[]): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['main/devices/sim-cli.ts', ...args], { cwd: process.cwd() });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sim exited ${code}`)));
  });
  return child;
}

describe.skipIf(!hasSocat())('devices over real socat PTY pairs', () => {
  it('ID card simulator process → reader session: identity read; socat killed mid-poll ends the session as disconnected', async () => {
    const p = await pair();
    await startSim(['idcard', '--port', p.dev]);
    const port = await open(p.app, 115200);
    const events: SessionEvent[] = [];
    const ctl = new AbortController();
    cleanups.push(() => ctl.abort());
    const run = createIdCardSession(port, { pollMs: 20, timeoutMs: 300 }).run((e) => events.push(e), ctl.signal);
    await expect.poll(() => events.find((e) => e.type === 'identity'), { timeout: 10_000 }).toMatchObject({ identity: { idNumber: '110105199003070017' } });
    await p.kill();
    const err = await run.then(
      () => null,
      (e: unknown) => e as { kind: string },
    );
    expect(['disconnected', 'timeout']).toContain(err?.kind);
  });

  it('line simulator in-process: a BP line crosses the PTY; a fault line is a named problem', async () => {
    const p = await pair();
    const sim = new LineSim();
    sim.attach(await open(p.dev, 9600));
    const port = await open(p.app, 9600);
    const events: SessionEvent[] = [];
    const ctl = new AbortController();
    const run = createLineSession(port).run((e) => events.push(e), ctl.signal);
    cleanups.push(async () => {
      ctl.abort();
      await run.catch(() => undefined);
    });
    sim.command('measure 150/95 80');
    sim.fault = 'garbage';
    sim.command('measure');
    await expect.poll(() => events.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ type: 'measurement', measurement: { kind: 'bloodPressure', systolic: 150, diastolic: 95, pulse: 80 } });
    expect(events[1]).toMatchObject({ type: 'problem' });
  });

  it('replay of a capture with timing: a line split over two writes 50 ms apart is one reading', async () => {
    const p = await pair();
    const dir = mkdtempSync(join(tmpdir(), 'cunyi-capture-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const line = Buffer.from('2024,03,15,08,30,A0000000000000000001,0,128,082,071,0\r\n').toString('hex');
    writeFileSync(join(dir, 'bp.cap'), `# Omron line split in two\n${line.slice(0, 40)}\n+50 ${line.slice(40)}\n`);
    const port = await open(p.app, 9600);
    const events: SessionEvent[] = [];
    const ctl = new AbortController();
    const run = createLineSession(port).run((e) => events.push(e), ctl.signal);
    cleanups.push(async () => {
      ctl.abort();
      await run.catch(() => undefined);
    });
    await startSim(['line', 'replay', '--file', join(dir, 'bp.cap'), '--port', p.dev]);
    await expect.poll(() => events, { timeout: 5000 }).toMatchObject([{ type: 'measurement', measuredAt: '2024-03-15T08:30:00', measurement: { systolic: 128 } }]);
  });
});
