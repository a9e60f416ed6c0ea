// The IPC door without Electron: ipcMain is replaced by a recorder, WebContents and frames by small fakes.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { ApiResult } from '../../../../shared/api';
import type { CallContext } from '../../../../main/api/context';
import type { Dispatch } from '../../../../main/api/dispatch';

type Handler = (event: unknown, method: unknown, input: unknown) => Promise<ApiResult<unknown>>;
const handlers = vi.hoisted(() => new Map<string, Handler>());

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc, MAX_PENDING_EVENTS, isTrustedSender } = await import('../../../../main/app/ipc');

class FakeContents extends EventEmitter {
  static next = 1;
  readonly id = FakeContents.next++;
  readonly sent: unknown[][] = [];
  destroyed = false;
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

function frame(url: string, options: { parent?: object | null; destroyed?: boolean; detached?: boolean } = {}) {
  return { url, parent: options.parent ?? null, detached: options.detached ?? false, isDestroyed: () => options.destroyed ?? false };
}

class FakeBus {
  private readonly listeners = new Set<(event: string, payload: unknown) => void>();
  subscribe(listener: (event: string, payload: unknown) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(event: string, payload: unknown) {
    for (const l of this.listeners) l(event, payload);
  }
  get size() {
    return this.listeners.size;
  }
}

const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
let bus: FakeBus;
let dispatch: Mock<Dispatch<CallContext>>;
let bridge: ReturnType<typeof registerIpc>;

function invoke(contents: FakeContents, method: unknown, input: unknown = {}, senderFrame = frame('app://cunyi/')) {
  const handler = handlers.get('cunyi:invoke');
  if (!handler) throw new Error('cunyi:invoke is not registered');
  return handler({ sender: contents, senderFrame }, method, input);
}

beforeEach(() => {
  bus = new FakeBus();
  dispatch = vi.fn<Dispatch<CallContext>>(async (method) => ({ ok: true, value: { method } }));
  bridge = registerIpc({ dispatch, bus: bus as never, logger });
});
afterEach(() => bridge.dispose());

describe('isTrustedSender', () => {
  it.each([
    ['the top frame on app://cunyi', frame('app://cunyi/#/worklist'), true],
    ['no frame (navigated or gone)', null, false],
    ['a destroyed frame', frame('app://cunyi/', { destroyed: true }), false],
    ['a detached frame', frame('app://cunyi/', { detached: true }), false],
    ['an iframe on app://cunyi', frame('app://cunyi/', { parent: {} }), false],
    ['a remote page', frame('https://example.com/'), false],
    ['a file:// page', frame('file:///tmp/x.html'), false],
  ])('%s: %s', (_label, senderFrame, expected) => {
    expect(isTrustedSender({ senderFrame: senderFrame as never })).toBe(expected);
  });
});

describe('cunyi:invoke', () => {
  it('dispatches calls from the app with the ipc context of the sending window', async () => {
    const contents = new FakeContents();
    const result = await invoke(contents, 'session.state', { a: 1 });
    expect(result).toEqual({ ok: true, value: { method: 'session.state' } });
    expect(dispatch).toHaveBeenCalledWith('session.state', { a: 1 }, { transport: 'ipc', connectionId: `ipc-${contents.id}` });
  });

  it('refuses other origins with UNAUTHORIZED before the dispatcher sees the call', async () => {
    const result = await invoke(new FakeContents(), 'session.state', {}, frame('https://example.com/'));
    expect(result).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'UNAUTHORIZED' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalled();
  });

  it('turns a throwing dispatcher into INTERNAL without a stack trace', async () => {
    dispatch.mockRejectedValueOnce(new Error('boom'));
    const result = await invoke(new FakeContents(), 'session.state');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('boom');
    expect(result.ok === false && result.error.code).toBe('INTERNAL');
  });

  it('unregisters on dispose', () => {
    bridge.dispose();
    expect(handlers.has('cunyi:invoke')).toBe(false);
    expect(bus.size).toBe(0);
    bridge = registerIpc({ dispatch, bus: bus as never, logger });
  });
});

describe('events', () => {
  it('wait for app.ready, then arrive in order, then flow directly', async () => {
    const contents = new FakeContents();
    bridge.attach(contents as never);
    bus.publish('status.changed', { n: 1 });
    bus.publish('session.changed', { n: 2 });
    expect(contents.sent).toEqual([]);
    await invoke(contents, 'app.ready');
    expect(contents.sent).toEqual([
      ['cunyi:event', 'status.changed', { n: 1 }],
      ['cunyi:event', 'session.changed', { n: 2 }],
    ]);
    bus.publish('status.changed', { n: 3 });
    expect(contents.sent).toHaveLength(3);
    expect(contents.sent[2]).toEqual(['cunyi:event', 'status.changed', { n: 3 }]);
  });

  it('stay queued when app.ready fails', async () => {
    const contents = new FakeContents();
    bridge.attach(contents as never);
    bus.publish('status.changed', { n: 1 });
    dispatch.mockResolvedValueOnce({ ok: false, error: { code: 'BAD_REQUEST', message: 'BAD_REQUEST' } });
    await invoke(contents, 'app.ready', { junk: true });
    expect(contents.sent).toEqual([]);
    await invoke(contents, 'app.ready');
    expect(contents.sent).toHaveLength(1);
  });

  it('start over when the page navigates to a new document, not on in-page navigation', async () => {
    const contents = new FakeContents();
    bridge.attach(contents as never);
    await invoke(contents, 'app.ready');
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    bus.publish('status.changed', { n: 1 });
    expect(contents.sent).toHaveLength(1);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    bus.publish('status.changed', { n: 2 });
    expect(contents.sent).toHaveLength(1);
    await invoke(contents, 'app.ready');
    expect(contents.sent.at(-1)).toEqual(['cunyi:event', 'status.changed', { n: 2 }]);
  });

  it(`keep at most ${MAX_PENDING_EVENTS} events for a page that never gets ready, dropping the oldest`, async () => {
    const contents = new FakeContents();
    bridge.attach(contents as never);
    for (let n = 0; n < MAX_PENDING_EVENTS + 10; n++) bus.publish('status.changed', { n });
    await invoke(contents, 'app.ready');
    expect(contents.sent).toHaveLength(MAX_PENDING_EVENTS);
    expect(contents.sent[0]).toEqual(['cunyi:event', 'status.changed', { n: 10 }]);
  });

  it('that name residents, queued for the session before, are dropped when the session changes (issue 11)', async () => {
    const contents = new FakeContents();
    bridge.attach(contents as never);
    bus.publish('worklist.changed', { residentIds: ['other-village'], all: false });
    bus.publish('status.changed', { n: 1 });
    bus.publish('session.changed', { state: 'unlocked' });
    bus.publish('worklist.changed', { residentIds: ['own-village'], all: false });
    await invoke(contents, 'app.ready');
    expect(contents.sent).toEqual([
      ['cunyi:event', 'status.changed', { n: 1 }],
      ['cunyi:event', 'session.changed', { state: 'unlocked' }],
      ['cunyi:event', 'worklist.changed', { residentIds: ['own-village'], all: false }],
    ]);
  });

  it('are not sent to destroyed windows, which are forgotten', async () => {
    const contents = new FakeContents();
    bridge.attach(contents as never);
    await invoke(contents, 'app.ready');
    contents.destroyed = true;
    bus.publish('status.changed', { n: 1 });
    contents.emit('destroyed');
    bus.publish('status.changed', { n: 2 });
    expect(contents.sent).toEqual([]);
  });
});
