// A glucometer download assigned to a resident on the 设备 screen (issue 14 §2): rows become deviceReading
// encounters, a second download of the same rows stores nothing new, a control-solution row is kept but never
// screened, and only a row the doctor marked fasting counts as a fasting glucose for screening.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceReading } from '../../../shared/api/devices';
import type { ResidentScreening } from '../../../shared/api/screening';
import { idCheckDigit } from '../../../shared/domain/id-number';
import type { DeviceIo } from '../../../main/devices';
import { OneTouchSim } from '../../../main/devices/onetouch/sim';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { openMockPair, resetMockPorts } from '../../helpers/mock-device';

let h: ApiHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  resetMockPorts();
});

function meterIo(sim: OneTouchSim): DeviceIo {
  return {
    openPort: async () => (await openMockPair(sim)).app,
    listPorts: async () => [],
  };
}

async function resident(harness: ApiHarness, seq: number): Promise<string> {
  const first17 = `44152119700101${String(seq).padStart(3, '0')}`;
  const r = await harness.ok<{ resident: { id: string } }>('residents.create', {
    input: { name: `测试${seq}`, createdDate: '2026-03-01', sex: seq % 2 === 1 ? '1' : '2', birthDate: '1970-01-01', idNumber: first17 + (idCheckDigit(first17) ?? ''), phone: `1391234${String(seq).padStart(4, '0')}`, villageCode: '441521101201' },
  });
  return r.resident.id;
}

describe('glucometer rows stored for a resident', () => {
  it('stores each row once, keeps the control row unscreened, counts only fasting patient rows', async () => {
    const sim = new OneTouchSim();
    sim.records = [
      { at: '2026-02-27T07:45:10', mgdl: 140, flags: [], meal: 'before', comment: null },
      { at: '2026-02-26T19:02:44', mgdl: 188, flags: [], meal: 'after', comment: null },
      { at: '2026-02-25T08:00:00', mgdl: 110, flags: ['control'], meal: null, comment: null },
    ];
    h = await clinicHarness(undefined, { deviceIo: meterIo(sim) });
    const harness = h;
    const residentId = await resident(harness, 1);
    await harness.ok('devices.saveBinding', { label: '血糖仪', match: { kind: 'path', path: '/dev/ttyGM' }, protocol: 'onetouch', baudRate: 9600 });
    await expect.poll(async () => (await harness.ok<DeviceReading[]>('devices.readings')).length, { timeout: 10_000 }).toBe(3);
    const rows = await harness.ok<DeviceReading[]>('devices.readings');
    const byValue = (mgdl: number) => rows.find((r) => r.measurement.kind === 'glucose' && r.measurement.mgdl === mgdl)!;
    expect(byValue(110).flags).toEqual(['control']);
    // The meter's meal flag reaches the reading (OneTouch B/A); it only pre-ticks 空腹 on the 设备 screen.
    expect([byValue(140).meal, byValue(188).meal, byValue(110).meal]).toEqual(['before', 'after', 'none']);

    const first = await harness.ok('devices.saveMeterRows', { residentId, readingIds: rows.map((r) => r.id), fastingIds: [byValue(140).id, byValue(110).id] });
    expect(first).toEqual({ saved: 3, duplicates: 0 });
    expect(await harness.ok('devices.readings')).toEqual([]);
    const timeline = await harness.ok<{ kind: string }[]>('residents.timeline', { id: residentId });
    expect(timeline.filter((e) => e.kind === 'deviceReading')).toHaveLength(3);

    // Only the fasting patient row is a screening value (7.8 mmol/L): not the after-meal row, not the control row.
    const screening = await harness.ok<ResidentScreening>('screening.forResident', { residentId });
    expect(screening.readings.filter((r) => r.source === 'device')).toEqual([expect.objectContaining({ date: '2026-02-27', fastingGlucose: 7.8, sbp: null })]);

    // Signed out and in again: a new device session downloads the same memory; nothing is stored twice.
    await harness.ok('session.lock');
    await harness.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    await expect.poll(async () => (await harness.ok<DeviceReading[]>('devices.readings')).length, { timeout: 10_000 }).toBe(3);
    const again = await harness.ok<DeviceReading[]>('devices.readings');
    expect(await harness.ok('devices.saveMeterRows', { residentId, readingIds: again.map((x) => x.id) })).toEqual({ saved: 0, duplicates: 3 });
    expect((await harness.ok<{ kind: string }[]>('residents.timeline', { id: residentId })).filter((e) => e.kind === 'deviceReading')).toHaveLength(3);

    // The rows are no longer waiting: saving them again (for anyone) is NOT_FOUND.
    const other = await resident(harness, 2);
    const r = await harness.call('devices.saveMeterRows', { residentId: other, readingIds: ['gone'] });
    expect(r.ok === false && r.error.code).toBe('NOT_FOUND');
  });

  it('an unknown resident is NOT_FOUND and an empty selection BAD_REQUEST', async () => {
    const sim = new OneTouchSim();
    h = await clinicHarness(undefined, { deviceIo: meterIo(sim) });
    const harness = h;
    const residentId = await resident(harness, 3);
    const missing = await harness.call('devices.saveMeterRows', { residentId: 'nobody', readingIds: ['x'] });
    expect(missing.ok === false && missing.error.code).toBe('NOT_FOUND');
    const empty = await harness.call('devices.saveMeterRows', { residentId, readingIds: [] });
    expect(empty.ok === false && empty.error.code).toBe('BAD_REQUEST');
  });
});
