/**
 * The API over Electron IPC: one channel in (`cunyi:invoke`), one out (`cunyi:event`). Only the top frame of a page
 * served from app://cunyi may call; anything else gets UNAUTHORIZED before the dispatcher sees it. Events wait in
 * a per-window queue until that page's `app.ready` call succeeds (Notesnook's desktop bridge), so nothing raised
 * while the renderer boots is lost, and a reload starts a fresh queue.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { ApiResult, EventName } from '../../shared/api';
import type { CallContext } from '../api/context';
import { consoleLogger, errorToResult, RESIDENT_EVENTS, type Dispatch, type EventSource, type Logger } from '../api/dispatch';
import { isAppUrl } from './app-protocol';

export const INVOKE_CHANNEL = 'cunyi:invoke';
export const EVENT_CHANNEL = 'cunyi:event';

/** A renderer that never says ready must not grow main's memory without bound; the oldest events go first. */
export const MAX_PENDING_EVENTS = 500;

export interface IpcBridgeOptions {
  dispatch: Dispatch<CallContext>;
  /** The runtime's events: its EventBus in-process, or the RuntimeClient that relays them from its thread. */
  bus: EventSource;
  logger?: Logger;
}

export interface IpcBridge {
  /** Start queueing events for a window's page now, before it makes its first call. */
  attach(contents: WebContents): void;
  dispose(): void;
}

interface Target {
  contents: WebContents;
  ready: boolean;
  pending: Array<[EventName, unknown]>;
}

const UNAUTHORIZED: ApiResult<never> = { ok: false, error: { code: 'UNAUTHORIZED', message: 'UNAUTHORIZED' } };

/** The sender must be the top frame, currently showing our own origin: not an iframe, not a page navigated away. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.isDestroyed() || frame.detached) return false;
  return frame.parent === null && isAppUrl(frame.url);
}

export function registerIpc(options: IpcBridgeOptions): IpcBridge {
  const logger = options.logger ?? consoleLogger;
  const targets = new Map<number, Target>();

  const send = (target: Target, event: EventName, payload: unknown) => {
    if (!target.contents.isDestroyed()) target.contents.send(EVENT_CHANNEL, event, payload);
  };

  const attach = (contents: WebContents): Target => {
    const existing = targets.get(contents.id);
    if (existing) return existing;
    const target: Target = { contents, ready: false, pending: [] };
    targets.set(contents.id, target);
    const id = contents.id;
    contents.once('destroyed', () => targets.delete(id));
    contents.on('did-start-navigation', (details) => {
      if (!details.isMainFrame || details.isSameDocument) return;
      // A new document asks for current state itself; what the old one missed is of no use to it.
      target.ready = false;
      target.pending = [];
    });
    return target;
  };

  const unsubscribe = options.bus.subscribe((event, payload) => {
    for (const target of targets.values()) {
      if (target.ready) {
        send(target, event, payload);
        continue;
      }
      if (event === 'session.changed') target.pending = target.pending.filter(([e]) => !RESIDENT_EVENTS.has(e));
      target.pending.push([event, payload]);
      if (target.pending.length > MAX_PENDING_EVENTS) target.pending.shift();
    }
  });

  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<ApiResult<unknown>> => {
    const name = typeof method === 'string' ? method.slice(0, 80) : '';
    if (!isTrustedSender(event)) {
      logger.warn('refused an IPC call from an untrusted frame', { method: name, url: event.senderFrame?.url ?? null });
      return UNAUTHORIZED;
    }
    const target = attach(event.sender);
    let result: ApiResult<unknown>;
    try {
      result = await options.dispatch(method, input, { transport: 'ipc', connectionId: `ipc-${event.sender.id}` });
    } catch (e) {
      result = errorToResult(e, logger, name);
    }
    if (name === 'app.ready' && result.ok && !target.ready) {
      target.ready = true;
      for (const [pendingEvent, payload] of target.pending.splice(0)) send(target, pendingEvent, payload);
    }
    return result;
  });

  return {
    attach: (contents) => void attach(contents),
    dispose() {
      unsubscribe();
      ipcMain.removeHandler(INVOKE_CHANNEL);
      targets.clear();
    },
  };
}
