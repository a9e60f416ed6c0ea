/**
 * `npm run web` (and `npm start` without Electron): start the runtime in a worker thread and the headless host on
 * this one, print the URL. This thread only serves files, checks the token and origin, and forwards calls and
 * events: no SQL, KDF or index work ever stalls it. Flags: --data-dir D, --port N (default 0 = any free port),
 * --renderer-dir D. Exits 5 when another process holds the data directory (CLINIC_IN_USE), as the CLI does.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/api/errors';
import { EXIT } from '../cli/exit-codes';
import { serialDeviceIo } from '../devices';
import { startRuntimeWorker } from '../runtime/worker';
import { dataDirFromArgs } from '../services/data-dir';
import { startHost } from './server';

function flag(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dataDir = resolve(dataDirFromArgs(process.argv.slice(2)));
  // Only this OS user may list or read the clinic's files (the database is encrypted; the sidecars are not secret, but private).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const runtime = await startRuntimeWorker(
    {
      dataDir,
      shell: 'headless',
      // The e2e test of the upgrade's progress screen holds the rebuild while it looks (RuntimeOptions.holdRebuildWhile).
      ...(process.env['CUNYI_TEST_HOLD_REBUILD'] ? { holdRebuildWhile: process.env['CUNYI_TEST_HOLD_REBUILD'] } : {}),
    },
    {
      // Serial ports are opened on this thread and their bytes forwarded (main/runtime/device-link.ts).
      deviceIo: serialDeviceIo,
      // A host whose runtime is gone can only answer INTERNAL: better to stop and say so.
      onCrash: (code) => {
        console.error(`cunyi: the runtime stopped (exit code ${code ?? 'none'}); stopping the host`);
        process.exit(1);
      },
    },
  );
  const host = await startHost({
    dispatch: runtime.dispatch,
    bus: runtime,
    rendererDir: resolve(flag('--renderer-dir') ?? resolve(root, 'dist', 'renderer')),
    port: Number(flag('--port') ?? 0),
    // The sign-in belongs to the browser that made it: once its last tab is closed, reopening the URL asks for
    // the password again instead of walking into the open session until the idle lock (issue 16).
    onAllClosed: () => void runtime.dispatch('session.lock', {}, { transport: 'ws', connectionId: 'host-closed' }).catch(() => undefined),
    ...(process.env['CUNYI_CLOSED_LOCK_MS'] ? { closedGraceMs: Number(process.env['CUNYI_CLOSED_LOCK_MS']) } : {}),
  });
  console.log(`村医 Cunyi headless host`);
  console.log(`data: ${dataDir}`);
  console.log(`open: ${host.url}`);
  const stop = async () => {
    await host.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  if (e instanceof AppError && e.code === 'CLINIC_IN_USE') {
    console.error(`cunyi: CLINIC_IN_USE: this clinic is open in another window: close it first (${e.details?.['dataDir'] as string})`);
    process.exit(EXIT.clinicInUse);
  }
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
