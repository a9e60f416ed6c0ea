/**
 * The first sign-in after the upgrade to argon2id key slots, on the data directory release 0.1.0 wrote
 * (test/fixtures/store-v1: a format-1 sidecar with a scrypt slot): the slot is rewrapped once and audited.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../../main/services/runtime';
import { fixedClock } from '../../../shared/domain/dates';
import { SETUP_INPUT, TEST_KDF_COST } from '../../helpers/host';

const FIXTURE = resolve(import.meta.dirname, '..', '..', 'fixtures', 'store-v1');
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

describe('key slot upgrade at sign-in', () => {
  let dataDir: string;
  let runtime: Runtime;
  const call = (method: string, input: unknown = {}) => runtime.dispatch(method, input, { transport: 'test', connectionId: 't' });
  const kdfNames = () => (JSON.parse(readFileSync(join(dataDir, 'keyslots.json'), 'utf8')) as { users: { kdf: { name: string } }[] }).users.map((u) => u.kdf.name);

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cunyi-kdf-up-'));
    cpSync(FIXTURE, dataDir, { recursive: true });
    runtime = createRuntime({ dataDir, shell: 'headless', clock: fixedClock('2026-03-03T02:00:00Z'), kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent });
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a wrong password is refused with WRONG_PASSWORD and leaves the scrypt slot', async () => {
    const r = await call('session.signIn', { username: SETUP_INPUT.admin.username, password: 'not the password' });
    expect(r.ok ? null : r.error.code).toBe('WRONG_PASSWORD');
    expect(kdfNames()).toEqual(['scrypt']);
  });

  it('the right one signs in, rewraps the slot with argon2id and audits it once', async () => {
    const r = await call('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    expect(r.ok).toBe(true);
    expect(kdfNames()).toEqual(['argon2id']);
    await call('session.lock');
    const again = await call('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    expect(again.ok).toBe(true);
    const audit = runtime.services.session.current().db.rx.audit;
    const entries = await audit.find({ selector: { action: 'upgradeKeySlot' } }).exec();
    expect(entries.map((e) => e.toJSON().detail)).toEqual(['scrypt→argon2id']);
  });
});
