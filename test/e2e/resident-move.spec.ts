/**
 * 迁出申请 on the resident page (issue 13 item 6), in Chromium at 1366×768: a village of the clinic's own is refused in
 * plain words (an address edit instead); another clinic's village is recorded, and the page says the request waits for
 * the county platform. Screenshots of the dialog and the notice (normal and large text) go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { apiCall, type E2eHost, idNumber, initClinic, makeDataDir, ROOT, setLargeText, shootBothSizes, signIn, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
let host: E2eHost;
let page: Page;

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

test('a village doctor records that a resident moved to another clinic\'s village; the page says it waits for the platform', async () => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  const birth = '1952-06-07';
  const { resident } = await apiCall<{ resident: { id: string } }>(host, 'residents.create', {
    input: { name: '申请迁出', createdDate: '2026-03-01', sex: '1', birthDate: birth, idNumber: idNumber(birth, 51), phone: '13812340051', villageCode: '441521101201' },
  });
  await page.evaluate((id) => (window.location.hash = `#/residents?id=${id}`), resident.id);
  await expect(page.getByTestId('resident-page')).toBeVisible();
  await expect(page.getByTestId('move-pending')).toHaveCount(0);

  // The dialog in large text first (the switch is behind the dialog's mask while it is open).
  const dialog = page.getByRole('dialog');
  await setLargeText(page, true);
  await page.getByRole('button', { name: '迁出到外院辖区' }).click();
  await dialog.getByLabel('迁入村的 12 位区划代码').fill('441521102201');
  await page.screenshot({ path: join(SHOTS, 'resident-move-dialog-large.png') });
  await dialog.getByRole('button', { name: '取 消' }).or(dialog.getByRole('button', { name: '取消' })).click();
  await expect(dialog).toHaveCount(0);
  await setLargeText(page, false);

  await page.getByRole('button', { name: '迁出到外院辖区' }).click();
  await dialog.getByLabel('迁入村的 12 位区划代码').fill('441521101201');
  await dialog.getByRole('button', { name: '提交迁出申请' }).click();
  await expect(dialog.getByTestId('move-error')).toContainText('迁入的村属于本院辖区');

  await dialog.getByLabel('迁入村的 12 位区划代码').fill('441521102201');
  await dialog.getByLabel('原因（可不填）').fill('投靠子女');
  await page.screenshot({ path: join(SHOTS, 'resident-move-dialog.png') });
  await dialog.getByRole('button', { name: '提交迁出申请' }).click();
  await expect(page.getByTestId('move-pending')).toContainText('迁出申请已提交，待县平台处理');
  await expect(page.getByTestId('move-pending')).toContainText('441521102201');
  await expect(page.getByRole('button', { name: '迁出到外院辖区' })).toBeDisabled();
  // The dialog's closing animation is over before the shot.
  await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
  await shootBothSizes(page, SHOTS, 'resident-move-pending');

  const stored = await apiCall<{ status: string; toVillageCode: string; reason: string }>(host, 'residents.moveRequest', { id: resident.id });
  expect(stored).toMatchObject({ status: 'pending', toVillageCode: '441521102201', reason: '投靠子女' });
});
