/**
 * 指标口径 through the API (real encrypted database): an admin sets the clinic's own version from a date; a report
 * whose window ends on or after it computes with it and names it (screen data, .xlsx, the export's audit entry);
 * earlier reports keep the defaults. Non-admins read but cannot set; bad input is refused with its code.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportedFile, Report } from '../../../shared/api/reports';
import type { ResidentDetail } from '../../../shared/api/residents';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';

const MARCH = { kind: 'month', year: 2026, index: 3 } as const;
const DEC_2025 = { kind: 'month', year: 2025, index: 12 } as const;
const ANNUAL = { from: '2026-01-01', standardRule: 'ONE_PER_QUARTER', annualCheck: true, dynamicUseDenominator: 'records', elderlyAgeRule: 'turnsInYear' } as const;

describe('指标口径 through the API', () => {
  let h: ApiHarness;
  let patient: ResidentDetail;

  beforeAll(async () => {
    h = await clinicHarness('2026-03-20T02:00:00Z');
    patient = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '张好', birthDate: '1970-05-14', idNumber: idNumber('1970-05-14', 11) }) });
    // Turns 65 on 31 Dec 2026: elderly under `turnsInYear` all year, not at the end of March under `atPeriodEnd`.
    await h.ok('residents.create', { input: residentInput({ name: '王满', birthDate: '1961-12-31', idNumber: idNumber('1961-12-31', 21), createdDate: '2025-06-01' }) });
    await h.ok('registries.enrol', {
      residentId: patient.resident.id,
      enrolment: { disease: 'htn', diagnosisDate: '2019-04-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-10' },
    });
    await h.ok('followups.complete', {
      residentId: patient.resident.id,
      followup: {
        disease: 'htn',
        form: { visitDate: '2026-03-01', visitMode: 1, symptoms: [1], sbp: 128, dbp: 78, adherence: 1, adverseReaction: 1, medications: [{ drugName: '氨氯地平', timesPerDay: 1, doseMg: 5 }], doctorSignature: '李医生', classification: 1 },
      },
    });
  });
  afterAll(() => h.close());

  const f = (r: Report, id: string) => r.indicators.find((x) => x.id === id)!;

  it('the defaults until something is set, and says so', async () => {
    expect(await h.ok('indicatorRules.list')).toEqual([]);
    const r = await h.ok<Report>('reports.get', { period: MARCH });
    expect(r.rules).toEqual({ standardRule: 'ONE_PER_QUARTER', annualCheck: false, dynamicUseDenominator: 'records', elderlyAgeRule: 'atPeriodEnd', versionId: null, from: null, issuedBy: null });
    expect(f(r, 'htnStandardManagementRate')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(f(r, 'elderlyManagementRate').denominator).toBe(0);
  });

  it('refuses bad input with its code and keeps nothing', async () => {
    expect(await h.call('indicatorRules.save', { ...ANNUAL, from: '2026-02-30' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await h.call('indicatorRules.save', { ...ANNUAL, standardRule: 'TWO_PER_YEAR' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await h.call('indicatorRules.remove', { id: 'indicatorRules:clinic:1999-01-01' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.ok('indicatorRules.list')).toEqual([]);
  });

  it('an admin sets a version; reports ending on or after its date use it and name it, earlier ones do not', async () => {
    const saved = await h.ok<{ id: string; issuedBy: string; enteredBy: string }>('indicatorRules.save', ANNUAL);
    expect(saved).toMatchObject({ id: 'indicatorRules:clinic:2026-01-01', issuedBy: 'clinic', enteredBy: SETUP_INPUT.admin.username });
    const r = await h.ok<Report>('reports.get', { period: MARCH });
    expect(r.rules).toMatchObject({ ...ANNUAL, versionId: 'indicatorRules:clinic:2026-01-01', issuedBy: 'clinic' });
    // No health check this year: not standard under +ANNUAL_CHECK; 王满 counts as elderly from January.
    expect(f(r, 'htnStandardManagementRate')).toMatchObject({ numerator: 0, denominator: 1 });
    expect(f(r, 'elderlyManagementRate').denominator).toBe(1);
    const trend = await h.ok<Array<{ key: string; indicators: Report['indicators'] }>>('reports.trend', { period: MARCH, count: 4 });
    expect(trend.map((p) => [p.key, p.indicators.find((x) => x.id === 'elderlyManagementRate')!.denominator])).toEqual([
      ['2025-12', 0],
      ['2026-01', 1],
      ['2026-02', 1],
      ['2026-03', 1],
    ]);
    expect((await h.ok<Report>('reports.get', { period: DEC_2025 })).rules.versionId).toBeNull();
    const audit = (await h.runtime.services.clinic().ctx.db.rx.audit.find({ selector: { recordId: 'indicatorRules:clinic:2026-01-01' } }).exec()).map((d) => d.toJSON());
    expect(audit.map((a) => a.action)).toEqual(['upsert']);
  });

  it('the .xlsx names the rules and the version, and the export audit entry names the version', async () => {
    const file = await h.ok<ExportedFile>('reports.exportXlsx', { period: MARCH });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('指标')!;
    const texts = Array.from({ length: ws.rowCount }, (_v, i) => ws.getRow(i + 1).getCell(3).text);
    expect(texts).toContain('规范管理口径：每季度至少1次面访，并完成年度健康体检');
    expect(texts).toContain('动态使用率分母：电子健康档案总份数');
    expect(texts.some((t) => t.startsWith('老年人年龄口径：当年内满65周岁'))).toBe(true);
    expect(texts).toContain('本院设置，2026-01-01起（indicatorRules:clinic:2026-01-01）');
    const audit = (await h.runtime.services.clinic().ctx.db.rx.audit.find({ selector: { action: 'export' } }).exec()).map((d) => d.toJSON());
    expect(audit.some((a) => a.detail.includes('口径 indicatorRules:clinic:2026-01-01'))).toBe(true);
  });

  it('a village doctor reads the versions but cannot set or remove one', async () => {
    await h.ok('users.add', { username: 'wangcy', displayName: '王村医', role: 'villageDoctor', password: 'village doc 1', villages: ['441521101201'] });
    await h.ok('session.signIn', { username: 'wangcy', password: 'village doc 1' });
    expect(await h.ok<unknown[]>('indicatorRules.list')).toHaveLength(1);
    expect(await h.call('indicatorRules.save', { ...ANNUAL, from: '2026-02-01' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await h.call('indicatorRules.remove', { id: 'indicatorRules:clinic:2026-01-01' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await h.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    await h.ok('indicatorRules.remove', { id: 'indicatorRules:clinic:2026-01-01' });
    expect((await h.ok<Report>('reports.get', { period: MARCH })).rules.versionId).toBeNull();
  });
});
