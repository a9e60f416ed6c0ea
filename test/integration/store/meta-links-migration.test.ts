/**
 * Store migration 4 (sql-migrations/0040-replication-meta-links.ts): the file gets `rx_meta_links`, empty, and the
 * version that makes an older build refuse it (a compact replication meta row would look broken to that build). From
 * the shipped v1 file (test/fixtures/store-v1) and from a version-3 file as the previous build left it.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../../main/services/runtime';
import { fixedClock } from '../../../shared/domain/dates';
import { SETUP_INPUT, TEST_KDF_COST } from '../../helpers/host';

const FIXTURE = resolve(import.meta.dirname, '..', '..', 'fixtures', 'store-v1');
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

const dirs: string[] = [];
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dataDir: string): Promise<Runtime> {
  const runtime = createRuntime({ dataDir, shell: 'headless', clock: fixedClock('2026-03-03T02:00:00Z'), kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent });
  runtimes.push(runtime);
  const r = await runtime.dispatch('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password }, { transport: 'test', connectionId: 't' });
  expect(r.ok).toBe(true);
  return runtime;
}

const sqlOf = (r: Runtime) => r.services.session.current().db.sql;
const links = (r: Runtime): unknown =>
  sqlOf(r).prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'rx_meta_links'").pluck().get();

describe('store migration 4: replication meta links', () => {
  it('brings the shipped v1 file and a version-3 file to version 4 with an empty rx_meta_links', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cunyi-v1-meta-'));
    dirs.push(dataDir);
    cpSync(FIXTURE, dataDir, { recursive: true });
    let r = await open(dataDir);
    expect(sqlOf(r).pragma('user_version', { simple: true })).toBe(4);
    expect(links(r)).toBe('rx_meta_links');
    expect(sqlOf(r).prepare('SELECT count(*) FROM rx_meta_links').pluck().get()).toBe(0);
    // What the previous build left: version 3, no links table.
    sqlOf(r).exec('DROP TABLE rx_meta_links');
    sqlOf(r).pragma('user_version = 3');
    await r.close();
    runtimes.length = 0;
    r = await open(dataDir);
    expect(sqlOf(r).pragma('user_version', { simple: true })).toBe(4);
    expect(links(r)).toBe('rx_meta_links');
  });
});
