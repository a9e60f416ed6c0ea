/**
 * The platform of `bench/edits.ts` in its own thread, as a county runs it on its own machine: its SQL and HTTPS work
 * never delays the devices' answers or the bench's clock on the measuring thread. It tells the measuring thread when
 * each resident reached it (push arrived and committed) and when the watched device pulled it (pull arrived and
 * answered), in epoch ms, which every thread reads alike (`performance.timeOrigin + performance.now()`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startPlatform } from '../platform';

export type ToPlatformThread =
  | { kind: 'addClinic'; id: number; clinic: { code: string; name: string; villages: { code: string; name: string }[] } }
  | { kind: 'watch'; id: number; deviceId: string }
  | { kind: 'close'; id: number };

export type FromPlatformThread =
  | { kind: 'ready'; url: string }
  | { kind: 'reply'; id: number; value?: unknown; error?: string }
  | { kind: 'push'; ids: string[]; arrivedAt: number; committedAt: number }
  | { kind: 'pull'; ids: string[]; arrivedAt: number; answeredAt: number };

const port = parentPort!;
const now = (): number => performance.timeOrigin + performance.now();
const post = (m: FromPlatformThread): void => port.postMessage(m);

const platform = await startPlatform({ dataDir: (workerData as { dataDir: string }).dataDir, port: 0 });
let watched: string | null = null;

const push = platform.store.push.bind(platform.store);
platform.store.push = async (...args: Parameters<typeof push>) => {
  const arrivedAt = now();
  const conflicts = await push(...args);
  if (args[1] === 'residents') post({ kind: 'push', ids: args[2].map((r) => String(r.newDocumentState['id'])), arrivedAt, committedAt: now() });
  return conflicts;
};
const pull = platform.store.pull.bind(platform.store);
platform.store.pull = async (...args: Parameters<typeof pull>) => {
  const arrivedAt = now();
  const page = await pull(...args);
  if (args[0].id === watched && args[1] === 'residents' && page.bodies.length > 0) {
    post({ kind: 'pull', ids: page.bodies.map((b) => (JSON.parse(b) as { id: string }).id), arrivedAt, answeredAt: now() });
  }
  return page;
};

port.on('message', (m: ToPlatformThread) => {
  void (async () => {
    try {
      if (m.kind === 'addClinic') post({ kind: 'reply', id: m.id, value: (await platform.store.addClinic(m.clinic)).enrolmentCode });
      else if (m.kind === 'watch') {
        watched = m.deviceId;
        post({ kind: 'reply', id: m.id });
      } else {
        await platform.close();
        post({ kind: 'reply', id: m.id });
        port.close();
      }
    } catch (e) {
      post({ kind: 'reply', id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
post({ kind: 'ready', url: platform.url });
