import { describe, expect, it } from 'vitest';
import type { DeviceProvenance, Measurement } from '../../../../shared/api/devices';
import { fillsFor, keepSourcesIn, sourcesFor } from '../../../../shared/domain/device-sources';
import { DeviceSources } from '../../../../shared/schemas/device-source';
import { HealthCheckDraft } from '../../../../shared/schemas/health-check';
import { HtnFollowup } from '../../../../shared/schemas/followup';

const bp = (systolic: number, diastolic: number, pulse: number | null = 78, isFlagged = false): Measurement => ({ kind: 'bloodPressure', systolic, diastolic, pulse, isFlagged });
const provenance: DeviceProvenance = {
  source: 'device',
  bindingId: 'b1',
  deviceLabel: '诊室血压计',
  protocol: 'line',
  measuredAt: '2026-03-02T09:50:00',
  receivedAt: 1_772_416_200_000,
  acceptedAt: 1_772_416_210_000,
  acceptedBy: 'u-admin',
  rawHex: '323032362C30332C3032',
};
const paths = (m: Measurement, target: 'healthCheck' | 'followup', filled: string[] = []) =>
  fillsFor(target, m, (p) => filled.includes(p))?.map((f) => [f.formPath.join('.'), f.formValue, f.storedPath, f.storedValue]) ?? null;

describe('fillsFor: where a reading goes in each form (issue 14 §3)', () => {
  it.each([
    ['health check, BP: left arm first, pulse to 脉率', bp(146, 92), 'healthCheck', [], [['generalCondition.bpLeft.sbp', 146, 'generalCondition.bpLeft.sbp', 146], ['generalCondition.bpLeft.dbp', 92, 'generalCondition.bpLeft.dbp', 92], ['generalCondition.pulseRate', 78, 'generalCondition.pulseRate', 78]]],
    ['health check, BP with the left arm filled: right arm', bp(150, 95, null), 'healthCheck', ['generalCondition.bpLeft.sbp'], [['generalCondition.bpRight.sbp', 150, 'generalCondition.bpRight.sbp', 150], ['generalCondition.bpRight.dbp', 95, 'generalCondition.bpRight.dbp', 95]]],
    ['health check, BP with both arms filled: the left arm again', bp(150, 95, null), 'healthCheck', ['generalCondition.bpLeft.sbp', 'generalCondition.bpRight.sbp'], [['generalCondition.bpLeft.sbp', 150, 'generalCondition.bpLeft.sbp', 150], ['generalCondition.bpLeft.dbp', 95, 'generalCondition.bpLeft.dbp', 95]]],
    ['follow-up, BP and pulse → 心率', bp(146, 92), 'followup', [], [['sbp', 146, 'sbp', 146], ['dbp', 92, 'dbp', 92], ['heartRate', 78, 'heartRate', 78]]],
    ['health check, glucose 99 mg/dL → 5.5 mmol/L', { kind: 'glucose', mgdl: 99, isFlagged: false }, 'healthCheck', [], [['auxExams.fastingGlucose', 5.5, 'auxExams.fastingGlucose', 5.5]]],
    ['follow-up, glucose: raw mg/dL in the form, mmol/L stored', { kind: 'glucose', mgdl: 126, isFlagged: false }, 'followup', [], [['t2dm.glucoseValue', 126, 'fastingGlucose', 7], ['t2dm.glucoseUnit', 'mg/dL', null, 0]]],
    ['health check, weight', { kind: 'weight', kg: 62.4, isFlagged: false }, 'healthCheck', [], [['generalCondition.weight', 62.4, 'generalCondition.weight', 62.4]]],
    ['follow-up, temperature', { kind: 'temperature', celsius: 36.8, isFlagged: false }, 'followup', [], [['temperature', 36.8, 'temperature', 36.8]]],
  ] as const)('%s', (_name, m, target, filled, expected) => {
    expect(paths(m as Measurement, target, [...filled])).toEqual(expected);
  });

  it.each<[string, Measurement]>([
    ['a flagged BP (movement error)', bp(146, 92, 78, true)],
    ['glucose HI (no number)', { kind: 'glucose', mgdl: null, isFlagged: true }],
    ['control solution (flagged glucose)', { kind: 'glucose', mgdl: 110, isFlagged: true }],
    ['SpO2 (no field in either form)', { kind: 'spo2', percent: 97, pulse: 70, isFlagged: false }],
    ['a scanned code', { kind: 'identifier', code: 'X', isFlagged: false }],
  ])('%s is not offered to a form', (_name, m) => {
    expect(fillsFor('healthCheck', m)).toBeNull();
    expect(fillsFor('followup', m)).toBeNull();
  });
});

describe('device sources in the stored form', () => {
  const fills = fillsFor('healthCheck', bp(146, 92))!;
  const sources = sourcesFor(fills, provenance);

  it('one entry per filled field, with the provenance and the value it gave', () => {
    expect(Object.keys(sources)).toEqual(['generalCondition.bpLeft.sbp', 'generalCondition.bpLeft.dbp', 'generalCondition.pulseRate']);
    expect(sources['generalCondition.bpLeft.sbp']).toEqual({ ...provenance, value: 146 });
    expect(DeviceSources.safeParse(sources).success).toBe(true);
  });

  it('a value typed over a device value loses its source; the untouched ones keep theirs', () => {
    const form = { generalCondition: { bpLeft: { sbp: 146, dbp: 90 }, pulseRate: 78 } };
    expect(Object.keys(keepSourcesIn(form, sources) ?? {})).toEqual(['generalCondition.bpLeft.sbp', 'generalCondition.pulseRate']);
  });

  it('nothing left, or nothing to keep: undefined, so typed records store no field', () => {
    expect(keepSourcesIn({ generalCondition: {} }, sources)).toBeUndefined();
    expect(keepSourcesIn({ generalCondition: { bpLeft: { sbp: 146 } } }, undefined)).toBeUndefined();
  });

  it('the field is optional: a record saved before it is still valid, and one with it keeps it', () => {
    const draft = { residentId: 'r1', checkDate: '2026-03-02', generalCondition: { bpLeft: { sbp: 146, dbp: 92 }, pulseRate: 78 } };
    expect(HealthCheckDraft.safeParse(draft).success).toBe(true);
    const parsed = HealthCheckDraft.parse({ ...draft, deviceSources: sources });
    expect(parsed.deviceSources?.['generalCondition.pulseRate']?.deviceLabel).toBe('诊室血压计');
    expect(HtnFollowup.safeParse({ sbp: 146, dbp: 92, deviceSources: sourcesFor(fillsFor('followup', bp(146, 92))!, provenance) }).success).toBe(true);
  });

  it.each([
    ['a key that is not a field path', { 'a b': { ...provenance, value: 1 } }],
    ['a raw frame that is not hex', { sbp: { ...provenance, rawHex: 'zz', value: 1 } }],
    ['a value that is not a number', { sbp: { ...provenance, value: '146' } }],
  ])('refused: %s', (_name, bad) => {
    expect(DeviceSources.safeParse(bad).success).toBe(false);
  });
});
