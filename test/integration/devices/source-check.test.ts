// Issue 14 §3: the services keep a `deviceSources` entry only when it matches a reading this session accepted
// (same reading id, device, field, value); a forged or altered entry is refused with DEVICE_SOURCE_UNVERIFIED and
// nothing is written.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AcceptedReading, DeviceReading } from '../../../shared/api/devices';
import type { HealthCheckView, ResidentDetail } from '../../../shared/api/residents';
import type { DeviceIo } from '../../../main/devices';
import { LineSim } from '../../../main/devices/line/sim';
import { fillsFor, sourcesFor } from '../../../shared/domain/device-sources';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';
import { openMockPair, resetMockPorts } from '../../helpers/mock-device';

describe('device sources are checked by the server', () => {
  let h: ApiHarness;
  let residentId: string;
  const sim = new LineSim();
  const readings: DeviceReading[] = [];

  beforeAll(async () => {
    const io: DeviceIo = { openPort: async () => (await openMockPair(sim)).app, listPorts: async () => [] };
    h = await clinicHarness(undefined, { deviceIo: io });
    h.runtime.services.bus.subscribe((event, payload) => {
      if (event === 'device.reading') readings.push(payload as DeviceReading);
    });
    residentId = (await h.ok<ResidentDetail>('residents.create', { input: residentInput() })).resident.id;
    await h.ok('devices.saveBinding', { label: '诊室血压计', match: { kind: 'path', path: '/dev/ttyBP' }, protocol: 'line', baudRate: 9600 });
    await vi.waitFor(async () => expect((await h.ok<{ state: string }[]>('devices.status'))[0]?.state).toBe('connected'), { timeout: 10_000 });
  });
  afterAll(async () => {
    await h.close();
    resetMockPorts();
  });

  async function acceptOne(sys: number, dia: number, pulse: number): Promise<AcceptedReading> {
    const before = readings.length;
    sim.command(`measure ${sys}/${dia} ${pulse}`);
    await expect.poll(() => readings.length).toBe(before + 1);
    const reading = readings.at(-1)!;
    return h.ok<AcceptedReading>('devices.accept', { readingId: reading.id });
  }

  const draft = (over: Record<string, unknown>) => ({ residentId, checkDate: '2026-03-01', ...over });
  const checks = async () => (await h.ok<HealthCheckView[]>('healthChecks.forResident', { residentId })).length;

  it('an accepted reading saved into its own fields keeps its source, and re-saving the draft keeps it', async () => {
    const a = await acceptOne(146, 92, 78);
    expect(a.provenance.readingId).toEqual(expect.any(String));
    const sources = sourcesFor(fillsFor('healthCheck', a.measurement)!, a.provenance);
    const gc = { bpLeft: { sbp: 146, dbp: 92 }, pulseRate: 78 };
    const saved = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: draft({ generalCondition: gc, deviceSources: sources }) });
    expect(Object.keys(saved.data.deviceSources ?? {}).sort()).toEqual(['generalCondition.bpLeft.dbp', 'generalCondition.bpLeft.sbp', 'generalCondition.pulseRate']);
    const again = await h.ok<HealthCheckView>('healthChecks.saveDraft', { id: saved.id, data: draft({ generalCondition: { ...gc, temperature: 36.6 }, deviceSources: sources }) });
    expect(again.data.deviceSources).toEqual(sources);
  });

  it.each([
    ['a reading id nobody accepted', (s: Record<string, unknown>) => ({ ...s, readingId: '019a0000-0000-7000-8000-000000000000' })],
    ['no reading id at all', (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'readingId'))],
    ['another device label', (s: Record<string, unknown>) => ({ ...s, deviceLabel: '别的血压计' })],
    ['another accepting user', (s: Record<string, unknown>) => ({ ...s, acceptedBy: 'someone-else' })],
    ['a value the device did not give', (s: Record<string, unknown>) => ({ ...s, value: 120 })],
  ])('a forged entry is refused: %s, and nothing is saved', async (_name, forge) => {
    // The manager offers a stamped reading once: each case measures a new one.
    const a = await acceptOne(150 + readings.length, 95, 80);
    const sources = sourcesFor(fillsFor('healthCheck', a.measurement)!, a.provenance);
    const sbp: Record<string, unknown> = forge(sources['generalCondition.bpLeft.sbp'] as unknown as Record<string, unknown>);
    const forged = { ...sources, 'generalCondition.bpLeft.sbp': sbp };
    const sbpValue = sbp['value'] as number;
    const n = await checks();
    const r = await h.call('healthChecks.saveDraft', { data: draft({ generalCondition: { bpLeft: { sbp: sbpValue, dbp: 95 }, pulseRate: 80 }, deviceSources: forged }) });
    expect(r.ok === false && r.error).toMatchObject({ code: 'DEVICE_SOURCE_UNVERIFIED', details: { paths: ['generalCondition.bpLeft.sbp'] } });
    expect(await checks()).toBe(n);
  });

  it('a real reading claimed for a field it does not fill, or for a typed-over value, is refused', async () => {
    const a = await acceptOne(132, 84, 70);
    const sbp = sourcesFor(fillsFor('healthCheck', a.measurement)!, a.provenance)['generalCondition.bpLeft.sbp']!;
    const wrongField = await h.call('healthChecks.saveDraft', { data: draft({ generalCondition: { pulseRate: 132 }, deviceSources: { 'generalCondition.pulseRate': sbp } }) });
    expect(wrongField.ok === false && wrongField.error.code).toBe('DEVICE_SOURCE_UNVERIFIED');
    const typedOver = await h.call('healthChecks.saveDraft', { data: draft({ generalCondition: { bpLeft: { sbp: 140, dbp: 84 } }, deviceSources: { 'generalCondition.bpLeft.sbp': sbp } }) });
    expect(typedOver.ok === false && typedOver.error.code).toBe('DEVICE_SOURCE_UNVERIFIED');
  });

  it('a follow-up with a forged source is refused; with the accepted reading it is saved', async () => {
    await h.ok('registries.enrol', { residentId, enrolment: { disease: 'htn', diagnosisDate: '2020-06-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-05' } });
    const a = await acceptOne(138, 88, 74);
    const sources = sourcesFor(fillsFor('followup', a.measurement)!, a.provenance);
    const form = { visitDate: '2026-03-01', visitMode: 1, sbp: 138, dbp: 88, heartRate: 74 };
    const forged = await h.call('followups.saveDraft', { residentId, followup: { disease: 'htn', form: { ...form, deviceSources: { ...sources, sbp: { ...sources['sbp']!, readingId: 'made-up' } } } } });
    expect(forged.ok === false && forged.error.code).toBe('DEVICE_SOURCE_UNVERIFIED');
    const saved = await h.ok<{ followup: { form: { deviceSources?: Record<string, unknown> } } }>('followups.saveDraft', { residentId, followup: { disease: 'htn', form: { ...form, deviceSources: sources } } });
    expect(Object.keys(saved.followup.form.deviceSources ?? {}).sort()).toEqual(['dbp', 'heartRate', 'sbp']);
  });
});
