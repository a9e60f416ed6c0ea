/**
 * The 同步 screen imports a bundle file larger than one WebSocket frame of the headless host (about 4 MB): the file
 * goes up in parts under the cap and reaches the importer whole. A 12 MB file of noise is used, so the importer's own
 * answer (not a Cunyi bundle) shows on the screen instead of the old "too large, use the command line" refusal, and
 * the host keeps running. Screenshots (normal and large text) go to test-results/screenshots/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { type E2eHost, initClinic, makeDataDir, ROOT, signIn, startHost } from './fixtures';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
let host: E2eHost;
let page: Page;
let dataDir: string;

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

test('a bundle file of 12 MB goes up in parts and reaches the importer', async () => {
  test.setTimeout(120_000);
  const file = join(dataDir, 'big.cunyi-bundle');
  writeFileSync(file, randomBytes(12 * 1024 * 1024));
  await page.goto(host.url);
  await signIn(page);
  await page.locator('nav').getByRole('link', { name: /^同步/ }).click();
  await page.getByRole('tab', { name: '离线数据包' }).click();
  await page.locator('input[type=file]').setInputFiles(file);
  await expect(page.getByText('该文件不是村医数据包，或由更新版本的软件生成')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/数据包超过约 280 MB/)).toHaveCount(0);
  for (const large of [false, true]) {
    const toggle = page.getByRole('switch', { name: '大字模式' });
    if ((await toggle.getAttribute('aria-checked')) !== String(large)) await toggle.click();
    await page.screenshot({ path: join(SHOTS, `sync-bundle-upload${large ? '-large' : ''}.png`) });
  }
});
