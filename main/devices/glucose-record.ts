/**
 * One row of a glucometer's memory, the same shape for every meter. Glucose is kept as received (mg/dL integers;
 * devices/README.md "Clinic rules") and times are the meter's own wall clock ('YYYY-MM-DDTHH:MM[:SS]', no zone).
 * Rows that are not patient glucose (control solution, ketone, HI/LO, parity error) are kept with flags and are
 * never charted as patient glucose.
 */
export type GlucoseFlag = 'control' | 'ketone' | 'high' | 'low' | 'parityError' | 'outOfRange';

export interface GlucoseRecord {
  /** Meter wall-clock time, `YYYY-MM-DDTHH:MM:SS`. */
  at: string;
  /** mg/dL as received; null when the meter gave no number (HI). For ketone rows the raw meter value. */
  mgdl: number | null;
  flags: GlucoseFlag[];
  meal: 'none' | 'before' | 'after' | null;
  comment: string | null;
}

export interface MeterMemory {
  kind: 'memory';
  serial: string;
  unit: 'mg/dL' | 'mmol/L' | null;
  records: GlucoseRecord[];
}

/** One Touch meters report values outside 20–600 mg/dL only as suspect (glucometer-onetouch.md). */
export function rangeFlags(mgdl: number): GlucoseFlag[] {
  return mgdl < 20 || mgdl > 600 ? ['outOfRange'] : [];
}

/** True for rows that may be charted as the patient's glucose. */
export function isPatientGlucose(r: GlucoseRecord): boolean {
  return r.mgdl !== null && r.flags.length === 0;
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): string | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return `${y}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}
