/**
 * The shipped v1 clinic file (test/fixtures/store-v1) for the store-migration tests: copies of it in temp folders, and
 * runtimes opened on them signed in as its admin, all closed and removed after each test (`afterEach`).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect } from 'vitest';
import { createRuntime, type Runtime } from '../../main/services/runtime';
import type { Database } from '../../main/store/sqlite-file';
import { fixedClock } from '../../shared/domain/dates';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

const FIXTURE = resolve(import.meta.dirname, '..', 'fixtures', 'store-v1');
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

/** The open clinic's SQLite handle of a signed-in runtime. */
export const sqlOf = (r: Runtime): Database => r.services.session.current().db.sql;

export function storeV1Runtimes(): {
  /** A new copy of the v1 data directory. */
  copy(prefix: string): string;
  /** A runtime on `dataDir`, signed in as the fixture's admin (the open runs the file's migrations). */
  open(dataDir: string): Promise<Runtime>;
  /** Closes a runtime before the test ends (to open the same folder again). */
  close(r: Runtime): Promise<void>;
} {
  const dirs: string[] = [];
  const runtimes: Runtime[] = [];
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    copy(prefix) {
      const dataDir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dataDir);
      cpSync(FIXTURE, dataDir, { recursive: true });
      return dataDir;
    },
    async open(dataDir) {
      const runtime = createRuntime({ dataDir, shell: 'headless', clock: fixedClock('2026-03-03T02:00:00Z'), kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent });
      runtimes.push(runtime);
      const r = await runtime.dispatch('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password }, { transport: 'test', connectionId: 't' });
      expect(r.ok).toBe(true);
      return runtime;
    },
    async close(r) {
      runtimes.splice(runtimes.indexOf(r), 1);
      await r.close();
    },
  };
}
