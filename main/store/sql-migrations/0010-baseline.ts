/**
 * Version 1, as release 0.1.0 shipped it: RxDB's tables are created by the storage itself (sqlcipher-helpers.ts),
 * which also rebuilds a key column whose encoding differs from the one this build writes. Nothing to do here; the
 * number marks the shipped state the next migrations start from.
 */
import type { SqlMigration } from './index';

export const baseline: SqlMigration = {
  version: 1,
  name: 'baseline',
  up: () => undefined,
};
