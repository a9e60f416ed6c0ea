/**
 * The only thing the sandboxed renderer gets from Electron: `window.cunyi.invoke(method, input)` and
 * `window.cunyi.subscribe(event, listener)`, on channels prefixed `cunyi:` (VS Code's sandbox preload). No
 * ipcRenderer, no Node, no generic send: a compromised page can call API methods, which main checks, and nothing
 * else. Bundled to one CJS file by scripts/build-main.mjs because sandboxed preloads cannot load modules.
 */
import { contextBridge, ipcRenderer } from 'electron';

const INVOKE_CHANNEL = 'cunyi:invoke';
const EVENT_CHANNEL = 'cunyi:event';
/** `domain.verb` / `domain.pastTense` (STYLE.md §3); anything else is refused before it reaches main. */
const NAME = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/;
const MAX_NAME_LENGTH = 64;

type Listener = (payload: unknown) => void;

function checkName(kind: 'method' | 'event', value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_NAME_LENGTH || !NAME.test(value)) {
    throw new TypeError(`cunyi: invalid ${kind} name`);
  }
  return value;
}

const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of [...(listeners.get(name) ?? [])]) {
    try {
      listener(payload);
    } catch (e) {
      // One failing subscriber must not starve the others of the same event.
      console.error(`cunyi: listener for ${name} failed`, e);
    }
  }
});

contextBridge.exposeInMainWorld('cunyi', {
  invoke(method: unknown, input: unknown): Promise<unknown> {
    try {
      return ipcRenderer.invoke(INVOKE_CHANNEL, checkName('method', method), input);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new TypeError(String(e)));
    }
  },
  subscribe(event: unknown, listener: unknown): () => void {
    const name = checkName('event', event);
    if (typeof listener !== 'function') throw new TypeError('cunyi: listener must be a function');
    const callback = listener as Listener;
    let set = listeners.get(name);
    if (!set) {
      set = new Set();
      listeners.set(name, set);
    }
    set.add(callback);
    return () => {
      const current = listeners.get(name);
      current?.delete(callback);
      if (current?.size === 0) listeners.delete(name);
    };
  },
});
