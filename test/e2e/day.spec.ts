/**
 * A village doctor's day on the demo clinic (issue 16), in Chromium at 1366×768: calm pages for sections still being
 * built, a status bar without a permanent red dot, sex options in the usual order, the time zone by its Chinese name,
 * and a sign-in that ends when the browser is closed. Screenshots of the changed screens go to
 * test-results/screenshots/ (normal and large text).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { type E2eHost, makeDataDir, ROOT, startHost, setLargeText, shootBothSizes } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1366, height: 768 };
const DOCTOR = { username: 'wang', password: 'demo-doctor-2026' };
const ADMIN = { username: 'admin', password: 'demo-admin-2026' };
let host: E2eHost;
let page: Page;

test.beforeAll(async ({ browser }) => {
  // Seeding the demo township takes a while on a busy 2-core machine.
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  const made = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main/cli/index.ts', 'demo', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (made.status !== 0) throw new Error(`cunyi demo failed (${made.status}): ${made.stderr}`);
  // A shorter grace period, so the test of closing the browser does not wait ten seconds (the host reads it at
  // start); long enough that a reload on a loaded machine (2 cores, CI) reconnects inside it.
  process.env['CUNYI_CLOSED_LOCK_MS'] = '4000';
  host = await startHost(dataDir);
  delete process.env['CUNYI_CLOSED_LOCK_MS'];
  page = await browser.newPage({ viewport: VIEWPORT });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

async function signIn(p: Page, who: { username: string; password: string }): Promise<void> {
  const username = p.getByLabel('用户名');
  await username.fill(who.username);
  await p.getByLabel('密码', { exact: true }).fill(who.password);
  await p.getByLabel('密码', { exact: true }).press('Enter');
  await expect(p.locator('main h1')).toBeVisible();
}

async function shoot(name: string): Promise<void> {
  await shootBothSizes(page, SHOTS, `day-${name}`);
}

test('the doctor signs in on the demo clinic', async () => {
  await page.goto(host.url);
  await signIn(page, DOCTOR);
  await expect(page.locator('main h1')).toHaveText('工作台');
});

test('the work list opens on the doctor\'s own patients, grouped with counts, and the page stays short', async () => {
  await expect(page.getByTestId('worklist-scope')).toContainText('王村医');
  // Each group fetches its own first page.
  await expect(page.locator('.worklist-group tbody tr.work-row').first()).toBeVisible();
  const doctors = await page.locator('.worklist-group tbody tr td:last-child').allInnerTexts();
  expect(doctors.length).toBeGreaterThan(5);
  expect(new Set(doctors)).toEqual(new Set(['王村医']));
  const groups = await page.locator('.worklist-group').count();
  expect(groups).toBeGreaterThan(1);
  for (let i = 0; i < groups; i++) {
    expect(await page.locator('.worklist-group').nth(i).locator('tbody tr.work-row').count()).toBeLessThanOrEqual(10);
  }
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeLessThan(6000);
  await shoot('worklist-mine');
});

/** Cells marked `nowrap` (names, villages, dates, record numbers) whose text takes more than one line. */
function wrappedCells(p: Page): Promise<string[]> {
  return p.evaluate(() =>
    Array.from(document.querySelectorAll('main td.nowrap'))
      .filter((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        return tops.size > 1;
      })
      .map((td) => td.textContent ?? ''),
  );
}

test('large text: no name, village, date or record number wraps; the residents list keeps 8 rows on screen', async () => {
  await setLargeText(page, true);
  await page.keyboard.press('Alt+Digit1');
  await expect(page.locator('.worklist-group').first()).toBeVisible();
  expect(await page.locator('main td.nowrap').count()).toBeGreaterThan(10);
  expect(await wrappedCells(page)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main a[href^="#/residents?id="]').first()).toBeVisible();
  expect(await wrappedCells(page)).toEqual([]);
  // Polled: the virtual table lays its rows out again after the switch to large text (read once as 0 under load).
  const rowsOnScreen = () =>
    page.evaluate(
      () =>
        Array.from(document.querySelectorAll('main .ant-table-tbody .ant-table-cell.nowrap:first-child, main .ant-table-row'))
          .map((el) => el.getBoundingClientRect())
          .filter((r) => r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight - 36).length,
    );
  await expect.poll(rowsOnScreen).toBeGreaterThanOrEqual(8);
  await page.screenshot({ path: join(SHOTS, 'day-residents-large.png') });
  await setLargeText(page, false);
  await page.keyboard.press('Alt+Digit1');
});

test('a clinic that never synced shows the doctor 同步 calmly: who connects it, no warning icon', async () => {
  // Every section is a real screen now; 同步 was the last to be built (issue 13).
  await page.keyboard.press('Alt+Digit7');
  await expect(page.locator('main h1')).toHaveText('同步');
  await expect(page.getByTestId('coming-later')).toHaveCount(0);
  await expect(page.getByText('本机还没有接入县平台。请管理员登录后在这里接入。')).toBeVisible();
  await expect(page.locator('main .ant-result-icon, main .anticon-exclamation-circle, main .anticon-info-circle')).toHaveCount(0);
  await shoot('sync-not-enrolled');
});

test('a clinic that never synced says 未连接平台, without a red dot', async () => {
  const network = page.getByTestId('status-network');
  await expect(network).toHaveText('未连接平台');
  const dot = await network.locator('.dot').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(dot).not.toBe('rgb(193, 41, 46)');
  await expect(page.locator('.status-bar')).not.toContainText('离线');
});

test('the new-record form offers 男 and 女 before the rare sex codes', async () => {
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  await page.getByRole('button', { name: '新建档案' }).click();
  const sex = page.getByRole('radiogroup', { name: '性别' });
  await expect(sex.getByRole('radio')).toHaveCount(4);
  expect(await sex.locator('label').allInnerTexts()).toEqual(['男', '女', '未知的性别', '未说明的性别']);
  await page.getByRole('button', { name: '取消' }).click();
});

test('设置 shows the time zone as 北京时间', async () => {
  await page.keyboard.press('Alt+Digit9');
  await expect(page.locator('main h1')).toHaveText('设置');
  await expect(page.locator('#settings-time-zone')).toHaveValue(/北京时间/);
  await expect(page.locator('main')).not.toContainText('Asia/Shanghai');
});

/** Opens a new hypertension follow-up from the work list, as the doctor would. */
async function openHtnFollowupFromWorklist(): Promise<void> {
  await page.keyboard.press('Alt+Digit1');
  await expect(page.locator('main h1')).toHaveText('工作台');
  const link = page.locator('main a[href*="open=new"][href*="disease=htn"]').first();
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByTestId('sbp')).toBeVisible();
}

const fieldItem = (testId: string) => page.locator('.ant-form-item').filter({ has: page.getByTestId(testId) }).first();

test('follow-up numbers are never changed silently: out of range and letters stay as typed, marked with the range', async () => {
  await openHtnFollowupFromWorklist();
  const sbp = page.getByTestId('sbp');
  await sbp.fill('400');
  await sbp.press('Tab');
  await expect(sbp).toHaveValue('400');
  await expect(fieldItem('sbp')).toContainText('超出范围：应在 40–300 mmHg 之间');

  await sbp.fill('15o');
  await sbp.press('Tab');
  await expect(sbp).toHaveValue('15o');
  await expect(fieldItem('sbp')).toContainText('请输入数字，范围 40–300 mmHg');

  // Full-width digits from a Chinese input method are accepted and shown as ASCII once the field is left.
  const dbp = page.getByTestId('dbp');
  await dbp.fill('８５');
  await dbp.press('Tab');
  await expect(dbp).toHaveValue('85');
  await expect(fieldItem('dbp')).not.toContainText('请输入数字');

  // Neither a draft nor the completed visit is saved; the red field is brought into view.
  await page.mouse.wheel(0, 2000);
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByText('请先修改标红的项目')).toBeVisible();
  await expect(page.getByText('草稿已保存')).toHaveCount(0);
  await expect(sbp).toBeInViewport();
  await expect(sbp).toBeFocused();
  await page.mouse.wheel(0, 2000);
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(sbp).toBeInViewport();
  await expect(sbp).toHaveValue('15o');

  await sbp.fill('１５０');
  await sbp.press('Tab');
  await expect(sbp).toHaveValue('150');
  await expect(fieldItem('sbp')).not.toContainText('请输入数字');
});

test('a future visit date is refused at the field, not reverted to today', async () => {
  const date = page.locator('#visitDate');
  const today = await date.inputValue();
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await date.click();
  await date.fill(tomorrow);
  await date.press('Enter');
  await page.getByTestId('sbp').click();
  await expect(date).toHaveValue(tomorrow);
  await expect(page.locator('.ant-form-item').filter({ has: date }).first()).toContainText(`日期不能晚于今天（${today}）`);
  await date.click();
  await date.fill(today);
  await date.press('Enter');
});

test('the save bar never covers a field, and 收缩压 shows on the first screen', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('main').evaluate((el) => el.scrollTo?.(0, 0));
  const sbp = await page.getByTestId('sbp').boundingBox();
  expect(sbp).not.toBeNull();
  expect((sbp?.y ?? 0) + (sbp?.height ?? 0)).toBeLessThan(768);
  const overlaps = await page.evaluate(() => {
    const bar = document.querySelector('.followup-form .form-actions')?.getBoundingClientRect();
    if (!bar) return ['no save bar'];
    return Array.from(document.querySelectorAll('.followup-form input, .followup-form textarea'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.bottom > bar.top && r.top < bar.bottom && r.right > bar.left && r.left < bar.right)
      .map(({ el }) => el.getAttribute('aria-label') ?? el.id);
  });
  expect(overlaps).toEqual([]);
  await shoot('followup-form');
  await page.getByRole('button', { name: '取消' }).last().click();
});

test('a same-day draft is offered when the work list opens a new follow-up for that patient', async () => {
  await openHtnFollowupFromWorklist();
  const href = page.url();
  await page.getByTestId('sbp').fill('152');
  await page.getByTestId('dbp').fill('88');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByText('草稿已保存')).toBeVisible();
  await page.keyboard.press('Alt+Digit1');
  await expect(page.locator('main h1')).toHaveText('工作台');
  await page.goto(href);
  await expect(page.getByTestId('same-day-draft')).toContainText('今天');
  await page.getByRole('button', { name: '继续这份草稿' }).click();
  await expect(page.getByTestId('sbp')).toHaveValue('152');
  await expect(page.getByTestId('same-day-draft')).toHaveCount(0);
});

test('Enter moves to the next field in the follow-up form, as on the health check', async () => {
  await openHtnFollowupFromWorklist();
  const offer = page.getByTestId('same-day-draft');
  if (await offer.count()) await page.getByRole('button', { name: '继续这份草稿' }).click();
  const sbp = page.getByTestId('sbp');
  await sbp.fill('');
  await page.getByTestId('dbp').fill('');
  await sbp.focus();
  await page.keyboard.type('148');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dbp')).toBeFocused();
  await page.keyboard.type('86');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dbp')).not.toBeFocused();
  await expect(sbp).toHaveValue('148');
  await expect(page.getByText('草稿已保存')).toHaveCount(0);
});

test('下一位 follows the list the doctor came from: its village filter and its group', async () => {
  await page.keyboard.press('Alt+Digit1');
  await expect(page.locator('main h1')).toHaveText('工作台');
  const followupLinks = (scope: ReturnType<Page['locator']>) => scope.locator('tr.work-row a[href*="open=new"]');
  await expect(followupLinks(page.locator('main')).first()).toBeVisible();
  // The village of the list's first follow-up line; the doctor then narrows the list to their other village.
  const firstVillage = (await followupLinks(page.locator('main')).first().locator('xpath=ancestor::tr/td[3]').innerText()).trim();
  const villageSelect = page.getByRole('combobox', { name: '村' });
  await villageSelect.click();
  const listed = (await page.locator('.worklist-group tr.work-row td:nth-child(3)').allInnerTexts()).map((v) => v.trim());
  const village = listed.find((v) => v !== firstVillage);
  if (!village) throw new Error(`the demo doctor's list shows one village only: ${firstVillage}`);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: village }).click();
  await expect(async () => {
    const villages = await page.locator('.worklist-group tr.work-row td:nth-child(3)').allInnerTexts();
    expect(villages.length).toBeGreaterThan(0);
    expect(new Set(villages.map((v) => v.trim()))).toEqual(new Set([village]));
  }).toPass();
  // The first group with two patients' follow-up lines on its page, as the doctor sees it: they open its first
  // hypertension line; the next patient is the first other follow-up line of that group.
  let chosen: { htn: ReturnType<Page['locator']>; opened: string; expected: string } | null = null;
  for (const group of await page.locator('.worklist-group').all()) {
    const names = (await followupLinks(group).allInnerTexts()).map((n) => n.trim());
    const htn = followupLinks(group).and(page.locator('[href*="disease=htn"]')).first();
    if ((await htn.count()) === 0) continue;
    const opened = (await htn.innerText()).trim();
    const expected = names.find((n) => n !== opened);
    if (expected) {
      chosen = { htn, opened, expected };
      break;
    }
  }
  if (!chosen) throw new Error(`no group of ${village} with two patients' follow-up lines`);
  const { htn, opened, expected } = chosen;
  await htn.click();
  await expect(page.getByTestId('resident-line')).toContainText(opened);
  await page.getByTestId('sbp').fill('128');
  await page.getByTestId('dbp').fill('78');
  await page.getByTestId('symptoms-htn').getByText('无症状').click();
  await page.getByTestId('adherence').getByText('不服药').click();
  await page.getByTestId('adverse-reaction').getByText('无', { exact: true }).click();
  await page.getByTestId('has-emergency').getByText('无', { exact: true }).click();
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(page.getByTestId('followup-done')).toContainText(opened);
  await page.getByTestId('next-patient').click();
  // The next line of the same group of the filtered list, not the most urgent patient of the doctor's whole list.
  await expect(page.getByTestId('resident-line')).toContainText(expected);
  await expect(page.getByTestId('resident-line')).toContainText(village);
});

test('reopening the URL after closing the browser asks for sign-in again; a reload does not', async ({ browser }: { browser: Browser }) => {
  await page.reload();
  await expect(page.locator('main h1')).toBeVisible();
  await expect(page.getByLabel('密码', { exact: true })).toHaveCount(0);
  await page.close();
  // The browser is gone; reopening it at the same URL must show the sign-in form once the host noticed. Each try
  // connects (which restarts the host's grace), so tries are spaced wider than the grace (4 s, set above).
  await expect(async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const p = await context.newPage();
    try {
      await p.goto(host.url);
      await expect(p.getByLabel('密码', { exact: true })).toBeVisible({ timeout: 3_000 });
    } finally {
      await context.close();
    }
  }).toPass({ intervals: [5_000], timeout: 45_000 });
  page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(host.url);
  await signIn(page, ADMIN);
});
