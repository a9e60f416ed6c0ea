/**
 * `npm run bench -- search-rebuild --data-dir D [--user U]` (password: CUNYI_PASSWORD, else `bench startup 1`): the
 * search projection's deferred rebuild (issue 10 §3–4), as an upgrade that changes its version runs it, on a COPY of
 * D made in a temp dir (D is never opened). Only the search projection is registered, so its pages are the only work:
 * a quiet run of the rebuild alone.
 *
 * Reports the cost per resident of the pages at the start (first 10 % of the residents), middle (45–55 %) and end
 * (last 10 %), the slowest page, the total time in pages and from start to ready (the end's index build included),
 * and `rebuildEstimate` at 10/25/50/75 % against the time really left. Raw baseline from the same run: the same keys
 * computed for every resident, sorted in memory and written in one transaction into a plain table with the same
 * indexes, in the same encrypted file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ResidentDoc } from '../shared/schemas/collections';
import { indexKeys, searchProjection } from '../main/services/residents/search-index';
import { rebuildEstimate } from '../main/services/data-update';
import { openClinicDatabase } from '../main/store/database';
import { KeyVault } from '../main/store/keys/vault';
import type { Projection } from '../main/store/rx-storage-sqlcipher';
import type { Database } from '../main/store/sqlite-file';
import { arg, log, round } from './_clinic';

const load = () => round(loadavg()[0] ?? 0);

async function main(): Promise<void> {
  const source = arg('data-dir');
  if (!source) throw new Error('--data-dir D is required (a clinic; it is copied, never opened in place)');
  const user = arg('user') ?? 'admin';
  const password = process.env['CUNYI_PASSWORD'] ?? 'bench startup 1';
  const work = mkdtempSync(join(tmpdir(), 'cunyi-search-rebuild-'));
  const dataDir = join(work, 'clinic');
  try {
    const cp = spawnSync('cp', ['-a', resolve(source), dataDir]);
    if (cp.status !== 0) throw new Error(`cp -a failed: ${cp.stderr.toString()}`);
    const vault = await KeyVault.open(dataDir, { now: () => Date.now() });
    const { dataKey } = await vault.unlockWithPassword(user, password);
    try {
      // Forget the projection's version: the next open rebuilds it, as after an upgrade that changed it.
      const plain = await openClinicDatabase(dataDir, dataKey);
      let residents: number;
      let raw: { ms: number; rows: number; load1m: number };
      try {
        plain.sql.exec(`DELETE FROM p__versions WHERE name = 'search'; DELETE FROM p__rebuilds WHERE name = 'search';`);
        residents = await plain.rx.residents.count().exec();
        raw = rawBuild(plain.sql);
      } finally {
        await plain.close();
      }
      log(`${residents} residents; raw build ${raw.ms} ms (${raw.rows} rows), load ${raw.load1m}`);

      // The end's work (the lookup indexes sorted once), timed by itself.
      let finishMs = 0;
      const finishSteps: number[] = [];
      (searchProjection as { finishRebuild?: Projection['finishRebuild'] }).finishRebuild = searchProjection.finishRebuild?.map((step) => (sql: Database) => {
        const f0 = performance.now();
        step(sql);
        finishSteps.push(round(performance.now() - f0, 0));
        finishMs += performance.now() - f0;
      });
      const t0 = performance.now();
      const db = await openClinicDatabase(dataDir, dataKey, { projections: [searchProjection], deferRebuilds: true });
      const openMs = performance.now() - t0;
      try {
        const pages: { done: number; docs: number; ms: number }[] = [];
        const seen: { atMs: number; percent: number; etaMs: number | null }[] = [];
        let last = { done: 0, busy: 0 };
        let sampling = true;
        const sample = () => {
          const p = db.rebuilds.progress();
          if (p) {
            const step = p.steps[0];
            const done = step?.done ?? 0;
            if (done > last.done) {
              pages.push({ done, docs: done - last.done, ms: p.busyMs - last.busy });
              last = { done, busy: p.busyMs };
            }
            const e = rebuildEstimate(p, Date.now());
            seen.push({ atMs: performance.now() - t0, percent: e.percent, etaMs: e.etaMs });
          }
          if (sampling) setImmediate(sample);
        };
        const r0 = performance.now();
        setImmediate(sample);
        const rebuilt = db.rebuilds.run();
        await rebuilt;
        sampling = false;
        const endMs = performance.now() - t0;
        const rebuildMs = performance.now() - r0;
        const rows = db.sql.prepare(`SELECT count(*) FROM p_search_residents`).pluck().get() as number;
        const busyMs = pages.reduce((n, p) => n + p.ms, 0);
        const band = (from: number, to: number) => {
          const inBand = pages.filter((p) => p.done > from * residents && p.done <= to * residents);
          const docs = inBand.reduce((n, p) => n + p.docs, 0);
          const ms = inBand.reduce((n, p) => n + p.ms, 0);
          return { pages: inBand.length, msPerResident: docs > 0 ? round(ms / docs, 3) : null, maxPageMs: round(Math.max(0, ...inBand.map((p) => p.ms)), 1), meanPageDocs: inBand.length > 0 ? Math.round(docs / inBand.length) : null };
        };
        const estimates = [10, 25, 50, 75].map((threshold) => {
          const s = seen.find((x) => x.percent >= threshold);
          if (!s) return { threshold, seen: false };
          const leftMs = endMs - s.atMs;
          return { threshold, percent: s.percent, etaMs: s.etaMs, actualLeftMs: round(leftMs, 0), ratio: s.etaMs === null || leftMs <= 0 ? null : round(s.etaMs / leftMs) };
        });
        const result = {
          bench: 'search-rebuild',
          residents,
          rows,
          openMs: round(openMs, 0),
          pages: pages.length,
          busyMs: round(busyMs, 0),
          /** From the rebuild's start to the projection ready: pages, the yields between them and the end's work. */
          rebuildMs: round(rebuildMs, 0),
          finishMs: round(finishMs, 0),
          finishSteps,
          /** The end's time per resident as a share of the pages' (the projection's `finishCost`). */
          finishCost: round(finishMs / busyMs),
          start: band(0, 0.1),
          middle: band(0.45, 0.55),
          end: band(0.9, 1),
          slowestPageMs: round(Math.max(0, ...pages.map((p) => p.ms)), 1),
          estimates,
          raw,
          ratioToRaw: round(rebuildMs / raw.ms),
          load1m: load(),
        };
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } finally {
        await db.close();
      }
    } finally {
      dataKey.fill(0);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The same keys for every live resident, sorted, into a plain table with the same indexes, in one transaction. */
function rawBuild(sql: Parameters<typeof searchProjection.create>[0]): { ms: number; rows: number; load1m: number } {
  // The storage's residents table (the bench reads it directly, as a raw baseline would).
  const table = sql
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%residents%' AND sql LIKE '%deleted INTEGER%' ORDER BY name DESC`)
    .pluck()
    .get() as string;
  const t0 = performance.now();
  const rows: [string, string, string, string][] = [];
  for (const json of sql.prepare(`SELECT data FROM "${table}" WHERE deleted = 0`).pluck().iterate() as Iterable<string>) {
    const doc = JSON.parse(json) as ResidentDoc;
    for (const [kind, key] of indexKeys(doc)) rows.push([kind, key, doc.id, doc.villageCode]);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  sql.transaction(() => {
    sql.exec(`CREATE TABLE bench_raw_search (kind TEXT NOT NULL, key TEXT NOT NULL, resident_id TEXT NOT NULL, village_code TEXT NOT NULL, PRIMARY KEY (kind, key, resident_id)) WITHOUT ROWID`);
    const insert = sql.prepare(`INSERT OR IGNORE INTO bench_raw_search VALUES (?, ?, ?, ?)`);
    for (const r of rows) insert.run(...r);
    sql.exec(`CREATE INDEX bench_raw_search_r ON bench_raw_search (resident_id); CREATE INDEX bench_raw_search_v ON bench_raw_search (village_code, kind, key);`);
  })();
  const ms = performance.now() - t0;
  sql.exec(`DROP TABLE bench_raw_search`);
  return { ms: round(ms, 0), rows: rows.length, load1m: load() };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
