import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worklist } from '../../../shared/api/followups';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { ResidentScreening } from '../../../shared/api/screening';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

describe('outpatient measurements feed screening and the work list (real encrypted database)', () => {
  let h: ApiHarness;
  let chen: ResidentDetail;
  const today = '2026-03-02';

  beforeAll(async () => {
    h = await clinicHarness();
    chen = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '陈立新', birthDate: '1986-01-10', sex: '1', idNumber: idNumber('1986-01-10', 13) }),
    });
  });
  afterAll(() => h.close());

  const screeningLines = async () =>
    (await h.ok<Worklist>('worklist.get', { kinds: ['screening'] })).items.filter((i) => i.residentId === chen.resident.id && i.disease === 'htn');

  it('a 40-year-old without a BP this year is due for one', async () => {
    const s = await h.ok<ResidentScreening>('screening.forResident', { residentId: chen.resident.id });
    expect(s).toMatchObject({ age: 40, htn: { state: 'yearlyDue' } });
    expect(await screeningLines()).toEqual([expect.objectContaining({ reason: 'worklist.reason.screenYearlyBp', status: 'due' })]);
  });

  it.each([
    ['SBP not above DBP', { sbp: 90, dbp: 90 }, 'dbp', 'validation.sbpNotAboveDbp'],
    ['SBP 400', { sbp: 400, dbp: 90 }, 'sbp', 'validation.outOfRange'],
    ['glucose 60', { fastingGlucose: 60 }, 'fastingGlucose', 'validation.outOfRange'],
    ['a date in the future', { date: '2026-03-03', sbp: 130, dbp: 80 }, 'date', 'validation.futureDate'],
    ['nothing measured', {}, 'sbp', 'validation.measurementEmpty'],
  ])('refuses %s at the field and saves nothing', async (_label, values, path, message) => {
    const r = await h.call('measurements.record', { residentId: chen.resident.id, date: today, ...values });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: expect.arrayContaining([expect.objectContaining({ path, message })]) } });
    expect((await h.ok<ResidentScreening>('screening.forResident', { residentId: chen.resident.id })).readings).toEqual([]);
  });

  it('the range comes with the refusal', async () => {
    const r = await h.call('measurements.record', { residentId: chen.resident.id, date: today, sbp: 400, dbp: 90 });
    expect(r).toMatchObject({ ok: false, error: { fields: [{ path: 'sbp', params: { min: 40, max: 300, unit: 'mmHg' } }] } });
  });

  it('160/100 makes him 疑似 and puts a re-measurement on the work list', async () => {
    const s = await h.ok<ResidentScreening>('measurements.record', { residentId: chen.resident.id, date: today, sbp: 160, dbp: 100 });
    expect(s.htn).toMatchObject({ state: 'suspected', earliest: '2026-03-03', nextDue: '2026-03-09', promptEnrolment: false });
    expect(await screeningLines()).toEqual([
      expect.objectContaining({ kind: 'screening', reason: 'worklist.reason.screenRecheck', status: 'due', dueDate: '2026-03-09', params: expect.objectContaining({ count: 1 }) }),
    ]);
  });

  it('high readings on two more days (one at a health check) confirm it and prompt enrolment with a referral', async () => {
    h.clock.set('2026-03-05T02:00:00Z');
    await h.ok('measurements.record', { residentId: chen.resident.id, date: '2026-03-05', sbp: 152, dbp: 96 });
    h.clock.set('2026-03-09T02:00:00Z');
    const check = await h.ok<{ id: string }>('healthChecks.saveDraft', {
      data: { residentId: chen.resident.id, checkDate: '2026-03-09', generalCondition: { bpLeft: { sbp: 138, dbp: 88 }, bpRight: { sbp: 148, dbp: 94 } } },
    });
    let s = await h.ok<ResidentScreening>('screening.forResident', { residentId: chen.resident.id });
    expect(s.htn.state).toBe('suspected'); // a draft check does not count
    const full = {
      residentId: chen.resident.id,
      checkDate: '2026-03-09',
      symptoms: ['1'],
      generalCondition: { temperature: 36.5, pulseRate: 72, respiratoryRate: 16, bpLeft: { sbp: 138, dbp: 88 }, bpRight: { sbp: 148, dbp: 94 }, height: 170, weight: 65, waist: 80 },
      assessment: '2',
      abnormalities: ['血压偏高'],
    };
    await h.ok('healthChecks.complete', { id: check.id, data: full, confirmWarnings: true });
    s = await h.ok<ResidentScreening>('screening.forResident', { residentId: chen.resident.id });
    expect(s.htn).toMatchObject({ state: 'confirmed', decidedOn: '2026-03-09', promptEnrolment: true, suggestReferral: true, needsAgeOverride: false });
    expect(s.readings.map((r) => [r.date, r.source, r.sbp])).toEqual([
      ['2026-03-09', 'healthCheck', 148],
      ['2026-03-05', 'measurement', 152],
      ['2026-03-02', 'measurement', 160],
    ]);
    expect(await screeningLines()).toEqual([expect.objectContaining({ reason: 'worklist.reason.screenEnrol', status: 'due' })]);
  });

  it('a check marked 体检无异常 with 190/115 and FPG 12.5 is not completed without confirmation, and lists the findings', async () => {
    const draft = await h.ok<{ id: string }>('healthChecks.saveDraft', { data: { residentId: chen.resident.id, checkDate: '2026-03-09' } });
    const data = {
      residentId: chen.resident.id,
      checkDate: '2026-03-09',
      symptoms: ['1'],
      generalCondition: { temperature: 36.5, pulseRate: 72, respiratoryRate: 16, bpLeft: { sbp: 190, dbp: 115 }, height: 170, weight: 65, waist: 80 },
      auxExams: { fastingGlucose: 12.5 },
      assessment: '1',
    };
    const r = await h.call('healthChecks.complete', { id: draft.id, data });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ path: 'assessment', message: 'validation.noAbnormalConflict' })] } });
    const view = await h.ok<{ judgement: { abnormal: { key: string }[]; bpGrade: string } }>('healthChecks.saveDraft', { id: draft.id, data });
    expect(view.judgement).toMatchObject({ bpGrade: 'grade3', isNoAbnormalConflict: true, abnormal: [{ key: 'bp.grade3' }, { key: 'glucose.high' }] });
  });

  it('enrols only residents aged 35+; a younger confirmed patient needs a reason', async () => {
    const young = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '陈小军', birthDate: '1993-05-01', sex: '1', idNumber: idNumber('1993-05-01', 15) }),
    });
    const enrolment = { disease: 'htn', diagnosisDate: '2026-03-09', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-03-09' };
    const refused = await h.call('registries.enrol', { residentId: young.resident.id, enrolment });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'enrolment.ageOverrideReason', message: 'validation.under35Reason' }] } });
    const enrolled = await h.ok<{ enrolment: { ageOverrideReason: string } }>('registries.enrol', {
      residentId: young.resident.id,
      enrolment: { ...enrolment, ageOverrideReason: '上级医院确诊原发性高血压，需规范管理' },
    });
    expect(enrolled.enrolment.ageOverrideReason).toBe('上级医院确诊原发性高血压，需规范管理');
    const forty = await h.ok<{ enrolment: { status: string } }>('registries.enrol', { residentId: chen.resident.id, enrolment });
    expect(forty.enrolment.status).toBe('active');
    const s = await h.ok<ResidentScreening>('screening.forResident', { residentId: chen.resident.id });
    expect(s.htn.state).toBe('enrolled');
  });

  it('a follow-up refuses an impossible reading at the field, draft or not', async () => {
    const r = await h.call('followups.saveDraft', { residentId: chen.resident.id, followup: { disease: 'htn', form: { visitDate: '2026-03-09', visitMode: 1, sbp: 150, dbp: 150 } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'dbp', message: 'validation.sbpNotAboveDbp' }] } });
  });
});
