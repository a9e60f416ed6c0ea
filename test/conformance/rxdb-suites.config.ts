/**
 * Runs RxDB's own storage suites (`rx-storage-implementations.test.ts`, `rx-storage-query-correctness.test.ts` from
 * the pubkey/rxdb repository, Apache-2.0) against `rx-storage.ts`: `npm run conformance -- <folder with the two
 * files>`. They are not vendored: `scripts/conformance.mjs` copies them into `.conformance/` (git-ignored) and this
 * config maps their repository-relative imports onto the installed `rxdb` package.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// eslint-disable-next-line no-restricted-syntax -- vitest reads a config file's default export
export default defineConfig({
  resolve: {
    alias: [
      { find: /^\.\/config\.ts$/, replacement: here('./rxdb-suite-config.ts') },
      { find: /^(?:\.\.\/)+plugins\/([\w-]+)\/index\.mjs$/, replacement: 'rxdb/plugins/$1' },
      { find: /^(?:\.\.\/)+src\/plugins\/test-utils\/(.+)$/, replacement: here('../../node_modules/rxdb/src/plugins/test-utils/$1') },
    ],
  },
  test: {
    root: here('../..'),
    include: ['.conformance/*.test.ts'],
    environment: 'node',
    globals: true,
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: [here('./rxdb-suite-setup.ts')],
  },
});
