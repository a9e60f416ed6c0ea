/**
 * 同一人两份档案 on the 同步 → 待审核 screen (issue 13 item 5), in Chromium at 1366×768 against a real platform
 * (PGlite) on loopback. The clinic records a person with one measurement; a village clinic that shares the village
 * records the same ID number with two measurements; the platform queues the pair and the screen shows both records
 * side by side (record number, ID number, village and clinic, birth date, services, who registered each and when).
 * Settled offline, the merge is applied on this device at once and marked as waiting for the platform; when the
 * village clinic's opposite decision reached the platform first, the screen says so after sync and nothing is lost.
 * Screenshots (normal and large text) go to test-results/screenshots/duplicates-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { PullResponse, PushResponse, type WireDocument } from '../../shared/sync/protocol';
import { DuplicateReview, ReviewItem } from '../../shared/api/sync-review';
import type { PlatformHttp } from '../../main/sync/platform-http';
import { enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../helpers/platform';
import { apiCall, CLINIC, type E2eHost, idNumber, initClinic, makeDataDir, ROOT, shootBothSizes, signIn, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const VILLAGE = { code: '441521101201', name: '东光村' };
/** 东光村卫生室: the village's own clinic, which shares the village with the township centre (this host). */
const VILLAGE_CLINIC = { code: VILLAGE.code, name: '东光村卫生室', villages: [VILLAGE] };
const BIRTH = '1952-11-23';
const NUMBER = idNumber(BIRTH, 61);
let platform: TestPlatform;
let host: E2eHost;
let page: Page;
let other: PlatformHttp;
let ours = '';
let theirs = '';

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  platform = await startTestPlatform();
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  // The host's API answers once a user is signed in on it.
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toBeVisible();
  const { enrolmentCode } = await platform.store.addClinic({ code: CLINIC.code, name: CLINIC.name, villages: [VILLAGE] });
  await apiCall(host, 'sync.enroll', { url: platform.url, code: enrolmentCode });
  other = (await enrolDevice(platform, VILLAGE_CLINIC, 'village-clinic-device')).http;
});

test.afterAll(async () => {
  if (page) await page.close();
  if (other) await other.close();
  if (host) await host.stop();
  if (platform) await platform.dispose();
});

function measurement(residentId: string, n: number): WireDocument {
  return {
    id: `0190f0e0-0000-7000-8000-d0000000000${n}`,
    type: 'measurement',
    clinicCode: VILLAGE_CLINIC.code,
    villageCode: VILLAGE.code,
    residentId,
    date: `2026-02-0${n}`,
    status: 'completed',
    amends: '',
    data: { form: { sbp: 140 + n, dbp: 90 } },
    createdAt: 1_772_000_000_000 + n,
    updatedAt: 1_772_000_000_000 + n,
    completedAt: 1_772_000_000_000 + n,
    _deleted: false,
  };
}

async function openReview(): Promise<void> {
  await page.locator('nav').getByRole('link', { name: /^同步/ }).click();
  await page.getByRole('tab', { name: '待审核' }).click();
}

test('the review shows both records side by side, with services and who registered each', async () => {
  ours = (await apiCall<{ resident: { id: string } }>(host, 'residents.create', {
    input: { name: '林两份', createdDate: '2026-03-01', sex: '1', birthDate: BIRTH, idNumber: NUMBER, phone: '13812340061', villageCode: VILLAGE.code },
  })).resident.id;
  await apiCall(host, 'measurements.record', { residentId: ours, date: '2026-03-01', sbp: 150, dbp: 95 });
  await apiCall(host, 'sync.now', {});
  const record = residentWire(VILLAGE.code, { name: '林两份', idNumber: NUMBER, birthDate: BIRTH, clinicCode: VILLAGE_CLINIC.code, recordNo: '44152110120190001', createdAt: 1_771_000_000_000 });
  theirs = String(record.id);
  expect(await other.json('POST', '/residents/push', [{ newDocumentState: record }], PushResponse)).toEqual([]);
  expect(await other.json('POST', '/encounters/push', [{ newDocumentState: measurement(theirs, 1) }, { newDocumentState: measurement(theirs, 2) }], PushResponse)).toEqual([]);
  await expect
    .poll(async () => {
      await apiCall(host, 'sync.now', {});
      return (await apiCall<ReviewItem[]>(host, 'syncReview.list', { status: 'open' })).length;
    }, { timeout: 60_000 })
    .toBe(1);

  await openReview();
  const card = page.locator('.sync-review-pair');
  await expect(card).toBeVisible();
  const mine = card.locator('.ant-card').filter({ hasText: CLINIC.name });
  const village = card.locator('.ant-card').filter({ hasText: VILLAGE_CLINIC.name });
  await expect(mine).toContainText('1 条');
  await expect(mine).toContainText('admin');
  await expect(village).toContainText('2 条');
  // The platform knows no user of the other clinic and its record names no 建档人: the clinic and device instead of 不详.
  await expect(village).toContainText(`${VILLAGE_CLINIC.name}（设备 device）`);
  await expect(village).not.toContainText('不详');
  await expect(card).toContainText(VILLAGE.name);
  await card.scrollIntoViewIfNeeded();
  await shootBothSizes(page, SHOTS, 'duplicates-open');
});

test('settled offline it merges here at once; the decision that reached the platform first stands and the screen says so', async () => {
  const [open] = await apiCall<DuplicateReview[]>(host, 'syncReview.list', { status: 'open' });
  const port = platform.port;
  await platform.close();
  await page.locator('.sync-review-pair .ant-card').filter({ hasText: CLINIC.name }).getByRole('radio').check();
  await page.getByLabel('处理说明').fill('本院建档在先');
  await page.getByRole('button', { name: '合并为一份档案' }).click();
  await page.locator('.ant-segmented').getByText('已处理', { exact: true }).click();
  await expect(page.getByText('本机已合并，等待平台确认')).toBeVisible();
  expect((await apiCall<{ resident: { id: string } }>(host, 'residents.get', { id: ours })).resident.id).toBe(ours);
  await page.getByText('本机已合并，等待平台确认').scrollIntoViewIfNeeded();
  await shootBothSizes(page, SHOTS, 'duplicates-pending');

  // Meanwhile the village clinic kept its own record, and its decision reaches the restarted platform first.
  platform = await startTestPlatform({ dataDir: platform.dataDir, port });
  // The same village clinic device, reconnecting to the restarted platform.
  const copies = (await other.json('GET', '/settings/pull?seq=0&limit=1000', undefined, PullResponse)).documents.filter((d) => d['type'] === 'syncReview');
  const copy = copies.find((d) => ReviewItem.parse(d['data']).id === open!.id)!;
  const contrary = { ...copy, data: { ...DuplicateReview.parse(copy['data']), status: 'settled', decision: 'merged', keptId: theirs, settledBy: '王医生', settledAt: Date.now(), reason: '村卫生室建档在先' }, updatedAt: Date.now() };
  expect(await other.json('POST', '/settings/push', [{ assumedMasterState: copy, newDocumentState: contrary }], PushResponse)).toEqual([]);

  await expect
    .poll(async () => {
      await apiCall(host, 'sync.now', {}).catch(() => undefined);
      const [item] = await apiCall<DuplicateReview[]>(host, 'syncReview.list', { status: 'settled' });
      return item?.keptId === theirs && item.overruled?.length === 1 && item.pending === undefined;
    }, { timeout: 90_000 })
    .toBe(true);
  const timeline = await apiCall<Array<{ kind: string }>>(host, 'residents.timeline', { id: theirs });
  expect(timeline.filter((t) => t.kind === 'measurement')).toHaveLength(3);
  await page.getByRole('button', { name: '刷新' }).or(page.getByRole('button', { name: '刷 新' })).click();
  const alert = page.locator('.ant-alert-warning').filter({ hasText: '未被采用' });
  await expect(alert).toContainText('本院建档在先');
  // The decision that stands is the one shown as kept.
  await expect(page.locator('.sync-review-keep')).toContainText('东光村卫生室');
  await alert.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await shootBothSizes(page, SHOTS, 'duplicates-overruled');
});
