/**
 * An empty platform database for one describe block (the migration tests): PGlite in a temp folder, or a throw-away
 * PostgreSQL cluster (test/helpers/postgres.ts), opened before the block's tests and closed and removed after them.
 * Nothing is opened when `skip` (PostgreSQL not installed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openPglite, openPostgres, type Sql } from '../../platform/db';
import { startPostgres, type TestPostgres } from './postgres';

export function bareDatabase(opts: { onPostgres: boolean; skip: boolean; prefix: string }): { readonly sql: Sql } {
  let pg: TestPostgres | null = null;
  let sql: Sql | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    if (opts.skip) return;
    dir = mkdtempSync(join(tmpdir(), opts.prefix));
    if (opts.onPostgres) {
      pg = startPostgres();
      sql = await openPostgres(pg.url);
    } else {
      sql = await openPglite(dir);
    }
  }, 120_000);
  afterAll(async () => {
    await sql?.close();
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get sql(): Sql {
      if (!sql) throw new Error('the test database is not open (skipped, or used outside a test)');
      return sql;
    },
  };
}
