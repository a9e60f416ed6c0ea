/**
 * 报表 end to end (issue 15): two hypertensive residents followed up this month, one at target; the 报表 screen shows
 * this month's BP control rate 50.0%, the count opens the residents behind it, one opens the record; the .xlsx export
 * is downloaded and read back; the identifiable list asks first and says what it holds; denominators are entered in
 * 设置 and shown beside the rate; the resident's trend tab draws the BP; the print sheet becomes a PDF. Screens at
 * 1366×768 in normal and large text go to test-results/screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { expect, test, type Page } from '@playwright/test';
import { dateInZone, DEFAULT_TIME_ZONE } from '../../shared/domain/dates';
import { BAD, build, DUPLICATES, EXISTING, existingInput, ROWS, xlsx } from '../helpers/import-sheet';
import { type E2eHost, foreignPdfFonts, initClinic, makeDataDir, ROOT, signIn, startHost, apiCall, idNumber } from './fixtures';

test.describe.configure({ mode: 'serial' });

const VILLAGE = '441521101201';
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const today = dateInZone(Date.now(), DEFAULT_TIME_ZONE);

let host: E2eHost;
let page: Page;
const pageErrors: string[] = [];
const ids = { good: '', high: '' };

async function call<T>(method: string, input: unknown): Promise<T> {
  return apiCall<T>(host, method, input);
}

async function hypertensive(name: string, birthDate: string, seq: number, sbp: number, dbp: number, classification: number): Promise<string> {
  const r = await call<{ resident: { id: string } }>('residents.create', {
    input: { name, createdDate: today, sex: '1', birthDate, idNumber: idNumber(birthDate, seq), phone: `1381234${String(seq).padStart(4, '0')}`, villageCode: VILLAGE },
  });
  const id = r.resident.id;
  await call('registries.enrol', { residentId: id, enrolment: { disease: 'htn', diagnosisDate: '2019-04-01', diagnosingOrg: '海丰县人民医院', enrolledDate: today } });
  await call('followups.complete', {
    residentId: id,
    followup: {
      disease: 'htn',
      form: {
        visitDate: today,
        visitMode: 1,
        symptoms: [1],
        sbp,
        dbp,
        weight: 66,
        adherence: 1,
        adverseReaction: 1,
        medications: [{ drugName: '氨氯地平', timesPerDay: 1, doseMg: 5 }],
        doctorSignature: '李医生',
        classification,
      },
    },
  });
  return id;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

async function largeText(on: boolean): Promise<void> {
  const sw = page.getByRole('switch', { name: '大字模式' });
  if ((await sw.getAttribute('aria-checked')) !== String(on)) await sw.click();
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  ids.good = await hypertensive('张好', '1970-05-14', 31, 128, 78, 1);
  ids.high = await hypertensive('李高', '1971-06-20', 33, 165, 95, 2);
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

test("报表 shows this month's BP control rate and the residents behind it, one click away", async () => {
  await page.keyboard.press('Alt+Digit8');
  await expect(page.locator('main h1')).toHaveText('报表');
  await expect(page.getByTestId('rate-htnControlRate')).toHaveText('50.0%');
  await expect(page.getByTestId('rate-recordCoverageRate')).toHaveText('无');
  await expect(page.getByTestId('indicator-table')).toContainText('未录入分母');
  await expect(page.getByTestId('trend-chart').locator('canvas')).toHaveCount(1);
  await shot('reports-zh-CN');
  await largeText(true);
  await expect(page.getByTestId('rate-htnControlRate')).toHaveText('50.0%');
  await shot('reports-zh-CN-large');
  await largeText(false);

  await page.getByTestId('open-htnControlRate-numerator').click();
  const list = page.getByTestId('behind-list');
  await expect(list).toContainText('张好');
  await expect(list).not.toContainText('李高');
  await shot('reports-behind-zh-CN');
  await page.keyboard.press('Escape');
  await page.getByTestId('open-htnControlRate-gap').click();
  await expect(list).toContainText('李高');
  await expect(list).not.toContainText('张好');
  await list.getByRole('link', { name: '李高' }).click();
  await expect(page).toHaveURL(new RegExp(`#/residents\\?id=${ids.high}`));
  await page.getByRole('tab', { name: '指标趋势' }).click();
  await expect(page.getByTestId('resident-trend-bp').locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('resident-trend-weight')).toBeVisible();
  await shot('resident-trend-zh-CN');
  await largeText(true);
  await shot('resident-trend-zh-CN-large');
  await largeText(false);
});

test('the monthly report exports as .xlsx that reads back with who made it', async () => {
  await page.keyboard.press('Alt+Digit8');
  await expect(page.getByTestId('rate-htnControlRate')).toHaveText('50.0%');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`${today.slice(0, 7)}\\.xlsx$`));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(await download.path()) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('指标')!;
  const cells = (n: number) => Array.from({ length: 9 }, (_v, i) => ws.getRow(n).getCell(i + 1).text);
  const rows = Array.from({ length: ws.rowCount }, (_v, i) => cells(i + 1));
  expect(rows.find((r) => r[1] === '制表人')?.[2]).toBe('李医生');
  expect(rows.find((r) => r[1] === '管理人群血压控制率')?.slice(3, 7)).toEqual(['1', '已管理高血压患者人数', '2', '50']);
});

test('an identifiable list asks first and says what the file holds', async () => {
  await page.getByTestId('open-htnControlRate-denominator').click();
  await expect(page.getByTestId('behind-list')).toContainText('李高');
  await page.getByTestId('export-list').click();
  await expect(page.getByTestId('export-confirm-body')).toContainText('身份证号');
  await expect(page.getByTestId('export-confirm-body')).toContainText('2 位居民');
  await shot('reports-export-confirm-zh-CN');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '确认导出' }).click()]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(await download.path()) as unknown as ArrayBuffer);
  expect(wb.worksheets[0]!.getCell('A1').text).toContain('可识别个人信息');
  await page.keyboard.press('Escape');
});

test('a population entered in 设置 is used and shown beside the rate', async () => {
  await page.keyboard.press('Alt+Digit9');
  await page.getByRole('tab', { name: '报表分母' }).click();
  const admin = page.getByTestId('denominators-admin');
  await admin.getByLabel('村').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '东光村' }).click();
  await admin.getByLabel('人数').fill('40');
  await admin.getByLabel('日期').fill(`${today.slice(0, 4)}-01-01`);
  await admin.getByLabel('日期').press('Enter');
  await admin.getByRole('button', { name: '添加' }).click();
  await expect(admin.locator('.ant-table')).toContainText('40');
  await shot('settings-denominators-zh-CN');
  await largeText(true);
  await shot('settings-denominators-zh-CN-large');
  await largeText(false);
  await page.keyboard.press('Alt+Digit8');
  await expect(page.getByTestId('rate-recordCoverageRate')).toHaveText('5.0%');
  await expect(page.getByTestId('den-recordCoverageRate')).toContainText(`录入 ${today.slice(0, 4)}-01-01`);
});

test('import: the mapping is suggested, the dry run says why a row is refused, the import creates the rest', async () => {
  await page.keyboard.press('Alt+Digit9');
  await page.getByRole('tab', { name: '导入居民' }).click();
  const panel = page.getByTestId('import-panel');
  const good = idNumber('1962-03-04', 41);
  const badCheck = idNumber('1963-05-06', 43).slice(0, 17) + (idNumber('1963-05-06', 43).endsWith('0') ? '1' : '0');
  const csv = ['姓名,性别,出生日期,身份证号,所属村,户号,与户主关系', `赵导入,男,1962-03-04,${good},东光村,H1,户主`, `钱错号,男,1963-05-06,${badCheck},东光村,H1,配偶`].join('\n');
  await panel.locator('input[type=file]').setInputFiles({ name: 'old.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(panel).toContainText('old.csv');
  await expect(page.getByTestId('import-mapping')).toContainText('赵导入');
  await page.getByTestId('import-dry-run').click();
  await expect(page.getByTestId('import-summary')).toContainText('新建 1，更新 0，无变化 0，拒绝 1');
  await expect(panel).toContainText('身份证号校验位不正确');
  await shot('import-dry-run-zh-CN');
  await largeText(true);
  await shot('import-dry-run-zh-CN-large');
  await largeText(false);
  await page.getByTestId('import-run').click();
  await expect(page.getByText('已导入：新建 1，更新 0')).toBeVisible();
});

test('import: a 2,000-row .xlsx with 50 bad rows and 30 duplicates is reported exactly, imported, and importing again changes nothing', async () => {
  test.setTimeout(600_000);
  for (const e of EXISTING) await call('residents.create', { input: existingInput(e.n, VILLAGE) });
  const built = build(EXISTING);
  const panel = page.getByTestId('import-panel');
  await panel.locator('input[type=file]').setInputFiles({
    name: 'old-system.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from(await xlsx(built.rows), 'base64'),
  });
  await expect(page.getByTestId('import-mapping')).toContainText('居民0', { timeout: 120_000 });
  const summary = page.getByTestId('import-summary');
  await page.getByTestId('import-dry-run').click();
  // 15 duplicates bring a new phone number (updates), 15 are the same (unchanged).
  await expect(summary).toContainText(`新建 ${ROWS - BAD - DUPLICATES}，更新 ${DUPLICATES / 2}，无变化 ${DUPLICATES / 2}，拒绝 ${BAD}`, { timeout: 120_000 });
  await page.getByTestId('import-run').click();
  await expect(page.getByText(`已导入：新建 ${ROWS - BAD - DUPLICATES}，更新 ${DUPLICATES / 2}`)).toBeVisible({ timeout: 180_000 });
  await page.getByTestId('import-run').click();
  await expect(summary).toContainText(`新建 0，更新 0，无变化 ${ROWS - BAD}，拒绝 ${BAD}`, { timeout: 180_000 });
  expect((await call<{ id: string }[]>('residents.search', { query: '居民1999' })).length).toBe(1);
});

test('the print sheet becomes an A4 PDF', async () => {
  await page.keyboard.press('Alt+Digit8');
  await expect(page.getByTestId('rate-htnControlRate')).toHaveText('50.0%');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('report-print')).toBeVisible();
  await page.pdf({ path: join(SCREENSHOTS, 'reports-print.pdf'), format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  expect(foreignPdfFonts(join(SCREENSHOTS, 'reports-print.pdf'))).toEqual([]);
  await expect(page.getByTestId('report-print')).toBeHidden();
});

test('no page errors', () => {
  expect(pageErrors).toEqual([]);
});
