import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../shared/api';
import { fixedClock } from '../../../shared/domain/dates';
import { createRuntime, type Runtime } from '../../../main/services/runtime';
import { SETUP_INPUT, TEST_KDF_COST } from '../../helpers/host';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

describe('session: set-up, sign-in, lock, users, audit (real encrypted file)', () => {
  let dataDir: string;
  let clock: ReturnType<typeof fixedClock>;
  let runtime: Runtime;
  const call = <T = unknown>(method: string, input: unknown = {}) =>
    runtime.dispatch(method, input, { transport: 'test', connectionId: 't' }) as Promise<ApiResult<T>>;
  const ok = async <T = unknown>(method: string, input: unknown = {}): Promise<T> => {
    const r = await call<T>(method, input);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  const restart = async () => {
    await runtime.close();
    runtime = createRuntime({ dataDir, shell: 'headless', clock, kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent });
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cunyi-session-'));
    clock = fixedClock('2026-03-02T02:00:00Z');
    runtime = createRuntime({ dataDir, shell: 'headless', clock, kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent });
  });
  afterEach(async () => {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a failed sign-in or recovery on another connection leaves the signed-in session alone (issue 11 §5)', async () => {
    const { recoveryKey } = await ok<{ recoveryKey: string }>('session.setup', SETUP_INPUT);
    const other = (method: string, input: unknown) =>
      runtime.dispatch(method, input, { transport: 'ws', connectionId: 'intruder' });
    expect(await other('session.signIn', { username: 'admin', password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
    expect(await other('session.recover', { recoveryKey: '0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000', username: 'admin', newPassword: 'another pass 1' })).toMatchObject({
      ok: false,
      error: { code: 'RECOVERY_KEY_INVALID' },
    });
    expect(await other('session.recover', { recoveryKey, username: 'nobody', newPassword: 'another pass 1' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await ok('session.state')).toMatchObject({ state: 'unlocked', user: { username: 'admin' } });
    expect(await ok('settings.get')).toMatchObject({ clinicCode: SETUP_INPUT.clinicCode });
  });

  it('sets up once, then refuses a second set-up', async () => {
    const r = await ok<{ recoveryKey: string }>('session.setup', SETUP_INPUT);
    expect(r.recoveryKey).toBeTruthy();
    expect(await call('session.setup', SETUP_INPUT)).toMatchObject({ ok: false, error: { code: 'ALREADY_INITIALISED' } });
  });

  it('signs in offline after a restart, with a clear error for a wrong password', async () => {
    await ok('session.setup', SETUP_INPUT);
    await restart();
    expect(await ok('session.state')).toMatchObject({ state: 'locked', clinic: { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName } });
    expect(await call('session.signIn', { username: 'admin', password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
    expect(await call('session.signIn', { username: 'nobody', password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
    const state = await ok('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password });
    expect(state).toMatchObject({ state: 'unlocked', user: { username: 'admin', role: 'admin', displayName: '李医生' } });
    expect(await ok('settings.get')).toMatchObject({ clinicCode: SETUP_INPUT.clinicCode, idleLockMinutes: 10, villages: SETUP_INPUT.villages });
  });

  it('delays sign-in after repeated failures and never damages the database', async () => {
    await ok('session.setup', SETUP_INPUT);
    await ok('session.lock');
    for (let i = 0; i < 3; i++) await call('session.signIn', { username: 'admin', password: 'nope nope' });
    const throttled = await call('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password });
    expect(throttled).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS' } });
    if (!throttled.ok) expect(Number(throttled.error.details?.['retryAfterMs'])).toBeGreaterThan(0);
    clock.advance(10 * 60_000);
    await ok('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password });
    expect(await ok('settings.get')).toMatchObject({ clinicName: SETUP_INPUT.clinicName });
  });

  it('locks after the idle time and forgets the key', async () => {
    await ok('session.setup', SETUP_INPUT);
    await ok('settings.update', { idleLockMinutes: 5 });
    clock.advance(4 * 60_000);
    await runtime.services.session.checkIdle();
    expect((await ok<{ state: string }>('session.state')).state).toBe('unlocked');
    const key = runtime.services.session.current().dataKey;
    expect(key.some((b) => b !== 0)).toBe(true);
    clock.advance(5 * 60_000 + 1);
    await runtime.services.session.checkIdle();
    expect((await ok<{ state: string }>('session.state')).state).toBe('locked');
    // Issue 11 §5: the buffer that held the data key is zeroed, not just dropped for the collector.
    expect(key.every((b) => b === 0)).toBe(true);
    expect(await call('settings.get')).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });

  it('manages users with their own key slots; roles are enforced', async () => {
    await ok('session.setup', SETUP_INPUT);
    await ok('users.add', { username: 'wang', displayName: '王村医', role: 'villageDoctor', password: 'village doc 1' });
    expect(await call('users.add', { username: 'WANG', displayName: 'x', role: 'admin', password: 'another one 1' })).toMatchObject({
      ok: false,
      error: { code: 'USER_EXISTS' },
    });
    await ok('session.signIn', { username: 'wang', password: 'village doc 1' });
    expect(await call('users.list')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await ok('session.changePassword', { oldPassword: 'village doc 1', newPassword: 'village doc 2' });
    await ok('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password });
    expect((await ok<unknown[]>('users.list')).length).toBe(2);
    await ok('users.remove', { username: 'wang' });
    expect(await call('session.signIn', { username: 'wang', password: 'village doc 2' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
  });

  it('recovers access with the recovery key and a new password', async () => {
    const { recoveryKey } = await ok<{ recoveryKey: string }>('session.setup', SETUP_INPUT);
    await restart();
    expect(await call('session.recover', { recoveryKey: 'AAAA-BBBB-CCCC-DDDD', username: 'admin', newPassword: 'brand new pw' })).toMatchObject({
      ok: false,
      error: { code: 'RECOVERY_KEY_INVALID' },
    });
    await ok('session.recover', { recoveryKey, username: 'admin', newPassword: 'brand new pw' });
    await ok('session.lock');
    await ok('session.signIn', { username: 'admin', password: 'brand new pw' });
  });

  it('writes an audit trail that the API can read but never change', async () => {
    await ok('session.setup', SETUP_INPUT);
    await ok('settings.update', { clinicName: '赤坑镇卫生院' });
    const entries = await ok<{ action: string; username: string }[]>('audit.list', {});
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['setup', 'update']));
    expect(entries.every((e) => e.username === 'admin')).toBe(true);
    const methods = Object.keys((await import('../../../shared/api')).contract.audit);
    expect(methods).toEqual(['list']);
  });
});

describe('session: remember on this computer (OS keystore behind an interface)', () => {
  it('signs in without a password from the remembered slot, and not after forgetting', async () => {
    const { FakeOsKeystore } = await import('../../../main/store/keys/os-keystore');
    const dataDir = mkdtempSync(join(tmpdir(), 'cunyi-remember-'));
    const clock = fixedClock('2026-03-02T02:00:00Z');
    const keystore = new FakeOsKeystore();
    const runtime = createRuntime({ dataDir, shell: 'electron', clock, kdfCost: TEST_KDF_COST, keystore, logger: silent });
    const call = (method: string, input: unknown = {}) => runtime.dispatch(method, input, { transport: 'test', connectionId: 't' });
    try {
      expect(await call('session.setup', SETUP_INPUT)).toMatchObject({ ok: true });
      await call('session.lock');
      expect(await call('session.state')).toMatchObject({ ok: true, value: { state: 'locked', canRemember: true } });
      expect(await call('session.signInRemembered', { username: 'admin' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await call('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password, remember: true })).toMatchObject({ ok: true });
      await call('session.lock');
      expect(await call('session.signInRemembered', { username: 'admin' })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
      expect(await call('session.forgetMe')).toMatchObject({ ok: true });
      await call('session.lock');
      expect(await call('session.signInRemembered', { username: 'admin' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
