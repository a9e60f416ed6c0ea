import { describe, expect, it } from 'vitest';
import { currentFormVersion, FORM_UPGRADES, t2dmInsulinV2, upgradeForm } from '../../../../shared/schemas/form-versions';
import { HtnFollowup, T2dmFollowup } from '../../../../shared/schemas/followup';

// A 1×1 PNG, as the signature pad would send it.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A 2型糖尿病随访 body as release 0.1/0.2 stored it: no form version, insulin as two texts. */
const v1Body = (insulin: unknown) => ({
  form: { visitDate: '2026-03-01', visitMode: 1, fastingGlucose: 8.2, insulin, doctorSignature: '李医生' },
  computed: {},
});

describe('follow-up form versions (issue 12: insulin in 用药调整意见)', () => {
  it('the diabetes follow-up is at version 2; the hypertension follow-up did not change shape and stays at 1', () => {
    expect(currentFormVersion('t2dmFollowup')).toBe(2);
    expect(currentFormVersion('htnFollowup')).toBe(1);
    expect(FORM_UPGRADES.t2dmFollowup?.[0]?.from).toBe(1);
  });

  it('reads a stored version-1 record: type becomes kind, the free text is kept as usage, no number is invented', () => {
    const form = upgradeForm('t2dmFollowup', v1Body({ type: '甘精胰岛素', usageAndDose: '每晚睡前 12 单位' }));
    expect(form['insulin']).toEqual({ kind: '甘精胰岛素', usage: '每晚睡前 12 单位' });
    expect(T2dmFollowup.safeParse(form).success).toBe(true);
  });

  it.each([
    [{ type: '', usageAndDose: '' }, undefined],
    [{ type: '  ', usageAndDose: '早 8 单位' }, { kind: '未注明', usage: '早 8 单位' }],
    [{ type: '门冬胰岛素', usageAndDose: '' }, { kind: '门冬胰岛素' }],
  ])('a version-1 insulin entry %o reads as %o', (insulin, expected) => {
    const form = t2dmInsulinV2(v1Body(insulin).form);
    expect(form['insulin']).toEqual(expected);
    expect(T2dmFollowup.safeParse(form).success).toBe(true);
  });

  it('a version-1 record without insulin and a version-2 record pass through unchanged', () => {
    expect(upgradeForm('t2dmFollowup', v1Body(undefined))).toEqual(v1Body(undefined).form);
    const v2 = { ...v1Body({ kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 }), formVersion: 2 };
    expect(upgradeForm('t2dmFollowup', v2)).toEqual(v2.form);
  });

  it('the old insulin shape is refused on a version-2 form, so a stale client cannot store it', () => {
    expect(T2dmFollowup.safeParse({ insulin: { type: '甘精胰岛素', usageAndDose: '12 单位' } }).success).toBe(false);
  });

  it.each([
    [{ kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 }, true],
    [{ kind: '门冬胰岛素', doseUnits: 200, timesPerDay: 6 }, true],
    [{ kind: '门冬胰岛素', doseUnits: 201 }, false],
    [{ kind: '门冬胰岛素', timesPerDay: 7 }, false],
    [{ kind: '门冬胰岛素', timesPerDay: 0 }, false],
    [{ kind: '', doseUnits: 8 }, false],
  ])('用药调整意见 insulin %o is accepted: %s', (insulinAdjustment, ok) => {
    expect(T2dmFollowup.safeParse({ insulinAdjustment }).success).toBe(ok);
  });

  it('a drawn 居民签名 is a PNG like the contract signature; anything else is refused', () => {
    expect(HtnFollowup.safeParse({ residentSignatureImage: PNG }).success).toBe(true);
    expect(HtnFollowup.safeParse({ residentSignatureImage: 'data:image/jpeg;base64,/9j/4AAQ' }).success).toBe(false);
  });
});
