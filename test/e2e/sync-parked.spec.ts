/**
 * The 同步 screen tells the user about edits the platform parked (issue 13 item 6), in Chromium at 1366×768: the
 * clinic edits a resident while the platform is down, the operator moves that resident to another clinic's village
 * meanwhile, and the next 立即同步 uploads the edit, which the platform parks. The status tab then says how many
 * changes were handed to the platform, that nothing was lost and that nothing more is needed here; once the operator
 * settles the edit the notice goes. Screenshots (normal and large text) go to test-results/screenshots/.
 */
import { expect, type Page, test } from '@playwright/test';
import { main as platformCli } from '../../platform/cli';
import type { TestPlatform } from '../helpers/platform';
import { apiCall, CLINIC, type E2eHost, idNumber, shootBothSizes, signIn } from './fixtures';
import { platformClinicSuite, SHOTS } from './platform-clinic';

test.describe.configure({ mode: 'serial' });

const VILLAGE = { code: '441521101201', name: '东光村' };
const OTHER = { code: '441521102', name: '海丰县大湖镇卫生院', villages: [{ code: '441521102201', name: '大湖村' }] };
let platform: TestPlatform;
let host: E2eHost;
let page: Page;

platformClinicSuite((s) => ({ platform, host, page } = s));

test('an edit uploaded after the resident moved away is shown as handed to the platform, and goes once settled', async () => {
  test.setTimeout(120_000);
  // The API answers once someone has signed in (the session holds the data key).
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  const { enrolmentCode } = await platform.store.addClinic({ code: CLINIC.code, name: CLINIC.name, villages: [VILLAGE] });
  await platform.store.addClinic(OTHER);
  await apiCall(host, 'sync.enroll', { url: platform.url, code: enrolmentCode });
  const birth = '1950-02-03';
  const input = { name: '迁出者', createdDate: '2026-03-01', sex: '1', birthDate: birth, idNumber: idNumber(birth, 41), phone: '13812340041', villageCode: VILLAGE.code };
  const { resident } = await apiCall<{ resident: { id: string } }>(host, 'residents.create', { input });
  expect(await apiCall<{ pending: number; lastError: unknown }>(host, 'sync.now', {})).toMatchObject({ pending: 0, lastError: null });

  // The platform is down: the clinic edits the resident; the operator moves them to the other clinic's village.
  await platform.close();
  await apiCall(host, 'residents.update', { id: resident.id, input: { ...input, phone: '13912340041' } });
  const log = console.log;
  console.log = () => undefined;
  try {
    expect(await platformCli(['resident', 'move', '--data-dir', platform.dataDir, '--id', resident.id, '--village', OTHER.villages[0]!.code])).toBe(0);
  } finally {
    console.log = log;
  }
  await platform.restart();

  await page.locator('nav').getByRole('link', { name: /^同步/ }).click();
  await page.getByRole('button', { name: '立即同步' }).click();
  const notice = page.getByTestId('sync-parked');
  await expect(notice).toContainText('1 条修改因居民已迁出本辖区，已转交县平台处理', { timeout: 60_000 });
  await expect(notice).toContainText('没有丢失');
  await expect(page.getByTestId('sync-pending')).toHaveText('0 条');
  await expect(page.getByTestId('sync-error')).toHaveCount(0);
  await shootBothSizes(page, SHOTS, 'sync-parked');

  const [parked] = await platform.store.parkedEdits();
  await platform.store.settleParked({ id: parked!.id, action: 'discard', reason: 'e2e', by: 'e2e' });
  await page.getByRole('button', { name: '立即同步' }).click();
  await expect(notice).toHaveCount(0, { timeout: 60_000 });
});
