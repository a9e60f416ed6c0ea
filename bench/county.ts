/**
 * County benchmark (issue 15 item 8): the county view's report over `--townships` seeded townships (default 10 ×
 * 30,000 residents, the stress profile: 300,000 residents and about 2.2 million encounters) on the platform, PGlite by
 * default, PostgreSQL with `--database-url URL`. The documents are written into the platform's table directly (the
 * sync path is not what is measured: see `bench platform` and `bench sync`). For a month, a quarter and a year it
 * times the county's report of every township as the overview page asks for it: `cold` with nothing in memory (a new
 * CountyReports, as after a restart or after a change anywhere), `kept` when nothing changed since. The raw baseline
 * is one SQL query per township over the same table computing the key counts (records present, HTN / T2DM managed and
 * controlled) with the indicators' conventions; the JSON says whether both agree.
 *
 * Usage: `npm run bench -- county [--townships 10] [--residents 30000] [--runs 3] [--database-url URL]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dateInZone } from '../shared/domain/dates';
import { indicatorWindow, type ReportPeriod } from '../shared/domain/indicators/period';
import { generateTownship } from '../main/seed';
import { startPlatform } from '../platform';
import { CountyReports, type ClinicReport } from '../platform/county/report';
import type { Clinic } from '../platform/store';
import { insertDocuments } from '../test/helpers/platform';
import { arg, log, round, stats } from './_clinic';

const TARGET_RATIO = 2;

/** The indicators' conventions (shared/domain/indicators/compute.ts) for one township, in PostgreSQL over the JSON bodies. */
const RAW_SQL = `
WITH enc AS MATERIALIZED (
  SELECT COALESCE(NULLIF(b->>'amends', ''), b->>'id') AS event, b->>'residentId' AS rid, b->>'type' AS type, b->>'date' AS date,
         (b->>'completedAt')::bigint AS completed_at, (b#>>'{data,form,sbp}')::float8 AS sbp, (b#>>'{data,form,dbp}')::float8 AS dbp,
         (b#>>'{data,form,fastingGlucose}')::float8 AS glu, b#>>'{data,form,status}' AS reg_status, b#>>'{data,form,statusDate}' AS reg_status_date,
         b#>>'{data,form,enrolledDate}' AS enrolled
  FROM (SELECT body::jsonb AS b FROM documents WHERE collection = 'encounters' AND village_code = ANY($1::text[]) AND deleted = false) d
  WHERE b->>'status' = 'completed'
),
cur AS MATERIALIZED (SELECT DISTINCT ON (event) * FROM enc ORDER BY event, completed_at DESC),
present AS MATERIALIZED (
  SELECT * FROM (
    SELECT b->>'id' AS rid, b->>'birthDate' AS birth, b->>'status' AS st, b#>>'{data,statusDate}' AS sd, COALESCE(b#>>'{data,createdDate}', b->>'birthDate') AS cd
    FROM (SELECT body::jsonb AS b FROM documents WHERE collection = 'residents' AND village_code = ANY($1::text[]) AND deleted = false) r
  ) x WHERE cd <= $3 AND (st = 'active' OR (sd IS NOT NULL AND sd >= $2))
),
reg AS (
  SELECT DISTINCT ON (rid, type) rid, type, COALESCE(enrolled, date) AS enrolled, COALESCE(reg_status, 'active') AS rs, reg_status_date AS rsd
  FROM cur WHERE type IN ('htnEnrolment', 't2dmEnrolment') ORDER BY rid, type, COALESCE(enrolled, date) DESC, completed_at DESC
),
managed AS MATERIALIZED (
  SELECT reg.rid, CASE reg.type WHEN 'htnEnrolment' THEN 'htn' ELSE 't2dm' END AS disease, rs, p.birth
  FROM reg JOIN present p ON p.rid = reg.rid
  WHERE enrolled <= $3 AND rs <> 'excluded' AND (rs NOT IN ('died', 'movedOut') OR (rsd IS NOT NULL AND rsd >= $2))
),
last_bp AS (
  SELECT DISTINCT ON (rid) rid, sbp, dbp, date FROM cur
  WHERE type = 'htnFollowup' AND date BETWEEN $2 AND $3 AND sbp IS NOT NULL AND dbp IS NOT NULL ORDER BY rid, date DESC, completed_at DESC
),
last_glu AS (
  SELECT DISTINCT ON (rid) rid, glu FROM cur
  WHERE type = 't2dmFollowup' AND date BETWEEN $2 AND $3 AND glu IS NOT NULL ORDER BY rid, date DESC, completed_at DESC
)
SELECT
  (SELECT count(*) FROM present) AS records,
  (SELECT count(*) FROM managed WHERE disease = 'htn') AS htn_managed,
  (SELECT count(*) FROM managed m JOIN last_bp l ON l.rid = m.rid
     WHERE m.disease = 'htn' AND m.rs <> 'lostToFollowUp' AND l.dbp < 90
       AND l.sbp < CASE WHEN l.date::date >= (m.birth::date + interval '65 years')::date THEN 150 ELSE 140 END) AS htn_controlled,
  (SELECT count(*) FROM managed WHERE disease = 't2dm') AS t2dm_managed,
  (SELECT count(*) FROM managed m JOIN last_glu l ON l.rid = m.rid WHERE m.disease = 't2dm' AND m.rs <> 'lostToFollowUp' AND l.glu < 7.0) AS t2dm_controlled`;

interface Counts {
  records: number;
  htnManaged: number;
  htnControlled: number;
  t2dmManaged: number;
  t2dmControlled: number;
}

const countsOf = (r: ClinicReport): Counts => {
  const f = (id: string) => r.indicators.find((x) => x.id === id)!;
  return {
    records: f('recordCoverageRate').numerator,
    htnManaged: f('htnControlRate').denominator ?? 0,
    htnControlled: f('htnControlRate').numerator,
    t2dmManaged: f('t2dmControlRate').denominator ?? 0,
    t2dmControlled: f('t2dmControlRate').numerator,
  };
};

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const townships = Number(arg('townships') ?? 10);
  const perTownship = Number(arg('residents') ?? 30_000);
  const runs = Math.max(3, Number(arg('runs') ?? 3));
  const databaseUrl = arg('database-url');
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-bench-county-'));
  const platform = await startPlatform({ dataDir: dir, port: 0, host: '127.0.0.1', databaseUrl });
  try {
    const now = Date.now();
    const today = dateInZone(now, 'Asia/Shanghai');
    const clinics: Clinic[] = [];
    const seedStarted = performance.now();
    let documents = 0;
    for (let i = 0; i < townships; i += 1) {
      const code = `441521${String(101 + i).padStart(3, '0')}`;
      const t = generateTownship({
        seed: 'county-bench',
        profile: 'stress',
        residents: perTownship,
        clinic: { clinicCode: code, clinicName: `基准乡镇${i + 1}`, villages: [] },
        now,
        today,
        user: { id: 'bench' },
      });
      const clinic: Clinic = { code, name: `基准乡镇${i + 1}`, villages: t.villages.map((v) => ({ code: v.code, name: v.name })) };
      await platform.store.addClinic(clinic);
      clinics.push(clinic);
      await insertDocuments(platform.sql, 'residents', t.residents, 'bench');
      documents += t.residents.length;
      let batch: Array<{ id: string }> = [];
      for (const e of t.encounters()) {
        batch.push(e);
        if (batch.length === 5000) {
          await insertDocuments(platform.sql, 'encounters', batch, 'bench');
          documents += batch.length;
          batch = [];
        }
      }
      await insertDocuments(platform.sql, 'encounters', batch, 'bench');
      documents += batch.length;
      log(`township ${i + 1}/${townships}: ${t.residentCount} residents, ${documents} documents so far, ${Math.round((performance.now() - seedStarted) / 1000)} s`);
    }
    await platform.sql.query('ANALYZE documents');
    const seedMs = performance.now() - seedStarted;
    const year = Number(today.slice(0, 4));
    const periods: ReportPeriod[] = [
      { kind: 'month', year, index: Number(today.slice(5, 7)) },
      { kind: 'quarter', year, index: Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1 },
      { kind: 'year', year, index: 1 },
    ];
    const results: Record<string, unknown> = {};
    let agrees = true;
    for (const period of periods) {
      const cold: number[] = [];
      const kept: number[] = [];
      const raw: number[] = [];
      let ours: Counts[] = [];
      let theirs: Counts[] = [];
      for (let r = 0; r < runs; r += 1) {
        // A new instance holds nothing: what the overview costs after a restart, or after a push anywhere.
        const reports = new CountyReports(platform.store);
        const c = await timed(async () => {
          const out: ClinicReport[] = [];
          for (const clinic of clinics) out.push((await reports.report(clinic.code, period))!);
          return out;
        });
        cold.push(c.ms);
        ours = c.value.map(countsOf);
        const k = await timed(async () => {
          for (const clinic of clinics) await reports.report(clinic.code, period);
        });
        kept.push(k.ms);
        const w = indicatorWindow(period);
        const q = await timed(async () => {
          const out: Counts[] = [];
          for (const clinic of clinics) {
            const row = (await platform.sql.query<Record<string, string | number>>(RAW_SQL, [clinic.villages.map((v) => v.code), w.start, w.end]))[0]!;
            out.push({
              records: Number(row['records']),
              htnManaged: Number(row['htn_managed']),
              htnControlled: Number(row['htn_controlled']),
              t2dmManaged: Number(row['t2dm_managed']),
              t2dmControlled: Number(row['t2dm_controlled']),
            });
          }
          return out;
        });
        raw.push(q.ms);
        theirs = q.value;
        log(`${period.kind}: county report ${Math.round(c.ms)} ms cold, ${Math.round(k.ms)} ms kept; raw SQL ${Math.round(q.ms)} ms; load ${loadavg()[0]!.toFixed(1)}`);
      }
      const same = JSON.stringify(ours) === JSON.stringify(theirs);
      agrees &&= same;
      const coldStats = stats(cold);
      const rawStats = stats(raw);
      results[period.kind] = {
        cold: coldStats,
        kept: stats(kept),
        raw: rawStats,
        ratioCold: rawStats.p50 > 0 ? round(coldStats.p50 / rawStats.p50, 3) : null,
        meetsRatio: coldStats.p50 <= TARGET_RATIO * rawStats.p50,
        agrees: same,
        ...(same ? {} : { ours, raw: theirs }),
      };
    }
    const result = {
      bench: 'county',
      database: platform.sql.kind,
      townships,
      residentsPerTownship: perTownship,
      documents,
      seedMs: round(seedMs, 0),
      runs,
      what: 'the county overview: every township\'s 13 indicators for the township and each village (ms for all townships together)',
      raw: 'one PostgreSQL query per township over the same table (JSON bodies) for the key counts',
      periods: results,
      targetRatio: TARGET_RATIO,
      agrees,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => round(x, 2)) },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
