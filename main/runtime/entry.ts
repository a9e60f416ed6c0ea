/**
 * The runtime's entry module, one for both carriers: a `worker_threads` worker (the headless host, the tests) hands
 * it `parentPort`; an Electron `utilityProcess` (the shell, bundled as dist/main/runtime.cjs) hands it
 * `process.parentPort`, whose messages arrive wrapped in `{ data }`.
 */
import { parentPort } from 'node:worker_threads';
import type { FromRuntime } from './protocol';
import { serveRuntime } from './server';

interface ElectronParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;

if (parentPort) {
  const port = parentPort;
  serveRuntime({
    port: { post: (m: FromRuntime) => port.postMessage(m), onMessage: (l) => port.on('message', l) },
    // The UI side terminates the thread once it has read `closed`.
  });
} else if (electronPort) {
  const port = electronPort;
  serveRuntime({
    port: { post: (m: FromRuntime) => port.postMessage(m), onMessage: (l) => port.on('message', (e) => l(e.data)) },
    onClosed: () => process.exit(0),
  });
} else {
  console.error('main/runtime/entry: start me as a worker thread or an Electron utility process');
  process.exitCode = 2;
}
