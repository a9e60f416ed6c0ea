/**
 * The first sign-in after an upgrade (issue 10 §4): a clinic whose stored projection versions are older than this
 * build's (test/helpers/stale-projections.ts lowers them) rebuilds them after sign-in has answered. The 工作台 shows
 * 正在更新本机数据（升级后仅一次）… with a percentage and an estimate instead of an empty or frozen list, then the list;
 * search said the same meanwhile. Screenshots (normal and large text) go to test-results/screenshots/upgrade-progress*.png.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { apiCall, type E2eHost, makeDataDir, ROOT, setLargeText, shootBothSizes, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ADMIN = { username: 'admin', password: 'demo-admin-2026' };
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
let host: E2eHost;
let page: Page;
// While this file exists the rebuild waits between its pages (CUNYI_TEST_HOLD_REBUILD): the demo clinic's rebuild
// takes a second or two, over before the first look on a fast machine.
let hold: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  const made = spawnSync(TSX, ['main/cli/index.ts', 'demo', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (made.status !== 0) throw new Error(`cunyi demo failed (${made.status}): ${made.stderr}`);
  // An older build's file: the patient rows (which the work list reads), the search keys and the indicator rows.
  const stale = spawnSync(TSX, ['test/helpers/stale-projections.ts', dataDir, 'patients', 'search', 'indicators'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CUNYI_PASSWORD: ADMIN.password },
  });
  if (stale.status !== 0) throw new Error(`stale-projections failed (${stale.status}): ${stale.stderr}`);
  hold = join(dataDir, '..', `hold-rebuild-${process.pid}`);
  writeFileSync(hold, '');
  host = await startHost(dataDir, { CUNYI_TEST_HOLD_REBUILD: hold });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
  if (hold) rmSync(hold, { force: true });
});

test('sign-in answers at once, the 工作台 shows the update with its progress, then the list', async () => {
  test.setTimeout(180_000);
  await page.goto(host.url);
  // Large text from the start (renderer/app/preferences.ts keeps it in localStorage): the first shot is taken at once.
  await page.evaluate(() => localStorage.setItem('cunyi.largeText', '1'));
  await page.reload();
  await page.getByLabel('用户名').fill(ADMIN.username);
  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await expect(page.locator('main h1')).toHaveText('工作台');
  const notice = page.getByTestId('data-update');
  await expect(notice).toBeVisible({ timeout: 30_000 });
  await expect(notice).toContainText(/正在更新本机数据（升级后仅一次）… \d{1,3}%/);
  await expect(notice.getByRole('progressbar')).toBeVisible();
  // Large text first, then normal: the rebuild is held until both shots (and the search below) are taken.
  await expect(page.locator('html')).toHaveClass(/large-text/);
  await page.screenshot({ path: join(SHOTS, 'upgrade-progress-large.png') });
  await setLargeText(page, false);
  await page.screenshot({ path: join(SHOTS, 'upgrade-progress.png') });
  // Meanwhile search says the same (DATA_UPDATING with the percentage), not a short or empty answer ...
  await expect(apiCall(host, 'residents.search', { query: 'zh' })).rejects.toThrow(/"code":"DATA_UPDATING".*"percent":\d{1,2}[,}]/);
  // ... and so do the screens that need the data: the same progress bar, not an error.
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  await page.getByRole('combobox', { name: '查找居民' }).fill('zh');
  // The search's line and the list's block: both say it, neither is an error or an empty list.
  await expect(page.locator('.resident-search').getByTestId('data-update')).toContainText(/正在更新本机数据（升级后仅一次）… \d{1,3}%/);
  await expect(page.locator('.resident-list').getByTestId('data-update')).toContainText('完成后本页会自动显示');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await shootBothSizes(page, SHOTS, 'upgrade-progress-search');
  await page.keyboard.press('Alt+Digit8');
  await expect(page.locator('main h1')).toHaveText('报表');
  await expect(page.getByTestId('data-update')).toBeVisible();
  await expect(page.getByTestId('report-window')).toHaveCount(0);
  await shootBothSizes(page, SHOTS, 'upgrade-progress-reports');
  rmSync(hold, { force: true });
  // Then the report, by itself (no reload), once the update is over ...
  await expect(page.getByTestId('report-window')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('data-update')).toHaveCount(0);
  // ... and the 工作台's list: the groups and the cards.
  await page.keyboard.press('Alt+Digit1');
  await expect(page.getByTestId('worklist-totals')).toBeVisible({ timeout: 30_000 });
  await expect(notice).toHaveCount(0);
  await shootBothSizes(page, SHOTS, 'upgrade-progress-done');
  // Search answers again, found by the update's search keys.
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('.resident-list').getByTestId('data-update')).toHaveCount(0);
  await expect(page.locator('.resident-list .ant-table-row').first()).toBeVisible();
  await page.getByRole('combobox', { name: '查找居民' }).fill('zh');
  await expect(page.getByRole('listbox', { name: '查找结果' }).getByRole('option').first()).toBeVisible();
});
