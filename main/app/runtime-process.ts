/**
 * The runtime in an Electron `utilityProcess`: services, RxDB and SQLCipher run outside the main process, so a long
 * SQL statement or an index load never freezes the window's IPC. The same entry module as the headless host's worker
 * (main/runtime/entry.ts, bundled as dist/main/runtime.cjs); only this carrier is Electron's.
 */
import { utilityProcess } from 'electron';
import { RuntimeClient, type RuntimeClientOptions, type RuntimeLink } from '../runtime/client';
import type { RuntimeStartOptions } from '../runtime/protocol';

/** The part of Electron's UtilityProcess this file uses; tests pass a fake. */
export interface RuntimeChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type Fork = (modulePath: string) => RuntimeChild;

const electronFork: Fork = (modulePath) =>
  utilityProcess.fork(modulePath, [], { serviceName: 'Cunyi runtime', stdio: 'inherit' });

/** After `closed` the runtime exits by itself; a process that does not is ended after this long. */
const EXIT_GRACE_MS = 3_000;

export function linkToChild(child: RuntimeChild): RuntimeLink {
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    post: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code)),
    async terminate() {
      if (exited) return;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_GRACE_MS)));
      await Promise.race([exit, grace]);
      clearTimeout(timer);
      if (!exited) child.kill();
    },
  };
}

/** Errors: CLINIC_IN_USE (a CLI command or host holds the data directory), INTERNAL if the process died starting. */
export async function startRuntimeProcess(
  modulePath: string,
  options: RuntimeStartOptions,
  client: RuntimeClientOptions = {},
  fork: Fork = electronFork,
): Promise<RuntimeClient> {
  const runtime = new RuntimeClient(linkToChild(fork(modulePath)), client);
  try {
    await runtime.start(options);
  } catch (e) {
    await runtime.close();
    throw e;
  }
  return runtime;
}
