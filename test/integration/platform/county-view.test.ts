/**
 * The county view (issue 15 item 5): a seeded clinic (a real runtime on its encrypted file) syncs with the platform
 * (PGlite); the platform then computes every indicator of the clinic and of each village, for a month and the year,
 * with the same shared/ functions, and gets the clinic's own numbers. The pages under /county/ need an operator's
 * session (HttpOnly cookie, checked on every request), throttle wrong passwords, and show the same numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import type { Report } from '../../../shared/api/reports';
import type { SyncStatus } from '../../../shared/api/sync';
import type { ReportPeriod } from '../../../shared/domain/indicators/period';
import { seedClinic } from '../../../main/seed';
import { Operators } from '../../../platform/county/operators';
import { CountyReports } from '../../../platform/county/report';
import { setCountyPolicy } from '../../../platform/policy';
import { clinicPage } from '../../../platform/county/pages';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
let h: ApiHarness;
const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
// The platform's certificate is self-signed; the app pins it, this test only needs to reach it.
const agent = new Agent({ connect: { rejectUnauthorized: false } });
const PASSWORD = 'county password 1';

beforeAll(async () => {
  p = await startTestPlatform();
  h = await clinicHarness('2026-03-20T02:00:00Z');
  await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'county', profile: 'realistic', residents: 400 });
  await h.ok('denominators.save', {
    entries: [
      { villageCode: '441521101201', kind: 'population', value: 260, asOf: '2025-12-31', source: 'census' },
      { villageCode: '441521101202', kind: 'population', value: 230, asOf: '2025-12-31', source: 'census' },
    ],
  });
  const { enrolmentCode } = await p.store.addClinic(clinic);
  await h.ok('sync.enroll', { url: p.url, code: enrolmentCode });
  const s = await h.ok<SyncStatus>('sync.now');
  expect(s.pending).toBe(0);
  await new Operators(p.sql).add('county1', '县卫健局 王科长', PASSWORD);
}, 300_000);

afterAll(async () => {
  await h?.close();
  await p?.dispose();
  await agent.close();
});

const PERIODS: ReportPeriod[] = [
  { kind: 'month', year: 2026, index: 3 },
  { kind: 'quarter', year: 2026, index: 1 },
  { kind: 'year', year: 2025, index: 1 },
];

describe('county view: the platform computes what the clinic computes', () => {
  it.each(PERIODS)('agrees with the clinic on every indicator, clinic-wide and per village ($kind $year/$index)', async (period) => {
    const ours = await h.ok<Report>('reports.get', { period });
    const county = await new CountyReports(p.store).report(clinic.code, period);
    expect(county).not.toBeNull();
    const strip = (f: { id: string; numerator: number; denominator: number | null; rate: number | null; reason: string | null; enteredAsOf: string | null }) => ({
      id: f.id,
      numerator: f.numerator,
      denominator: f.denominator,
      rate: f.rate,
      reason: f.reason,
      enteredAsOf: f.enteredAsOf,
    });
    expect(county!.indicators.map(strip)).toEqual(ours.indicators.map(strip));
    expect(county!.villages.map((v) => ({ code: v.code, indicators: v.indicators.map(strip) }))).toEqual(
      ours.villages.map((v) => ({ code: v.villageCode, indicators: v.indicators.map(strip) })),
    );
    // Not an empty agreement: the seeded clinic has managed patients and records.
    const f = (id: string) => ours.indicators.find((x) => x.id === id)!;
    expect(f('recordCoverageRate').numerator).toBeGreaterThan(300);
    expect(f('htnControlRate').denominator).toBeGreaterThan(0);
    console.log(`checked ${period.kind} ${period.year}/${period.index}: 13 indicators × (clinic + ${ours.villages.length} villages) equal`);
  });
});

describe('after more work at the clinic', () => {
  it('the clinic (its input kept current from the writes) and the platform still agree once synced', async () => {
    const period: ReportPeriod = { kind: 'month', year: 2026, index: 3 };
    const before = await h.ok<Report>('reports.get', { period });
    const created = await h.ok<{ resident: { id: string } }>('residents.create', {
      input: residentInput({ name: '赵建军', birthDate: '1980-02-02', idNumber: '', villageCode: '441521101202' }),
    });
    const check = {
      residentId: created.resident.id,
      checkDate: '2026-03-10',
      doctorName: '李医生',
      symptoms: ['1'],
      generalCondition: { temperature: 36.5, pulseRate: 72, respiratoryRate: 18, bpLeft: { sbp: 128, dbp: 80 }, height: 165, weight: 60, waist: 80 },
      assessment: '1',
    };
    const draft = await h.ok<{ id: string }>('healthChecks.saveDraft', { data: check });
    await h.ok('healthChecks.complete', { id: draft.id, data: check });
    const after = await h.ok<Report>('reports.get', { period });
    const f = (r: Report, id: string) => r.indicators.find((x) => x.id === id)!;
    expect(f(after, 'recordCoverageRate').numerator).toBe(f(before, 'recordCoverageRate').numerator + 1);
    expect(f(after, 'screeningCoverage35').numerator).toBe(f(before, 'screeningCoverage35').numerator + 1);
    expect((await h.ok<SyncStatus>('sync.now')).pending).toBe(0);
    const county = await new CountyReports(p.store).report(clinic.code, period);
    expect(county!.indicators.map((x) => [x.id, x.numerator, x.denominator])).toEqual(after.indicators.map((x) => [x.id, x.numerator, x.denominator]));
  });
});

describe('county pages', () => {
  const get = (path: string, cookie?: string) => fetch(`${p.url}${path}`, { dispatcher: agent, redirect: 'manual', headers: cookie ? { cookie } : {} });
  const login = (username: string, password: string) =>
    fetch(`${p.url}/county/login`, {
      method: 'POST',
      dispatcher: agent,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });

  it('sends a visitor without a session to the sign-in page, and refuses a forged cookie', async () => {
    const r = await get('/county/');
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/county/login?lang=zh');
    const forged = await get('/county/', `cunyi_county=${'A'.repeat(43)}`);
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toContain('expired=1');
    const page = await (await get('/county/login')).text();
    expect(page).toContain('县级操作员登录');
  });

  it('signs an operator in with an HttpOnly cookie and shows each clinic with its sync state and numbers', async () => {
    const r = await login('county1', PASSWORD);
    expect(r.status).toBe(303);
    const setCookie = r.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const overview = await get('/county/?kind=month&year=2026&index=3', cookie);
    expect(overview.status).toBe(200);
    expect(overview.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await overview.text();
    expect(html).toContain(clinic.name);
    expect(html).toContain('县卫健局 王科长');
    expect(html).not.toContain('从未同步');
    const ours = await h.ok<Report>('reports.get', { period: { kind: 'month', year: 2026, index: 3 } });
    const control = ours.indicators.find((x) => x.id === 'htnControlRate')!;
    expect(html).toContain(`${control.numerator}/${control.denominator}`);
    const detail = await (await get(`/county/clinic/${clinic.code}?kind=month&year=2026&index=3`, cookie)).text();
    for (const v of clinic.villages) expect(detail).toContain(v.name);
    expect(detail).toContain('管理人群血压控制率');
    expect((await get('/county/clinic/999999999', cookie)).status).toBe(404);
    expect((await get('/county/?kind=month&year=2026&index=13', cookie)).status).toBe(400);
    const css = await (await get('/county/assets/county.css')).text();
    expect(css).toContain("font-family: 'Noto Sans SC'");
    const font = /url\(\/county\/assets\/fonts\/([^)]+\.woff2)\)/.exec(css)![1]!;
    const fontFile = await get(`/county/assets/fonts/${font}`);
    expect(fontFile.status).toBe(200);
    expect(fontFile.headers.get('content-type')).toBe('font/woff2');
    expect((await get('/county/assets/fonts/..%2F..%2Fpackage.json')).status).toBe(404);

    const out = await fetch(`${p.url}/county/logout`, { method: 'POST', dispatcher: agent, redirect: 'manual', headers: { cookie } });
    expect(out.status).toBe(303);
    expect((await get('/county/', cookie)).status).toBe(303);
  });

  it('refuses wrong passwords and throttles after five of them, even with the right one', async () => {
    for (let i = 0; i < 5; i++) expect((await login('county1', 'wrong password!')).status).toBe(401);
    const throttled = await login('county1', PASSWORD);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.text()).toContain('尝试次数过多');
  });

  it('adds operators over the admin API only with the operator token, and refuses a short password', async () => {
    const post = (token: string, body: unknown) =>
      fetch(`${p.url}/v1/admin/operators`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', 'x-cunyi-admin': token }, body: JSON.stringify(body) });
    const bad = await post('nope', { username: 'county2', displayName: '李', password: 'long enough password' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toBe('UNAUTHORIZED');
    const short = await post(p.adminToken, { username: 'county2', displayName: '李', password: 'short' });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toBe('BAD_REQUEST');
    const ok = await post(p.adminToken, { username: 'county2', displayName: '李', password: 'long enough password' });
    expect(await ok.json()).toEqual({ created: true });
    // Checked without HTTP: this address is still throttled by the test before.
    expect(await new Operators(p.sql).check('county2', 'long enough password')).toMatchObject({ username: 'county2', role: 'countyOperator' });
  });
});

describe("under the county's 指标口径 policy (not the defaults)", () => {
  it('reaches the clinic by sync, and the clinic and the platform give the same numbers under it', async () => {
    const year: ReportPeriod = { kind: 'year', year: 2025, index: 1 };
    const before = await h.ok<Report>('reports.get', { period: year });
    expect(before.rules).toMatchObject({ versionId: null, standardRule: 'ONE_PER_QUARTER', annualCheck: false });
    const rules = { from: '2025-01-01', standardRule: 'FOUR_PER_YEAR', annualCheck: true, dynamicUseDenominator: 'persons', elderlyAgeRule: 'turnsInYear' } as const;
    const set = await setCountyPolicy(p.store, rules, 'operator (test)', Date.parse('2026-03-20T03:00:00Z'));
    expect(set.clinics).toEqual([clinic.code]);
    expect((await h.ok<SyncStatus>('sync.now')).pending).toBe(0);

    const strip = (f: { id: string; numerator: number; denominator: number | null; rate: number | null }) => [f.id, f.numerator, f.denominator, f.rate];
    for (const period of PERIODS) {
      const ours = await h.ok<Report>('reports.get', { period });
      expect(ours.rules).toMatchObject({ ...rules, versionId: 'indicatorRules:county:2025-01-01', issuedBy: 'county' });
      const county = await new CountyReports(p.store).report(clinic.code, period);
      expect(county!.rules.version?.id).toBe('indicatorRules:county:2025-01-01');
      expect(county!.indicators.map(strip)).toEqual(ours.indicators.map(strip));
      expect(county!.villages.map((v) => v.indicators.map(strip))).toEqual(ours.villages.map((v) => v.indicators.map(strip)));
    }
    // Not the same numbers as before: the seeded year has patients whose standard management and elders whose count
    // the rules change (the annual check is required now, and those turning 65 in 2025 count from January).
    const after = await h.ok<Report>('reports.get', { period: year });
    // The county page names the policy it computed with.
    const reports = new CountyReports(p.store);
    const sync = (await reports.sync()).find((c) => c.code === clinic.code)!;
    const html = clinicPage('zh', '王科长', year, sync, (await reports.report(clinic.code, year))!, 'Asia/Shanghai');
    expect(html).toContain('县级统一口径，2025-01-01起');
    expect(html).toContain('规范管理口径：年内至少4次面访，并完成年度健康体检');
    expect(html).toContain('有动态记录的档案份数 / 建立电子健康档案人数（期末仍在辖区）');
    const f = (r: Report, id: string) => r.indicators.find((x) => x.id === id)!;
    expect(f(after, 'htnStandardManagementRate').numerator).not.toBe(f(before, 'htnStandardManagementRate').numerator);
    expect(f(after, 'elderlyManagementRate').denominator).toBeGreaterThanOrEqual(f(before, 'elderlyManagementRate').denominator!);
    expect(f(after, 'eRecordDynamicUseRate').denominator).toBeLessThanOrEqual(f(before, 'eRecordDynamicUseRate').denominator!);
  });

  it("refuses a clinic's own version the county's would overrule, and a device's change to the county's version", async () => {
    const mine = { from: '2025-06-01', standardRule: 'ONE_PER_QUARTER', annualCheck: false, dynamicUseDenominator: 'records', elderlyAgeRule: 'atPeriodEnd' };
    expect(await h.call('indicatorRules.save', mine)).toMatchObject({ ok: false, error: { code: 'RULES_SET_BY_COUNTY' } });
    expect(await h.call('indicatorRules.remove', { id: 'indicatorRules:county:2025-01-01' })).toMatchObject({ ok: false, error: { code: 'RULES_SET_BY_COUNTY' } });
    // A clinic version before the county's policy starts still counts for the reports it covers.
    expect(await h.call('indicatorRules.save', { ...mine, from: '2024-01-01' })).toMatchObject({ ok: true });

    const doc = await h.runtime.services.clinic().ctx.db.rx.settings.findOne('indicatorRules:county:2025-01-01').exec();
    await doc!.incrementalPatch({ data: { ...doc!.toJSON().data, standardRule: 'ONE_PER_QUARTER' } });
    await h.ok<SyncStatus>('sync.now');
    expect((await p.store.refusals()).some((r) => r.documentId.endsWith('indicatorRules:county:2025-01-01'))).toBe(true);
    const year: ReportPeriod = { kind: 'year', year: 2025, index: 1 };
    const county = await new CountyReports(p.store).report(clinic.code, year);
    expect(county!.rules.rules.standardRule).toBe('FOUR_PER_YEAR');
    // The platform's version comes back to the device on its next pull, and the two agree again.
    await h.ok<SyncStatus>('sync.now');
    const back = await h.runtime.services.clinic().ctx.db.rx.settings.findOne('indicatorRules:county:2025-01-01').exec();
    expect(back!.toJSON().data['standardRule']).toBe('FOUR_PER_YEAR');
    const ours = await h.ok<Report>('reports.get', { period: year });
    expect(ours.indicators.map((x) => [x.id, x.numerator, x.denominator])).toEqual(county!.indicators.map((x) => [x.id, x.numerator, x.denominator]));
  });

  it('a clinic registered after the policy was set gets it too', async () => {
    await p.store.addClinic({ code: '441521102', name: '梅陇镇卫生院', villages: [{ code: '441521102201', name: '北村' }] });
    const rows = await p.sql.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'settings' AND id = $1`, ['441521102/indicatorRules:county:2025-01-01']);
    expect(JSON.parse(rows[0]!.body)).toMatchObject({ type: 'indicatorRules', clinicCode: '441521102', data: { standardRule: 'FOUR_PER_YEAR', issuedBy: 'county' } });
  });
});
