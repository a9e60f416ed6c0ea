/**
 * 血糖仪下载 end to end: the OneTouch Ultra 2 simulator on a socat PTY; its memory appears on the 设备 screen, the
 * doctor marks the fasting row, picks the resident and saves; the rows are stored as device readings (checked
 * through the API) and the fasting one is a screening value. Screenshots at normal and large text.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { apiCall, idNumber, ROOT, signIn, type E2eHost, startDeviceBench, type DeviceBench } from './fixtures';
import { hasSocat, type PtyPair } from '../helpers/pty';

test.describe.configure({ mode: 'serial' });
test.skip(!hasSocat(), 'needs socat for a PTY pair (apt-get install socat)');

let bench: DeviceBench;
let host: E2eHost;
let page: Page;
let pty: PtyPair;

test.beforeAll(async ({ browser }) => {
  bench = await startDeviceBench(browser, ['onetouch']);
  ({ host, page, pty } = bench);
});

test.afterAll(async () => {
  if (bench) await bench.stop();
});

test('a glucometer download is saved for the resident the doctor picks; the fasting row counts for screening', async () => {
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  const today = new Date().toISOString().slice(0, 10);
  const created = await apiCall<{ resident: { id: string } }>(host, 'residents.create', {
    input: { name: '林美玉', createdDate: today, sex: '2', birthDate: '1961-09-20', idNumber: idNumber('1961-09-20', 42), phone: '13912340042', villageCode: '441521101201' },
  });
  await apiCall(host, 'devices.saveBinding', { label: '血糖仪', match: { kind: 'path', path: pty.app }, protocol: 'onetouch', baudRate: 9600 });
  await page.keyboard.press('Alt+Digit6');
  await expect(page.locator('main h1')).toHaveText('设备');
  const panel = page.getByTestId('meter-rows');
  // The simulator's memory (main/devices/onetouch/sim.ts): 126 mg/dL before a meal, 188 after one.
  await expect(panel.getByRole('row', { name: /7\.0 mmol\/L/ })).toBeVisible({ timeout: 15_000 });
  await expect(panel.getByRole('row', { name: /10\.4 mmol\/L/ })).toBeVisible();
  // The meter flagged the 126 mg/dL row 餐前 (before a meal): 空腹 starts ticked there, not on the after-meal row, and
  // the doctor can still change it (unticked and ticked again here).
  const fastingBox = panel.getByRole('row', { name: /7\.0 mmol\/L/ }).getByRole('checkbox', { name: '空腹' });
  await expect(panel.getByRole('row', { name: /7\.0 mmol\/L/ })).toContainText('血糖仪标记：餐前');
  await expect(fastingBox).toBeChecked();
  await expect(panel.getByRole('row', { name: /10\.4 mmol\/L/ }).getByRole('checkbox', { name: '空腹' })).not.toBeChecked();
  await fastingBox.uncheck();
  await expect(fastingBox).not.toBeChecked();
  await fastingBox.check();
  await panel.getByRole('combobox', { name: '选择居民' }).fill('林美玉');
  await page.locator('.ant-select-item-option', { hasText: '林美玉' }).click();
  const dir = join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'meter-rows-zh-CN.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.screenshot({ path: join(dir, 'meter-rows-zh-CN-large.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await panel.getByRole('button', { name: '保存 2 条读数' }).click();
  await expect(page.getByText('已为林美玉保存 2 条，0 条以前已保存')).toBeVisible();
  await expect(page.getByTestId('meter-rows')).toHaveCount(0);

  const screening = await apiCall<{ readings: { source: string; fastingGlucose: number | null }[] }>(host, 'screening.forResident', { residentId: created.resident.id });
  expect(screening.readings.filter((r) => r.source === 'device').map((r) => r.fastingGlucose)).toEqual([7]);
});
