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
import { type E2eHost, makeDataDir, ROOT, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1366, height: 768 };
const DOCTOR = { username: 'wang', password: 'demo-doctor-2026' };
const ADMIN = { username: 'admin', password: 'demo-admin-2026' };
let host: E2eHost;
let page: Page;

test.beforeAll(async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  const made = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main/cli/index.ts', 'demo', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (made.status !== 0) throw new Error(`cunyi demo failed (${made.status}): ${made.stderr}`);
  // A short grace period, so the test of closing the browser does not wait ten seconds (the host reads it at start).
  process.env['CUNYI_CLOSED_LOCK_MS'] = '1500';
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

async function setLargeText(p: Page, on: boolean): Promise<void> {
  const toggle = p.getByRole('switch', { name: '大字模式' });
  if ((await toggle.getAttribute('aria-checked')) !== String(on)) await toggle.click();
  await expect(p.locator('html')).toHaveClass(on ? /large-text/ : /^(?!.*large-text)/);
}

async function shoot(name: string): Promise<void> {
  for (const large of [false, true]) {
    await setLargeText(page, large);
    await page.screenshot({ path: join(SHOTS, `day-${name}${large ? '-large' : ''}.png`) });
  }
  await setLargeText(page, false);
}

test('the doctor signs in on the demo clinic', async () => {
  await page.goto(host.url);
  await signIn(page, DOCTOR);
  await expect(page.locator('main h1')).toHaveText('工作台');
});

test('sections still being built say so calmly: no warning icon', async () => {
  for (const [key, title] of [['6', '设备'], ['7', '同步'], ['8', '报表']] as const) {
    await page.keyboard.press(`Alt+Digit${key}`);
    await expect(page.locator('main h1')).toHaveText(title);
    await expect(page.getByTestId('coming-later')).toContainText('本功能将在后续版本提供');
    await expect(page.locator('main .ant-result-icon, main .anticon-exclamation-circle, main .anticon-info-circle')).toHaveCount(0);
  }
  await shoot('coming-later');
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

test('reopening the URL after closing the browser asks for sign-in again; a reload does not', async ({ browser }: { browser: Browser }) => {
  await page.reload();
  await expect(page.locator('main h1')).toBeVisible();
  await expect(page.getByLabel('密码', { exact: true })).toHaveCount(0);
  await page.close();
  // The browser is gone; reopening it at the same URL must show the sign-in form once the host noticed.
  await expect(async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const p = await context.newPage();
    try {
      await p.goto(host.url);
      await expect(p.getByLabel('密码', { exact: true })).toBeVisible({ timeout: 3_000 });
    } finally {
      await context.close();
    }
  }).toPass({ intervals: [2_000], timeout: 30_000 });
  page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(host.url);
  await signIn(page, ADMIN);
});
