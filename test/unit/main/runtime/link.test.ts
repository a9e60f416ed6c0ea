// The runtime link without threads: serveRuntime (the runtime's end) and RuntimeClient (the UI side's end) joined by
// an in-memory pair of ports that clones every message as postMessage would.
import { describe, expect, it, vi } from 'vitest';
import type { ApiResult } from '../../../../shared/api';
import { AppError } from '../../../../shared/api/errors';
import { RuntimeClient, type RuntimeLink } from '../../../../main/runtime/client';
import type { FromRuntime, ToRuntime } from '../../../../main/runtime/protocol';
import { serveRuntime } from '../../../../main/runtime/server';
import type { Runtime, RuntimeOptions } from '../../../../main/services/runtime';
import { EventBus } from '../../../../main/services/event-bus';
import { FakeOsKeystore } from '../../../../main/store/keys/os-keystore';

const quiet = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };

/** A fake runtime: answers `echo.*` calls with what it got, and lets a test hold a call open. */
function fakeRuntime(o: RuntimeOptions) {
  const bus = new EventBus();
  let release: (() => void) | null = null;
  const runtime = {
    services: { bus },
    options: o,
    closed: 0,
    started: [] as string[],
    dispatch: async (method: unknown, input: unknown, ctx: unknown): Promise<ApiResult<unknown>> => {
      if (method === 'burst.save') {
        const n = (input as { n: number }).n;
        runtime.started.push(`save ${n}`);
        // What the first save sets going: the replication's push, whose network I/O must not wait for the others.
        if (n === 1) setImmediate(() => runtime.started.push('push I/O'));
      }
      if (method === 'slow.call') await new Promise<void>((r) => (release = r));
      if (method === 'keystore.roundTrip') {
        const sealed = await o.keystore!.encrypt(Buffer.from('secret'));
        return { ok: true, value: (await o.keystore!.decrypt(sealed)).toString() };
      }
      return { ok: true, value: { method, input, ctx, now: o.clock?.now() } };
    },
    close: async () => {
      runtime.closed++;
    },
    release: () => release?.(),
  };
  return runtime;
}

function pair(create: (o: RuntimeOptions) => Runtime, opts: { keystore?: FakeOsKeystore; crash?: (c: number | null) => void } = {}) {
  const toRuntime: Array<(m: unknown) => void> = [];
  const toClient: Array<(m: unknown) => void> = [];
  const exitListeners: Array<(c: number | null) => void> = [];
  // Asynchronous and cloned, like postMessage: nothing is shared by reference across the link.
  const deliver = (listeners: Array<(m: unknown) => void>, m: unknown) => {
    const copy = structuredClone(m);
    queueMicrotask(() => listeners.forEach((l) => l(copy)));
  };
  let terminated = 0;
  const link: RuntimeLink = {
    post: (m: ToRuntime) => deliver(toRuntime, m),
    onMessage: (l) => toClient.push(l),
    onExit: (l) => exitListeners.push(l),
    terminate: () => void terminated++,
  };
  serveRuntime({ port: { post: (m: FromRuntime) => deliver(toClient, m), onMessage: (l) => toRuntime.push(l) }, create });
  const client = new RuntimeClient(link, { logger: quiet, ...(opts.keystore ? { keystore: opts.keystore } : {}), ...(opts.crash ? { onCrash: opts.crash } : {}) });
  return {
    client,
    crash: (code: number) => exitListeners.forEach((l) => l(code)),
    inject: (m: unknown) => toClient.forEach((l) => l(m)),
    terminated: () => terminated,
  };
}

describe('the runtime link', () => {
  it('starts the runtime with the given options, forwards calls with their context and answers each by id', async () => {
    let made: ReturnType<typeof fakeRuntime> | undefined;
    const { client } = pair((o) => (made = fakeRuntime(o)) as unknown as Runtime);
    await client.start({ dataDir: '/clinic', shell: 'headless', fixedNow: Date.UTC(2026, 2, 2, 2), checkOutputs: true, quiet: true });
    expect(made?.options).toMatchObject({ dataDir: '/clinic', shell: 'headless', checkOutputs: true });
    const [a, b] = await Promise.all([
      client.dispatch('residents.search', { query: 'zs' }, { transport: 'ws', connectionId: 'ws-1' }),
      client.dispatch('residents.get', { id: 'r1' }, { transport: 'ws', connectionId: 'ws-2' }),
    ]);
    expect(a).toEqual({ ok: true, value: { method: 'residents.search', input: { query: 'zs' }, ctx: { transport: 'ws', connectionId: 'ws-1' }, now: Date.UTC(2026, 2, 2, 2) } });
    expect(b.ok && (b.value as { method: string }).method).toBe('residents.get');
  });

  it('relays every event the runtime publishes to every subscriber until it unsubscribes', async () => {
    let made: ReturnType<typeof fakeRuntime> | undefined;
    const { client } = pair((o) => (made = fakeRuntime(o)) as unknown as Runtime);
    await client.start({ dataDir: '/clinic', shell: 'headless' });
    const seen: unknown[] = [];
    const unsubscribe = client.subscribe((event, payload) => seen.push([event, payload]));
    made?.services.bus.publish('session.changed', { state: 'uninitialised' });
    await vi.waitFor(() => expect(seen).toEqual([['session.changed', { state: 'uninitialised' }]]));
    unsubscribe();
    made?.services.bus.publish('session.changed', { state: 'uninitialised' });
    await client.dispatch('x.y', {}, { transport: 'test', connectionId: 't' });
    expect(seen).toHaveLength(1);
  });

  it('reports a refused start with its code (CLINIC_IN_USE) and answers calls with INTERNAL, never hanging', async () => {
    const { client } = pair(() => {
      throw new AppError('CLINIC_IN_USE', { dataDir: '/clinic' });
    });
    const started = client.start({ dataDir: '/clinic', shell: 'headless' });
    await expect(started).rejects.toMatchObject({ code: 'CLINIC_IN_USE', details: { dataDir: '/clinic' } });
    const r = await client.dispatch('session.state', {}, { transport: 'test', connectionId: 't' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('answers calls in flight with INTERNAL when the runtime dies, and tells the host', async () => {
    let made: ReturnType<typeof fakeRuntime> | undefined;
    const crash = vi.fn();
    const { client, crash: die } = pair((o) => (made = fakeRuntime(o)) as unknown as Runtime, { crash });
    await client.start({ dataDir: '/clinic', shell: 'headless' });
    const inFlight = client.dispatch('slow.call', {}, { transport: 'test', connectionId: 't' });
    await vi.waitFor(() => expect(made).toBeDefined());
    die(134);
    expect(await inFlight).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'INTERNAL', details: { reason: 'runtimeExited' } } });
    expect(crash).toHaveBeenCalledWith(134);
    expect(await client.dispatch('x.y', {}, { transport: 'test', connectionId: 't' })).toMatchObject({ error: { details: { reason: 'runtimeExited' } } });
  });

  it('close() closes the services before ending the thread, once', async () => {
    let made: ReturnType<typeof fakeRuntime> | undefined;
    const link = pair((o) => (made = fakeRuntime(o)) as unknown as Runtime);
    await link.client.start({ dataDir: '/clinic', shell: 'headless' });
    await link.client.close();
    await link.client.close();
    expect(made?.closed).toBe(1);
    expect(link.terminated()).toBe(1);
    expect(link.client.isRunning).toBe(false);
  });

  it('seals through the UI side when the runtime is given a remote keystore (Electron: safeStorage lives in main)', async () => {
    let made: ReturnType<typeof fakeRuntime> | undefined;
    const { client } = pair((o) => (made = fakeRuntime(o)) as unknown as Runtime, { keystore: new FakeOsKeystore() });
    await client.start({ dataDir: '/clinic', shell: 'electron', keystore: { available: true } });
    expect(made?.options.keystore?.isAvailable()).toBe(true);
    expect(await client.dispatch('keystore.roundTrip', {}, { transport: 'ipc', connectionId: 'ipc-1' })).toEqual({ ok: true, value: 'secret' });
  });

  it('a keystore failure on the UI side rejects inside the runtime instead of hanging it', async () => {
    const { client } = pair((o) => fakeRuntime(o) as unknown as Runtime, { keystore: new FakeOsKeystore(false) });
    await client.start({ dataDir: '/clinic', shell: 'electron', keystore: { available: true }, quiet: true });
    const r = await client.dispatch('keystore.roundTrip', {}, { transport: 'ipc', connectionId: 'ipc-1' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('ignores malformed messages from the runtime side', async () => {
    const { client, inject } = pair((o) => fakeRuntime(o) as unknown as Runtime);
    await client.start({ dataDir: '/clinic', shell: 'headless' });
    inject({ kind: 'result', id: 'one' });
    inject(null);
    inject({ kind: 'nonsense' });
    expect(quiet.warn).toHaveBeenCalledWith('ignored a malformed message from the runtime');
    expect((await client.dispatch('a.b', {}, { transport: 'test', connectionId: 't' })).ok).toBe(true);
  });

  it('starts calls that arrive together one event-loop turn apart, in order, so I/O the first set going runs between them', async () => {
    let made: ReturnType<typeof fakeRuntime> | undefined;
    const { client } = pair((o) => (made = fakeRuntime(o)) as unknown as Runtime);
    await client.start({ dataDir: '/clinic', shell: 'headless' });
    const ctx = { transport: 'test', connectionId: 't' } as const;
    const answers = await Promise.all([1, 2, 3].map((n) => client.dispatch('burst.save', { n }, ctx)));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(made?.started).toEqual(['save 1', 'push I/O', 'save 2', 'save 3']);
  });
});
