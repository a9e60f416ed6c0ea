/**
 * `npm run bench -- search [--data-dir D]`: p50/p95 latency of resident lookups through the same API door the UI
 * calls (dispatch → ResidentsService.search → summaries), over the 30,000-resident stress township, beside raw
 * SQLite doing the same lookup (the same keys in a plain encrypted table, rows fetched and parsed). Target: p95 < 30 ms.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ResidentSummary } from '../shared/api/residents';
import type { ResidentDoc } from '../shared/schemas/collections';
import { indexKeys } from '../main/services/residents/search-index';
import { openEncryptedFile } from '../main/store/sqlite-file';
import { log, openBenchClinic, round, stats } from './_clinic';

const QUERIES_PER_KIND = 200;
const reverse = (s: string) => [...s].reverse().join('');

async function main(): Promise<void> {
  const clinic = await openBenchClinic();
  try {
    // Steady state, as after sign-in: the work list (the first screen) has loaded the patient memory.
    await clinic.call('worklist.get', {});
    const { db } = clinic.runtime.services.session.current();
    const docs = (await db.rx.residents.find().exec()).map((d) => d.toJSON() as ResidentDoc);
    log(`${docs.length} residents`);

    // Raw baseline: the same keys in a plain table in its own encrypted file.
    const raw = openEncryptedFile(join(clinic.dataDir, 'bench-raw-search.db'), randomBytes(32), { create: true });
    raw.exec(`
      CREATE TABLE keys (kind TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, key, id)) WITHOUT ROWID;
      CREATE TABLE residents (id TEXT PRIMARY KEY, json TEXT NOT NULL);
    `);
    const insKey = raw.prepare('INSERT OR IGNORE INTO keys VALUES (?, ?, ?)');
    const insDoc = raw.prepare('INSERT INTO residents VALUES (?, ?)');
    raw.transaction(() => {
      for (const d of docs) {
        insDoc.run(d.id, JSON.stringify(d));
        for (const [kind, key] of indexKeys(d)) insKey.run(kind, key, d.id);
      }
    })();
    const prefix = raw.prepare('SELECT id FROM keys WHERE kind = ? AND key >= ? AND key < ? LIMIT 50');
    const exact = raw.prepare('SELECT id FROM keys WHERE kind = ? AND key = ? LIMIT 50');
    const byId = raw.prepare('SELECT json FROM residents WHERE id = ?');
    const rawLookup = (kinds: string[], key: string, isExact: boolean): number => {
      const ids = new Set<string>();
      for (const kind of kinds) {
        const rows = (isExact ? exact.all(kind, key) : prefix.all(kind, key, `${key}\u{10FFFF}`)) as { id: string }[];
        for (const r of rows) ids.add(r.id);
      }
      let n = 0;
      for (const id of [...ids].slice(0, 50)) {
        const row = byId.get(id) as { json: string } | undefined;
        if (row) n += (JSON.parse(row.json) as ResidentDoc).name.length > 0 ? 1 : 0;
      }
      return n;
    };

    // Deterministic samples: every k-th resident.
    const sample = (pick: (d: ResidentDoc) => string | null) =>
      docs
        .filter((_, i) => i % Math.max(1, Math.floor(docs.length / QUERIES_PER_KIND)) === 0)
        .map(pick)
        .filter((q): q is string => q !== null && q.length > 0)
        .slice(0, QUERIES_PER_KIND);
    const initials = (d: ResidentDoc) => indexKeys(d).find(([k]) => k === 'pyi')?.[1] ?? null;
    const kinds = {
      pinyinPrefix: { queries: sample(initials), raw: (q: string) => rawLookup(['py', 'pyi', 'gpy', 'gpyi'], q, false) },
      name: { queries: sample((d) => d.name), raw: (q: string) => rawLookup(['name', 'given'], q, false) },
      idSuffix: { queries: sample((d) => (d.idNumber ? d.idNumber.slice(-6) : null)), raw: (q: string) => rawLookup(['idr'], reverse(q), false) },
      phone: { queries: sample((d) => (d.phone.length === 11 ? d.phone : null)), raw: (q: string) => rawLookup(['tel'], q, true) },
    };

    const result: Record<string, unknown> = {};
    for (const [kind, { queries, raw: rawFn }] of Object.entries(kinds)) {
      for (const q of queries.slice(0, 10)) await clinic.call('residents.search', { query: q, limit: 50 }); // warm-up
      const ours: number[] = [];
      let found = 0;
      for (const q of queries) {
        const t = performance.now();
        const rows = await clinic.call<ResidentSummary[]>('residents.search', { query: q, limit: 50 });
        ours.push(performance.now() - t);
        if (rows.length > 0) found++;
      }
      const rawTimes: number[] = [];
      for (const q of queries) {
        const t = performance.now();
        rawFn(q);
        rawTimes.push(performance.now() - t);
      }
      const o = stats(ours);
      const r = stats(rawTimes);
      result[kind] = { ours: o, raw: r, ratioP95: round(o.p95 / Math.max(r.p95, 0.001)), foundShare: round(found / queries.length) };
      log(kind, JSON.stringify(result[kind]));
    }
    raw.close();
    const worstP95 = Math.max(...Object.values(result).map((v) => (v as { ours: { p95: number } }).ours.p95));
    console.log(JSON.stringify({ bench: 'search', residents: docs.length, targetP95Ms: 30, worstP95Ms: worstP95, meetsTarget: worstP95 < 30, ...result }));
  } finally {
    await clinic.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
