import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  ADMIN,
  CLINIC,
  type E2eHost,
  expectSection,
  initClinic,
  makeDataDir,
  ROOT,
  SECTION_KEYS,
  SECTION_TITLES_ZH,
  signIn,
  startHost,
} from './fixtures';

// One host per file on a clinic made with `cunyi init` (DESIGN.md §5); the tests share one signed-in page.
test.describe.configure({ mode: 'serial' });

let host: E2eHost;
let page: Page;
/** Console errors and uncaught exceptions: a CSP violation or a React error shows up here first. */
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.url()}`);
  });
});

test.afterAll(async () => {
  // beforeAll may have failed half-way (e.g. the host did not start); clean up what exists.
  if (page) await page.close();
  if (host) await host.stop();
});

test('a locked clinic asks to sign in; a wrong password is refused in plain Chinese, the right one opens the app', async () => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.getByText(CLINIC.name)).toBeVisible();
  await signIn(page, 'not the password');
  await expect(page.getByTestId('sign-in-error')).toHaveText('用户名或密码不正确');
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
});

test('every section is reachable by mouse', async () => {
  for (const [i, title] of SECTION_TITLES_ZH.entries()) {
    await page.locator('nav').getByRole('link', { name: new RegExp(`^${title}`) }).click();
    await expectSection(page, i);
  }
  // Every section is a real screen now: 同步 of a clinic not yet enrolled offers to connect to the platform.
  await page.locator('nav').getByRole('link', { name: /^同步/ }).click();
  await expect(page.getByText('接入县平台', { exact: true })).toBeVisible();
  await expect(page.getByTestId('coming-later')).toHaveCount(0);
});

test('every section is reachable by keyboard: Alt+1..Alt+9, and Tab/arrows/Enter in the sidebar', async () => {
  for (let i = 0; i < SECTION_KEYS.length; i++) {
    await page.keyboard.press(`Alt+Digit${i + 1}`);
    await expectSection(page, i);
  }
  await page.keyboard.press('Alt+Digit1');
  await expectSection(page, 0);

  // Tab from the top of the page until the first sidebar link has focus.
  await page.locator('body').focus();
  for (let n = 0; n < 30; n++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-section'))) === 'worklist') break;
  }
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-section'))).toBe('worklist');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement ?? document.body).outlineStyle);
  expect(outline).toBe('solid');
  for (let i = 1; i < SECTION_KEYS.length; i++) {
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expectSection(page, i);
    await page.locator(`nav a[data-section="${SECTION_KEYS[i]}"]`).focus();
  }
});

test('settings are real: the idle lock can be changed and a user added', async () => {
  await page.keyboard.press('Alt+Digit9');
  const minutes = page.getByLabel('无操作自动锁定（分钟）');
  await expect(minutes).toHaveValue(/^\d+$/);
  await minutes.fill('20');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已保存')).toBeVisible();
  await page.keyboard.press('Alt+Digit1');
  await page.keyboard.press('Alt+Digit9');
  await expect(page.getByLabel('无操作自动锁定（分钟）')).toHaveValue('20');

  await page.getByRole('tab', { name: '用户' }).click();
  const add = page.locator('.ant-card').filter({ hasText: '添加用户' });
  await add.getByLabel('用户名').fill('wangyi');
  await add.getByLabel('显示名称').fill('王医生');
  await add.getByLabel('初始密码').fill('short');
  await add.getByRole('button', { name: '添加用户' }).click();
  await expect(add.getByText('密码至少需要8个字符')).toBeVisible();
  await add.getByLabel('初始密码').fill('another horse 2');
  await add.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByRole('cell', { name: 'wangyi' })).toBeVisible({ timeout: 20_000 });

  await page.getByRole('tab', { name: '村庄' }).click();
  await page.getByRole('button', { name: '添加村庄' }).click();
  await page.getByRole('textbox', { name: '村代码（12位）' }).last().fill('44152110120');
  await page.getByRole('textbox', { name: '村名称' }).last().fill('西山村');
  await page.getByRole('tabpanel').getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('村（居）委会代码应为12位数字')).toBeVisible();
  await page.getByRole('textbox', { name: '村代码（12位）' }).last().fill('441521101202');
  await page.getByRole('tabpanel').getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('村庄列表已保存')).toBeVisible();
  await page.keyboard.press('Alt+Digit1');
});

test('the language switches from Chinese to English and back', async () => {
  await page.getByText('English', { exact: true }).click();
  await expect(page.locator('main h1')).toHaveText('Work list');
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible();
  await expect(page.getByTestId('status-sync')).toHaveText('Never synced');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByText('中文', { exact: true }).click();
  await expect(page.locator('main h1')).toHaveText('工作台');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('large-text mode enlarges the text and survives a reload', async () => {
  const size = () => page.locator('nav a[data-section="worklist"] span').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const before = await size();
  await page.getByRole('switch', { name: '大字模式' }).click();
  await expect.poll(size).toBeGreaterThan(before);
  await page.reload();
  await expect(page.locator('main h1')).toHaveText('工作台');
  await expect(page.getByRole('switch', { name: '大字模式' })).toBeChecked();
  await page.getByRole('switch', { name: '大字模式' }).click();
  await expect.poll(size).toBe(before);
});

test('Chinese text renders in the bundled Noto Sans SC (screenshot saved)', async () => {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans SC"', '工作台'))).toBe(true);
  await expect(page.locator('nav').getByText('工作台')).toBeVisible();
  const family = await page.locator('main h1').evaluate((el) => getComputedStyle(el).fontFamily);
  expect(family.startsWith('"Noto Sans SC"')).toBe(true);
  const dir = join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'app-zh-CN.png'), fullPage: true });
});

test('locking shows the sign-in screen; repeated wrong passwords show the wait; signing in again returns to the app', async () => {
  await page.getByRole('button', { name: '锁定' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.getByTestId('status-user')).toHaveCount(0);
  await expect(page.getByLabel('用户名')).toHaveValue(ADMIN.username);
  // sign-in-policy.ts: three free failures, then 1 s, 2 s, … between attempts.
  const error = page.getByTestId('sign-in-error');
  const password = page.getByLabel('密码', { exact: true });
  // The wait counts from the start of the last failed attempt, and a slow KDF can outlast the first 1 s wait, so
  // keep failing until the throttle answers (at most a few attempts: the wait doubles each time).
  let throttled = false;
  for (let i = 0; i < 7 && !throttled; i++) {
    await expect(page.locator('button[type=submit]')).toBeEnabled({ timeout: 40_000 });
    await signIn(page, `wrong password ${i}`);
    // A refused attempt clears the password field: the answer has arrived.
    await expect(password).toHaveValue('');
    await expect(error).toBeVisible();
    throttled = /密码错误次数过多/.test(await error.innerText());
  }
  await expect(error).toHaveText(/密码错误次数过多，请 \d+ 秒后再试/);
  // The message counts down and goes away when the wait is over.
  await expect(error).toHaveCount(0, { timeout: 40_000 });
  await expect(page.locator('button[type=submit]')).toBeEnabled();
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
});

test('no console errors so far: no CSP violation, no React error', async () => {
  expect(pageErrors).toEqual([]);
});

test('a dropped connection is shown and the client reconnects by itself', async () => {
  const sockets: { close(): Promise<void> }[] = [];
  // Route the page's socket through Playwright so the test can cut it, as a host restart or sleep would.
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  await page.reload();
  await expect(page.locator('main h1')).toHaveText('工作台');
  expect(sockets.length).toBeGreaterThan(0);
  await sockets[sockets.length - 1]!.close();
  // The banner says so; a page whose call failed meanwhile may say so too, and loads again once reconnected.
  await expect(page.locator('.connection-banner')).toContainText('与本机服务的连接已断开');
  await expect(page.getByTestId('status-network')).toHaveText('未连接本机服务');
  await expect(page.getByRole('alert').filter({ hasText: '与本机服务的连接已断开' })).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('status-network')).not.toHaveText('未连接本机服务');
  await expect(page.locator('main h1')).toHaveText('工作台');
  await page.unrouteAll();
});
