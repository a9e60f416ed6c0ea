/**
 * Readings into forms (issue 14 §3): which fields a device measurement fills in a health check or a follow-up,
 * and which stored values still carry their device source. Pure; the offer component
 * (renderer/features/devices/ReadingOffer.tsx) and the forms' save paths both use it.
 */
import type { DeviceProvenance, Measurement } from '../api/devices';
import type { DeviceSource, DeviceSources } from '../schemas/device-source';
import { mgdlToMmol } from './glucose';

export type ReadingTarget = 'healthCheck' | 'followup';

/** One field a reading fills: where in the form's values, where in the stored form, and the value for each. */
export interface FieldFill {
  /** Path in the form's values (antd name). */
  formPath: string[];
  formValue: number | string;
  /** Path in the stored form, the `deviceSources` key; null for a companion value (a unit) with no source. */
  storedPath: string | null;
  storedValue: number;
}

const fill = (path: string, value: number): FieldFill => ({ formPath: path.split('.'), formValue: value, storedPath: path, storedValue: value });

/**
 * The fields a measurement fills, or null when the form has no place for it (SpO2, a scanned code) or the reading
 * cannot be a patient value (flagged: control solution, HI/LO, a movement error). `isFilled(storedPath)` says
 * whether the form already has a value there: a health check's second BP reading goes to the right arm.
 */
export function fillsFor(target: ReadingTarget, m: Measurement, isFilled: (storedPath: string) => boolean = () => false): FieldFill[] | null {
  if (m.isFlagged) return null;
  switch (m.kind) {
    case 'bloodPressure': {
      if (target === 'followup') return [fill('sbp', m.systolic), fill('dbp', m.diastolic), ...(m.pulse === null ? [] : [fill('heartRate', m.pulse)])];
      const side = isFilled('generalCondition.bpLeft.sbp') && !isFilled('generalCondition.bpRight.sbp') ? 'bpRight' : 'bpLeft';
      const pulse = m.pulse === null ? [] : [fill('generalCondition.pulseRate', m.pulse)];
      return [fill(`generalCondition.${side}.sbp`, m.systolic), fill(`generalCondition.${side}.dbp`, m.diastolic), ...pulse];
    }
    case 'glucose': {
      if (m.mgdl === null) return null;
      const mmol = mgdlToMmol(m.mgdl);
      if (target === 'healthCheck') return [fill('auxExams.fastingGlucose', mmol)];
      // The follow-up keeps the meter's raw mg/dL beside the converted value (DESIGN.md §1): the form takes the raw
      // value and its unit, the stored form holds the mmol/L the service converts it to.
      return [
        { formPath: ['t2dm', 'glucoseValue'], formValue: m.mgdl, storedPath: 'fastingGlucose', storedValue: mmol },
        { formPath: ['t2dm', 'glucoseUnit'], formValue: 'mg/dL', storedPath: null, storedValue: 0 },
      ];
    }
    case 'weight':
      return [fill(target === 'healthCheck' ? 'generalCondition.weight' : 'weight', m.kg)];
    case 'temperature':
      return [fill(target === 'healthCheck' ? 'generalCondition.temperature' : 'temperature', m.celsius)];
    case 'spo2':
    case 'identifier':
      return null;
  }
}

/** The `deviceSources` entries an accepted reading adds, one per filled field that has a stored place. */
export function sourcesFor(fills: readonly FieldFill[], provenance: DeviceProvenance): DeviceSources {
  const out: DeviceSources = {};
  for (const f of fills) if (f.storedPath !== null) out[f.storedPath] = { ...provenance, value: f.storedValue };
  return out;
}

function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * The entries whose field still holds the value the device gave: a value changed by hand (or removed) loses its
 * source, so the record says "typed". Undefined when none is left, so a form without device values stores nothing.
 */
export function keepSourcesIn(storedForm: unknown, sources: DeviceSources | undefined | null): DeviceSources | undefined {
  if (!sources) return undefined;
  const kept = Object.entries(sources).filter(([path, s]: [string, DeviceSource]) => valueAt(storedForm, path) === s.value);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** What a form without a glucose field takes (a follow-up for hypertension only). */
export const KINDS_WITHOUT_GLUCOSE: readonly Measurement['kind'][] = ['bloodPressure', 'weight', 'temperature'];

/** A reading `devices.accept` handed out in this session, as the services remember it. */
export interface AcceptedRecord {
  measurement: Measurement;
  provenance: DeviceProvenance;
}

const PROVENANCE_KEYS = ['source', 'readingId', 'bindingId', 'deviceLabel', 'protocol', 'measuredAt', 'receivedAt', 'acceptedAt', 'acceptedBy', 'rawHex'] as const;

/**
 * Provenance is checked by the server (issue 14 §3): the `deviceSources` paths a save may not keep. An entry a
 * stored version of the record already carried unchanged was checked when it was first saved; any other entry must name a reading
 * this session accepted (`accepted(readingId)`), accepted by `userId`, with the same device fields, for a field that
 * reading fills with that value, and the form must still hold that value there. Pure; the services raise
 * DEVICE_SOURCE_UNVERIFIED for the paths it returns.
 */
export function unverifiedSources(
  target: ReadingTarget,
  storedForm: unknown,
  sources: DeviceSources | undefined | null,
  prior: readonly (DeviceSources | undefined | null)[],
  accepted: (readingId: string) => AcceptedRecord | undefined,
  userId: string,
): string[] {
  const bad: string[] = [];
  for (const [path, s] of Object.entries(sources ?? {})) {
    if (prior.some((p) => p?.[path] !== undefined && JSON.stringify(p[path]) === JSON.stringify(s))) continue;
    const a = s.readingId === undefined ? undefined : accepted(s.readingId);
    const isSame = a !== undefined && a.provenance.acceptedBy === userId && PROVENANCE_KEYS.every((k) => a.provenance[k] === s[k]);
    // A health check's BP goes to the left arm, or the right when the left is filled: either is that reading's field.
    const fills = a === undefined ? [] : [...(fillsFor(target, a.measurement) ?? []), ...(fillsFor(target, a.measurement, (p) => p.endsWith('bpLeft.sbp')) ?? [])];
    const isField = fills.some((f) => f.storedPath === path && f.storedValue === s.value);
    if (!isSame || !isField || valueAt(storedForm, path) !== s.value) bad.push(path);
  }
  return bad;
}
