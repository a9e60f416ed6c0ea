/**
 * 设备 end to end: the headless host's device manager opens a real socat PTY; the line simulator (`npm run sim`)
 * on the other end plays an Omron BP monitor. Binding added on the 设备 screen, reading offered and accepted.
 * Screenshots of the screen (normal and large text) go to test-results/screenshots/.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
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
let sim: ChildProcessWithoutNullStreams;

test.beforeAll(async ({ browser }) => {
  bench = await startDeviceBench(browser, ['line']);
  ({ host, page, pty, sim } = bench);
});

test.afterAll(async () => {
  if (bench) await bench.stop();
});

// The host's runtime runs in a worker thread; the port is opened on the host's own thread and its bytes forwarded
// (main/runtime/device-link.ts). Opened inside the worker, the first byte aborted the host (exit 134).
test('a BP monitor bound on the 设备 screen delivers a reading that is accepted with its source', async () => {
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  await page.locator('nav').getByRole('link', { name: /^设备/ }).click();
  await expect(page.locator('main h1')).toHaveText('设备');
  await page.getByRole('tab', { name: '设备绑定' }).click();
  await page.getByLabel('名称').fill('诊室血压计');
  await page.getByLabel('端口路径').fill(pty.app);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已保存')).toBeVisible();
  await page.getByRole('tab', { name: '设备状态' }).click();
  await expect(page.getByText('已连接')).toBeVisible({ timeout: 15_000 });
  sim.stdin.write('measure 146/92 78\n');
  await expect(page.getByTestId('reading-value')).toHaveText('血压 146/92 mmHg，脉搏 78 次/分');
  await expect(page.getByRole('row', { name: /146\/92.*诊室血压计/ })).toBeVisible();
  const dir = join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'devices-zh-CN.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.screenshot({ path: join(dir, 'devices-zh-CN-large.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.getByRole('button', { name: '采用' }).click();
  await expect(page.getByText('已采用：血压 146/92 mmHg，脉搏 78 次/分')).toBeVisible();
  await expect(page.getByTestId('reading-value')).toHaveCount(0);
});

test('the pattern tester recognises the built-in Omron line', async () => {
  await page.goto(host.url);
  // The clinic may still be open from the test before (a reload keeps the session): sign in only when asked.
  await expect(page.getByLabel('用户名').or(page.locator('main h1'))).toBeVisible();
  if (await page.getByLabel('用户名').isVisible()) await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  await page.locator('nav').getByRole('link', { name: /^设备/ }).click();
  await expect(page.locator('main h1')).toHaveText('设备');
  await page.getByRole('tab', { name: '行格式测试' }).click();
  await page.getByRole('button', { name: '测试' }).click();
  await expect(page.getByText('识别成功：血压 128/82 mmHg，脉搏 71 次/分')).toBeVisible();
  await page.screenshot({ path: join(ROOT, 'test-results', 'screenshots', 'devices-tester.png') });
});

test('a BP reading is offered to the open health check, accepted, and saved with its device source', async () => {
  await page.goto(host.url);
  await expect(page.getByLabel('用户名').or(page.locator('main h1'))).toBeVisible();
  if (await page.getByLabel('用户名').isVisible()) await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  const today = new Date().toISOString().slice(0, 10);
  const created = await apiCall<{ resident: { id: string } }>(host, 'residents.create', {
    input: { name: '陈建华', createdDate: today, sex: '1', birthDate: '1958-04-12', idNumber: idNumber('1958-04-12', 31), phone: '13912340031', villageCode: '441521101201' },
  });
  const residentId = created.resident.id;
  await page.evaluate((id) => (window.location.hash = `#/residents?id=${id}`), residentId);
  await page.getByRole('button', { name: '新建体检' }).click();
  await expect(page.getByTestId('health-check-form')).toBeVisible();
  // Typed by hand first: the weight stays "typed" in the record.
  await page.getByLabel('体重', { exact: true }).fill('60');

  sim.stdin.write('measure 152/94 81\n');
  const offer = page.getByTestId('reading-offer');
  await expect(offer.getByTestId('offer-value')).toHaveText('血压 152/94 mmHg，脉搏 81 次/分');
  await expect(offer).toContainText('诊室血压计');
  const dir = join(ROOT, 'test-results', 'screenshots');
  await offer.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(dir, 'reading-offer-zh-CN.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await offer.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(dir, 'reading-offer-zh-CN-large.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();

  await offer.getByRole('button', { name: '采用' }).click();
  await expect(page.getByTestId('reading-offer')).toHaveCount(0);
  await expect(page.getByLabel('血压（左侧） 收缩压')).toHaveValue('152');
  await expect(page.getByLabel('血压（左侧） 舒张压')).toHaveValue('94');
  await expect(page.getByLabel('脉率', { exact: true })).toHaveValue('81');
  await expect(page.getByTestId('device-sources')).toContainText('左侧收缩压 152（诊室血压计');
  await page.getByTestId('device-sources').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(dir, 'reading-sources-zh-CN.png') });
  // Still editable by hand: the pulse typed over the device value is "typed" from now on.
  await page.getByLabel('脉率', { exact: true }).fill('80');
  await expect(page.getByTestId('device-sources')).not.toContainText('脉率');
  await page.keyboard.press('Control+s');
  await expect(page.getByText('草稿已保存')).toBeVisible();

  const [check] = await apiCall<{ data: { generalCondition?: Record<string, unknown>; deviceSources?: Record<string, { deviceLabel: string; protocol: string; acceptedBy: string; rawHex: string; value: number }> } }[]>(host, 'healthChecks.forResident', { residentId });
  expect(check?.data.generalCondition?.['bpLeft']).toEqual({ sbp: 152, dbp: 94 });
  const sources = check?.data.deviceSources ?? {};
  expect(Object.keys(sources).sort()).toEqual(['generalCondition.bpLeft.dbp', 'generalCondition.bpLeft.sbp']);
  const sbp = sources['generalCondition.bpLeft.sbp'];
  expect(sbp).toMatchObject({ deviceLabel: '诊室血压计', protocol: 'line', value: 152 });
  expect(sbp?.acceptedBy).toMatch(/\S/);
  // The raw frame for audit: the Omron line itself, in hex.
  expect(Buffer.from(sbp?.rawHex ?? '', 'hex').toString('latin1')).toMatch(/,152,094,081,0/);
});
