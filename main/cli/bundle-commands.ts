/** Offline bundles from the command line (issue 13 item 7): pair once, then export and import bundles on a USB stick. */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { AppError } from '../../shared/api/errors';
import { exportBundle, importBundle, pairingCode, trustPeer } from '../services/bundle/bundle-service';
import { MAX_BUNDLE_BYTES } from '../services/bundle/bundle-file';
import type { Runtime } from '../services/runtime';
import { env, one, parseArgs, UsageError } from './args';
import { signIn, withRuntime } from './session-runtime';

async function signedIn<T>(argv: string[], values: string[], fn: (rt: Runtime, args: ReturnType<typeof parseArgs>) => Promise<T>, booleans: string[] = []): Promise<T> {
  const args = parseArgs(argv, { values: ['data-dir', 'user', ...values], booleans });
  return withRuntime(one(args, 'data-dir', true), async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', env('CUNYI_PASSWORD'));
    return fn(rt, args);
  });
}

/** `bundle-pair`: prints this device's pairing code for the receiving clinic (carry it apart from the stick). */
export function bundlePair(argv: string[]): Promise<void> {
  return signedIn(argv, [], async (rt) => {
    console.log(await pairingCode(rt.services.clinic(), rt.services.session.current().dataKey));
  });
}

/** `bundle-trust`: the receiving clinic trusts a sending device; the code comes from CUNYI_PAIRING_CODE. */
export function bundleTrust(argv: string[]): Promise<void> {
  return signedIn(argv, [], async (rt) => {
    console.log(JSON.stringify(await trustPeer(rt.services.clinic(), env('CUNYI_PAIRING_CODE'))));
  });
}

/** `export-bundle --out F [--all]`: written beside F and renamed, so a pulled stick never holds half a bundle. */
export function exportBundleCommand(argv: string[]): Promise<void> {
  return signedIn(
    argv,
    ['out'],
    async (rt, args) => {
      const out = one(args, 'out', true);
      const summary = await exportBundle(
        rt.services.clinic(),
        rt.services.session.current().dataKey,
        (text) => {
          const tmp = `${out}.partial`;
          writeFileSync(tmp, text, { mode: 0o600 });
          renameSync(tmp, out);
          return Promise.resolve();
        },
        { all: one(args, 'all') === 'true' },
      );
      console.log(JSON.stringify({ out, ...summary }));
    },
    ['all'],
  );
}

/** `import-bundle --in F`: prints a JSON summary; importing the same bundle again changes nothing. */
export function importBundleCommand(argv: string[]): Promise<void> {
  return signedIn(argv, ['in'], async (rt, args) => {
    const path = one(args, 'in', true);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (e) {
      throw new UsageError(`cannot read --in ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (size > MAX_BUNDLE_BYTES) throw new AppError('BUNDLE_UNREADABLE', { reason: 'too large', bytes: size });
    console.log(JSON.stringify(await importBundle(rt.services.clinic(), readFileSync(path))));
  });
}
