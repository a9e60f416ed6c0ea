/**
 * Child process for the kill -9 rotation test: signs in as the admin, asks for a key rotation and kills itself
 * with SIGKILL the moment the rotation reaches the phase named in argv (no cleanup, no finally blocks run).
 */
import { createRuntime } from '../../main/services/runtime';
import type { RotationPhase } from '../../main/store/key-rotation';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

async function run(): Promise<void> {
  const [dataDir, killAt] = process.argv.slice(2) as [string, RotationPhase];
  const runtime = createRuntime({ dataDir, shell: 'headless', kdfCost: TEST_KDF_COST, logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
  const r = await runtime.dispatch('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password }, { transport: 'test', connectionId: 'child' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const session = runtime.services.session;
  await (await session.vault()).markRotationDue();
  await session.rotateDataKey((phase) => {
    process.stdout.write(`${phase}\n`);
    if (phase === killAt) process.kill(process.pid, 'SIGKILL');
  });
  process.stdout.write('finished\n');
  await runtime.close();
}

run().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
