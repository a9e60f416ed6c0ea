/**
 * The 工作台's cards agree with its groups (issue 10, note 3) on the demo clinic, in Chromium at 1366×768: the 逾期
 * card counts clinical lines (its note names the groups they are in when some are re-checks or referrals) and
 * contracting work is on its own 签约 card, the same number as the 签约 group. Screenshots (normal and large text) go
 * to test-results/screenshots/worklist-totals*.png.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type E2eHost, makeDataDir, ROOT, shootBothSizes, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ADMIN = { username: 'admin', password: 'demo-admin-2026' };
let host: E2eHost;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  const made = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main/cli/index.ts', 'demo', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (made.status !== 0) throw new Error(`cunyi demo failed (${made.status}): ${made.stderr}`);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

const number = async (testId: string) => Number((await page.getByTestId(testId).locator('.ant-statistic-content-value').innerText()).replace(/\D/g, ''));
const badge = async (group: string) => Number((await page.locator(`.worklist-group[data-group="${group}"] .group-title .ant-badge`).innerText()).replace(/\D/g, ''));

test('the 逾期 card counts what the groups show, and renewals are on the 签约 card', async () => {
  await page.goto(host.url);
  await page.getByLabel('用户名').fill(ADMIN.username);
  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await expect(page.locator('main h1')).toHaveText('工作台');
  await expect(page.locator('.worklist-group[data-group="overdue"]')).toBeVisible();
  const overdue = await number('total-overdue');
  const note = page.getByTestId('total-overdue').locator('.stat-note');
  if ((await note.count()) === 0) {
    expect(overdue).toBe(await badge('overdue'));
  } else {
    // 其中：已逾期 24、2周复查 2 …: the parts add up to the card, and the 已逾期 part is the group's count.
    const parts = [...(await note.innerText()).matchAll(/(\S+?) (\d+)/g)].map((m) => ({ group: m[1], count: Number(m[2]) }));
    expect(parts.reduce((n, p) => n + p.count, 0)).toBe(overdue);
    expect(parts.find((p) => p.group?.endsWith('已逾期'))?.count ?? 0).toBe(await badge('overdue'));
  }
  expect(await number('total-contracting')).toBe(await badge('contracting'));
  await shootBothSizes(page, SHOTS, 'worklist-totals');
});
