/**
 * The county sign-in throttle (issue 15 item 4) lives in the platform database: a restart of the platform does not
 * forget it, it doubles up to its cap, a success clears it, and a key quiet for a day starts afresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { Operators, THROTTLE, Throttle } from '../../../platform/county/operators';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
const agent = new Agent({ connect: { rejectUnauthorized: false } });
const PASSWORD = 'county password 1';

beforeAll(async () => {
  p = await startTestPlatform();
  await new Operators(p.sql).add('county1', '县卫健局 王科长', PASSWORD);
}, 120_000);

afterAll(async () => {
  await p?.dispose();
  await agent.close();
});

const login = (username: string, password: string) =>
  fetch(`${p.url}/county/login`, {
    method: 'POST',
    dispatcher: agent,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });

describe('county sign-in throttle in the platform database', () => {
  it('five wrong passwords throttle the account, and still do after the platform restarts', async () => {
    for (let i = 0; i < THROTTLE.freeFailures; i++) expect((await login('county1', 'wrong password!')).status).toBe(401);
    expect((await login('county1', PASSWORD)).status).toBe(429);
    await p.restart();
    const after = await login('county1', PASSWORD);
    expect(after.status).toBe(429);
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await after.text()).toContain('尝试次数过多');
  }, 120_000);

  it('waits 30 s after the fifth failure, doubles, stops at 15 minutes; a success clears it', async () => {
    let t = 1_800_000_000_000;
    const throttle = new Throttle(p.sql, () => t);
    const keys = ['user:clock-test'];
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      await throttle.failed(keys);
      waits.push(await throttle.wait(keys));
    }
    expect(waits).toEqual([0, 0, 0, 0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
    t += 900_000;
    expect(await throttle.wait(keys)).toBe(0);
    // A new instance (a restarted server) reads the same state.
    await throttle.failed(keys);
    expect(await new Throttle(p.sql, () => t).wait(keys)).toBe(900_000);
    await throttle.succeeded(keys);
    expect(await throttle.wait(keys)).toBe(0);
    await throttle.failed(keys);
    expect(await throttle.wait(keys)).toBe(0);
  });

  it('the longest wait of the keys applies, and a key quiet for a day starts afresh', async () => {
    let t = 1_900_000_000_000;
    const throttle = new Throttle(p.sql, () => t);
    for (let i = 0; i < THROTTLE.freeFailures; i++) await throttle.failed(['ip:10.0.0.9']);
    expect(await throttle.wait(['user:someone-else', 'ip:10.0.0.9'])).toBe(30_000);
    t += THROTTLE.forgetAfterMs + 1;
    await throttle.failed(['ip:10.0.0.9']);
    expect(await throttle.wait(['ip:10.0.0.9'])).toBe(0);
  });
});
