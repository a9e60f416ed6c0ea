import { describe, expect, it } from 'vitest';
import type { DeviceReading } from '../../../../shared/api/devices';
import { isFastingByMeter, isPatientRow } from '../../../../shared/domain/meter-rows';

const row = (mgdl: number | null, isFlagged: boolean, meal: DeviceReading['meal']): Pick<DeviceReading, 'measurement' | 'meal'> => ({ measurement: { kind: 'glucose', mgdl, isFlagged }, meal });

describe('meter rows: 空腹 pre-ticked from the meter meal flag', () => {
  it.each([
    ['before meal, patient row', row(126, false, 'before'), true],
    ['fasting, patient row', row(99, false, 'fasting'), true],
    ['after meal', row(188, false, 'after'), false],
    ['no flag (N)', row(110, false, 'none'), false],
    ['protocol without a meal flag', row(110, false, null), false],
    ['before meal but control solution', row(110, true, 'before'), false],
    ['before meal but HI (no number)', row(null, false, 'before'), false],
  ])('%s', (_name, r, want) => expect(isFastingByMeter(r)).toBe(want));

  it('only glucose patient rows may be marked fasting', () => {
    expect(isPatientRow({ measurement: { kind: 'bloodPressure', systolic: 120, diastolic: 80, pulse: null, isFlagged: false } })).toBe(false);
    expect(isPatientRow(row(126, false, null))).toBe(true);
  });
});
