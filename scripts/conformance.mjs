// `npm run conformance -- <folder>`: RxDB's own storage suites against test/conformance/rx-storage.ts. <folder>
// holds rx-storage-implementations.test.ts and rx-storage-query-correctness.test.ts from the pubkey/rxdb repository
// (its test/unit/; or set RXDB_SUITES_DIR). They are copied into .conformance/ (git-ignored), not vendored.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = ['rx-storage-implementations.test.ts', 'rx-storage-query-correctness.test.ts'];
const [folderArg, ...vitestArgs] = process.argv.slice(2);
const folder = folderArg ?? process.env.RXDB_SUITES_DIR;
if (!folder) {
  console.error('usage: npm run conformance -- <folder with RxDB test/unit/{' + suites.join(',') + '}>');
  process.exit(2);
}
const found = suites.filter((s) => existsSync(join(resolve(folder), s)));
if (found.length === 0) {
  console.error(`none of ${suites.join(', ')} in ${resolve(folder)}`);
  process.exit(2);
}
const target = join(root, '.conformance');
rmSync(target, { recursive: true, force: true });
mkdirSync(target);
for (const s of found) copyFileSync(join(resolve(folder), s), join(target, s));
const r = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--config', join(root, 'test', 'conformance', 'rxdb-suites.config.ts'), ...vitestArgs],
  { cwd: root, stdio: 'inherit' },
);
// The copies are not ours to keep (and `eslint .` would lint them): remove them once the run is over.
rmSync(target, { recursive: true, force: true });
process.exit(r.status ?? 1);
