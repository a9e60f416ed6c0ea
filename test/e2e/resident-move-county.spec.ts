/**
 * 迁出 with the county's village list on the device (issue 13 item 6), in Chromium at 1366×768, the clinic enrolled
 * with a platform that knows two other townships:
 * - the 迁出 dialog picks the destination from the list, grouped by township and found by pinyin initials;
 * - in the edit form, choosing another clinic's village does not save it: the form explains, and its one button saves
 *   the other changes with the village unchanged and files the 迁出申请 (the resident page then says it waits).
 * - the form's picker finds the clinic's own villages by pinyin initials too;
 * - a request the platform refused as timed out (its resident version never arrived) tells the resident page what to
 *   do.
 * Screenshots of the dialog, the form's picker and prompt, and the timed-out request (normal and large text) go to
 * test-results/screenshots/.
 */
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { insertDocuments, type TestPlatform } from '../helpers/platform';
import { apiCall, CLINIC, type E2eHost, idNumber, setLargeText, shootBothSizes, signIn } from './fixtures';
import { platformClinicSuite, SHOTS } from './platform-clinic';

test.describe.configure({ mode: 'serial' });

const VILLAGE = { code: '441521101201', name: '东光村' };
const DAHU = { code: '441521102', name: '海丰县大湖镇卫生院', villages: [{ code: '441521102201', name: '大湖村' }, { code: '441521102202', name: '新塘村' }] };
const GONGPING = { code: '441521103', name: '海丰县公平镇卫生院', villages: [{ code: '441521103201', name: '长沙村' }] };
let platform: TestPlatform;
let host: E2eHost;
let page: Page;

platformClinicSuite((s) => ({ platform, host, page } = s));

async function newResident(name: string, seq: number): Promise<{ id: string; input: Record<string, unknown> }> {
  const birth = '1952-06-07';
  const input = { name, createdDate: '2026-03-01', sex: '1', birthDate: birth, idNumber: idNumber(birth, seq), phone: `138123400${seq}`, villageCode: VILLAGE.code };
  const { resident } = await apiCall<{ resident: { id: string } }>(host, 'residents.create', { input });
  return { id: resident.id, input };
}

const option = (name: string) => page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name });

test('the 迁出 dialog picks the destination from the county list by pinyin initials, grouped by township', async () => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  const { enrolmentCode } = await platform.store.addClinic({ code: CLINIC.code, name: CLINIC.name, villages: [VILLAGE] });
  await platform.store.addClinic(DAHU);
  await platform.store.addClinic(GONGPING);
  await apiCall(host, 'sync.enroll', { url: platform.url, code: enrolmentCode });
  await expect
    .poll(async () => {
      await apiCall(host, 'sync.now', {});
      return (await apiCall<{ villages: unknown[] }>(host, 'residents.moveDestinations', {})).villages.length;
    })
    .toBe(3);
  // The platform goes offline while the screens are used, so the request stays pending on screen (a live sync would
  // move the resident away at once); it comes back at the end to carry the request out.
  await platform.close();

  const { id } = await newResident('对话迁出', 61);
  await page.evaluate((rid) => (window.location.hash = `#/residents?id=${rid}`), id);
  await expect(page.getByTestId('resident-page')).toBeVisible();
  const dialog = page.getByRole('dialog');
  // Large text first: the switch is behind the dialog's mask while it is open.
  for (const large of [true, false]) {
    await setLargeText(page, large);
    await page.getByRole('button', { name: '迁出到外院辖区' }).click();
    await dialog.getByLabel('迁入村').click();
    await dialog.getByLabel('迁入村').fill('dhc');
    await expect(option('大湖村')).toBeVisible();
    await expect(option('长沙村')).toHaveCount(0);
    await expect(page.locator('.ant-select-dropdown:visible .ant-select-item-group')).toHaveText([DAHU.name]);
    await page.screenshot({ path: join(SHOTS, `resident-move-county-dialog${large ? '-large' : ''}.png`) });
    if (!large) break;
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: '取 消' }).or(dialog.getByRole('button', { name: '取消' })).click();
    await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
  }
  await option('大湖村').click();
  await dialog.getByLabel('原因（可不填）').fill('投靠子女');
  await dialog.getByRole('button', { name: '提交迁出申请' }).click();
  await expect(page.getByTestId('move-pending')).toContainText(`${DAHU.name} 大湖村（441521102201）`);
  const stored = await apiCall<{ status: string; toVillageCode: string }>(host, 'residents.moveRequest', { id });
  expect(stored).toMatchObject({ status: 'pending', toVillageCode: '441521102201' });
  await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
  await shootBothSizes(page, SHOTS, 'resident-move-county-pending');

  await platform.restart();
  await expect.poll(() => platformResident(id)).toMatchObject({ villageCode: '441521102201', clinicCode: DAHU.code });
  await platform.close();
});

/** The platform's copy of a resident after the device's next sync. */
async function platformResident(id: string): Promise<Record<string, unknown> | undefined> {
  await apiCall(host, 'sync.now', {});
  return (await platform.store.allDocuments('residents')).find((d) => d['id'] === id);
}

test('the edit form turns a village of another clinic into a 迁出申请 and saves the other changes with it', async () => {
  test.setTimeout(120_000);
  const { id } = await newResident('改址迁出', 63);
  await page.evaluate((rid) => (window.location.hash = `#/residents?id=${rid}`), id);
  await expect(page.getByTestId('resident-page')).toBeVisible();
  await page.getByRole('button', { name: '编辑档案' }).click();
  const form = page.locator('section.resident-form');
  await expect(form).toBeVisible();
  await form.getByLabel('本人电话').fill('13912340063');
  await form.getByRole('combobox', { name: '村（居）委会' }).click();
  await form.getByRole('combobox', { name: '村（居）委会' }).fill('村');
  // The clinic's own villages first, then each other clinic's, titled as a move through the county platform.
  await expect(page.locator('.ant-select-dropdown:visible .ant-select-item-group')).toHaveText(['本院辖区', `迁往${DAHU.name}（需县平台办理）`, `迁往${GONGPING.name}（需县平台办理）`]);
  await page.screenshot({ path: join(SHOTS, 'resident-move-county-form-picker.png') });
  // The clinic's own villages are found by pinyin initials too, as the county's are.
  for (const large of [false, true]) {
    await setLargeText(page, large);
    await form.getByRole('combobox', { name: '村（居）委会' }).click();
    await form.getByRole('combobox', { name: '村（居）委会' }).fill('dgc');
    await expect(option('东光村')).toBeVisible();
    await expect(page.locator('.ant-select-dropdown:visible .ant-select-item-group')).toHaveText(['本院辖区']);
    await page.screenshot({ path: join(SHOTS, `resident-move-county-form-own-pinyin${large ? '-large' : ''}.png`) });
    await page.keyboard.press('Escape');
  }
  await setLargeText(page, false);
  await form.getByRole('combobox', { name: '村（居）委会' }).click();
  await form.getByRole('combobox', { name: '村（居）委会' }).fill('csc');
  await option('长沙村').click();
  const notice = form.getByTestId('move-edit-notice');
  await expect(notice).toContainText('长沙村属于海丰县公平镇卫生院的辖区');
  await expect(form.getByRole('button', { name: '保存并提交迁出申请' })).toHaveCount(2);
  for (const large of [false, true]) {
    await setLargeText(page, large);
    // The prompt in the middle of the view, clear of the form's sticky action bar.
    await notice.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(SHOTS, `resident-move-county-form${large ? '-large' : ''}.png`) });
  }
  await setLargeText(page, false);

  await notice.getByRole('button', { name: '保存并提交迁出申请' }).click();
  await expect(page.getByTestId('resident-page')).toBeVisible();
  await expect(page.getByTestId('move-pending')).toContainText('441521103201');
  const detail = await apiCall<{ resident: { phone: string; villageCode: string } }>(host, 'residents.get', { id });
  expect(detail.resident).toMatchObject({ phone: '13912340063', villageCode: VILLAGE.code });
  expect(await apiCall<{ status: string; toVillageCode: string }>(host, 'residents.moveRequest', { id })).toMatchObject({ status: 'pending', toVillageCode: '441521103201' });

  // Online again: the platform moves the edited record to 长沙村 and parks nothing.
  await platform.restart();
  await expect.poll(() => platformResident(id)).toMatchObject({ villageCode: '441521103201', clinicCode: GONGPING.code, phone: '13912340063' });
  expect(await platform.store.parkedEdits()).toEqual([]);
});

test('a move request the platform refused as timed out says on the resident page what to do', async () => {
  test.setTimeout(120_000);
  const { id } = await newResident('超时迁出', 65);
  await expect.poll(() => platformResident(id)).toMatchObject({ villageCode: VILLAGE.code });
  // As if this computer had sent the request and was wiped before the edit saved with it was pushed: the platform
  // holds a pending request naming a version it never receives; after its wait it refuses it as timed out.
  const request = { residentId: id, fromVillageCode: VILLAGE.code, toVillageCode: DAHU.villages[0]!.code, reason: '', requestedBy: 'doctor', requestedAt: Date.parse('2026-03-02T02:00:00Z'), status: 'pending', residentUpdatedAt: Date.now() + 86_400_000 };
  const doc = { id: `moveRequest:${id}`, type: 'moveRequest', clinicCode: CLINIC.code, data: request, updatedAt: request.requestedAt, _deleted: false };
  await insertDocuments(platform.store.sql, 'settings', [doc], 'device-wiped');
  expect(await platform.store.expireMoveRequests()).toBe(1);
  await expect
    .poll(async () => {
      await apiCall(host, 'sync.now', {});
      return (await apiCall<{ status: string; timedOut?: boolean } | null>(host, 'residents.moveRequest', { id }))?.timedOut;
    })
    .toBe(true);
  await platform.close();
  await page.evaluate((rid) => (window.location.hash = `#/residents?id=${rid}`), id);
  await expect(page.getByTestId('resident-page')).toBeVisible();
  await expect(page.getByTestId('move-refused')).toContainText('迁出申请已超时作废');
  await expect(page.getByTestId('move-timed-out-what-to-do')).toContainText('2026-03-02 提交的迁出申请');
  await expect(page.getByTestId('move-refused')).toContainText('waited 14 days');
  await page.getByTestId('move-refused').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shootBothSizes(page, SHOTS, 'resident-move-timed-out');
});
