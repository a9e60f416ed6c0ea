/**
 * Starts the county platform: opens its database (PGlite in the data directory, or PostgreSQL with a URL), applies
 * the migrations, loads or makes its TLS identity and serves the sync API. Used by `npm run platform`, the tests and
 * the benchmarks alike.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { SYNCED_COLLECTIONS, SYNCED_COLLECTION_NAMES, wireSchemas, type WireDocument } from '../shared/sync/protocol';
import { openSql, type Sql } from './db';
import { migrate } from './migrate';
import { ensureFactsVersion } from './county/facts';
import { buildServer } from './server';
import { PlatformStore, type CollectionRule } from './store';
import { moveWaitMs, moveWaitSetting, saveMoveWait } from './move-requests';
import { loadOrCreateTls, type TlsIdentity } from './tls';

export interface PlatformOptions {
  dataDir: string;
  port?: number;
  host?: string;
  databaseUrl?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /**
   * Extra collections outside the clinic model (RxDB's replication test suite uses `humans`); each names its scope,
   * normally 'none' (no jurisdiction), which is why only tests may pass them: the CLI never does.
   */
  extraCollections?: Record<string, { rule: CollectionRule; schema: z.ZodType<WireDocument> }>;
  bodyLimit?: number;
  now?: () => number;
  /**
   * How long a 迁出申请 waits for its resident's version before it is refused as timed out. Unset: the stored choice
   * (move-requests.ts `moveWaitSetting`), else 14 days. `startPlatform` stores what it is given (`serve
   * --move-wait-days`); `openStore` alone uses it without storing it (an offline `status --move-wait-days`).
   */
  moveRequestWaitMs?: number | undefined;
}

/** How often the running platform looks for 迁出申请 that waited too long (and once at start). */
const MOVE_EXPIRY_CHECK_MS = 60 * 60_000;

export interface RunningPlatform {
  url: string;
  port: number;
  tls: TlsIdentity;
  store: PlatformStore;
  sql: Sql;
  adminToken: string;
  close(): Promise<void>;
}

export const ADMIN_TOKEN_FILE = 'admin-token';
export const RUNNING_FILE = 'platform.running.json';
export const LOCK_FILE = 'platform.lock';

/**
 * PGlite must be opened by one process at a time: the server and the offline CLI commands take this lock (a file
 * holding the owner's pid; a dead owner's lock is taken over). PostgreSQL needs no lock.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid && isAlive(pid)) throw new Error(`the platform data directory ${dataDir} is in use by process ${pid}`);
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function clinicRules(): Record<string, CollectionRule> {
  return Object.fromEntries(SYNCED_COLLECTION_NAMES.map((c) => [c, { primaryKey: 'id', scope: SYNCED_COLLECTIONS[c] }]));
}

export async function readAdminToken(dataDir: string): Promise<string> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Opens the database and store without serving (the CLI's offline commands). */
export async function openStore(opts: Pick<PlatformOptions, 'dataDir' | 'databaseUrl' | 'extraCollections' | 'now' | 'moveRequestWaitMs'>): Promise<PlatformStore> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const unlock = opts.databaseUrl ? async () => undefined : await lockDataDir(opts.dataDir);
  let sql: Sql;
  try {
    const opened = await openSql({ databaseUrl: opts.databaseUrl, dataDir: join(opts.dataDir, 'pglite') });
    sql = {
      kind: opened.kind,
      query: (t, p) => opened.query(t, p),
      transaction: (fn) => opened.transaction(fn),
      close: async () => {
        await opened.close();
        await unlock();
      },
    };
  } catch (e) {
    await unlock();
    throw e;
  }
  try {
    await migrate(sql);
    // Records made with another mapping are marked stale now; the county report remakes them (county/facts.ts).
    await ensureFactsVersion(sql);
  } catch (e) {
    await sql.close();
    throw e;
  }
  const rules = { ...clinicRules(), ...Object.fromEntries(Object.entries(opts.extraCollections ?? {}).map(([k, v]) => [k, v.rule])) };
  const store = new PlatformStore(sql, rules, opts.now);
  store.moveRequestWaitMs = opts.moveRequestWaitMs ?? moveWaitMs((await moveWaitSetting(sql)).days);
  return store;
}

export async function startPlatform(opts: PlatformOptions): Promise<RunningPlatform> {
  const store = await openStore(opts);
  if (opts.moveRequestWaitMs !== undefined) {
    // The operator's choice outlives this run: a restart without the flag and an offline `status` use it too.
    const days = opts.moveRequestWaitMs / moveWaitMs(1);
    await saveMoveWait(store.sql, { days, setAt: (opts.now ?? Date.now)(), setBy: 'serve --move-wait-days' }).catch(async (e: unknown) => {
      await store.sql.close();
      throw e;
    });
  }
  const tls = await loadOrCreateTls({ dataDir: opts.dataDir, certFile: opts.certFile, keyFile: opts.keyFile });
  const adminToken = await readAdminToken(opts.dataDir);
  const schemas: Record<string, z.ZodType<WireDocument>> = { ...wireSchemas };
  for (const [k, v] of Object.entries(opts.extraCollections ?? {})) schemas[k] = v.schema;
  const app = await buildServer({ store, tls, schemas, adminToken, ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}) });
  try {
    await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  } catch (e) {
    await store.sql.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  const running = join(opts.dataDir, RUNNING_FILE);
  await writeFile(running, JSON.stringify({ pid: process.pid, port, host }));
  // 迁出申请 that waited too long are answered (refused as timed out) at start and then hourly; a failure is logged and
  // tried again at the next check (the requests stay pending, nothing is lost).
  // The wait is read again each time: on PostgreSQL `platform config` writes it to the database, not to this process.
  const expire = (): void =>
    void moveWaitSetting(store.sql)
      .then((w) => {
        store.moveRequestWaitMs = moveWaitMs(w.days);
        return store.expireMoveRequests();
      })
      .then(
        (n) => n > 0 && app.log.info({ expired: n }, 'move requests refused as timed out'),
        (e: unknown) => app.log.error({ err: e }, 'expiring waiting move requests failed'),
      );
  expire();
  const expiry = setInterval(expire, MOVE_EXPIRY_CHECK_MS).unref();
  let closed = false;
  return {
    url: `https://${host}:${port}`,
    port,
    tls,
    store,
    sql: store.sql,
    adminToken,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(expiry);
      await app.close();
      await store.sql.close();
      await rm(running, { force: true });
    },
  };
}
