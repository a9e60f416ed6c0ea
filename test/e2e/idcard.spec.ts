/**
 * 读卡 end to end: the ID card simulator (`npm run sim -- idcard`) on a socat PTY, bound as the clinic's card reader.
 * A card with no record opens the 建档 form filled in from the card (read while the residents list is open: handled
 * at once); a card whose ID number has a record opens that record through the 读卡 button.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { apiCall, ROOT, signIn, type E2eHost, startDeviceBench, type DeviceBench } from './fixtures';
import { hasSocat, type PtyPair } from '../helpers/pty';

test.describe.configure({ mode: 'serial' });
test.skip(!hasSocat(), 'needs socat for a PTY pair (apt-get install socat)');

/** The simulator's card (main/devices/idcard/card-text.ts V2_FIELDS, a synthetic person). */
const CARD = { name: '张三丰', idNumber: '110105199003070017', birthDate: '1990-03-07', address: '北京市东城区示例路1号' };

let bench: DeviceBench;
let host: E2eHost;
let page: Page;
let pty: PtyPair;
let sim: ChildProcessWithoutNullStreams;

test.beforeAll(async ({ browser }) => {
  bench = await startDeviceBench(browser, ['idcard']);
  ({ host, page, pty, sim } = bench);
  sim.stdin.write('card off\n');
});

test.afterAll(async () => {
  if (bench) await bench.stop();
});

test('a card with no record, read while the residents list is open, opens the 建档 form filled in from the card', async () => {
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  await expect(page.getByRole('button', { name: '读卡' })).toBeVisible();
  await apiCall(host, 'devices.saveBinding', { label: '身份证阅读器', match: { kind: 'path', path: pty.app }, protocol: 'idcard', baudRate: 115200 });
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  sim.stdin.write('card on\n');
  await expect(page.getByRole('heading', { name: '新建居民健康档案' })).toBeVisible({ timeout: 15_000 });
  sim.stdin.write('card off\n');
  await expect(page.getByLabel('姓名', { exact: true })).toHaveValue(CARD.name);
  await expect(page.getByLabel('身份证号', { exact: true })).toHaveValue(CARD.idNumber);
  await expect(page.getByLabel('出生日期', { exact: true })).toHaveValue(CARD.birthDate);
  await expect(page.getByRole('radiogroup', { name: '性别' }).getByLabel('男')).toBeChecked();
  await expect(page.getByLabel('现住址', { exact: true })).toHaveValue(CARD.address);
  await page.getByRole('button', { name: '取消' }).click();
  await expect(page.getByRole('button', { name: '新建档案' })).toBeVisible();
});

test('读卡 opens the resident whose ID number is on the card', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const created = await apiCall<{ resident: { id: string } }>(host, 'residents.create', {
    input: { name: CARD.name, createdDate: today, sex: '1', birthDate: CARD.birthDate, idNumber: CARD.idNumber, phone: '13912340017', villageCode: '441521101201' },
  });
  await page.getByRole('button', { name: '读卡' }).click();
  await expect(page.getByTestId('card-waiting')).toBeVisible();
  sim.stdin.write('card on\n');
  // The reader reports the same card again once its 5 s de-duplication window has passed.
  await expect(page.locator('.resident-name')).toHaveText(CARD.name, { timeout: 20_000 });
  sim.stdin.write('card off\n');
  await expect(page).toHaveURL(new RegExp(`#/residents\\?id=${created.resident.id}$`));
  await expect(page.getByTestId('card-waiting')).toHaveCount(0);
});

/**
 * A keyboard-mode scanner types the code as key presses 3 ms apart, then Enter, into whatever has focus. Sent as real
 * key events through Chromium's input pipeline (CDP Input.dispatchKeyEvent, which page.keyboard uses underneath) with
 * the scanner's own timestamps: page.keyboard.type({ delay: 2 }) on this shared machine measured gaps of 5–127 ms
 * between keydowns (load ~6), slower than the detector's 50 ms and so not a scanner's pace at all.
 */
async function scan(code: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000;
  const keys = [...code].map((ch) => ({ key: ch, text: ch, code: '', windowsVirtualKeyCode: 0 }));
  keys.push({ key: 'Enter', text: '\r', code: 'Enter', windowsVirtualKeyCode: 13 });
  for (const [i, k] of keys.entries()) {
    const timestamp = start + i * 0.003;
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...k, timestamp });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, code: k.code, windowsVirtualKeyCode: k.windowsVirtualKeyCode, timestamp: timestamp + 0.001 });
  }
  await cdp.detach();
}

const CODE = '6A0B3F2C9D1E4A5B7C8D9E0F1A2B3C4D:1';

test('an e-health-card QR scan (a keystroke burst) is looked up instead of typed; offline it is stored on the picked resident', async () => {
  await page.keyboard.press('Alt+Digit2');
  const search = page.getByRole('combobox', { name: '查找居民' });
  await expect(search).toBeFocused();
  await scan(CODE);
  await expect(page.getByTestId('scan-unknown')).toBeVisible();
  // The characters the scanner typed into the focused field were taken back out.
  await expect(search).toHaveValue('');
  const dialog = page.getByRole('dialog', { name: '电子健康卡' });
  await dialog.getByRole('combobox', { name: '选择居民' }).fill(CARD.name);
  await page.locator('.ant-select-item-option', { hasText: CARD.name }).click();
  await dialog.getByRole('button', { name: '保存为未核实标识' }).click();
  await expect(page.locator('.resident-name')).toHaveText(CARD.name);
  // The next scan of the same card, with focus in the search field again, opens the record directly.
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  await expect(search).toBeFocused();
  await scan(CODE);
  await expect(page.locator('.resident-name')).toHaveText(CARD.name);
  await expect(page.getByTestId('scan-unknown')).toHaveCount(0);
});

test('a person typing the same characters at a person’s pace is typing, not a scan: no lookup', async () => {
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  const search = page.getByRole('combobox', { name: '查找居民' });
  await expect(search).toBeFocused();
  const url = page.url();
  // A fast typist's keys are ≥ ~80 ms apart (shared/domain/key-burst.ts); the scanner's are a few ms.
  await page.keyboard.type(CODE, { delay: 90 });
  await page.keyboard.press('Enter');
  // A scan puts the field back as it was in the same keydown that starts the lookup: here the text stays.
  await expect(search).toHaveValue(CODE);
  await expect(page.getByTestId('scan-unknown')).toHaveCount(0);
  expect(page.url()).toBe(url);
  await expect(page.locator('.resident-name')).toHaveCount(0);
});

test('an admin sets the clinic’s e-health-card format on the 设备 screen; a bad one is refused; scans follow the saved one', async () => {
  test.setTimeout(120_000);
  await page.locator('nav').getByRole('link', { name: /^设备/ }).click();
  await expect(page.locator('main h1')).toHaveText('设备');
  await page.getByRole('tab', { name: '电子健康卡格式' }).click();
  await expect(page.getByTestId('health-card-placeholder')).toBeVisible();
  const dir = join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.getByTestId('health-card-sample').fill(CODE);
  await expect(page.getByText('符合此格式，会被当作电子健康卡查找')).toBeVisible();
  await page.screenshot({ path: join(dir, 'devices-health-card-zh-CN.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.screenshot({ path: join(dir, 'devices-health-card-zh-CN-large.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();

  // A regular expression that does not compile is refused with the reason, next to the field; nothing is saved.
  const source = page.getByLabel('正则表达式（整段编码须完全匹配）');
  await source.fill('[0-9');
  await page.getByRole('button', { name: '保存格式' }).click();
  await expect(page.getByText(/正则表达式无法编译/).first()).toBeVisible();
  await source.fill('[0-9]*');
  await page.getByRole('button', { name: '保存格式' }).click();
  await expect(page.getByText('此格式会接受空的编码，请写明编码至少含哪些字符').first()).toBeVisible();
  expect((await apiCall<{ healthCardPattern: unknown }>(host, 'settings.get', {})).healthCardPattern).toEqual({ kind: 'regex', source: '[0-9A-Za-z:+/=._-]{16,256}' });

  await page.getByRole('radio', { name: '前缀 + 长度范围' }).check();
  await page.getByLabel('前缀', { exact: true }).fill('EHC');
  await page.getByLabel('最短长度').fill('10');
  await page.getByLabel('最长长度').fill('12');
  await page.getByRole('button', { name: '保存格式' }).click();
  await expect(page.getByText('电子健康卡格式已保存')).toBeVisible();
  await expect(page.getByTestId('health-card-placeholder')).toHaveCount(0);
  expect((await apiCall<{ healthCardPattern: unknown }>(host, 'settings.get', {})).healthCardPattern).toEqual({ kind: 'prefix', prefix: 'EHC', minLength: 10, maxLength: 12 });

  // The detector now takes EHC codes, and the old placeholder-shaped code is just typing.
  await page.keyboard.press('Alt+Digit2');
  const search = page.getByRole('combobox', { name: '查找居民' });
  await expect(search).toBeFocused();
  await scan(CODE);
  await expect(search).toHaveValue(CODE);
  await search.fill('');
  await scan('EHC1234567');
  await expect(page.getByTestId('scan-unknown')).toBeVisible();
  await expect(search).toHaveValue('');
  await page.getByRole('dialog', { name: '电子健康卡' }).getByRole('button', { name: '取消' }).click();
  await apiCall(host, 'settings.update', { healthCardPattern: { kind: 'regex', source: '[0-9A-Za-z:+/=._-]{16,256}' } });
});

test('with 保存身份证照片 switched on in 设置, a card read stores its WLT photo on the resident (audited, shown by its size)', async () => {
  // Two screenshots and a card read on a shared test machine: more than the default minute.
  test.setTimeout(120_000);
  const created = (await apiCall<{ id: string; idNumber: string }[]>(host, 'residents.search', { query: CARD.idNumber, limit: 5 }))[0]!;
  await page.keyboard.press('Alt+Digit9');
  const photoSwitch = page.getByRole('switch', { name: '保存身份证照片' });
  await expect(photoSwitch).not.toBeChecked();
  await photoSwitch.click();
  await expect(photoSwitch).toBeChecked();
  const dir = join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'settings-card-photo-zh-CN.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.screenshot({ path: join(dir, 'settings-card-photo-zh-CN-large.png') });
  await page.getByRole('switch', { name: '大字模式' }).click();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已保存', { exact: true })).toBeVisible();
  expect((await apiCall<{ isCardPhotoStored: boolean }>(host, 'settings.get', {})).isCardPhotoStored).toBe(true);

  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  await page.getByRole('button', { name: '读卡' }).click();
  sim.stdin.write('card on\n');
  await expect(page.locator('.resident-name')).toHaveText(CARD.name, { timeout: 20_000 });
  sim.stdin.write('card off\n');
  await expect
    .poll(async () => (await apiCall<{ kind: string; title: string }[]>(host, 'residents.timeline', { id: created.id })).filter((e) => e.kind === 'deviceReading').map((e) => e.title), { timeout: 15_000 })
    .toContain('WLT 1024 B');
  const audit = await apiCall<{ detail: string }[]>(host, 'audit.list', { residentId: created.id, limit: 50 });
  expect(audit.some((a) => a.detail.includes('card photo WLT 1024 bytes'))).toBe(true);
});
