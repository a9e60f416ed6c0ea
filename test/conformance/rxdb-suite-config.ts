/**
 * Stands in for the `./config.ts` that RxDB's own test files import (pubkey/rxdb `test/unit/config.ts`), so their
 * storage suites run against our storage (`rx-storage.ts`) under vitest instead of mocha. Only what those two
 * suites read is here: the storage with its capability flags, and `describeParallel`, which mocha runs as a plain
 * `describe` too when tests are not run in parallel.
 */
import { rxTestStorage } from './rx-storage';

/** mocha's `describe` as set up by rxdb-suite-setup.ts (read when called, after the setup file ran). */
export const describeParallel = (name: string, fn: () => void): void => (globalThis as unknown as { describe: (n: string, f: () => void) => void }).describe(name, fn);

const config = {
  storage: rxTestStorage,
  isFastMode: (): boolean => false,
};

// eslint-disable-next-line no-restricted-syntax -- the suites do `import config from './config.ts'`
export default config;
