// `npm run build:main`: bundles the Electron shell into dist/main/app.cjs, the runtime its utility process runs into
// dist/main/runtime.cjs and the preload into dist/main/preload.cjs.
// Native modules stay outside the bundle (electron-builder rebuilds them for Electron and unpacks them from the
// asar); everything else is inlined so the app starts from one file. The sandboxed preload can only require
// 'electron', so it is bundled on its own with nothing else external.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'main');

const ALWAYS_EXTERNAL = [
  'electron',
  'better-sqlite3-multiple-ciphers',
  'serialport',
  '@serialport/*',
  // The argon2 binding loads its prebuilt .node from a per-platform package (@node-rs/argon2-<platform>) at run time.
  '@node-rs/*',
  // ws loads these optional native speed-ups inside try/catch; they are not installed, and must not be inlined.
  'bufferutil',
  'utf-8-validate',
];

/** Installed packages that compile or ship native code (binding.gyp, gypfile, prebuilds): never bundle those. */
function nativePackages() {
  const modules = join(root, 'node_modules');
  const names = [];
  const consider = (name) => {
    const dir = join(modules, name);
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.gypfile || existsSync(join(dir, 'binding.gyp')) || existsSync(join(dir, 'prebuilds'))) names.push(name);
    } catch {
      // Not a package folder (.bin, .package-lock.json, a broken link): nothing to decide.
    }
  };
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of readdirSync(join(modules, entry))) consider(`${entry}/${scoped}`);
    } else {
      consider(entry);
    }
  }
  return names;
}

const external = [...new Set([...ALWAYS_EXTERNAL, ...nativePackages()])];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'none',
  sourcemap: 'linked',
  metafile: true,
};

const results = await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, 'main', 'app', 'main.ts')],
    outfile: join(outdir, 'app.cjs'),
    // Electron 39 runs Node 22.
    target: 'node22',
    external,
    // Sources are ESM and find files next to themselves with import.meta.url; in a CJS bundle that is the
    // bundle's own file, so every module resolves paths from dist/main as before.
    banner: { js: "const __cunyiImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__cunyiImportMetaUrl' },
  }),
  // The runtime's utility process (main/app/runtime-process.ts): services, RxDB and SQLCipher, off the main process.
  build({
    ...common,
    entryPoints: [join(root, 'main', 'runtime', 'entry.ts')],
    outfile: join(outdir, 'runtime.cjs'),
    target: 'node22',
    external,
    banner: { js: "const __cunyiImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__cunyiImportMetaUrl' },
  }),
  build({
    ...common,
    entryPoints: [join(root, 'main', 'app', 'preload.ts')],
    outfile: join(outdir, 'preload.cjs'),
    // Electron 39's renderer is Chromium 142.
    target: 'chrome142',
    external: ['electron'],
  }),
]);

for (const result of results) {
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    console.log(`${relative(root, join(root, file))}  ${(info.bytes / 1024).toFixed(0)} KiB`);
  }
}
