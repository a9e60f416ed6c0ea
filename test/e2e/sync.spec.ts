/**
 * The 同步 screen against a real county platform (PGlite) on loopback, in Chromium at 1366×768: an administrator
 * enrols with the operator's one-time code and sees the pinned fingerprint; a resident saved in the clinic goes up
 * with 立即同步, the platform holds it, and the screen shows what the platform acknowledged. Screenshots of the
 * enrolment form and the status (normal and large text) go to test-results/screenshots/.
 */
import { expect, type Page, test } from '@playwright/test';
import type { TestPlatform } from '../helpers/platform';
import { apiCall, CLINIC, type E2eHost, idNumber, signIn, shootBothSizes } from './fixtures';
import { platformClinicSuite, SHOTS } from './platform-clinic';

test.describe.configure({ mode: 'serial' });

const VILLAGE = { code: '441521101201', name: '东光村' };
let platform: TestPlatform;
let host: E2eHost;
let page: Page;

platformClinicSuite((s) => ({ platform, host, page } = s));

async function shoot(name: string): Promise<void> {
  await shootBothSizes(page, SHOTS, `sync-${name}`);
}

test('an administrator enrols on the 同步 screen and sees the pinned certificate fingerprint', async () => {
  await page.goto(host.url);
  await signIn(page);
  await page.locator('nav').getByRole('link', { name: /^同步/ }).click();
  await expect(page.locator('main h1')).toHaveText('同步');
  await expect(page.getByText('接入县平台', { exact: true })).toBeVisible();
  await shoot('enrol');

  // A wrong code is refused in plain words, and nothing is enrolled.
  await page.getByLabel('平台地址').fill(platform.url);
  await page.getByLabel('一次性接入码').fill('not-a-real-code');
  await page.getByRole('button', { name: '接 入' }).or(page.getByRole('button', { name: '接入' })).click();
  await expect(page.locator('.sync-enrol-error')).toBeVisible();
  await expect(page.getByTestId('sync-status')).toHaveCount(0);

  const { enrolmentCode } = await platform.store.addClinic({ code: CLINIC.code, name: CLINIC.name, villages: [VILLAGE] });
  await page.getByLabel('一次性接入码').fill(enrolmentCode);
  await page.getByRole('button', { name: '接 入' }).or(page.getByRole('button', { name: '接入' })).click();
  await expect(page.getByTestId('sync-fingerprint')).toHaveText(platform.tls.fingerprint256);
});

test('a saved resident goes up with 立即同步 and the platform acknowledges it on the screen', async () => {
  const birth = '1956-05-14';
  const created = await apiCall<{ resident: { id: string } }>(host, 'residents.create', {
    input: { name: '同步测试', createdDate: '2026-03-01', sex: '1', birthDate: birth, idNumber: idNumber(birth, 31), phone: '13812340031', villageCode: VILLAGE.code },
  });
  const before = Date.now();
  await page.getByRole('button', { name: '立即同步' }).click();
  await expect(page.getByTestId('sync-state')).toHaveText('已同步', { timeout: 60_000 });
  await expect(page.getByTestId('sync-acked')).toContainText('之前本机记录的内容都已在县平台');
  await expect(page.getByTestId('sync-pending')).toHaveText('0 条');
  await expect(page.getByTestId('sync-error')).toHaveCount(0);
  const onPlatform = await platform.store.allDocuments('residents');
  expect(onPlatform.map((d) => d['id'])).toContain(created.resident.id);
  // The acknowledgement is the platform's answer for this device, not the clock of the screen.
  const status = await apiCall<{ ackedUpTo: number | null }>(host, 'sync.status', {});
  expect(status.ackedUpTo).not.toBeNull();
  expect(status.ackedUpTo!).toBeGreaterThanOrEqual(before - 60_000);
  await shoot('status');
});

test('the review queue and the offline bundle are tabs of the same screen', async () => {
  await page.getByRole('tab', { name: '待审核' }).click();
  await expect(page.getByText('没有需要审核的内容')).toBeVisible();
  await page.getByRole('tab', { name: '离线数据包' }).click();
  await expect(page.getByRole('button', { name: '导出离线数据包' })).toBeVisible();
  await shoot('bundle');
  await page.getByRole('tab', { name: '同步状态' }).click();
});
