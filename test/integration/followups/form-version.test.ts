/**
 * The 2型糖尿病随访 form went to version 2 (issue 12: insulin in 用药调整意见, the drawn 居民签名). A record stored at
 * version 1 stays as it was written and still reads, upgraded in code, through the API; new records carry version 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowupView } from '../../../shared/api/followups';
import type { ResidentDetail } from '../../../shared/api/residents';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';

// A 1×1 PNG, as the signature pad would send it.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const form = (over: Record<string, unknown> = {}) => ({
  visitDate: '2026-03-01',
  visitMode: 1,
  symptoms: [1],
  sbp: 130,
  dbp: 80,
  fastingGlucose: 8.2,
  adherence: 1,
  adverseReaction: 1,
  medications: [{ drugName: '二甲双胍', timesPerDay: 2, doseMg: 500 }],
  insulin: { kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 },
  medAdjustment: [{ drugName: '二甲双胍', timesPerDay: 3, doseMg: 500 }],
  insulinAdjustment: { kind: '甘精胰岛素', doseUnits: 14, timesPerDay: 1, usage: '睡前' },
  residentSignatureImage: PNG,
  doctorSignature: '李医生',
  ...over,
});

describe('diabetes follow-up form version 2 through the API (real encrypted database)', () => {
  let h: ApiHarness;
  let resident: ResidentDetail;

  beforeAll(async () => {
    h = await clinicHarness();
    resident = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
    await h.ok('registries.enrol', {
      residentId: resident.resident.id,
      enrolment: { disease: 't2dm', diagnosisDate: '2020-06-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-05' },
    });
  });
  afterAll(() => h.close());

  const rawDoc = async (id: string) => {
    const db = h.runtime.services.session.current().db;
    const doc = await db.rx.encounters.findOne(id).exec();
    if (!doc) throw new Error(`no encounter ${id}`);
    return doc;
  };

  it('stores insulin (kind, units, times a day) in 用药情况 and 用药调整意见 and the drawn signature, at version 2', async () => {
    const view = await h.ok<FollowupView>('followups.complete', { residentId: resident.resident.id, followup: { disease: 't2dm', form: form() } });
    expect(view.followup.form).toMatchObject({
      insulin: { kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 },
      insulinAdjustment: { kind: '甘精胰岛素', doseUnits: 14, timesPerDay: 1, usage: '睡前' },
      residentSignatureImage: PNG,
    });
    expect((await rawDoc(view.id)).toJSON().data['formVersion']).toBe(2);
  });

  it('refuses an insulin adjustment without its kind, naming the field', async () => {
    const r = await h.call('followups.complete', {
      residentId: resident.resident.id,
      followup: { disease: 't2dm', form: form({ visitDate: '2026-03-02', insulinAdjustment: { kind: '', doseUnits: 8 } }) },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('BAD_REQUEST');
    expect(r.error.fields?.map((f) => f.path)).toContain('followup.form.insulinAdjustment.kind');
  });

  it('reads a record stored at version 1 (insulin as two texts) upgraded, without rewriting the stored document', async () => {
    const [first] = await h.ok<FollowupView[]>('followups.forResident', { residentId: resident.resident.id });
    const doc = await rawDoc(first!.id);
    const data = doc.toJSON().data as Record<string, unknown>;
    const { insulin: _i, insulinAdjustment: _a, residentSignatureImage: _s, ...rest } = data['form'] as Record<string, unknown>;
    // What release 0.2 wrote: no form version, the old insulin shape.
    const { formVersion: _v, ...withoutVersion } = data;
    await doc.incrementalPatch({ data: { ...withoutVersion, form: { ...rest, insulin: { type: '甘精胰岛素', usageAndDose: '每晚 12 单位' } } } });

    const view = await h.ok<FollowupView>('followups.get', { id: first!.id });
    expect(view.followup.form).toMatchObject({ insulin: { kind: '甘精胰岛素', usage: '每晚 12 单位' } });
    expect(view.followup.form).not.toHaveProperty('insulinAdjustment');
    const stored = (await rawDoc(first!.id)).toJSON().data as Record<string, unknown>;
    expect(stored['formVersion']).toBeUndefined();
    expect((stored['form'] as Record<string, unknown>)['insulin']).toEqual({ type: '甘精胰岛素', usageAndDose: '每晚 12 单位' });

    // Correcting the old record writes a version-2 amendment from what the screen showed.
    const amended = await h.ok<FollowupView>('followups.amend', {
      id: first!.id,
      residentId: resident.resident.id,
      reason: '补记胰岛素用量',
      basedOn: first!.id,
      followup: { disease: 't2dm', form: { ...view.followup.form, insulin: { kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 } } },
    });
    expect(amended.followup.form).toMatchObject({ insulin: { kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 } });
  });
});
