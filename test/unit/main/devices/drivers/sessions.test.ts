import { afterEach, describe, expect, it } from 'vitest';
import { createBeurerSession } from '../../../../../main/devices/beurer/driver';
import { BeurerSim } from '../../../../../main/devices/beurer/sim';
import { createFreeStyleSession } from '../../../../../main/devices/freestyle/driver';
import { FreeStyleSim } from '../../../../../main/devices/freestyle/sim';
import { createIdCardSession } from '../../../../../main/devices/idcard/driver';
import { IdCardSim } from '../../../../../main/devices/idcard/sim';
import { createIeee11073Session } from '../../../../../main/devices/ieee11073/driver';
import { Ieee11073Sim } from '../../../../../main/devices/ieee11073/sim';
import { DeviceError } from '../../../../../main/devices/link';
import { createLineSession } from '../../../../../main/devices/line/driver';
import { LineSim } from '../../../../../main/devices/line/sim';
import { createOneTouchSession } from '../../../../../main/devices/onetouch/driver';
import { OneTouchSim } from '../../../../../main/devices/onetouch/sim';
import { createUltraEasySession } from '../../../../../main/devices/ultraeasy/driver';
import { UltraEasySim } from '../../../../../main/devices/ultraeasy/sim';
import type { DeviceSession, SessionEvent } from '../../../../../main/devices/session-types';
import type { Simulator } from '../../../../../main/devices/sim-base';
import { openMockPair, resetMockPorts } from '../../../../helpers/mock-device';

afterEach(() => resetMockPorts());

/** Runs a session until `until` holds for the events so far (or the session ends), then stops it. */
async function runUntil(sim: Simulator, make: (p: Awaited<ReturnType<typeof openMockPair>>['app']) => DeviceSession, until: (events: SessionEvent[]) => boolean) {
  const pair = await openMockPair(sim);
  const events: SessionEvent[] = [];
  const ctl = new AbortController();
  let settle!: () => void;
  const enough = new Promise<void>((r) => (settle = r));
  const run = make(pair.app).run((e) => {
    events.push(e);
    if (until(events)) settle();
  }, ctl.signal);
  const outcome = await Promise.race([enough.then(() => 'enough' as const), run.then(() => 'ended' as const, (e: unknown) => e)]);
  ctl.abort();
  await run.catch(() => undefined);
  return { events, outcome, writes: pair.writes };
}

const sent = (writes: Uint8Array[]) => Buffer.concat(writes.map((w) => Buffer.from(w)));

describe('device sessions over @serialport/binding-mock', () => {
  it('ID card: status probe, find, select, read; the 1295-byte reply arrives as 1024 + 271 and becomes an identity', async () => {
    const r = await runUntil(new IdCardSim(), (p) => createIdCardSession(p, { pollMs: 5 }), (e) => e.some((x) => x.type === 'identity'));
    expect(r.outcome).toBe('enough');
    expect(r.events.find((e) => e.type === 'identity')).toMatchObject({ identity: { idNumber: '110105199003070017', name: '张三丰' } });
  });

  it('ID card: a bad XOR is a checksum problem and never an identity', async () => {
    const sim = new IdCardSim();
    const pair = await openMockPair(sim);
    const events: SessionEvent[] = [];
    const ctl = new AbortController();
    const run = createIdCardSession(pair.app, { pollMs: 5 }).run((e) => {
      events.push(e);
      if (events.length === 1) sim.fault = 'checksum';
    }, ctl.signal);
    sim.fault = null;
    await expect.poll(() => events.some((e) => e.type === 'problem' && e.kind === 'checksum'), { timeout: 5000 }).toBe(true);
    ctl.abort();
    await run.catch(() => undefined);
    expect(events.filter((e) => e.type === 'identity')).toHaveLength(1);
  });

  it('ID card: SAM self-test failure (error status) ends the session with device-status', async () => {
    const sim = new IdCardSim();
    sim.fault = 'status';
    const r = await runUntil(sim, (p) => createIdCardSession(p, { pollMs: 5 }), () => false);
    expect(r.outcome).toBeInstanceOf(DeviceError);
    expect((r.outcome as DeviceError).kind).toBe('device-status');
  });

  it('ID card: a silent reader times out', async () => {
    const sim = new IdCardSim();
    sim.fault = 'silence';
    const r = await runUntil(sim, (p) => createIdCardSession(p, { pollMs: 5, timeoutMs: 100 }), () => false);
    expect((r.outcome as DeviceError).kind).toBe('timeout');
  });

  it('OneTouch Ultra 2: serial then memory; DMZ is never sent', async () => {
    const r = await runUntil(new OneTouchSim(), (p) => createOneTouchSession(p), (e) => e.some((x) => x.type === 'memory'));
    expect(r.events.find((e) => e.type === 'memory')).toMatchObject({ serial: 'ZZQ12345Y', records: [{ mgdl: 126 }, { mgdl: 188 }] });
    expect(sent(r.writes).toString('latin1')).not.toContain('DMZ');
  });

  it('OneTouch Ultra 2: a bad line checksum refuses the download', async () => {
    const sim = new OneTouchSim();
    sim.fault = 'checksum';
    const r = await runUntil(sim, (p) => createOneTouchSession(p, { pollMs: 10 }), (e) => e.some((x) => x.type === 'problem'));
    expect(r.events).toMatchObject([{ type: 'problem', kind: 'checksum' }]);
  });

  it('UltraEasy: reset, serial, count and records with the S/E bits; erase is never sent', async () => {
    const r = await runUntil(new UltraEasySim(), (p) => createUltraEasySession(p, { gapMs: 1 }), (e) => e.some((x) => x.type === 'memory'));
    expect(r.events.find((e) => e.type === 'memory')).toMatchObject({ serial: 'ZZQ67890M', records: [{ at: '2024-03-15T07:45:10', mgdl: 126 }, { mgdl: 188 }] });
    expect(r.writes.some((w) => w[3] === 0x05 && w[4] === 0x1a)).toBe(false);
  });

  it('UltraEasy: bad CRC is retried with link resets, then reported', async () => {
    const sim = new UltraEasySim();
    sim.fault = 'checksum';
    const r = await runUntil(sim, (p) => createUltraEasySession(p, { gapMs: 1, timeoutMs: 100, pollMs: 10_000 }), (e) => e.some((x) => x.type === 'problem'));
    expect(r.events[0]).toMatchObject({ type: 'problem', kind: 'checksum' });
    expect(r.writes.filter((w) => w[2] === 0x08).length).toBe(4);
  });

  it('FreeStyle Optium: the ignored first command is retried; $coly is never sent', async () => {
    const r = await runUntil(new FreeStyleSim(), (p) => createFreeStyleSession(p, { timeoutMs: 150 }), (e) => e.some((x) => x.type === 'memory'));
    expect(r.events.find((e) => e.type === 'memory')).toMatchObject({ serial: 'XAGX123-B4567', records: [{ mgdl: 126 }, { mgdl: 88 }] });
    expect(sent(r.writes).toString('latin1')).not.toContain('$coly');
  });

  it('Beurer BM58: wake, count, record → a blood-pressure measurement', async () => {
    const r = await runUntil(new BeurerSim(), (p) => createBeurerSession(p), (e) => e.some((x) => x.type === 'measurement'));
    expect(r.events[0]).toMatchObject({ type: 'measurement', measurement: { kind: 'bloodPressure', systolic: 128, diastolic: 82, pulse: 71 }, measuredAt: '2024-03-15T08:30:00' });
  });

  it('IEEE 11073: association accepted, report answered with the same invoke-id, measurement out', async () => {
    const r = await runUntil(new Ieee11073Sim(), (p) => createIeee11073Session(p), (e) => e.some((x) => x.type === 'measurement'));
    expect(r.events[0]).toMatchObject({ type: 'measurement', measurement: { kind: 'bloodPressure', systolic: 120, diastolic: 80, pulse: 72 } });
    await expect.poll(() => sent(r.writes).toString('hex').toUpperCase()).toContain('E300002C0000');
  });

  it('line device: a measure command becomes a measurement; an error digit is a device-status problem', async () => {
    const sim = new LineSim();
    const pair = await openMockPair(sim);
    const events: SessionEvent[] = [];
    const ctl = new AbortController();
    const run = createLineSession(pair.app).run((e) => events.push(e), ctl.signal);
    sim.command('measure 141/91 66');
    await expect.poll(() => events.length).toBe(1);
    sim.fault = 'status';
    sim.command('measure');
    await expect.poll(() => events.length).toBe(2);
    expect(events).toMatchObject([
      { type: 'measurement', measurement: { kind: 'bloodPressure', systolic: 141, diastolic: 91, pulse: 66 } },
      { type: 'problem', kind: 'device-status' },
    ]);
    pair.unplug();
    await expect(run).rejects.toMatchObject({ kind: 'disconnected' });
  });
});
