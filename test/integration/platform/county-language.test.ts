/**
 * The county view follows the operator's language (issue 15 item 4): Chinese by default; once an operator picks English
 * every page stays English, the ones reached without `?lang=` (sign-out, a link typed by hand) included, and switching
 * language keeps the period on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { Operators } from '../../../platform/county/operators';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
const agent = new Agent({ connect: { rejectUnauthorized: false } });
const PASSWORD = 'county password 1';

beforeAll(async () => {
  p = await startTestPlatform();
  await new Operators(p.sql).add('county1', '县卫健局 王科长', PASSWORD);
  await p.store.addClinic({ code: '441521101', name: '海丰县赤坑镇卫生院', villages: [{ code: '441521101201', name: '东光村' }] });
}, 120_000);

afterAll(async () => {
  await p?.dispose();
  await agent.close();
});

const request = (path: string, cookie: string, init: { method?: string; body?: string } = {}) =>
  fetch(`${p.url}${path}`, {
    method: init.method ?? 'GET',
    dispatcher: agent,
    redirect: 'manual',
    headers: { cookie, ...(init.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
const setCookies = (r: Response | Awaited<ReturnType<typeof fetch>>) => r.headers.getSetCookie().map((c) => c.split(';')[0]!);

describe('county view language', () => {
  it('is Chinese by default', async () => {
    const page = await (await request('/county/login', '')).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('县级操作员登录');
  });

  it('stays English once chosen: after sign-in, on pages without ?lang=, and after sign-out', async () => {
    const chosen = await request('/county/login?lang=en', '');
    const langCookie = setCookies(chosen).find((c) => c.startsWith('cunyi_county_lang='));
    expect(langCookie).toBe('cunyi_county_lang=en');
    const signIn = await request('/county/login?lang=en', langCookie!, { method: 'POST', body: new URLSearchParams({ username: 'county1', password: PASSWORD }).toString() });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/county/?lang=en');
    const session = setCookies(signIn).find((c) => c.startsWith('cunyi_county='))!;
    const cookie = `${session}; ${langCookie!}`;

    const overview = await (await request('/county/?kind=quarter&year=2026&index=1', cookie)).text();
    expect(overview).toContain('<html lang="en">');
    // The switch to Chinese keeps the period, and sign-out carries the language.
    expect(overview).toContain('href="?lang=zh&kind=quarter&year=2026&index=1"');
    expect(overview).toContain('action="/county/logout?lang=en"');
    const missing = await request('/county/clinic/441521999', cookie);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<html lang="en">');

    const out = await request('/county/logout', cookie, { method: 'POST', body: '' });
    expect(out.headers.get('location')).toBe('/county/login?lang=en');
  });

  it('an explicit ?lang=zh wins over the remembered English and is remembered in turn', async () => {
    const r = await request('/county/login?lang=zh', 'cunyi_county_lang=en');
    expect(await r.text()).toContain('<html lang="zh-CN">');
    expect(setCookies(r)).toContain('cunyi_county_lang=zh');
  });
});
