/**
 * The platform of `bench/edits.ts` and `bench/platform.ts` in its own thread, as a county runs it on its own machine:
 * its SQL and HTTPS work never delays the devices' answers or the bench's clock on the measuring thread, and the
 * devices' own work (TLS, decompression, parsing) never delays the platform's event loop. It tells the measuring
 * thread when each resident reached it (push arrived and committed) and when the watched device pulled it (pull
 * arrived and answered), in epoch ms, which every thread reads alike (`performance.timeOrigin + performance.now()`);
 * it keeps the time each `store.pull` took, and reads pages from the store directly for a raw baseline.
 * Started by `platformThread` (_platform-client.ts); PGlite in `dataDir`, or PostgreSQL at `databaseUrl`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { performance as perf } from 'node:perf_hooks';
import { startPlatform } from '../platform';

type ClinicInput = { code: string; name: string; villages: { code: string; name: string }[] };

export type ToPlatformThread =
  | { kind: 'addClinic'; id: number; clinic: ClinicInput }
  | { kind: 'enrol'; id: number; clinic: ClinicInput; deviceId: string }
  | { kind: 'watch'; id: number; deviceId: string }
  | { kind: 'pullTimes'; id: number }
  | { kind: 'busy'; id: number }
  | { kind: 'profile'; id: number }
  | { kind: 'rawPull'; id: number; credentials: string[]; collection: string; batch: number }
  | { kind: 'close'; id: number };

/** What `rawPull` answers: every device's pages read by the store's SQL, all devices at once. */
export interface RawPull {
  latencies: number[];
  documents: number;
  ms: number;
}

export type FromPlatformThread =
  | { kind: 'ready'; url: string; fingerprint256: string }
  | { kind: 'reply'; id: number; value?: unknown; error?: string }
  | { kind: 'push'; ids: string[]; arrivedAt: number; committedAt: number }
  | { kind: 'pull'; ids: string[]; arrivedAt: number; answeredAt: number };

const port = parentPort!;
const now = (): number => performance.timeOrigin + performance.now();
const post = (m: FromPlatformThread): void => port.postMessage(m);

const data = workerData as { dataDir: string; databaseUrl?: string; cpuProfile?: string };
// `--cpu-prof` does not reach a worker started with no execArgv: the thread profiles itself when asked.
// It starts at the `profile` message, so the profile holds only what the bench measures.
const profiler = data.cpuProfile ? new Session() : null;
let profiling = false;
const platform = await startPlatform({ dataDir: data.dataDir, port: 0, databaseUrl: data.databaseUrl });
let watched: string | null = null;
let pullTimes: number[] = [];

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
  pullTimes.push(now() - arrivedAt);
  if (args[0].id === watched && args[1] === 'residents' && page.bodies.length > 0) {
    post({ kind: 'pull', ids: page.bodies.map((b) => (JSON.parse(b) as { id: string }).id), arrivedAt, answeredAt: now() });
  }
  return page;
};

port.on('message', (m: ToPlatformThread) => {
  void (async () => {
    try {
      if (m.kind === 'addClinic') post({ kind: 'reply', id: m.id, value: (await platform.store.addClinic(m.clinic)).enrolmentCode });
      else if (m.kind === 'enrol') {
        const code = (await platform.store.addClinic(m.clinic)).enrolmentCode;
        post({ kind: 'reply', id: m.id, value: (await platform.store.enrol({ code, deviceId: m.deviceId, blocks: [] })).credential });
      } else if (m.kind === 'watch') {
        watched = m.deviceId;
        post({ kind: 'reply', id: m.id });
      } else if (m.kind === 'pullTimes') {
        post({ kind: 'reply', id: m.id, value: pullTimes });
        pullTimes = [];
      } else if (m.kind === 'busy') post({ kind: 'reply', id: m.id, value: perf.eventLoopUtilization() });
      else if (m.kind === 'profile') {
        if (profiler) {
          profiler.connect();
          await profiler.post('Profiler.enable');
          await profiler.post('Profiler.start');
          profiling = true;
        }
        post({ kind: 'reply', id: m.id });
      } else if (m.kind === 'rawPull') post({ kind: 'reply', id: m.id, value: await rawPull(m.credentials, m.collection, m.batch) });
      else {
        await platform.close();
        if (profiler && profiling) {
          const { profile } = await profiler.post('Profiler.stop');
          writeFileSync(data.cpuProfile!, JSON.stringify(profile));
          profiler.disconnect();
        }
        post({ kind: 'reply', id: m.id });
        port.close();
      }
    } catch (e) {
      post({ kind: 'reply', id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
/** The same pages as the devices' pulls, read by the store's SQL: no HTTP, TLS, JSON or compression. */
async function rawPull(credentials: readonly string[], collection: string, batch: number): Promise<RawPull> {
  const latencies: number[] = [];
  let documents = 0;
  const t0 = now();
  await Promise.all(
    credentials.map(async (credential) => {
      const device = await platform.store.authenticate(credential);
      let seq = 0;
      for (;;) {
        const t = now();
        const page = await pull(device, collection, seq, batch);
        latencies.push(now() - t);
        documents += page.bodies.length;
        if (page.bodies.length === 0) break;
        seq = page.seq;
      }
    }),
  );
  return { latencies, documents, ms: now() - t0 };
}

post({ kind: 'ready', url: platform.url, fingerprint256: platform.tls.fingerprint256 });
