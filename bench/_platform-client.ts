/**
 * Starts the platform in its own worker thread (_platform-thread.ts) for a bench: its URL and certificate
 * fingerprint, the push and pull stamps it sends, and `call` for what the bench asks it (answered by id).
 */
import { Worker } from 'node:worker_threads';
import { workerBootstrap } from '../main/runtime/worker';
import type { FromPlatformThread, ToPlatformThread } from './_platform-thread';

export type Stamp = Extract<FromPlatformThread, { kind: 'push' | 'pull' }>;
type Ask = ToPlatformThread extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface PlatformThread {
  url: string;
  fingerprint256: string;
  onStamp: (s: Stamp) => void;
  call<T>(m: Ask): Promise<T>;
  close(): Promise<void>;
}

/** PGlite in `dataDir`, or PostgreSQL at `databaseUrl`; with `cpuProfile`, the thread's CPU profile is written there on close. */
export async function platformThread(dataDir: string, databaseUrl?: string, cpuProfile?: string): Promise<PlatformThread> {
  const worker = new Worker(workerBootstrap(new URL('./_platform-thread.ts', import.meta.url)), { workerData: { dataDir, databaseUrl, cpuProfile }, execArgv: [] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let ready: (m: { url: string; fingerprint256: string }) => void = () => undefined;
  const started = new Promise<{ url: string; fingerprint256: string }>((r) => (ready = r));
  const thread: PlatformThread = {
    url: '',
    fingerprint256: '',
    onStamp: (_s: Stamp): void => undefined,
    call<T>(m: Ask): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ ...m, id });
      });
    },
    async close(): Promise<void> {
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      await thread.call({ kind: 'close' });
      // Let the thread end by itself (so `--cpu-prof` writes its profile); stop it if something keeps it alive.
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  worker.on('message', (m: FromPlatformThread) => {
    if (m.kind === 'ready') ready(m);
    else if (m.kind === 'reply') {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.value);
    } else thread.onStamp(m);
  });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  void failed.catch(() => undefined);
  const r = await Promise.race([started, failed]);
  thread.url = r.url;
  thread.fingerprint256 = r.fingerprint256;
  return thread;
}
