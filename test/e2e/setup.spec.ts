import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, CLINIC, type E2eHost, foreignPdfFonts, ROOT, startHost } from './fixtures';

// One host on a fresh data directory for this file; the tests build on each other (wizard, then the app).
test.describe.configure({ mode: 'serial' });

let host: E2eHost;
let page: Page;
let recoveryKey = '';

test.beforeAll(async ({ browser }) => {
  host = await startHost();
  page = await browser.newPage();
});

test.afterAll(async () => {
  // beforeAll may have failed half-way (e.g. the host did not start); clean up what exists.
  if (page) await page.close();
  if (host) await host.stop();
});

test('a fresh data directory opens on the set-up wizard, and the token leaves the address bar', async () => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: '首次设置' })).toBeVisible();
  await expect(page.getByText('9位乡镇代码')).toBeVisible();
  expect(page.url()).not.toContain('token=');
  await page.screenshot({ path: join(ROOT, 'test-results', 'screenshots', 'setup-zh-CN.png') });
});

test('the wizard checks its fields before moving on', async () => {
  await page.getByLabel('机构代码').fill('12345');
  await page.getByLabel('机构名称').fill(CLINIC.name);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByText('机构代码应为9位乡镇代码或12位村代码')).toBeVisible();
});

test('completing the wizard shows the recovery key once, then lands in the app', async () => {
  await page.getByLabel('机构代码').fill(CLINIC.code);
  // Enter submits the step like the button does.
  await page.getByLabel('机构名称').press('Enter');

  await page.getByRole('button', { name: '添加村庄' }).click();
  await page.getByLabel('村代码（12位）').fill('441521101201');
  await page.getByLabel('村名称').fill('东光村');
  await page.getByRole('button', { name: '下一步' }).click();

  await page.getByLabel('用户名').fill(ADMIN.username);
  await page.getByLabel('显示名称').fill(ADMIN.displayName);
  await page.getByLabel('密码', { exact: true }).fill('short');
  await page.getByLabel('再次输入密码').fill('different');
  await page.getByRole('button', { name: '完成设置' }).click();
  await expect(page.getByText('密码至少需要8个字符')).toBeVisible();
  await expect(page.getByText('两次输入的密码不一致')).toBeVisible();

  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('再次输入密码').fill(ADMIN.password);
  await page.getByRole('button', { name: '完成设置' }).click();

  const key = page.getByTestId('recovery-key');
  await expect(key).toBeVisible({ timeout: 30_000 });
  recoveryKey = (await key.innerText()).trim();
  expect(recoveryKey.length).toBeGreaterThanOrEqual(10);
  await expect(page.getByRole('button', { name: '打印' })).toBeVisible();
  const enter = page.getByRole('button', { name: '进入系统' });
  await expect(enter).toBeDisabled();
  await page.screenshot({ path: join(ROOT, 'test-results', 'screenshots', 'recovery-key-zh-CN.png') });
  // The print stylesheet keeps only the key, the clinic's name and the date.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByText('请保存恢复密钥')).toBeHidden();
  await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
  await expect(key).toBeVisible();
  await expect(page.locator('.print-clinic')).toHaveText(CLINIC.name);
  await expect(page.locator('.print-date')).toContainText(/\d{4}-\d{2}-\d{2}/);
  // On paper too, the clinic's name and the key are in the bundled fonts (issue 16 §5).
  const pdf = test.info().outputPath('recovery-key.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  expect(foreignPdfFonts(pdf)).toEqual([]);
  await page.emulateMedia({ media: 'screen' });
  await page.getByLabel('我已抄写或打印恢复密钥').check();
  await enter.click();

  await expect(page.locator('main h1')).toHaveText('工作台');
  await expect(page.getByText(CLINIC.name)).toBeVisible();
  await expect(page.getByTestId('status-sync')).toHaveText('从未同步');
  await expect(page.getByTestId('status-devices')).toHaveText('无设备');
  await expect(page.getByTestId('status-user')).toHaveText(`${ADMIN.displayName}（管理员）`);
});

test('a reload keeps the connection (token kept for this tab) and the session', async () => {
  await page.reload();
  await expect(page.locator('main h1')).toHaveText('工作台');
  await expect(page.getByTestId('recovery-key')).toHaveCount(0);
});

test('the recovery key unlocks the clinic and sets a new password', async () => {
  await page.getByRole('button', { name: '锁定' }).click();
  await page.getByRole('button', { name: '用恢复密钥找回' }).click();
  await expect(page.getByRole('heading', { name: '用恢复密钥找回' })).toBeVisible();
  const tampered = recoveryKey.slice(0, -1) + (recoveryKey.endsWith('A') ? 'B' : 'A');
  await page.getByLabel('恢复密钥').fill(tampered);
  await page.getByLabel('要重设密码的用户名').fill(ADMIN.username);
  await page.getByLabel('新密码', { exact: true }).fill('brand new horse 3');
  await page.getByLabel('再次输入新密码').fill('brand new horse 3');
  await page.getByRole('button', { name: '重设密码并登录' }).click();
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 20_000 });

  await page.getByLabel('恢复密钥').fill(recoveryKey);
  await page.getByLabel('再次输入新密码').press('Enter');
  await expect(page.locator('main h1')).toHaveText('工作台', { timeout: 20_000 });

  await page.getByRole('button', { name: '锁定' }).click();
  await page.getByLabel('密码', { exact: true }).fill('brand new horse 3');
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await expect(page.locator('main h1')).toHaveText('工作台');
});
