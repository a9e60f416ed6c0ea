import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthCheckView, ResidentDetail, ResidentSummary, TimelineItem } from '../../../shared/api/residents';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

describe('residents, households and health checks through the API (real encrypted database)', () => {
  let h: ApiHarness;
  let zhang: ResidentDetail;

  beforeAll(async () => {
    h = await clinicHarness();
    zhang = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
  });
  afterAll(() => h.close());

  it('creates a record with a 17-digit record number from the village code and derived tags', () => {
    expect(zhang.resident.recordNo).toMatch(/^441521101201\d{5}$/);
    expect(zhang.summary).toMatchObject({ name: '张三', age: 69, villageName: '东光村', status: 'active', contractStatus: 'none' });
    expect(zhang.summary.tags).toContain('elderly65');
    expect(zhang.summary.due).toContain('healthCheck');
  });

  it('issues distinct record numbers, in order', async () => {
    const li = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '李四', birthDate: '1990-03-07', sex: '2', idNumber: idNumber('1990-03-07', 42), phone: '13900001111' }),
    });
    expect(li.resident.recordNo).not.toBe(zhang.resident.recordNo);
    expect(Number(li.resident.recordNo.slice(-5))).toBeGreaterThan(Number(zhang.resident.recordNo.slice(-5)));
  });

  it('refuses a second record with the same ID number as DUPLICATE_RESIDENT naming the existing one', async () => {
    const r = await h.call('residents.create', { input: residentInput({ name: '张叁' }) });
    expect(r).toMatchObject({ ok: false, error: { code: 'DUPLICATE_RESIDENT', details: { existingId: zhang.resident.id } } });
  });

  it('finds the same person typed once with the 15-digit and once with the 18-digit number (issue 12 fix 7)', async () => {
    const id18 = idNumber('1962-08-09', 31);
    const id15 = `${id18.slice(0, 6)}${id18.slice(8, 17)}`;
    const first = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '赵六', birthDate: '1962-08-09', sex: '1', idNumber: id15 }),
    });
    expect(first.resident.idNumber).toBe(id18);
    const again = await h.call('residents.create', { input: residentInput({ name: '赵六', birthDate: '1962-08-09', sex: '1', idNumber: id18 }) });
    expect(again).toMatchObject({ ok: false, error: { code: 'DUPLICATE_RESIDENT', details: { existingId: first.resident.id } } });
    const twice = await h.call('residents.create', { input: residentInput({ name: '赵六', birthDate: '1962-08-09', sex: '1', idNumber: id15 }) });
    expect(twice).toMatchObject({ ok: false, error: { code: 'DUPLICATE_RESIDENT', details: { existingId: first.resident.id } } });
  });

  it.each([
    ['a wrong check digit', { idNumber: `${idNumber('1956-05-14', 11).slice(0, 17)}0` }, 'idNumber'],
    ['a birth date that disagrees with the ID', { birthDate: '1956-05-15', idNumber: idNumber('1956-05-14', 11) }, 'birthDate'],
    ['a future birth date', { birthDate: '2027-01-01', createdDate: '2027-01-02', idNumber: undefined }, 'birthDate'],
    ['a village outside the clinic', { villageCode: '441521199201' }, 'villageCode'],
  ])('refuses %s with a field error and saves nothing', async (_label, over, path) => {
    const before = await h.ok<{ total: number }>('residents.list', {});
    const r = await h.call('residents.create', { input: residentInput({ name: '王五', ...over }) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(['BAD_REQUEST', 'VALIDATION_FAILED']).toContain(r.error.code);
    // The door reports paths inside the request (`input.idNumber`), the service inside the form (`idNumber`).
    expect(r.error.fields?.map((f) => f.path.replace(/^input\./, ''))).toContain(path);
    expect((await h.ok<{ total: number }>('residents.list', {})).total).toBe(before.total);
  });

  it.each([
    ['pinyin initials', 'zs'],
    ['full pinyin', 'zhangsan'],
    ['pinyin with a space', 'zhang san'],
    ['a Chinese name prefix', '张'],
    ['the given name', '三'],
    ['the ID number', idNumber('1956-05-14', 11)],
    ['the last 4 of the ID', idNumber('1956-05-14', 11).slice(-4)],
    ['the last 6 of the ID', idNumber('1956-05-14', 11).slice(-6)],
    ['the phone', '13812345678'],
    ['the last 4 of the phone', '5678'],
  ])('finds the resident by %s', async (_label, query) => {
    const found = await h.ok<ResidentSummary[]>('residents.search', { query });
    expect(found.map((s) => s.id)).toContain(zhang.resident.id);
  });

  it('finds by record number, full and last 5', async () => {
    for (const query of [zhang.resident.recordNo, zhang.resident.recordNo.slice(-5)]) {
      const found = await h.ok<ResidentSummary[]>('residents.search', { query });
      expect(found.map((s) => s.id)).toContain(zhang.resident.id);
    }
  });

  it('edits a record and keeps it findable under the new name only', async () => {
    const updated = await h.ok<ResidentDetail>('residents.update', { id: zhang.resident.id, input: residentInput({ name: '张山' }) });
    expect(updated.resident.name).toBe('张山');
    expect((await h.ok<ResidentSummary[]>('residents.search', { query: '张山' })).map((s) => s.id)).toContain(zhang.resident.id);
    expect((await h.ok<ResidentSummary[]>('residents.search', { query: '张三' })).map((s) => s.id)).not.toContain(zhang.resident.id);
  });

  it('builds a household with a head and members', async () => {
    const wife = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '王芳', sex: '2', birthDate: '1958-08-08', idNumber: idNumber('1958-08-08', 22), phone: '13700000001' }),
    });
    const hh = await h.ok<{ id: string; members: { residentId: string; relation: string }[] }>('households.create', { headResidentId: zhang.resident.id, address: '东光村3组12号' });
    const after = await h.ok<{ members: { residentId: string; relation: string }[] }>('households.addMember', { id: hh.id, residentId: wife.resident.id, relation: 'spouse' });
    expect(after.members).toEqual([
      expect.objectContaining({ residentId: zhang.resident.id, relation: 'head' }),
      expect.objectContaining({ residentId: wife.resident.id, relation: 'spouse' }),
    ]);
    expect(await h.call('households.removeMember', { id: hh.id, residentId: zhang.resident.id })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const detail = await h.ok<ResidentDetail>('residents.get', { id: wife.resident.id });
    expect(detail.household?.id).toBe(hh.id);
  });

  describe('health checks', () => {
    const base = () => ({
      residentId: zhang.resident.id,
      checkDate: '2026-03-01',
      symptoms: ['1'],
      generalCondition: { temperature: 36.5, pulseRate: 72, respiratoryRate: 18, bpLeft: { sbp: 132, dbp: 84 }, bpRight: { sbp: 136, dbp: 86 }, height: 168, weight: 70, waist: 88 },
      assessment: '1',
    });

    it('refuses impossible values in a draft (BP 400/20, height 20 cm)', async () => {
      const r = await h.call('healthChecks.saveDraft', { data: { ...base(), generalCondition: { ...base().generalCondition, bpLeft: { sbp: 400, dbp: 20 }, height: 20 } } });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('VALIDATION_FAILED');
      expect(r.error.fields?.map((f) => f.path)).toEqual(expect.arrayContaining(['generalCondition.bpLeft.sbp', 'generalCondition.height']));
    });

    let check: HealthCheckView;
    it('saves a draft with BMI and age computed, then refuses to complete a 65+ check without the self-care assessment', async () => {
      check = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: base() });
      expect(check).toMatchObject({ status: 'draft', computed: { ageAtCheck: 69, bmi: 24.8 } });
      const r = await h.call('healthChecks.complete', { id: check.id, data: base() });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      if (!r.ok) {
        expect(r.error.fields?.map((f) => `${f.path}:${f.message}`)).toEqual([
          'selfCare:validation.selfCareRequired',
          'generalCondition.elderSelfHealth:validation.elderlyItemRequired',
          'generalCondition.elderCognition:validation.elderlyItemRequired',
          'generalCondition.elderMood:validation.elderlyItemRequired',
          'guidance:validation.elderlyGuidanceRequired',
        ]);
      }
    });

    it('completes with the assessment, then refuses edits: corrections are amendments with a reason', async () => {
      const data = {
        ...base(),
        generalCondition: { ...base().generalCondition, elderSelfHealth: '2', elderCognition: '1', elderMood: '1' },
        selfCare: { meal: 0, grooming: 1, dressing: 0, toileting: 0, mobility: 1 },
        riskControl: ['7'],
        riskControlOther: '防跌倒',
      };
      // A 65+ check without the lab results and rough checks the elderly programme needs asks for confirmation.
      const unconfirmed = await h.call('healthChecks.complete', { id: check.id, data });
      expect(unconfirmed).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', details: { needsConfirmation: true }, fields: expect.arrayContaining([expect.objectContaining({ message: 'validation.elderlyIncomplete' })]) },
      });
      const done = await h.ok<HealthCheckView>('healthChecks.complete', { id: check.id, data, confirmWarnings: true });
      expect(done.judgement.elderlyMissing).toContain('auxExams.hemoglobin');
      expect(done.judgement.elderlyMissing).not.toContain('generalCondition.elderCognition');
      expect(done).toMatchObject({ status: 'completed', computed: { selfCareTotal: 2, elderSelfCare: 1 } });
      expect(await h.call('healthChecks.saveDraft', { id: check.id, data })).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'completed', by: '李医生' } } });
      const amended = await h.ok<HealthCheckView>('healthChecks.amend', {
        id: check.id,
        data: { ...data, generalCondition: { ...data.generalCondition, weight: 72 } },
        reason: '体重录入错误',
        confirmWarnings: true,
      });
      expect(amended).toMatchObject({ id: check.id, amendReason: '体重录入错误', computed: { bmi: 25.5 } });
      expect(amended.amendedBy).toHaveLength(1);
      const timeline = await h.ok<TimelineItem[]>('residents.timeline', { id: zhang.resident.id });
      expect(timeline).toEqual([expect.objectContaining({ kind: 'healthCheck', id: check.id, status: 'completed', amendedBy: amended.amendedBy })]);
      const summary = (await h.ok<ResidentDetail>('residents.get', { id: zhang.resident.id })).summary;
      expect(summary.due).not.toContain('healthCheck');
    });

    it('survives a restart: the completed check is still in the timeline and the search index still answers', async () => {
      await h.restart();
      const timeline = await h.ok<TimelineItem[]>('residents.timeline', { id: zhang.resident.id });
      expect(timeline[0]).toMatchObject({ id: check.id, status: 'completed' });
      expect((await h.ok<ResidentSummary[]>('residents.search', { query: 'zs' })).map((s) => s.id)).toContain(zhang.resident.id);
    });
  });

  it('audits every opening of a record', async () => {
    await h.ok('residents.get', { id: zhang.resident.id });
    const entries = await h.ok<{ action: string; residentId: string | null }[]>('audit.list', { residentId: zhang.resident.id });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['insert', 'update', 'open', 'complete', 'amend']));
  });

  it('merges a duplicate record made without an ID number', async () => {
    const baby = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '张小宝', birthDate: '2026-01-05', idNumber: undefined, phone: undefined }) });
    const later = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '张小宝', birthDate: '2026-01-05', idNumber: idNumber('2026-01-05', 31), phone: undefined }),
    });
    const merged = await h.ok<ResidentDetail>('residents.merge', { keepId: later.resident.id, mergeId: baby.resident.id, reason: '同一人重复建档' });
    expect(merged.resident.id).toBe(later.resident.id);
    expect(await h.call('residents.get', { id: baby.resident.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const found = await h.ok<ResidentSummary[]>('residents.search', { query: '张小宝' });
    expect(found.map((s) => s.id)).toEqual([later.resident.id]);
  });
});

describe('healthChecks.recent', () => {
  it('lists the clinic’s recent checks with drafts first and amendments folded in', async () => {
    const h = await clinicHarness();
    try {
      const a = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陈一', birthDate: '1980-01-01', idNumber: idNumber('1980-01-01', 51) }) });
      const b = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '陈二', birthDate: '1981-01-01', idNumber: idNumber('1981-01-01', 53), phone: '13900002222' }) });
      const data = (residentId: string, checkDate: string) => ({
        residentId,
        checkDate,
        symptoms: ['1'],
        generalCondition: { temperature: 36.5, pulseRate: 70, respiratoryRate: 18, bpLeft: { sbp: 120, dbp: 80 }, height: 170, weight: 65, waist: 80 },
        assessment: '1',
      });
      const done = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: data(a.resident.id, '2026-02-20') });
      await h.ok('healthChecks.complete', { id: done.id, data: data(a.resident.id, '2026-02-20') });
      await h.ok('healthChecks.amend', { id: done.id, data: data(a.resident.id, '2026-02-21'), reason: '日期写错' });
      const draft = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: data(b.resident.id, '2026-03-01') });
      await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: data(b.resident.id, '2025-12-01') });
      const recent = await h.ok<{ checkId: string; name: string; status: string; checkDate: string }[]>('healthChecks.recent', { since: '2026-02-01' });
      expect(recent).toEqual([
        expect.objectContaining({ checkId: draft.id, name: '陈二', status: 'draft', checkDate: '2026-03-01' }),
        expect.objectContaining({ checkId: done.id, name: '陈一', status: 'completed', checkDate: '2026-02-21' }),
      ]);
    } finally {
      await h.close();
    }
  });
});
