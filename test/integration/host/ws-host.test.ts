import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_INPUT, startTestHost, TestClient, type TestHost } from '../../helpers/host';

describe('headless host: the API over a loopback WebSocket', () => {
  let t: TestHost;
  let client: TestClient;

  beforeAll(async () => {
    t = await startTestHost();
    client = await TestClient.connect(t.host);
  });
  afterAll(async () => {
    await client.close();
    await t.close();
  });

  it('binds 127.0.0.1 only and prints a URL carrying the token in the fragment', () => {
    expect(t.host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
    expect(t.host.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('refuses a connection without the right token', async () => {
    await expect(TestClient.connect(t.host, { token: 'wrong' })).rejects.toThrow('HTTP 401');
    await expect(TestClient.connect(t.host, { token: '' })).rejects.toThrow('HTTP 401');
  });

  it('refuses a connection from another origin even with the token', async () => {
    await expect(TestClient.connect(t.host, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers a fresh data dir with the uninitialised state', async () => {
    expect(await client.ok('session.state')).toEqual({ state: 'uninitialised' });
  });

  it.each([
    ['malformed JSON', '{"id": 1, "method":'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"hello"'],
    ['a frame without id', '{"method":"session.state"}'],
  ])('answers %s with BAD_REQUEST and stays up', async (_label, raw) => {
    client.sendRaw(raw);
    const reply = await client.nextOrphan();
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await client.ok('session.state')).toEqual({ state: 'uninitialised' });
  });

  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    expect(await client.call('residents.dropAll')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await client.call('__proto__.constructor')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('answers a bad payload with a typed error naming the fields, without a stack trace', async () => {
    const r = await client.call('session.setup', { clinicCode: 'x', clinicName: 1, admin: { username: '', password: 'short' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('BAD_REQUEST');
    const paths = (r.error.fields ?? []).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['clinicCode', 'clinicName', 'admin.username', 'admin.password']));
    expect(JSON.stringify(r)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses unknown fields (a hostile payload cannot smuggle options)', async () => {
    const r = await client.call('session.signIn', { username: 'admin', password: 'x', role: 'admin' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses session methods while uninitialised or locked', async () => {
    expect(await client.call('settings.get')).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await client.call('users.list')).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });

  it('closes a connection sending an oversized frame, and the host keeps serving others', async () => {
    const victim = await TestClient.connect(t.host);
    const closed = new Promise<number>((resolve) => victim.ws.once('close', (code) => resolve(code)));
    victim.sendRaw(Buffer.alloc(5 * 1024 * 1024, 0x20));
    expect(await closed).toBe(1009);
    expect(await client.ok('session.state')).toEqual({ state: 'uninitialised' });
  });

  it('sets up a clinic, then holds events until the renderer says ready', async () => {
    const listener = await TestClient.connect(t.host);
    const r = await client.ok<{ recoveryKey: string; state: { state: string } }>('session.setup', SETUP_INPUT);
    expect(r.state.state).toBe('unlocked');
    expect(r.recoveryKey.length).toBeGreaterThan(20);
    await new Promise((res) => setTimeout(res, 50));
    expect(listener.events).toEqual([]);
    await listener.ok('app.ready');
    await new Promise((res) => setTimeout(res, 50));
    expect(listener.events.map((e) => e.event)).toContain('session.changed');
    await listener.close();
  });
});
