/**
 * 指标口径 end to end (issue 15, indicators.md options): two hypertensive residents with a face-to-face visit this
 * month are both standard under the default rule (100.0%); an admin sets "+ANNUAL_CHECK" in 设置 → 指标口径, and the
 * 报表 screen shows 0.0% (nobody had this year's check) with the rule named beside the report, on the print sheet
 * (PDF) as well. Screens at 1366×768 in normal and large text go to test-results/screenshots.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dateInZone, DEFAULT_TIME_ZONE } from '../../shared/domain/dates';
import { apiCall, foreignPdfFonts, idNumber, initClinic, makeDataDir, ROOT, shootBothSizes, signIn, startHost, type E2eHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const VILLAGE = '441521101201';
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const today = dateInZone(Date.now(), DEFAULT_TIME_ZONE);

let host: E2eHost;
let page: Page;
const pageErrors: string[] = [];

async function hypertensive(name: string, birthDate: string, seq: number): Promise<void> {
  const call = <T>(method: string, input: unknown) => apiCall<T>(host, method, input);
  const r = await call<{ resident: { id: string } }>('residents.create', {
    input: { name, createdDate: today, sex: '1', birthDate, idNumber: idNumber(birthDate, seq), phone: `1381234${String(seq).padStart(4, '0')}`, villageCode: VILLAGE },
  });
  await call('registries.enrol', { residentId: r.resident.id, enrolment: { disease: 'htn', diagnosisDate: '2019-04-01', diagnosingOrg: '海丰县人民医院', enrolledDate: today } });
  await call('followups.complete', {
    residentId: r.resident.id,
    followup: {
      disease: 'htn',
      form: { visitDate: today, visitMode: 1, symptoms: [1], sbp: 128, dbp: 78, adherence: 1, adverseReaction: 1, medications: [{ drugName: '氨氯地平', timesPerDay: 1, doseMg: 5 }], doctorSignature: '李医生', classification: 1 },
    },
  });
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  await hypertensive('张好', '1970-05-14', 31);
  await hypertensive('李高', '1971-06-20', 33);
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

test('the report names the default rules, and both patients are standard under them', async () => {
  await page.keyboard.press('Alt+Digit8');
  await expect(page.locator('main h1')).toHaveText('报表');
  await expect(page.getByTestId('rate-htnStandardManagementRate')).toHaveText('100.0%');
  await expect(page.getByTestId('report-rules')).toContainText('默认口径');
  await expect(page.getByTestId('report-rules')).toContainText('规范管理口径：每季度至少1次面访；');
});

test('an admin sets +ANNUAL_CHECK in 设置 → 指标口径, and the shown rate changes with the rule named', async () => {
  await page.keyboard.press('Alt+Digit9');
  await page.getByRole('tab', { name: '指标口径' }).click();
  const admin = page.getByTestId('indicator-rules-admin');
  await expect(admin).toContainText('随机抽查');
  await expect(page.getByTestId('rules-in-force')).toContainText('默认口径');
  await page.getByTestId('rules-annual-check').check();
  await page.getByTestId('rules-save').click();
  await expect(page.getByTestId('rules-versions')).toContainText(`${today.slice(0, 4)}-01-01`);
  await expect(page.getByTestId('rules-in-force')).toContainText(`本院设置，${today.slice(0, 4)}-01-01起`);
  await expect(page.getByTestId('rules-in-force')).toContainText('每季度至少1次面访，并完成年度健康体检');
  await shootBothSizes(page, SCREENSHOTS, 'settings-indicator-rules-zh-CN');

  await page.keyboard.press('Alt+Digit8');
  await expect(page.getByTestId('rate-htnStandardManagementRate')).toHaveText('0.0%');
  await expect(page.getByTestId('report-rules')).toContainText(`本院设置，${today.slice(0, 4)}-01-01起`);
  await expect(page.getByTestId('report-rules')).toContainText('规范管理口径：每季度至少1次面访，并完成年度健康体检');
  await shootBothSizes(page, SCREENSHOTS, 'reports-rules-zh-CN');
});

test('the print sheet (PDF) names the rules and their version', async () => {
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('report-print-rules')).toBeVisible();
  const pdf = join(SCREENSHOTS, 'reports-rules-print.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  expect(foreignPdfFonts(pdf)).toEqual([]);
  const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
  expect(text).toContain('规范管理口径：每季度至少1次面访，并完成年度健康体检');
  expect(text).toContain(`indicatorRules:clinic:${today.slice(0, 4)}-01-01`);
});

test('no page errors', () => {
  expect(pageErrors).toEqual([]);
});
