/**
 * 血糖仪下载 rows on the 设备 screen (issue 14 §3): which rows may be marked 空腹 (fasting) and which start ticked.
 * Only the doctor's tick makes a row count for screening; the meter's meal flag only pre-ticks it. OneTouch Ultra 2
 * stores B (before meal) / A (after meal) / N (glucometer-onetouch.md DMP); "before meal" is what a fasting sample
 * is marked with on such a meter, so it starts ticked, and the doctor unticks a pre-lunch or pre-dinner row.
 * UltraEasy, FreeStyle Optium and the 11073 subset carry no meal flag, so their rows start unticked.
 */
import type { DeviceReading } from '../api/devices';

/** A patient row that may be marked fasting: control solution, HI/LO and flagged rows never count as glucose. */
export function isPatientRow(r: Pick<DeviceReading, 'measurement'>): boolean {
  return r.measurement.kind === 'glucose' && r.measurement.mgdl !== null && !r.measurement.isFlagged;
}

/** Whether 空腹 starts ticked for a row: a patient row the meter flagged fasting or before a meal. */
export function isFastingByMeter(r: Pick<DeviceReading, 'measurement' | 'meal'>): boolean {
  return isPatientRow(r) && (r.meal === 'fasting' || r.meal === 'before');
}
