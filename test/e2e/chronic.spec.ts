/**
 * The chronic-care scenario end to end (issue 5): a team is set up and a household signed in the UI with a drawn
 * signature, a diabetic resident is enrolled and followed up with fasting glucose 8.2 (控制不满意), the work list shows
 * the 2-week re-check on today + 14 days (live, through `worklist.changed`), the contract's fulfilment counts the
 * visit, and SBP 185 is flagged as it is typed. Also: an amendment, an urgent referral and its 2-week check, one
 * visit filling both forms, the resident-page tabs, large text and English. Residents and the household are made
 * through the API over the host's WebSocket so this spec does not depend on the residents forms.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addDays, dateInZone, DEFAULT_TIME_ZONE } from '../../shared/domain/dates';
import { type E2eHost, foreignPdfFonts, initClinic, makeDataDir, ROOT, signIn, startHost, apiCall, idNumber } from './fixtures';

test.describe.configure({ mode: 'serial' });

const VILLAGE = '441521101201';
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

let host: E2eHost;
let page: Page;
let watcher: Page;
const pageErrors: string[] = [];
const ids = { head: '', spouse: '' };
const today = dateInZone(Date.now(), DEFAULT_TIME_ZONE);
const recheck = addDays(today, 14);

/** One call over the host's WebSocket, as the renderer makes it (token from the printed URL). */
async function call<T>(method: string, input: unknown): Promise<T> {
  return apiCall<T>(host, method, input);
}

async function createResident(name: string, birthDate: string, sex: '1' | '2', seq: number): Promise<string> {
  const r = await call<{ resident: { id: string } }>('residents.create', {
    input: { name, createdDate: today, sex, birthDate, idNumber: idNumber(birthDate, seq), phone: `1381234${String(seq).padStart(4, '0')}`, villageCode: VILLAGE },
  });
  return r.resident.id;
}

/** Types into the resident picker and chooses the match. */
async function pickResident(p: Page, id: string, name: string): Promise<void> {
  const box = p.locator(`#${id}`);
  await box.click();
  await box.pressSequentially(name);
  await p.locator('.ant-select-item-option').filter({ hasText: name }).first().click();
}

async function drawSignature(p: Page, testId: string): Promise<void> {
  const pad = p.getByTestId(testId);
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  if (!b) throw new Error('signature pad not visible');
  await p.mouse.move(b.x + 40, b.y + 100);
  await p.mouse.down();
  for (const [dx, dy] of [[80, 40], [140, 110], [200, 50], [260, 120], [320, 60]] as const) await p.mouse.move(b.x + dx, b.y + dy, { steps: 4 });
  await p.mouse.up();
}

async function fulfilmentDelivered(p: Page): Promise<number> {
  const text = (await p.getByTestId('fulfilment-count').textContent()) ?? '';
  return Number(/已完成 (\d+)/.exec(text)?.[1] ?? NaN);
}

let deliveredBefore = 0;

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // A failed request is reported below with its address, which says more than the console's line.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  ids.head = await createResident('王建国', '1958-04-12', '1', 21);
  ids.spouse = await createResident('李秀兰', '1960-09-03', '2', 22);
  const household = await call<{ id: string }>('households.create', { headResidentId: ids.head, address: '东光村三巷8号' });
  await call('households.addMember', { id: household.id, residentId: ids.spouse, relation: 'spouse' });
});

test.afterAll(async () => {
  if (watcher) await watcher.close();
  if (page) await page.close();
  if (host) await host.stop();
});

test('a diabetic resident is enrolled from the 随访 section and appears on the work list as newly enrolled', async () => {
  await page.keyboard.press('Alt+Digit3');
  await expect(page.locator('main h1')).toHaveText('随访');
  await pickResident(page, 'followup-resident', '王建国');
  await expect(page.getByTestId('resident-line')).toContainText('王建国');
  const registries = page.getByTestId('registries');
  await registries.getByRole('button', { name: '纳入管理' }).nth(1).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('确诊日期').fill(addDays(today, -400));
  await dialog.getByLabel('确诊日期').press('Enter');
  await dialog.getByLabel('确诊机构').fill('海丰县人民医院');
  await dialog.getByRole('button', { name: '纳入管理' }).click();
  await expect(registries).toContainText('管理中');

  await page.keyboard.press('Alt+Digit1');
  // Rows are grouped by what to do today; a follow-up row says its kind.
  const row = page.locator('.worklist-group tr.work-row[data-kind="followup"]', { hasText: '王建国' });
  await expect(row).toContainText('新纳入管理，需首次随访');
});

test('a household is signed to a team made in the UI, with the signature drawn on screen and a printable agreement', async () => {
  await page.keyboard.press('Alt+Digit5');
  await expect(page.locator('main h1')).toHaveText('签约');
  await page.getByRole('tab', { name: '团队' }).click();
  await page.getByRole('button', { name: '添加团队' }).click();
  await page.getByLabel('团队名称').fill('东光村家庭医生团队');
  await page.getByLabel('姓名 1').fill('陈志明');
  await page.getByLabel('团队负责人').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '陈志明' }).click();
  await page.getByLabel('服务村').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '东光村' }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('table')).toContainText('东光村家庭医生团队');

  await page.getByRole('tab', { name: '签约', exact: true }).click();
  await pickResident(page, 'sign-resident', '王建国');
  await page.getByText(/全家签约：王建国、李秀兰|全家签约：李秀兰、王建国/).click();
  await page.getByLabel('签约团队').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '东光村家庭医生团队' }).click();
  await expect(page.getByTestId('doctor-signature-name')).toHaveText('陈志明');
  await drawSignature(page, 'resident-signature');
  await page.getByRole('button', { name: '签约', exact: true }).click();

  const detail = page.getByTestId('contract-detail');
  await expect(detail).toBeVisible();
  await expect(page.getByTestId('contract-status')).toHaveText('履约中');
  const agreement = page.getByTestId('agreement');
  await expect(agreement).toContainText('家庭医生签约服务协议书');
  await expect(agreement).toContainText('王建国');
  await expect(agreement).toContainText('李秀兰');
  await expect(agreement.locator('img.signature-image')).toHaveCount(2);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.side-nav')).toBeHidden();
  await expect(agreement).toBeVisible();
  // On paper every glyph has the bundled font (issue 16 §5).
  const pdf = test.info().outputPath('agreement.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  expect(foreignPdfFonts(pdf)).toEqual([]);
  await page.emulateMedia({ media: 'screen' });
  await expect(page.getByTestId('fulfilment')).toContainText('2型糖尿病患者随访');
  deliveredBefore = await fulfilmentDelivered(page);
});

test('SBP 185 is flagged red with 紧急转诊 the moment it is typed', async () => {
  await page.keyboard.press('Alt+Digit3');
  await pickResident(page, 'followup-resident', '王建国');
  const sbp = page.getByTestId('sbp');
  await expect(sbp).toBeVisible();
  await sbp.fill('185');
  // No blur, no save: the shared rules run on the keystroke.
  await expect(page.getByTestId('emergency-t2dm')).toContainText('收缩压 ≥ 180 mmHg，需紧急转诊');
  await expect(page.getByTestId('emergency-t2dm')).toContainText('紧急转诊');
  await sbp.fill('');
  await expect(page.getByTestId('emergency-t2dm')).toHaveCount(0);
});

test('a diabetes follow-up with fasting glucose 8.2 is 控制不满意 with the next visit in 14 days; the work list updates live', async () => {
  watcher = await page.context().browser()!.newPage();
  await watcher.goto(host.url);
  await expect(watcher.locator('main h1')).toHaveText('工作台');
  await expect(watcher.locator('.worklist-group tr.work-row[data-kind="followup"]', { hasText: '王建国' })).toBeVisible();

  await page.getByTestId('sbp').fill('132');
  await page.getByTestId('dbp').fill('82');
  await page.getByTestId('glucose').fill('8.2');
  const t2dm = page.getByTestId('disease-t2dm');
  await t2dm.getByLabel('无症状').check();
  await page.locator('.ant-form-item').filter({ hasText: '服药依从性' }).getByText('规律', { exact: true }).click();
  await page.getByRole('button', { name: '添加药物' }).first().click();
  await page.getByLabel('药物名称 1').fill('二甲双胍');
  await page.locator('.ant-form-item').filter({ hasText: '药物不良反应' }).getByText('无', { exact: true }).click();
  await page.getByTestId('has-emergency').getByText('无', { exact: true }).click();
  await expect(page.getByTestId('proposed-class-t2dm')).toHaveText('控制不满意');
  await expect(page.getByTestId('proposed-step-t2dm')).toHaveText('第1次控制不满意2周随访');
  await expect(page.getByTestId('proposed-date-t2dm')).toHaveText(recheck);
  await page.screenshot({ path: join(SCREENSHOTS, 'followup-form-zh-CN.png'), fullPage: true });
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(page.getByText('随访已完成')).toBeVisible();

  const group = watcher.locator('.worklist-group[data-group="recheck"]');
  await expect(group).toContainText('王建国');
  await expect(group).toContainText(recheck);
  await expect(group.getByTestId('yearly').first()).toHaveText(/糖尿病 1\/\d 季度已面访/);
  await watcher.screenshot({ path: join(SCREENSHOTS, 'worklist-zh-CN.png'), fullPage: true });
});

test('the contract fulfilment counts the follow-up and its glucose test', async () => {
  await page.keyboard.press('Alt+Digit5');
  await page.getByRole('tab', { name: '居民协议' }).click();
  await pickResident(page, 'contract-resident', '王建国');
  await expect(page.getByTestId('fulfilment')).toBeVisible();
  await expect.poll(() => fulfilmentDelivered(page)).toBeGreaterThan(deliveredBefore);
  const row = page.getByTestId('fulfilment').locator('tr').filter({ hasText: '2型糖尿病患者随访' });
  await expect(row.locator('td').nth(2)).toHaveText('1');
});

test('a completed follow-up is corrected by an amendment with a reason; the original stays', async () => {
  await page.goto(`${host.origin}/#/followups?residentId=${ids.head}`);
  await page.getByRole('tab', { name: /随访记录/ }).click();
  await page.getByRole('button', { name: '更正' }).click();
  await expect(page.getByText(/更正 .* 已完成的随访记录/)).toBeVisible();
  await expect(page.getByTestId('glucose')).toHaveValue('8.2');
  await page.getByTestId('sbp').fill('134');
  await page.getByRole('button', { name: '保存更正' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('更正原因（必填）').fill('血压录入错误');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('更正已保存')).toBeVisible();
  await page.getByRole('tab', { name: /随访记录/ }).click();
  await expect(page.getByRole('tabpanel')).toContainText('已更正');
  await expect(page.getByRole('tabpanel')).toContainText('134/82');
});

test('an urgent referral (SBP 185) is completed with its referral, listed as a referral check, and checked as 到位', async () => {
  await call('registries.enrol', {
    residentId: ids.spouse,
    enrolment: { disease: 'htn', diagnosisDate: addDays(today, -800), diagnosingOrg: '海丰县人民医院', enrolledDate: addDays(today, -30) },
  });
  await page.goto(`${host.origin}/#/followups?residentId=${ids.spouse}`);
  await page.getByTestId('sbp').fill('185');
  await page.getByTestId('dbp').fill('100');
  await page.getByTestId('disease-htn').getByLabel('无症状').check();
  await page.locator('.ant-form-item').filter({ hasText: '服药依从性' }).getByText('不服药', { exact: true }).click();
  await page.locator('.ant-form-item').filter({ hasText: '药物不良反应' }).getByText('无', { exact: true }).click();
  await page.getByTestId('has-emergency').getByText('无', { exact: true }).click();
  await expect(page.getByTestId('emergency-htn')).toContainText('收缩压 ≥ 180 mmHg');
  await expect(page.getByTestId('proposed-step-htn')).toHaveText('紧急转诊');
  await expect(page.getByTestId('proposed-date-htn')).toHaveText(recheck);
  await page.getByLabel('转诊原因').fill('血压过高');
  await page.getByLabel('转诊机构及科室').fill('海丰县人民医院心内科');
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(page.getByText('随访已完成')).toBeVisible();

  await expect(watcher.locator('.worklist-group[data-group="referral"]')).toContainText('李秀兰');
  await page.getByRole('tab', { name: /转诊追踪（1）/ }).click();
  await page.getByRole('button', { name: '记录转诊结果' }).click();
  const dialog = page.getByRole('dialog');
  // A click while the dialog still opens can be lost (seen once under CI load): click until the choice holds.
  await expect(async () => {
    await dialog.getByText('到位', { exact: true }).click();
    await expect(dialog.getByRole('radio', { name: '到位', exact: true })).toBeChecked({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('到位');
  await expect(watcher.locator('.worklist-group[data-group="referral"]')).toHaveCount(0);
});

test('one visit fills both forms for a patient with hypertension and diabetes, measurements typed once', async () => {
  const both = await createResident('张桂芳', '1955-01-20', '2', 24);
  for (const disease of ['htn', 't2dm'] as const) {
    await call('registries.enrol', {
      residentId: both,
      enrolment: { disease, diagnosisDate: addDays(today, -900), diagnosingOrg: '海丰县人民医院', enrolledDate: addDays(today, -200) },
    });
  }
  await page.goto(`${host.origin}/#/followups?residentId=${both}`);
  await expect(page.getByTestId('disease-htn')).toBeVisible();
  await expect(page.getByTestId('disease-t2dm')).toBeVisible();
  await page.getByTestId('sbp').fill('128');
  await page.getByTestId('dbp').fill('78');
  await page.getByTestId('glucose').fill('6.1');
  await page.getByTestId('disease-htn').getByLabel('无症状').check();
  await page.getByTestId('disease-t2dm').getByLabel('无症状').check();
  await page.locator('.ant-form-item').filter({ hasText: '服药依从性' }).getByText('不服药', { exact: true }).click();
  await page.locator('.ant-form-item').filter({ hasText: '药物不良反应' }).getByText('无', { exact: true }).click();
  await page.getByTestId('has-emergency').getByText('无', { exact: true }).click();
  await expect(page.getByTestId('proposed-class-htn')).toHaveText('控制满意');
  await expect(page.getByTestId('proposed-class-t2dm')).toHaveText('控制满意');
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(page.getByText('随访已完成')).toBeVisible();
  await page.getByRole('tab', { name: /随访记录（2）/ }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel.locator('tr').filter({ hasText: '高血压' })).toContainText('128/78');
  await expect(panel.locator('tr').filter({ hasText: '2型糖尿病' })).toContainText('128/78 · 6.1 mmol/L');
});

test('the resident page shows the registries and the contract in tabs added from these features', async () => {
  await page.goto(`${host.origin}/#/residents?id=${ids.head}`);
  await page.getByRole('tab', { name: '慢病管理' }).click();
  await expect(page.getByTestId('resident-chronic-tab')).toContainText('管理中');
  await expect(page.getByTestId('resident-chronic-tab')).toContainText('控制不满意');
  await page.getByRole('tab', { name: '签约', exact: true }).click();
  await expect(page.getByTestId('resident-contracts-tab')).toContainText('履约中');
  await expect(page.getByTestId('resident-contracts-tab')).toContainText('东光村家庭医生团队');
});

test('in large-text mode and in English the work list, follow-up form and agreement lay out without sideways scrolling', async () => {
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.getByText('English', { exact: true }).click();
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  await page.keyboard.press('Alt+Digit1');
  await expect(page.locator('main h1')).toHaveText('Work list');
  await expect(page.locator('.worklist-group[data-group="recheck"]')).toContainText('2-week re-check');
  expect(await fits()).toBe(true);
  await page.goto(`${host.origin}/#/followups?residentId=${ids.head}`);
  await expect(page.getByTestId('decision-t2dm')).toContainText('Next visit');
  expect(await fits()).toBe(true);
  await page.screenshot({ path: join(SCREENSHOTS, 'followup-form-en-large.png'), fullPage: true });
  await page.goto(`${host.origin}/#/contracts?residentId=${ids.head}`);
  await expect(page.getByTestId('agreement')).toContainText('Family-doctor service agreement');
  expect(await fits()).toBe(true);
  await page.getByText('中文', { exact: true }).click();
  await page.getByRole('switch', { name: '大字模式' }).click();
  await expect(page.locator('main h1')).toHaveText('签约');
});

test('no page errors', () => {
  expect(pageErrors).toEqual([]);
});
