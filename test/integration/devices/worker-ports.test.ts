// The runtime runs in a worker thread; serialport's native poller cannot (it calls back on the process's main loop
// with no handle scope for the worker: the host aborted with exit 134 on the first byte). Ports open on the host's
// thread and only bytes cross (main/runtime/device-link.ts). This is the path the 设备 e2e test takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceReading, DeviceStatus } from '../../../shared/api/devices';
import { serialDeviceIo } from '../../../main/devices';
import { LineSim } from '../../../main/devices/line/sim';
import { serialPortFactory, type DevicePort } from '../../../main/devices/port';
import { SETUP_INPUT, startTestHost, TestClient, type TestHost } from '../../helpers/host';
import { hasSocat, openPtyPair, type PtyPair } from '../../helpers/pty';

describe.skipIf(!hasSocat())('a BP monitor on a real PTY, read by the runtime in its worker thread', () => {
  let t: TestHost;
  let client: TestClient;
  let pty: PtyPair;
  let deviceEnd: DevicePort;

  beforeAll(async () => {
    pty = await openPtyPair();
    t = await startTestHost({ deviceIo: serialDeviceIo });
    client = await TestClient.connect(t.host);
    await client.ok('app.ready');
    await client.ok('session.setup', SETUP_INPUT);
    await client.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    deviceEnd = await serialPortFactory()(pty.dev, 9600);
  });
  afterAll(async () => {
    await deviceEnd?.close();
    await client?.close();
    await t?.close();
    await pty?.kill();
  });

  const statusOf = () => {
    const last = client.events.filter((e) => e.event === 'device.status').at(-1);
    return (last?.payload as { devices: DeviceStatus[] } | undefined)?.devices[0];
  };

  it('a line arriving on the port becomes a reading at the browser, and the host stays up', async () => {
    await client.ok('devices.saveBinding', { label: '诊室血压计', match: { kind: 'path', path: pty.app }, protocol: 'line', baudRate: 9600 });
    await expect.poll(() => statusOf()?.state, { timeout: 10_000 }).toBe('connected');
    await deviceEnd.write(Buffer.from(LineSim.omronLine(new Date('2026-03-02T01:50:00Z'), 146, 92, 78), 'latin1'));
    await expect.poll(() => client.events.filter((e) => e.event === 'device.reading').length, { timeout: 10_000 }).toBe(1);
    const reading = client.events.find((e) => e.event === 'device.reading')?.payload as DeviceReading;
    expect(reading.measurement).toEqual({ kind: 'bloodPressure', systolic: 146, diastolic: 92, pulse: 78, isFlagged: false });
    expect(reading.measuredAt).toBe('2026-03-02T01:50:00');
    expect((await client.ok<DeviceReading[]>('devices.readings')).map((r) => r.id)).toEqual([reading.id]);
    expect(t.runtime.isRunning).toBe(true);
  });

  it('the device end going away is reported as a problem and the session retries; nothing crashes', async () => {
    await pty.kill();
    await expect.poll(() => statusOf()?.state, { timeout: 10_000 }).toBe('retrying');
    expect(t.runtime.isRunning).toBe(true);
    expect((await client.ok<{ state: string }>('session.state')).state).toBe('unlocked');
  });
});
