/**
 * The runtime in a `worker_threads` worker, for the headless host and the tests' host: its SQL, KDF and index work
 * never stalls the thread that serves the UI.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RuntimeClient, type RuntimeClientOptions } from './client';
import type { RuntimeStartOptions } from './protocol';

const ENTRY = new URL('./entry.ts', import.meta.url);

/**
 * What the worker runs first. From TypeScript sources (tsx, vitest) it registers tsx's loader inside the worker and
 * then imports the entry: on Node 20 a loader given to the worker through execArgv does not reach its first import.
 */
export function workerBootstrap(entry: URL = ENTRY): URL {
  if (!entry.pathname.endsWith('.ts')) return entry;
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** Starts the worker and its runtime. Errors: CLINIC_IN_USE (another process holds the data directory). */
export async function startRuntimeWorker(options: RuntimeStartOptions, client: RuntimeClientOptions = {}): Promise<RuntimeClient> {
  const worker = new Worker(workerBootstrap(), { name: 'cunyi-runtime', execArgv: [] });
  const runtime = new RuntimeClient(
    {
      post: (m) => worker.postMessage(m),
      onMessage: (l) => worker.on('message', l),
      onExit: (l) => {
        worker.on('exit', (code) => l(code));
        worker.on('error', (e) => {
          (client.logger ?? console).error('runtime worker error', { error: e instanceof Error ? e.stack ?? e.message : String(e) });
        });
      },
      terminate: async () => {
        await worker.terminate();
      },
    },
    client,
  );
  try {
    await runtime.start(options);
  } catch (e) {
    await runtime.close();
    throw e;
  }
  return runtime;
}
