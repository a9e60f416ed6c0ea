import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractView } from '../../../shared/api/contracting';
import type { FollowupEvaluation, FollowupView, ReferralCheckView, RegistryView, Worklist, WorklistChanged } from '../../../shared/api/followups';
import type { HouseholdView, ResidentDetail } from '../../../shared/api/residents';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

// A 1×1 PNG, as the signature pad would send it.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const VILLAGE = '441521101201';

function t2dmForm(over: Record<string, unknown> = {}) {
  return {
    visitDate: '2026-03-01',
    visitMode: 1,
    symptoms: [1],
    sbp: 130,
    dbp: 80,
    fastingGlucose: 8.2,
    adherence: 1,
    adverseReaction: 1,
    medications: [{ drugName: '二甲双胍', timesPerDay: 2, doseMg: 500 }],
    doctorSignature: '李医生',
    ...over,
  };
}

describe('chronic-disease registries, follow-ups, work list and contracts through the API (real encrypted database)', () => {
  let h: ApiHarness;
  let zhang: ResidentDetail;
  let wang: ResidentDetail;
  let household: HouseholdView;
  const events: WorklistChanged[] = [];

  beforeAll(async () => {
    h = await clinicHarness();
    h.runtime.services.bus.subscribe((event, payload) => {
      if (event === 'worklist.changed') events.push(payload as WorklistChanged);
    });
    zhang = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
    wang = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '王秀英', sex: '2', birthDate: '1958-09-02', idNumber: idNumber('1958-09-02', 22), phone: '13900002222' }),
    });
    household = await h.ok<HouseholdView>('households.create', { headResidentId: zhang.resident.id, address: '东光村三巷 5 号' });
    household = await h.ok<HouseholdView>('households.addMember', { id: household.id, residentId: wang.resident.id, relation: 'spouse' });
    await h.ok('teams.save', {
      team: {
        teamName: '赤坑镇第一团队',
        leaderId: 'd1',
        members: [
          { staffId: 'd1', name: '李医生', role: 'familyDoctor' },
          { staffId: 'n1', name: '王护士', role: 'nurse' },
        ],
        villages: [VILLAGE],
      },
    });
  });
  afterAll(() => h.close());

  const teamId = async () => (await h.ok<{ teamId: string }[]>('teams.list'))[0]!.teamId;

  it('seeds the default packages on first use', async () => {
    const pkgs = await h.ok<{ packageId: string; isBasic: boolean }[]>('packages.list');
    expect(pkgs[0]).toMatchObject({ packageId: 'basic', isBasic: true });
    expect(pkgs.length).toBeGreaterThan(1);
  });

  it('refuses a follow-up for a resident who is not enrolled, and saves nothing', async () => {
    const r = await h.call('followups.complete', { residentId: zhang.resident.id, followup: { disease: 't2dm', form: t2dmForm() } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!r.ok) expect(r.error.fields?.map((f) => f.path)).toContain('disease');
    expect(await h.ok<FollowupView[]>('followups.forResident', { residentId: zhang.resident.id })).toHaveLength(0);
  });

  it('enrols a confirmed T2DM patient and shows the registry on the resident', async () => {
    const reg = await h.ok<RegistryView>('registries.enrol', {
      residentId: zhang.resident.id,
      enrolment: { disease: 't2dm', diagnosisDate: '2020-06-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-05' },
    });
    expect(reg).toMatchObject({ disease: 't2dm', enrolment: { status: 'active', enrolledDate: '2026-01-05' } });
    expect((await h.ok<RegistryView[]>('registries.forResident', { residentId: zhang.resident.id })).map((r) => r.disease)).toEqual(['t2dm']);
    const detail = await h.ok<ResidentDetail>('residents.get', { id: zhang.resident.id });
    expect(detail.summary.tags).toContain('t2dm');
    const again = await h.call('registries.enrol', {
      residentId: zhang.resident.id,
      enrolment: { disease: 't2dm', diagnosisDate: '2020-06-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-05' },
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('the work list shows the new enrolment as due and the household as key population without a contract', async () => {
    const list = await h.ok<Worklist>('worklist.get', {});
    const mine = list.items.filter((i) => i.residentId === zhang.resident.id);
    expect(mine.map((i) => i.kind)).toEqual(expect.arrayContaining(['followup', 'healthCheck', 'noContract']));
    // Enrolled in Q1 and Q1 not over: no quarter is missed yet, so no yearly shortfall line (issue 12 §3).
    expect(mine.some((i) => i.kind === 'missedQuarter')).toBe(false);
    expect(mine.find((i) => i.kind === 'followup')).toMatchObject({ disease: 't2dm', reason: 'worklist.reason.newEnrolment', status: 'overdue' });
    expect(mine[0]?.yearly).toEqual([{ disease: 't2dm', done: 0, required: 4 }]);
    expect(list.counts.noContract.due).toBe(2);
  });

  it('signs the whole household with one signature, one contract per member linked by a group', async () => {
    const before = events.length;
    const signed = await h.ok<ContractView[]>('contracts.sign', {
      householdId: household.id,
      teamId: await teamId(),
      doctorId: 'd1',
      startDate: '2026-03-01',
      signDate: '2026-03-01',
      residentSignature: PNG,
      doctorSignature: PNG,
    });
    expect(signed).toHaveLength(2);
    expect(new Set(signed.map((c) => c.contract.householdContractGroup)).size).toBe(1);
    expect(signed.map((c) => c.status)).toEqual(['active', 'active']);
    expect(signed[0]).toMatchObject({ doctorName: '李医生', team: { teamName: '赤坑镇第一团队' }, clinicName: '海丰县赤坑镇卫生院' });
    expect(signed[0]!.contract.endDate).toBe('2027-02-28');
    expect(signed[0]!.group).toHaveLength(1);
    const wangContract = signed.find((c) => c.resident.id === wang.resident.id)!;
    expect(wangContract.contract).toMatchObject({ signerRelation: 'familyMember', signerName: '张三' });
    expect((await h.ok<ResidentDetail>('residents.get', { id: wang.resident.id })).summary.contractStatus).toBe('active');
    expect(events.length).toBeGreaterThan(before);
    const list = await h.ok<Worklist>('worklist.get', { kinds: ['noContract'] });
    expect(list.items.map((i) => i.residentId)).not.toContain(zhang.resident.id);
  });

  it('refuses an overlapping contract (CONTRACT_OVERLAP) and writes nothing for any household member', async () => {
    const lone = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '赵六', birthDate: '1950-01-20', idNumber: idNumber('1950-01-20', 31), phone: '13900003333' }),
    });
    await h.ok('households.addMember', { id: household.id, residentId: lone.resident.id, relation: 'parent' });
    const r = await h.call('contracts.sign', {
      householdId: household.id,
      teamId: await teamId(),
      doctorId: 'd1',
      startDate: '2026-03-02',
      signDate: '2026-03-02',
      residentSignature: PNG,
      doctorSignature: PNG,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONTRACT_OVERLAP' } });
    expect(await h.ok<ContractView[]>('contracts.forResident', { residentId: lone.resident.id })).toHaveLength(0);
    const single = await h.call('contracts.sign', {
      residentId: zhang.resident.id,
      teamId: await teamId(),
      doctorId: 'd1',
      startDate: '2026-06-01',
      signDate: '2026-03-02',
      residentSignature: PNG,
      doctorSignature: PNG,
    });
    expect(single).toMatchObject({ ok: false, error: { code: 'CONTRACT_OVERLAP' } });
  });

  it('refuses a signature that is not a PNG with a field error', async () => {
    const r = await h.call('contracts.sign', {
      residentId: zhang.resident.id,
      teamId: await teamId(),
      doctorId: 'd1',
      startDate: '2027-03-02',
      signDate: '2026-03-02',
      residentSignature: 'data:image/jpeg;base64,AAAA',
      doctorSignature: PNG,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.fields?.map((f) => f.path)).toContain('residentSignature');
  });

  it('evaluates a partial form: 71 mg/dL is 3.9 mmol/L and an emergency the moment it is typed', async () => {
    const ev = await h.ok<FollowupEvaluation>('followups.evaluate', {
      residentId: zhang.resident.id,
      followup: { disease: 't2dm', form: { visitDate: '2026-03-02' } },
      glucose: { value: 71, unit: 'mg/dL' },
    });
    expect(ev).toMatchObject({ urgentReferral: true, fastingGlucose: 3.9, proposed: { nextStep: 4, nextVisitDate: '2026-03-16' } });
    expect(ev.emergency.map((e) => e.code)).toEqual(['GLUCOSE_LOW']);
    const calm = await h.ok<FollowupEvaluation>('followups.evaluate', { residentId: zhang.resident.id, followup: { disease: 't2dm', form: { sbp: 150 } } });
    expect(calm).toMatchObject({ urgentReferral: false, proposed: { classification: null } });
  });

  it('refuses to complete a follow-up without the required fields, and saves nothing', async () => {
    const r = await h.call('followups.complete', {
      residentId: zhang.resident.id,
      followup: { disease: 't2dm', form: { visitDate: '2026-03-01', visitMode: 1, sbp: 130, dbp: 80 } },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!r.ok) expect(r.error.fields?.map((f) => f.path)).toEqual(expect.arrayContaining(['symptoms', 'fastingGlucose', 'adherence', 'doctorSignature']));
    expect(await h.ok<FollowupView[]>('followups.forResident', { residentId: zhang.resident.id })).toHaveLength(0);
  });

  let first: FollowupView;

  it('issue 5 scenario: a diabetes follow-up classifies as 控制不满意, next date +14 d on the work list, fulfilment counts it', async () => {
    const before = (await h.ok<ContractView[]>('contracts.forResident', { residentId: zhang.resident.id }))[0]!;
    const itemOf = (c: ContractView, code: string) => c.fulfilment.items.find((i) => i.serviceCode === code)!;
    expect(itemOf(before, 't2dmFollowup')).toMatchObject({ required: 4, delivered: 0, outstanding: 4 });
    const eventsBefore = events.length;

    first = await h.ok<FollowupView>('followups.complete', { residentId: zhang.resident.id, followup: { disease: 't2dm', form: t2dmForm() } });
    expect(first.status).toBe('completed');
    expect(first.followup.form).toMatchObject({ classification: 2, nextStep: 2, nextVisitDate: '2026-03-15', proposed: { classification: 2 } });
    expect(first.computed).toMatchObject({ glucoseControlled: false, urgentReferral: false, age: 69 });
    expect(events.slice(eventsBefore).some((e) => e.residentIds.includes(zhang.resident.id))).toBe(true);

    const list = await h.ok<Worklist>('worklist.get', { villageCode: VILLAGE, doctor: '李医生' });
    const recheck = list.items.find((i) => i.residentId === zhang.resident.id && i.kind === 'recheck');
    expect(recheck).toMatchObject({ dueDate: '2026-03-15', status: 'upcoming', disease: 't2dm', doctor: '李医生' });
    expect(recheck?.yearly).toEqual([{ disease: 't2dm', done: 1, required: 4 }]);

    const after = await h.ok<ContractView>('contracts.get', { id: before.id });
    expect(itemOf(after, 't2dmFollowup')).toMatchObject({ delivered: 1, outstanding: 3, eventIds: [first.id] });
    expect(itemOf(after, 'fastingGlucoseTest')).toMatchObject({ delivered: 1 });
  });

  it('a change to the proposal needs a reason, and the override is kept beside the proposal', async () => {
    const noReason = await h.call('followups.complete', {
      residentId: wang.resident.id,
      followup: { disease: 't2dm', form: t2dmForm() },
    });
    expect(noReason).toMatchObject({ ok: false });
    await h.ok('registries.enrol', {
      residentId: wang.resident.id,
      enrolment: { disease: 'htn', diagnosisDate: '2019-04-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-10' },
    });
    const htnForm = { visitDate: '2026-02-20', visitMode: 2, symptoms: [1], sbp: 152, dbp: 85, adherence: 1, adverseReaction: 1, medications: [{ drugName: '氨氯地平', timesPerDay: 1, doseMg: 5 }], doctorSignature: '李医生' };
    const refused = await h.call('followups.complete', {
      residentId: wang.resident.id,
      followup: { disease: 'htn', form: { ...htnForm, classification: 1 } },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!refused.ok) expect(refused.error.fields?.map((f) => f.path)).toContain('override.reason');
    const kept = await h.ok<FollowupView>('followups.complete', {
      residentId: wang.resident.id,
      followup: { disease: 'htn', form: { ...htnForm, classification: 1, override: { reason: '白大衣高血压，家庭自测血压达标' } } },
    });
    expect(kept.followup.form).toMatchObject({
      classification: 1,
      nextStep: 2,
      proposed: { classification: 2, nextStep: 2 },
      override: { classification: 1, reason: '白大衣高血压，家庭自测血压达标' },
    });
    // The audit API lists entries without their detail; the override's text is checked in the file itself.
    const audit = (await h.runtime.services.clinic().ctx.db.rx.audit.find({ selector: { residentId: wang.resident.id } }).exec()).map((d) => d.toJSON());
    expect(audit.some((a) => a.action === 'complete' && a.detail.includes('override') && a.detail.includes('白大衣'))).toBe(true);
  });

  it('an urgent referral creates a referral check due visitDate + 14 d, listed and then checked off', async () => {
    const urgent = await h.ok<FollowupView>('followups.complete', {
      residentId: zhang.resident.id,
      followup: {
        disease: 't2dm',
        form: t2dmForm({ visitDate: '2026-03-02', fastingGlucose: undefined, referral: { reason: '低血糖', orgDept: '县人民医院 内分泌科' } }),
      },
      glucose: { value: 71, unit: 'mg/dL' },
    });
    expect(urgent.followup.form).toMatchObject({ fastingGlucose: 3.9, glucoseRaw: { value: 71, unit: 'mg/dL' }, nextStep: 4, nextVisitDate: '2026-03-16' });
    expect(urgent.computed.emergency.map((e) => e.code)).toContain('GLUCOSE_LOW');
    expect(urgent.referralCheckId).not.toBe('');
    const checks = await h.ok<ReferralCheckView[]>('followups.referralChecks', { residentId: zhang.resident.id });
    expect(checks).toEqual([expect.objectContaining({ sourceId: urgent.id, dueDate: '2026-03-16', status: 'draft' })]);
    const listed = await h.ok<Worklist>('worklist.get', { kinds: ['referralCheck'] });
    expect(listed.items).toEqual([expect.objectContaining({ residentId: zhang.resident.id, dueDate: '2026-03-16' })]);
    expect(listed.counts.referralCheck.upcoming).toBe(1);

    await h.ok('followups.completeReferralCheck', { id: urgent.referralCheckId, checkedDate: '2026-03-02', result: 1, outcome: '已住院' });
    expect((await h.ok<Worklist>('worklist.get', { kinds: ['referralCheck'] })).total).toBe(0);
  });

  it('corrects a completed follow-up only by amendment: the original and the audit trail stay', async () => {
    const direct = await h.call('followups.saveDraft', { id: first.id, residentId: zhang.resident.id, followup: { disease: 't2dm', form: t2dmForm() } });
    expect(direct).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'completed' } } });
    const amended = await h.ok<FollowupView>('followups.amend', {
      id: first.id,
      residentId: zhang.resident.id,
      followup: { disease: 't2dm', form: t2dmForm({ fastingGlucose: 6.5 }) },
      reason: '血糖值录入错误，原始记录为 6.5',
    });
    expect(amended.id).toBe(first.id);
    expect(amended.amendedBy).toHaveLength(1);
    expect(amended.followup.form).toMatchObject({ fastingGlucose: 6.5, classification: 1, nextStep: 1, nextVisitDate: '2026-06-01' });
    const got = await h.ok<FollowupView>('followups.get', { id: amended.amendedBy[0]! });
    expect(got.id).toBe(first.id);
    const timeline = await h.ok<{ id: string; amendedBy: string[] }[]>('residents.timeline', { id: zhang.resident.id });
    expect(timeline.find((t) => t.id === first.id)?.amendedBy).toEqual(amended.amendedBy);
  });

  it('registry status changes keep their history and take the patient off the follow-up list', async () => {
    const reg = await h.ok<RegistryView>('registries.setStatus', {
      residentId: wang.resident.id,
      disease: 'htn',
      status: 'movedOut',
      date: '2026-03-02',
      reason: '随子女迁往深圳',
    });
    expect(reg.enrolment.status).toBe('movedOut');
    expect(reg.history.map((x) => x.status)).toEqual(['active', 'movedOut']);
    const list = await h.ok<Worklist>('worklist.get', { kinds: ['followup', 'recheck', 'quarterGap', 'missedQuarter'] });
    expect(list.items.map((i) => i.residentId)).not.toContain(wang.resident.id);
  });

  it('records a manual service toward fulfilment and refuses one the forms already count', async () => {
    const c = (await h.ok<ContractView[]>('contracts.forResident', { residentId: zhang.resident.id }))[0]!;
    const after = await h.ok<ContractView>('contracts.recordService', { id: c.id, serviceCode: 'healthConsultation', date: '2026-03-02', note: '用药咨询' });
    expect(after.fulfilment.items.find((i) => i.serviceCode === 'healthConsultation')).toMatchObject({ delivered: 1, isMet: true });
    const r = await h.call('contracts.recordService', { id: c.id, serviceCode: 't2dmFollowup', date: '2026-03-02' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('shows contracts expiring within 30 days and renews them linked to the previous one; terminates with a reason', async () => {
    h.clock.set('2027-02-10T02:00:00Z');
    try {
      const c = (await h.ok<ContractView[]>('contracts.forResident', { residentId: zhang.resident.id }))[0]!;
      expect(c.canRenew).toBe(true);
      const expiring = await h.ok<Worklist>('worklist.get', { kinds: ['contractExpiring'] });
      expect(expiring.items.map((i) => i.residentId)).toEqual(expect.arrayContaining([zhang.resident.id, wang.resident.id]));
      const renewed = await h.ok<ContractView>('contracts.renew', { id: c.id, residentSignature: PNG, doctorSignature: PNG, signDate: '2027-02-10' });
      expect(renewed.contract).toMatchObject({ contractType: 'renewal', previousContractId: c.id, startDate: '2027-03-01', endDate: '2028-02-29' });
      expect(renewed.status).toBe('signed');
      expect((await h.ok<ContractView>('contracts.get', { id: c.id })).renewedBy).toBe(renewed.id);
      const stillExpiring = await h.ok<Worklist>('worklist.get', { kinds: ['contractExpiring'] });
      expect(stillExpiring.items.map((i) => i.residentId)).not.toContain(zhang.resident.id);

      const w = (await h.ok<ContractView[]>('contracts.forResident', { residentId: wang.resident.id }))[0]!;
      const noNote = await h.call('contracts.terminate', { id: w.id, terminatedDate: '2027-02-10', reason: 'other' });
      expect(noNote).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const ended = await h.ok<ContractView>('contracts.terminate', { id: w.id, terminatedDate: '2027-02-10', reason: 'movedOut' });
      expect(ended.status).toBe('terminated');
      expect(ended.contract.termination).toMatchObject({ reason: 'movedOut', terminatedDate: '2027-02-10' });
    } finally {
      h.clock.set('2026-03-02T02:00:00Z');
    }
  });

  it('keeps the work list after a restart (the index reloads from the file)', async () => {
    await h.restart();
    const list = await h.ok<Worklist>('worklist.get', { villageCode: VILLAGE });
    expect(list.items.some((i) => i.residentId === zhang.resident.id && i.kind === 'referralCheck')).toBe(false);
    // The last visit (03-02) was an urgent referral: after a reload the line still says so (issue 12 fix 2).
    expect(list.items.find((i) => i.residentId === zhang.resident.id && i.disease === 't2dm' && (i.kind === 'followup' || i.kind === 'recheck'))).toMatchObject({
      kind: 'recheck',
      reason: 'worklist.reason.urgentReferralFollowup',
    });
  });
});
