/**
 * Village scope (issue 11) on the demo clinic, in Chromium at 1366×768: the demo village doctor serves two of the
 * township's villages and sees only those in the residents list, the search and the work list; opening another
 * village's resident, in the window or straight through the API, is refused with FORBIDDEN, explained, and shows
 * up in the audit log the admin reads in 设置 → 审计日志. Screenshots go to test-results/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import type { ResidentSummary } from '../../shared/api/residents';
import type { UserSummary } from '../../shared/api/session';
import type { ClinicSettings } from '../../shared/api/settings';
import { apiCall, type E2eHost, makeDataDir, ROOT, startHost, shootBothSizes } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const DOCTOR = { username: 'wang', password: 'demo-doctor-2026' };
const ADMIN = { username: 'admin', password: 'demo-admin-2026' };
let host: E2eHost;
let page: Page;
/** Names of the villages wang serves, how many residents they hold, one resident in them and one outside. */
let ownNames: string[];
let ownTotal: number;
let insider: ResidentSummary;
let outsider: ResidentSummary;
const OWN_TEAM = '本村家庭医生团队';
const OTHER_TEAM = '外村家庭医生团队';

/**
 * Opens a select (by its label) and expects exactly these option texts, in any order; `shot` keeps a screenshot of
 * it open. Polled: the dropdown of the page just left can still be fading out when this one opens (read once as []).
 */
async function expectOffered(label: string, expected: string[], shot?: string): Promise<void> {
  await page.getByLabel(label).click();
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  await expect.poll(async () => (await options.allInnerTexts()).sort()).toEqual([...expected].sort());
  if (shot) await page.screenshot({ path: join(SHOTS, `scope-${shot}.png`), animations: 'disabled' });
  await page.keyboard.press('Escape');
}

test.beforeAll(async ({ browser }) => {
  // Seeding the demo township takes a while on a busy 2-core machine.
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  const made = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main/cli/index.ts', 'demo', '--data-dir', dataDir, '--residents', '300'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (made.status !== 0) throw new Error(`cunyi demo failed (${made.status}): ${made.stderr}`);
  host = await startHost(dataDir);
  // What the admin knows: which villages wang serves, and a resident on each side of the line.
  await apiCall(host, 'session.signIn', ADMIN);
  const users = await apiCall<UserSummary[]>(host, 'users.list', {});
  const own = users.find((u) => u.username === DOCTOR.username)?.villages ?? [];
  expect(own).toHaveLength(2);
  const settings = await apiCall<ClinicSettings>(host, 'settings.get', {});
  ownNames = settings.villages.filter((v) => own.includes(v.code)).map((v) => v.name);
  const other = settings.villages.find((v) => !own.includes(v.code));
  if (!other) throw new Error('the demo township has no village beyond the doctor’s');
  ownTotal = 0;
  for (const code of own) ownTotal += (await apiCall<{ total: number }>(host, 'residents.list', { villageCode: code, limit: 1 })).total;
  insider = (await apiCall<{ items: ResidentSummary[] }>(host, 'residents.list', { villageCode: own[0], limit: 1 })).items[0]!;
  outsider = (await apiCall<{ items: ResidentSummary[] }>(host, 'residents.list', { villageCode: other.code, limit: 1 })).items[0]!;
  // One doctor team for the doctor's first village, one for a village beyond theirs.
  for (const [teamName, village] of [[OWN_TEAM, own[0]!], [OTHER_TEAM, other.code]] as const) {
    await apiCall(host, 'teams.save', { team: { teamName, leaderId: 'd1', members: [{ staffId: 'd1', name: '陈志明', role: 'familyDoctor' }], villages: [village] } });
  }
  await apiCall(host, 'session.lock', {});
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

async function signIn(who: { username: string; password: string }): Promise<void> {
  // After 锁定 the sign-in form replaces the page; until then 设置's own 用户名 filter may still be there. The first
  // visit waits for the page to connect to the runtime (正在连接本机服务…), which a loaded machine can stretch.
  await expect(page.getByLabel('密码', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('main h1')).toHaveCount(0);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码', { exact: true }).fill(who.password);
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await expect(page.locator('main h1')).toBeVisible();
}

async function shoot(name: string): Promise<void> {
  await shootBothSizes(page, SHOTS, `scope-${name}`);
}

/** The texts of one column of a table, found by its header. */
async function column(table: ReturnType<Page['locator']>, header: string): Promise<string[]> {
  // The residents list is a virtual table (rows and cells are divs): read cells by class, not by tag.
  const headers = await table.locator('.ant-table-thead th').allInnerTexts();
  const index = headers.findIndex((h) => h.trim() === header);
  expect(index, `column ${header} in ${headers.join('|')}`).toBeGreaterThanOrEqual(0);
  const rows = table.locator('.ant-table-row');
  const texts: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) texts.push(await rows.nth(i).locator('.ant-table-cell').nth(index).innerText());
  return texts;
}

test('the village doctor’s residents list holds only their two villages', async () => {
  await page.goto(host.url);
  await signIn(DOCTOR);
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  await expect(page.locator('main a[href^="#/residents?id="]').first()).toBeVisible();
  await expect(page.locator('.resident-list')).toContainText(`共 ${ownTotal} 人`);
  const villages = await column(page.locator('.resident-list'), '村（居）委会');
  expect(villages.length).toBeGreaterThan(5);
  expect(new Set(villages)).toEqual(new Set(villages.filter((v) => ownNames.includes(v))));
  // The village filter offers only the doctor's villages.
  await page.getByRole('combobox', { name: '村' }).first().click();
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  // Polled: the dropdown can re-render between the count and the read (once read as [] under CI load).
  await expect.poll(async () => (await options.allInnerTexts()).sort()).toEqual([...ownNames].sort());
  await page.keyboard.press('Escape');
  await shoot('residents');
});

test('search finds a resident of the doctor’s villages by record number, and not one of another village', async () => {
  const search = page.getByRole('combobox', { name: /查找居民/ }).or(page.getByLabel(/查找居民/)).first();
  await search.fill(outsider.recordNo);
  await expect(page.locator('.search-results')).toContainText('没有找到符合的居民');
  await search.fill(insider.recordNo);
  await expect(page.locator('.search-results')).toContainText(insider.name);
  await search.fill('');
});

test('the work list, all doctors, holds only the doctor’s villages', async () => {
  await page.keyboard.press('Alt+Digit1');
  await expect(page.locator('main h1')).toHaveText('工作台');
  const doctor = page.getByRole('combobox', { name: '医生' });
  await doctor.fill('');
  await expect(page.locator('.worklist-group').first()).toBeVisible();
  const villages = await column(page.locator('.worklist-group').first(), '村');
  expect(villages.length).toBeGreaterThan(0);
  expect(villages.filter((v) => !ownNames.includes(v))).toEqual([]);
});

test('the sign form offers the village doctor only the team serving their villages', async () => {
  await page.keyboard.press('Alt+Digit5');
  await expect(page.locator('main h1')).toHaveText('签约');
  await expectOffered('签约团队', [OWN_TEAM], 'sign-teams');
});

test('opening another village’s resident is refused and explained; through the API it is FORBIDDEN', async () => {
  await page.evaluate((id) => {
    window.location.hash = `#/residents?id=${encodeURIComponent(id)}`;
  }, outsider.id);
  await expect(page.getByText('该居民不在您负责的村')).toBeVisible();
  await expect(page.locator('main')).not.toContainText(outsider.idNumber);
  await shoot('forbidden');
  const refused = await apiCall(host, 'residents.get', { id: outsider.id }).then(
    () => 'allowed',
    (e: Error) => e.message,
  );
  expect(refused).toContain('"code":"FORBIDDEN"');
  expect(refused).toContain('"reason":"village"');
});

test('the village doctor’s 设置 names the villages they serve', async () => {
  await page.keyboard.press('Alt+Digit9');
  await expect(page.locator('main h1')).toHaveText('设置');
  const notice = page.getByTestId('your-villages');
  for (const name of ownNames) await expect(notice).toContainText(name);
  await shoot('settings-doctor');
});

test('the admin finds both refusals in 设置 → 审计日志, and sees wang’s villages in the users tab', async () => {
  await page.getByRole('button', { name: '锁定' }).click();
  await signIn(ADMIN);
  await page.keyboard.press('Alt+Digit9');
  await expect(page.locator('main h1')).toHaveText('设置');
  await page.keyboard.press('Alt+Digit5');
  await expectOffered('签约团队', [OTHER_TEAM, OWN_TEAM]);
  await page.keyboard.press('Alt+Digit9');
  await expect(page.locator('main h1')).toHaveText('设置');
  await page.getByRole('tab', { name: '用户' }).click();
  const wangVillages = page.getByTestId('user-villages-wang');
  for (const name of ownNames) await expect(wangVillages).toContainText(name);
  await shoot('users');
  await page.getByRole('tab', { name: '审计日志' }).click();
  await page.getByRole('combobox', { name: '操作' }).click();
  await page.locator('.ant-select-item-option', { hasText: /^forbidden$/ }).click();
  // The record page asks for the resident, its timeline, checks and more: each refusal is one entry, and the
  // call made straight through the API is the newest.
  const rows = page.getByTestId('audit-log').locator('tbody tr.ant-table-row');
  await expect(rows.first()).toContainText('residents.get village');
  const texts = await rows.allInnerTexts();
  expect(texts.filter((x) => x.includes('residents.get village')).length).toBe(2);
  expect(texts.every((x) => x.includes('wang') && x.includes('forbidden'))).toBe(true);
  await shoot('audit');
  // The filtered log exports as CSV for Excel (UTF-8 with a BOM), the refusals in it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const lines = csv.trim().split('\r\n');
  expect(lines.filter((l) => l.includes('residents.get village') && l.includes('wang') && l.includes('forbidden'))).toHaveLength(2);
});

test('a village doctor no admin has given villages is told so, and sees no resident', async () => {
  await apiCall(host, 'users.add', { username: 'liu', displayName: '刘村医', role: 'villageDoctor', password: 'new doctor 2026' });
  await page.getByRole('button', { name: '锁定' }).click();
  await signIn({ username: 'liu', password: 'new doctor 2026' });
  await expect(page.getByTestId('no-villages')).toContainText('您还没有分配负责的村');
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('.resident-list')).toContainText('共 0 人');
  await shoot('no-villages');
});

test('removing that user replaces the data key, and the admin watches its steps', async () => {
  // The rotation of a small clinic takes well under a second: the page's socket is routed so the answer to
  // users.remove arrives 3 s after the runtime sent it, while its progress events pass at once.
  let removeCallId: unknown = null;
  // What passed on the socket after the removal was asked for, for the failure message.
  const seen: string[] = [];
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const frame = JSON.parse(String(m)) as { id?: unknown; method?: string };
      if (frame.method === 'users.remove') removeCallId = frame.id;
      if (removeCallId !== null) seen.push(`→${frame.method ?? '?'}`);
      server.send(m);
    });
    server.onMessage((m) => {
      const frame = JSON.parse(String(m)) as { id?: unknown; event?: string; payload?: { phase?: string } };
      if (removeCallId !== null) seen.push(frame.event ? `${frame.event}${frame.payload?.phase ? `:${frame.payload.phase}` : ''}` : `←${String(frame.id)}`);
      if (removeCallId !== null && frame.id === removeCallId) setTimeout(() => ws.send(m), 3_000);
      else ws.send(m);
    });
  });
  await page.reload();
  await page.getByRole('button', { name: '锁定' }).click();
  await signIn(ADMIN);
  await page.keyboard.press('Alt+Digit9');
  await page.getByRole('tab', { name: '用户' }).click();
  await page.getByRole('row', { name: /刘村医/ }).getByRole('button', { name: '删除' }).click();
  await page.getByRole('button', { name: '确定' }).click();
  const progress = page.getByRole('dialog', { name: /正在更换数据密钥/ });
  try {
    await expect(progress).toBeVisible();
  } catch (e) {
    throw new Error(`no progress dialog; on the socket since the removal: ${seen.join(' ') || 'nothing'}`, { cause: e });
  }
  await expect(progress).toContainText('拷走的数据库副本');
  // Every step reported: the last one (完成) is the current step once the runtime says done.
  await expect(progress.locator('.ant-steps-item-process, .ant-steps-item-active').last()).toContainText('完成');
  await page.screenshot({ path: join(SHOTS, 'scope-rotation.png'), animations: 'disabled' });
  await expect(progress).toBeHidden({ timeout: 60_000 });
  await expect(page.getByRole('row', { name: /刘村医/ })).toHaveCount(0);
  await page.unrouteAll();
});
