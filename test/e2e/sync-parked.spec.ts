/**
 * The 同步 screen tells the user about edits the platform parked (issue 13 item 6), in Chromium at 1366×768: the
 * clinic edits a resident while the platform is down, the operator moves that resident to another clinic's village
 * meanwhile, and the next 立即同步 uploads the edit, which the platform parks. The status tab then says how many
 * changes were handed to the platform, that nothing was lost and that nothing more is needed here; once the operator
 * settles the edit the notice goes, and the 迁出居民的修改 list shows it as not used, with the operator's reason.
 * Then a late edit of the clinic that asked for the move: while the platform is down another device of the clinic has
 * had the resident moved to the other clinic's village by a 迁出申请, and this device edits them; after 立即同步 the list
 * shows the edit as forwarded to that clinic and village, with the date; moved back, the resident's page says so too.
 * Screenshots (normal and large text) go to
 * test-results/screenshots/.
 */
import { expect, type Page, test } from '@playwright/test';
import { main as platformCli } from '../../platform/cli';
import { openStore } from '../../platform/index';
import type { MoveRequest } from '../../shared/sync/moves';
import type { TestPlatform } from '../helpers/platform';
import { apiCall, CLINIC, type E2eHost, idNumber, shootBothSizes, signIn } from './fixtures';
import { platformClinicSuite, SHOTS } from './platform-clinic';

test.describe.configure({ mode: 'serial' });

const VILLAGE = { code: '441521101201', name: '东光村' };
const OTHER = { code: '441521102', name: '海丰县大湖镇卫生院', villages: [{ code: '441521102201', name: '大湖村' }] };
let platform: TestPlatform;
let host: E2eHost;
let page: Page;
/** The resident whose late edit was forwarded (second test), moved back in the third. */
let forwardedId = '';

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
  const settled = page.getByTestId('sync-late-edit').filter({ hasText: '迁出者' });
  await expect(settled).toContainText('未采用');
  await expect(settled).toContainText('理由：e2e');
});

test("the clinic's own late edit after its 迁出申请 is shown as forwarded to the new clinic and village, with the date", async () => {
  test.setTimeout(120_000);
  const birth = '1952-06-07';
  const input = { name: '投亲者', createdDate: '2026-03-01', sex: '2', birthDate: birth, idNumber: idNumber(birth, 42), phone: '13812340042', villageCode: VILLAGE.code };
  const { resident } = await apiCall<{ resident: { id: string } }>(host, 'residents.create', { input });
  forwardedId = resident.id;
  expect(await apiCall<{ pending: number; lastError: unknown }>(host, 'sync.now', {})).toMatchObject({ pending: 0, lastError: null });

  // The platform is down for this device. Another device of the clinic (its office computer) had sent the resident's
  // 迁出申请 to the other clinic's village, applied by the platform; this device then edits the resident.
  await platform.close();
  const store = await openStore({ dataDir: platform.dataDir });
  try {
    const { enrolmentCode } = await store.issueCode(CLINIC.code);
    const office = await store.authenticate((await store.enrol({ code: enrolmentCode, deviceId: 'device-office', blocks: [] })).credential);
    const onPlatform = (await store.allDocuments('residents')).find((d) => d['id'] === resident.id)!;
    const request: MoveRequest = {
      residentId: resident.id,
      fromVillageCode: VILLAGE.code,
      toVillageCode: OTHER.villages[0]!.code,
      reason: '投靠子女',
      requestedBy: 'doctor',
      requestedAt: Date.now(),
      status: 'pending',
      residentUpdatedAt: Number(onPlatform['updatedAt']),
    };
    const doc = { id: `moveRequest:${resident.id}`, type: 'moveRequest', clinicCode: CLINIC.code, data: request, updatedAt: Date.now(), _deleted: false };
    expect(await store.push(office, 'settings', [{ newDocumentState: doc }])).toEqual([]);
  } finally {
    await store.sql.close();
  }
  await apiCall(host, 'residents.update', { id: resident.id, input: { ...input, phone: '13912340042' } });
  await platform.restart();

  await page.getByRole('button', { name: '立即同步' }).click();
  const forwarded = page.getByTestId('sync-late-edit').filter({ hasText: '投亲者' });
  await expect(forwarded).toContainText('已转交', { timeout: 60_000 });
  await expect(forwarded).toContainText(`转交 ${OTHER.name}（${OTHER.villages[0]!.name}），并入居民在新辖区的档案`);
  await expect(forwarded).toContainText(/已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 转交/);
  await expect(page.getByTestId('sync-parked')).toHaveCount(0);
  await expect(page.getByTestId('sync-pending')).toHaveText('0 条');
  const onB = (await platform.store.allDocuments('residents')).find((d) => d['id'] === resident.id);
  expect(onB).toMatchObject({ villageCode: OTHER.villages[0]!.code, phone: '13912340042' });
  await page.getByTestId('sync-late-edits').scrollIntoViewIfNeeded();
  await shootBothSizes(page, SHOTS, 'sync-late-edits');
});

test("a resident who moved back shows on their page that this device's edit was forwarded", async () => {
  test.setTimeout(120_000);
  expect(forwardedId).not.toBe('');
  await platform.store.moveResident({ residentId: forwardedId, villageCode: VILLAGE.code, requestedBy: 'e2e' });
  expect(await apiCall<{ lastError: unknown }>(host, 'sync.now', {})).toMatchObject({ lastError: null });
  await page.evaluate((id) => (window.location.hash = `#/residents?id=${id}`), forwardedId);
  await expect(page.getByTestId('resident-page')).toBeVisible();
  const notice = page.getByTestId('resident-late-edits');
  await expect(notice).toContainText('迁出后才送达县平台');
  await expect(notice).toContainText('已转交');
  await expect(notice).toContainText(`转交 ${OTHER.name}（${OTHER.villages[0]!.name}）`);
  await shootBothSizes(page, SHOTS, 'resident-late-edits');
});
