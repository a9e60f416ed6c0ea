// The headless host's thread serves the UI only: the runtime (services, RxDB, SQLCipher) lives in a worker thread,
// holds the data directory, and its events reach the browser through the host (issue 10 §4, §5).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/api/errors';
import { lockDataDir } from '../../../main/store/data-dir-lock';
import { openConnectionPaths } from '../../../main/store/rx-storage-sqlcipher';
import { SETUP_INPUT, startTestHost, TestClient, type TestHost } from '../../helpers/host';

function lockCode(dir: string): string | null {
  try {
    lockDataDir(dir).release();
    return null;
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
}

describe('headless host with its runtime in a worker thread', () => {
  let t: TestHost;
  let client: TestClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'cunyi-worker-host-'));

  beforeAll(async () => {
    t = await startTestHost({ dataDir });
    client = await TestClient.connect(t.host);
  });
  afterAll(async () => {
    await client.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the encrypted database in the worker: the host thread holds no connection while a user is signed in', async () => {
    await client.ok('app.ready');
    await client.ok('session.setup', SETUP_INPUT);
    await client.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    expect((await client.ok<{ state: string }>('session.state')).state).toBe('unlocked');
    expect(openConnectionPaths()).toEqual([]);
  });

  it('relays the runtime events to the browser', async () => {
    await client.ok('session.lock');
    const seen = () => client.events.filter((e) => e.event === 'session.changed').map((e) => (e.payload as { state: string }).state);
    await expect.poll(seen).toContain('locked');
    expect(seen()).toContain('unlocked');
  });

  it('the worker holds the data directory: this thread, another window, is refused', () => {
    expect(lockCode(dataDir)).toBe('CLINIC_IN_USE');
  });

  it('a second host on the same data directory fails to start with CLINIC_IN_USE', async () => {
    await expect(startTestHost({ dataDir })).rejects.toMatchObject({ code: 'CLINIC_IN_USE' });
  });

  it('closing the host closes the runtime and releases the data directory', async () => {
    await client.close();
    await t.close();
    expect(lockCode(dataDir)).toBeNull();
    t = await startTestHost({ dataDir });
    client = await TestClient.connect(t.host);
    expect((await client.ok<{ state: string }>('session.state')).state).toBe('locked');
  });
});
