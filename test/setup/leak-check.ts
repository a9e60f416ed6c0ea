/**
 * Every test file ends with no encrypted database left open (RxDB's test/unit/last.test.ts does the same for its
 * storages): a test that forgets to close one would hold the file's lock and hide a missing close in the app.
 */
import { afterAll, expect } from 'vitest';
import { openConnectionPaths } from '../../main/store/rx-storage-sqlcipher';

afterAll(() => {
  expect(openConnectionPaths(), 'database files still open after this test file').toEqual([]);
});
