/**
 * The county view in Chromium (issue 15 item 5) after two clinics synced, everything started as an operator would:
 * `platform serve`, `platform clinic add` ×2, `platform operator add`, and per clinic `cunyi init`, `seed`,
 * `enroll` (pinning the printed fingerprint) and `sync`. The operator signs in, sees both clinics with their last
 * sync and numbers, and opens one clinic's villages. Screenshots at 1366×768, normal and large text.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from './fixtures';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const PASSWORD = 'clinic password 1';
const OPERATOR = { user: 'county1', name: '县卫健局 王科长', password: 'county password 1' };
const CLINICS = [
  { code: '441521101', name: '海丰县赤坑镇卫生院', villages: '441521101201=东光村,441521101202=西山村' },
  { code: '441521102', name: '海丰县大湖镇卫生院', villages: '441521102201=大湖村' },
];

let platform: ChildProcess | null = null;
let url = '';
const dirs: string[] = [];

function run(script: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(TSX, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${script} ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

test.beforeAll(async () => {
  test.setTimeout(400_000);
  const platformDir = mkdtempSync(join(tmpdir(), 'cunyi-e2e-platform-'));
  dirs.push(platformDir);
  const child = spawn(TSX, ['platform/cli.ts', 'serve', '--data-dir', platformDir, '--port', '0', '--host', '127.0.0.1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  platform = child;
  let output = '';
  const started = await new Promise<{ url: string; fingerprint: string }>((resolveStarted, reject) => {
    const timer = setTimeout(() => reject(new Error(`the platform did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /platform on (https:\/\/\S+) .*\n.*fingerprint:\n(\S+)/.exec(output);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        resolveStarted({ url: m[1], fingerprint: m[2] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`the platform exited (${code}):\n${output}`)));
  });
  url = started.url;
  run('platform/cli.ts', ['operator', 'add', '--data-dir', platformDir, '--user', OPERATOR.user, '--name', OPERATOR.name], { PLATFORM_OPERATOR_PASSWORD: OPERATOR.password });
  for (const [i, c] of CLINICS.entries()) {
    const code = /enrolment code[^\n]*\n(\S+)/.exec(run('platform/cli.ts', ['clinic', 'add', '--data-dir', platformDir, '--code', c.code, '--name', c.name, '--villages', c.villages]))?.[1];
    expect(code).toBeTruthy();
    const dataDir = mkdtempSync(join(tmpdir(), 'cunyi-e2e-clinic-'));
    dirs.push(dataDir);
    const env = { CUNYI_PASSWORD: PASSWORD };
    const villages = c.villages.split(',').flatMap((v) => ['--village', v]);
    run('main/cli/index.ts', ['init', '--data-dir', dataDir, '--clinic', c.code, '--name', c.name, '--admin', 'admin', ...villages], env);
    run('main/cli/index.ts', ['seed', '--data-dir', dataDir, '--residents', String(120 + 60 * i), '--seed', `county-${i}`], env);
    run('main/cli/index.ts', ['enroll', '--data-dir', dataDir, '--url', url, '--code', code!, '--fingerprint', started.fingerprint], env);
    run('main/cli/index.ts', ['sync', '--data-dir', dataDir], env);
  }
});

test.afterAll(async () => {
  if (platform && platform.exitCode === null) {
    const exited = new Promise((r) => platform!.once('exit', r));
    platform.kill('SIGTERM');
    await exited;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test.use({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 768 } });

test('a county operator signs in, sees both synced clinics and opens one', async ({ page, browser }, testInfo) => {
  await page.goto(`${url}/county/`);
  await expect(page.getByRole('heading', { name: '县级操作员登录' })).toBeVisible();
  await page.getByLabel('用户名').fill(OPERATOR.user);
  await page.getByLabel('密码').fill('wrong password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('用户名或密码不正确。');
  await page.getByLabel('密码').fill(OPERATOR.password);
  await page.getByRole('button', { name: '登录' }).click();

  await expect(page.getByRole('heading', { name: '各卫生院考核指标' })).toBeVisible();
  await expect(page.getByText(OPERATOR.name)).toBeVisible();
  const table = page.getByRole('table', { name: '各卫生院考核指标' });
  for (const c of CLINICS) {
    const row = table.locator(`tr[data-clinic="${c.code}"]`);
    await expect(row.getByRole('link', { name: c.name })).toBeVisible();
    await expect(row).not.toContainText('从未同步');
    // Every clinic has records on the platform, so its record count is a positive number.
    await expect(row.locator('td.num').first()).toHaveText(/^[1-9]\d*$/);
  }
  await page.screenshot({ path: testInfo.outputPath('county-overview.png'), fullPage: true });

  await table.getByRole('link', { name: CLINICS[0]!.name }).click();
  await expect(page.getByRole('heading', { name: new RegExp(CLINICS[0]!.name) })).toBeVisible();
  await expect(page.getByRole('table', { name: '全院指标' }).locator('tbody tr')).toHaveCount(13);
  for (const v of ['东光村', '西山村']) await expect(page.getByRole('table', { name: v })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('county-clinic.png') });

  // Large text: the same page with the browser's text at 125 %, as the clinic app's large-text mode does.
  const cookies = await page.context().cookies();
  const large = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 768 }, bypassCSP: true });
  await large.addCookies(cookies);
  const big = await large.newPage();
  await big.goto(page.url());
  await big.addStyleTag({ content: 'html { font-size: 125%; } body { font-size: 17.5px; }' });
  await expect(big.getByRole('table', { name: '全院指标' })).toBeVisible();
  await big.screenshot({ path: testInfo.outputPath('county-clinic-large.png') });
  await large.close();

  await page.getByRole('button', { name: '退出' }).click();
  await expect(page.getByRole('heading', { name: '县级操作员登录' })).toBeVisible();
  await page.goto(`${url}/county/`);
  await expect(page.getByRole('heading', { name: '县级操作员登录' })).toBeVisible();
});
