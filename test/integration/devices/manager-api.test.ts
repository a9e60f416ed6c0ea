import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceReading, DeviceStatus } from '../../../shared/api/devices';
import type { DeviceIo } from '../../../main/devices';
import { LineSim } from '../../../main/devices/line/sim';
import { IdCardSim } from '../../../main/devices/idcard/sim';
import type { Simulator } from '../../../main/devices/sim-base';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { openMockPair, resetMockPorts } from '../../helpers/mock-device';

let h: ApiHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  resetMockPorts();
});

/** Every open of a path makes a fresh mock pair with the simulator for that path; `unplug` pulls the cable. */
function mockIo(sims: Record<string, Simulator>, opts: { discovery?: boolean } = {}) {
  const unplugs: (() => void)[] = [];
  const io: DeviceIo = {
    openPort: async (path) => {
      const sim = sims[path];
      if (!sim) throw new Error(`Port does not exist: ${path}`);
      const pair = await openMockPair(sim);
      unplugs.push(pair.unplug);
      return pair.app;
    },
    listPorts: async () => {
      if (opts.discovery === false) throw Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
      return [{ path: '/dev/ttyUSB0', manufacturer: 'Prolific', vendorId: '067b', productId: '2303', serialNumber: null }];
    },
  };
  return { io, unplug: () => unplugs.at(-1)?.() };
}

function collect(harness: ApiHarness) {
  const readings: DeviceReading[] = [];
  const statuses: DeviceStatus[][] = [];
  const identities: unknown[] = [];
  harness.runtime.services.bus.subscribe((event, payload) => {
    if (event === 'device.reading') readings.push(payload as DeviceReading);
    if (event === 'device.status') statuses.push((payload as { devices: DeviceStatus[] }).devices);
    if (event === 'device.identity') identities.push(payload);
  });
  return { readings, statuses, identities };
}

describe('device manager through the API', () => {
  it('discovery without udevadm reports unavailable instead of failing', async () => {
    h = await clinicHarness(undefined, { deviceIo: mockIo({}, { discovery: false }).io });
    expect(await h.ok('devices.ports')).toEqual({ isDiscoveryAvailable: false, ports: [] });
  });

  it('a saved line binding connects, a BP reading is offered, accepted with provenance, and cannot be accepted twice', async () => {
    const sim = new LineSim();
    const { io, unplug } = mockIo({ '/dev/ttyBP': sim });
    h = await clinicHarness(undefined, { deviceIo: io });
    const seen = collect(h);
    const binding = await h.ok<{ id: string }>('devices.saveBinding', { label: '血压计', match: { kind: 'path', path: '/dev/ttyBP' }, protocol: 'line', baudRate: 9600 });
    await expect.poll(() => seen.statuses.at(-1)?.[0]?.state).toBe('connected');
    expect(await h.ok('devices.bindings')).toMatchObject([{ id: binding.id, protocol: 'line', pattern: null }]);
    sim.command('measure 152/96 77');
    await expect.poll(() => seen.readings.length).toBe(1);
    const reading = seen.readings[0]!;
    expect(reading).toMatchObject({ deviceLabel: '血压计', measurement: { kind: 'bloodPressure', systolic: 152, diastolic: 96, pulse: 77 } });
    expect(await h.ok('devices.readings')).toHaveLength(1);
    const accepted = await h.ok('devices.accept', { readingId: reading.id });
    expect(accepted).toMatchObject({ measurement: { systolic: 152 }, provenance: { source: 'device', deviceLabel: '血压计', acceptedBy: expect.any(String), rawHex: expect.stringMatching(/^[0-9A-F]+$/) } });
    const again = await h.call('devices.accept', { readingId: reading.id });
    expect(again.ok === false && again.error.code).toBe('NOT_FOUND');

    // Cable pulled: the status says so and the manager reconnects by itself.
    unplug();
    await expect.poll(() => seen.statuses.some((s) => s[0]?.state === 'retrying' && s[0].problem?.kind === 'disconnected')).toBe(true);
    await expect.poll(() => seen.statuses.at(-1)?.[0]?.state, { timeout: 10_000 }).toBe('connected');

    await h.ok('devices.removeBinding', { id: binding.id });
    expect(await h.ok('devices.status')).toEqual([]);
  });

  it('ID card binding publishes device.identity; discard removes a reading', async () => {
    const { io } = mockIo({ '/dev/ttyID': new IdCardSim() });
    h = await clinicHarness(undefined, { deviceIo: io });
    const seen = collect(h);
    await h.ok('devices.saveBinding', { label: '读卡器', match: { kind: 'path', path: '/dev/ttyID' }, protocol: 'idcard', baudRate: 115200 });
    await expect.poll(() => seen.identities.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(seen.identities[0]).toMatchObject({ deviceLabel: '读卡器', identity: { idNumber: '110105199003070017', name: '张三丰' } });
    const r = await h.call('devices.discard', { readingId: 'nope' });
    expect(r.ok === false && r.error.code).toBe('NOT_FOUND');
  });

  it.each([
    [{ label: 'x', match: { kind: 'path', path: '/dev/x' }, protocol: 'line', baudRate: 1234 }],
    [{ label: '', match: { kind: 'path', path: '/dev/x' }, protocol: 'line', baudRate: 9600 }],
    [{ label: 'x', match: { kind: 'usb', vendorId: 'zz', productId: '2303' }, protocol: 'line', baudRate: 9600 }],
    [{ label: 'x', match: { kind: 'path', path: '/dev/x' }, protocol: 'modem', baudRate: 9600 }],
  ])('a bad binding is refused with BAD_REQUEST or VALIDATION_FAILED: %j', async (input) => {
    h = await clinicHarness(undefined, { deviceIo: mockIo({}).io });
    const r = await h.call('devices.saveBinding', input);
    expect(r.ok).toBe(false);
    expect(r.ok === false && ['BAD_REQUEST', 'VALIDATION_FAILED']).toContain(r.ok === false && r.error.code);
  });

  it('the pattern tester runs a profile over a sample line; a broken regex is VALIDATION_FAILED', async () => {
    h = await clinicHarness(undefined, { deviceIo: mockIo({}).io });
    expect(await h.ok('devices.testPattern', { pattern: { name: 'scale', fields: { weight: 'W:\\s*([\\d.]+)' } }, sample: 'W: 58.2' })).toEqual({ ok: true, measurements: [{ kind: 'weight', kg: 58.2, isFlagged: false }], measuredAt: null });
    expect(await h.ok('devices.testPattern', { pattern: { name: 'scale', fields: { weight: 'W:\\s*([\\d.]+)' } }, sample: 'T: 36.5' })).toMatchObject({ ok: false, error: 'format' });
    const bad = await h.call('devices.testPattern', { pattern: { name: 'scale', fields: { weight: '([' } }, sample: 'x' });
    expect(bad.ok === false && bad.error.code).toBe('VALIDATION_FAILED');
  });
});
