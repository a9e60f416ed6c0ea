/**
 * The sign-in belongs to the browser: once no page has been connected for the grace period, the host locks the
 * session, so reopening the URL after closing the browser asks for the password again (issue 16). A reload
 * reconnects within the grace period and stays signed in.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHost, type RunningHost } from '../../../main/host/server';
import { SETUP_INPUT, startTestHost, TestClient, type TestHost } from '../../helpers/host';

describe('headless host: the session ends with the last page', () => {
  let t: TestHost;
  let host: RunningHost;
  const GRACE_MS = 300;
  const closed = vi.fn();

  beforeAll(async () => {
    t = await startTestHost();
    host = await startHost({
      dispatch: t.runtime.dispatch,
      bus: t.runtime,
      rendererDir: join(t.dataDir, 'no-renderer'),
      closedGraceMs: GRACE_MS,
      onAllClosed: () => {
        closed();
        void t.runtime.dispatch('session.lock', {}, { transport: 'ws', connectionId: 'host-closed' });
      },
    });
  });
  afterAll(async () => {
    await host.close();
    await t.close();
  });

  it('a reload (reconnect within the grace period) keeps the session', async () => {
    const first = await TestClient.connect(host);
    await first.ok('session.setup', SETUP_INPUT);
    expect(await first.ok('session.state')).toMatchObject({ state: 'unlocked' });
    await first.close();
    const second = await TestClient.connect(host);
    expect(await second.ok('session.state')).toMatchObject({ state: 'unlocked' });
    expect(closed).not.toHaveBeenCalled();
    await second.close();
  });

  it('closing the last page locks the session after the grace period', async () => {
    await vi.waitFor(() => expect(closed).toHaveBeenCalledTimes(1), { timeout: 5_000 });
    const again = await TestClient.connect(host);
    await vi.waitFor(async () => expect(await again.ok('session.state')).toMatchObject({ state: 'locked' }), { timeout: 5_000 });
    await again.close();
  });

  it('closing one of two pages keeps the session', async () => {
    const page = await TestClient.connect(host);
    await page.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    const calls = closed.mock.calls.length;
    const other = await TestClient.connect(host);
    await other.close();
    // Proving that nothing happens needs a bounded wait: three grace periods.
    await new Promise((r) => setTimeout(r, GRACE_MS * 3));
    expect(await page.ok('session.state')).toMatchObject({ state: 'unlocked' });
    expect(closed.mock.calls.length).toBe(calls);
    await page.close();
  });
});
