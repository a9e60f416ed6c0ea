// The preload without Electron: contextBridge and ipcRenderer are recorders; what the page would get is `exposed`.
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  return {
    exposed,
    rendererListeners,
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })),
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      electron.rendererListeners.set(channel, listener),
  },
}));

await import('../../../../main/app/preload');

interface Bridge {
  invoke(method: unknown, input: unknown): Promise<unknown>;
  subscribe(event: unknown, listener: unknown): () => void;
}
const bridge = electron.exposed.get('cunyi') as Bridge;
const emit = (name: unknown, payload: unknown) => electron.rendererListeners.get('cunyi:event')?.({}, name, payload);

describe('preload bridge', () => {
  it('exposes exactly invoke and subscribe under window.cunyi, and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['cunyi']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
    expect([...electron.rendererListeners.keys()]).toEqual(['cunyi:event']);
  });

  it('forwards calls on cunyi:invoke', async () => {
    await expect(bridge.invoke('session.state', { a: 1 })).resolves.toEqual({ ok: true, value: null });
    expect(electron.invoke).toHaveBeenLastCalledWith('cunyi:invoke', 'session.state', { a: 1 });
  });

  it.each([
    ['a number', 42],
    ['an empty string', ''],
    ['a name without a domain', 'state'],
    ['another channel', 'cunyi:invoke'],
    ['a path', '../session.state'],
    ['an over-long name', `session.${'a'.repeat(80)}`],
    ['an object', { toString: () => 'session.state' }],
  ])('refuses %s as a method, without calling main', async (_label, method) => {
    electron.invoke.mockClear();
    await expect(bridge.invoke(method, {})).rejects.toThrow(/invalid method/);
    expect(electron.invoke).not.toHaveBeenCalled();
  });

  it('delivers events to their subscribers only, until they unsubscribe', () => {
    const status = vi.fn();
    const session = vi.fn();
    const stop = bridge.subscribe('status.changed', status);
    bridge.subscribe('session.changed', session);
    emit('status.changed', { online: true });
    expect(status).toHaveBeenCalledWith({ online: true });
    expect(session).not.toHaveBeenCalled();
    stop();
    emit('status.changed', { online: false });
    expect(status).toHaveBeenCalledTimes(1);
  });

  it('keeps delivering to the other subscribers when one throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    bridge.subscribe('worklist.changed', () => {
      throw new Error('bad listener');
    });
    bridge.subscribe('worklist.changed', good);
    emit('worklist.changed', 1);
    expect(good).toHaveBeenCalledWith(1);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });

  it('refuses bad event names and non-function listeners', () => {
    expect(() => bridge.subscribe('cunyi:event', () => undefined)).toThrow(/invalid event/);
    expect(() => bridge.subscribe('status.changed', 'not a function')).toThrow(/listener/);
  });

  it('ignores malformed event messages', () => {
    expect(() => emit(42, {})).not.toThrow();
  });
});
