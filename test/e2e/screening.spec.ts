/**
 * Screening and TCM end to end (issue 12): an outpatient BP of 160/100 on a 40-year-old makes him 疑似 and puts a
 * re-measurement on the work list; high readings on three different days prompt enrolment; a TCM assessment for a
 * 70-year-old ticks the contract item 中医药健康管理. Residents, team and contract are made through the API.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addDays, dateInZone, DEFAULT_TIME_ZONE } from '../../shared/domain/dates';
import { type E2eHost, initClinic, makeDataDir, ROOT, signIn, startHost, apiCall, idNumber } from './fixtures';

test.describe.configure({ mode: 'serial' });

const VILLAGE = '441521101201';
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let host: E2eHost;
let page: Page;
const pageErrors: string[] = [];
const today = dateInZone(Date.now(), DEFAULT_TIME_ZONE);
const ids = { chen: '', liu: '', contract: '' };

async function call<T>(method: string, input: unknown): Promise<T> {
  return apiCall<T>(host, method, input);
}

async function createResident(name: string, birthDate: string, sex: '1' | '2', seq: number): Promise<string> {
  const r = await call<{ resident: { id: string } }>('residents.create', {
    input: { name, createdDate: today, sex, birthDate, idNumber: idNumber(birthDate, seq), phone: `1391234${String(seq).padStart(4, '0')}`, villageCode: VILLAGE },
  });
  return r.resident.id;
}

async function openScreeningTab(residentId: string): Promise<void> {
  await page.evaluate((id) => (window.location.hash = `#/residents?id=${id}&tab=screening`), residentId);
  await expect(page.getByRole('tab', { name: '筛查与测量', selected: true })).toBeVisible();
}

async function measure(values: { date?: string; sbp: number; dbp: number }): Promise<void> {
  const form = page.getByRole('form', { name: '门诊测量（测血压 / 测血糖）' });
  if (values.date) {
    await form.getByLabel('日期').fill(values.date);
    await form.getByLabel('日期').press('Enter');
  }
  await form.getByLabel('收缩压').fill(String(values.sbp));
  await form.getByLabel('舒张压').fill(String(values.dbp));
  await form.getByLabel('舒张压').press('Enter');
  await expect(form.getByLabel('收缩压')).toHaveValue('');
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  ids.chen = await createResident('陈立新', addDays(today, -(40 * 365 + 30)), '1', 41);
  ids.liu = await createResident('刘桂兰', addDays(today, -(70 * 365 + 30)), '2', 42);
  await call('teams.save', {
    team: { teamName: '赤坑镇第一团队', leaderId: 'd1', members: [{ staffId: 'd1', name: '李医生', role: 'familyDoctor' }], villages: [VILLAGE] },
  });
  const teamId = (await call<{ teamId: string }[]>('teams.list', {}))[0]?.teamId ?? '';
  const [contract] = await call<{ id: string }[]>('contracts.sign', {
    residentId: ids.liu,
    teamId,
    doctorId: 'd1',
    startDate: today,
    signDate: today,
    residentSignature: PNG,
    doctorSignature: PNG,
  });
  ids.contract = contract?.id ?? '';
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

test('an outpatient BP of 160/100 on a 40-year-old makes him 疑似 and puts a re-measurement on the work list', async () => {
  await openScreeningTab(ids.chen);
  await expect(page.getByTestId('screening-htn')).toHaveAttribute('data-state', 'yearlyDue');
  await measure({ sbp: 160, dbp: 100 });
  await expect(page.getByTestId('screening-htn')).toHaveAttribute('data-state', 'suspected');
  await expect(page.getByTestId('screening-htn')).toContainText('疑似，待非同日复测');
  await page.screenshot({ path: join(SCREENSHOTS, 'screening-suspected-zh-CN.png'), fullPage: true });

  await page.keyboard.press('Alt+Digit1');
  // His hypertension re-measurement (diabetes screening is a row of its own).
  const row = page.locator('.worklist-group tr.work-row[data-kind="screening"]', { hasText: '陈立新' }).filter({ hasText: '疑似，需非同日复测' });
  await expect(row).toContainText(addDays(today, 7));
  await page.screenshot({ path: join(SCREENSHOTS, 'worklist-screening-zh-CN.png'), fullPage: true });
});

test('high readings on three different days lead to the enrolment prompt', async () => {
  await openScreeningTab(ids.chen);
  await measure({ date: addDays(today, -6), sbp: 150, dbp: 96 });
  await expect(page.getByTestId('screening-htn')).toHaveAttribute('data-state', 'suspected');
  await measure({ date: addDays(today, -3), sbp: 148, dbp: 94 });
  await expect(page.getByTestId('screening-htn')).toHaveAttribute('data-state', 'confirmed');
  await expect(page.getByTestId('enrol-prompt-htn')).toContainText('建议纳入慢病管理');
  await expect(page.getByTestId('enrol-prompt-htn')).toContainText('建议转上级医院确诊');
  await page.screenshot({ path: join(SCREENSHOTS, 'screening-confirmed-zh-CN.png'), fullPage: true });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.screenshot({ path: join(SCREENSHOTS, 'screening-confirmed-large.png'), fullPage: true });
  await page.getByRole('switch', { name: '大字模式' }).click();
});

test('a TCM assessment for a 70-year-old ticks the contract item 中医药健康管理', async () => {
  // 33 answers are 33 clicks on a shared two-core machine.
  test.setTimeout(180_000);
  const item = async () =>
    (await call<{ fulfilment: { items: { serviceCode: string; delivered: number }[] } }>('contracts.get', { id: ids.contract })).fulfilment.items.find(
      (i) => i.serviceCode === 'tcmHealth',
    );
  expect((await item())?.delivered).toBe(0);
  await openScreeningTab(ids.liu);
  await expect(page.getByText('65岁及以上老年人每年一次')).toBeVisible();
  await page.getByRole('button', { name: '中医体质辨识' }).click();
  const form = page.getByTestId('tcm-form');
  // 阳虚质: items 11, 12, 13, 29 at 3, 3, 3, 2 → 11 (是); every other item 1.
  const score: Record<number, number> = { 11: 3, 12: 3, 13: 3, 29: 2 };
  for (let no = 1; no <= 33; no++) {
    await form.getByTestId(`tcm-item-${no}`).getByRole('radio').nth((score[no] ?? 1) - 1).check();
  }
  await expect(form.getByTestId('tcm-guidance-yangXu')).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'tcm-form-zh-CN.png'), fullPage: true });
  await form.getByLabel('医生签名').fill('李医生');
  await form.getByRole('button', { name: '保存并完成' }).click();
  await expect(page.getByTestId('tcm-done')).toContainText('阳虚质');
  await page.screenshot({ path: join(SCREENSHOTS, 'screening-tcm-done-zh-CN.png'), fullPage: true });
  await expect.poll(async () => (await item())?.delivered).toBe(1);
  expect(pageErrors).toEqual([]);
});
