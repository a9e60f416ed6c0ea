/**
 * The platform's SQL connection: embedded PGlite (a data directory, nothing to install) by default, PostgreSQL when
 * `DATABASE_URL` is set. Both run the same SQL text and the same migrations; only this file knows which one it is.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Queryable {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Sql extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** One transaction; the callback's queries run inside it and it commits when the callback resolves. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openPglite(dir: string | undefined): Promise<Sql> {
  const db = dir === undefined ? new PGlite() : new PGlite(dir);
  await db.waitReady;
  return {
    kind: 'pglite',
    async query<T>(text: string, params: unknown[] = []) {
      return (await db.query<T>(text, params)).rows;
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction((tx) => fn({ query: async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows }));
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

export async function openPostgres(url: string): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // Fail at start, not at the first request, when the server is not there.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    async query<T>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as T[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[] });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export async function openSql(opts: { databaseUrl?: string | undefined; dataDir?: string | undefined }): Promise<Sql> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
