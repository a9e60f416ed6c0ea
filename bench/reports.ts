/**
 * Reports benchmark (issue 15): the full monthly report of the seeded township (13 indicators for the clinic and each
 * village, plus the period's work counts) through the same API call the 报表 screen makes, beside one raw SQL query
 * on the same encrypted file computing the same key counts (records present, HTN / T2DM managed and controlled,
 * elderly with a check) with json_extract over the storage tables. Target: under 1 s and within 2× the raw SQL.
 * The first report reads the collections (`coldMs`); later ones reuse that input until a write drops it (`p50Ms`).
 *
 * Usage: `npm run bench -- reports [--data-dir D] [--runs N] [--residents N]`. Prints one JSON object on stdout.
 */
import { performance } from 'node:perf_hooks';
import type { Report } from '../shared/api/reports';
import { dateInZone } from '../shared/domain/dates';
import { tableNameFor } from '../main/store/rx-storage-sqlcipher/sqlcipher-helpers';
import { arg, log, openBenchClinic, percentile, round } from './_clinic';

const TARGET_MS = 1000;
const TARGET_RATIO = 2;

/** The same conventions as shared/domain/indicators/compute.ts, in SQL. */
function rawSql(t: { residents: string; encounters: string }): string {
  return `
WITH enc AS MATERIALIZED (
  SELECT json_extract(data, '$.id') AS id, json_extract(data, '$.residentId') AS rid, json_extract(data, '$.type') AS type,
         json_extract(data, '$.date') AS date, json_extract(data, '$.amends') AS amends, json_extract(data, '$.completedAt') AS completedAt,
         json_extract(data, '$.data.form.sbp') AS sbp, json_extract(data, '$.data.form.dbp') AS dbp,
         json_extract(data, '$.data.form.fastingGlucose') AS glu, json_extract(data, '$.data.form.status') AS regStatus,
         json_extract(data, '$.data.form.statusDate') AS regStatusDate, json_extract(data, '$.data.form.enrolledDate') AS enrolled
  FROM "${t.encounters}" WHERE deleted = 0 AND json_extract(data, '$.status') = 'completed'
),
cur AS MATERIALIZED (
  SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY CASE WHEN amends = '' THEN id ELSE amends END ORDER BY completedAt DESC) AS rn FROM enc) WHERE rn = 1
),
res AS MATERIALIZED (
  SELECT json_extract(data, '$.id') AS rid, json_extract(data, '$.birthDate') AS birth, json_extract(data, '$.status') AS st,
         json_extract(data, '$.data.statusDate') AS sd, COALESCE(json_extract(data, '$.data.createdDate'), json_extract(data, '$.birthDate')) AS cd
  FROM "${t.residents}" WHERE deleted = 0
),
present AS MATERIALIZED (SELECT * FROM res WHERE cd <= :end AND (st = 'active' OR (sd IS NOT NULL AND sd >= :start))),
reg AS (
  SELECT rid, type, COALESCE(enrolled, date) AS enrolled, COALESCE(regStatus, 'active') AS rs, regStatusDate AS rsd,
         ROW_NUMBER() OVER (PARTITION BY rid, type ORDER BY COALESCE(enrolled, date) DESC, completedAt DESC) AS rn
  FROM cur WHERE type IN ('htnEnrolment', 't2dmEnrolment')
),
managed AS MATERIALIZED (
  SELECT reg.rid, CASE reg.type WHEN 'htnEnrolment' THEN 'htn' ELSE 't2dm' END AS disease, rs, p.birth
  FROM reg JOIN present p ON p.rid = reg.rid
  WHERE rn = 1 AND enrolled <= :end AND rs <> 'excluded' AND (rs NOT IN ('died', 'movedOut') OR (rsd IS NOT NULL AND rsd >= :start))
),
lastBp AS MATERIALIZED (
  SELECT * FROM (SELECT rid, sbp, dbp, date, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY date DESC, completedAt DESC) AS rn
  FROM cur WHERE type = 'htnFollowup' AND date BETWEEN :start AND :end AND sbp IS NOT NULL AND dbp IS NOT NULL) WHERE rn = 1
),
lastGlu AS MATERIALIZED (
  SELECT * FROM (SELECT rid, glu, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY date DESC, completedAt DESC) AS rn
  FROM cur WHERE type = 't2dmFollowup' AND date BETWEEN :start AND :end AND glu IS NOT NULL) WHERE rn = 1
)
SELECT
  (SELECT COUNT(*) FROM present) AS records,
  (SELECT COUNT(*) FROM managed WHERE disease = 'htn') AS htnManaged,
  (SELECT COUNT(*) FROM managed m JOIN lastBp l ON l.rid = m.rid
     WHERE m.disease = 'htn' AND m.rs <> 'lostToFollowUp' AND l.dbp < 90
       AND l.sbp < CASE WHEN l.date >= date(m.birth, '+65 years') THEN 150 ELSE 140 END) AS htnControlled,
  (SELECT COUNT(*) FROM managed WHERE disease = 't2dm') AS t2dmManaged,
  (SELECT COUNT(*) FROM managed m JOIN lastGlu l ON l.rid = m.rid WHERE m.disease = 't2dm' AND m.rs <> 'lostToFollowUp' AND l.glu < 7.0) AS t2dmControlled,
  (SELECT COUNT(*) FROM present p WHERE p.birth <= date(:end, '-65 years')
     AND EXISTS (SELECT 1 FROM cur c WHERE c.rid = p.rid AND c.type = 'healthCheck' AND c.date BETWEEN :start AND :end)) AS elderlyChecked`;
}

async function timed<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const runs = Math.max(3, Number(arg('runs') ?? 5));
  const clinic = await openBenchClinic();
  try {
    const ctx = clinic.runtime.services.clinic().ctx;
    const today = dateInZone(Date.now(), ctx.timeZone);
    const period = { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
    log('first report (reads the collections) …');
    const cold = await timed(() => clinic.call<Report>('reports.get', { period }));
    log(`first report ${Math.round(cold.ms)} ms; runs …`);
    const ours: number[] = [];
    let report: Report | null = null;
    for (let i = 0; i < runs; i += 1) {
      const r = await timed(() => clinic.call<Report>('reports.get', { period }));
      ours.push(r.ms);
      report = r.value;
      log(`report ${Math.round(r.ms)} ms`);
    }
    const db = ctx.db;
    const table = (c: 'residents' | 'encounters') => tableNameFor(db.rx.name, c, db.rx[c].schema.version);
    const statement = db.sql.prepare(rawSql({ residents: table('residents'), encounters: table('encounters') }));
    const params = { start: report!.windowStart, end: report!.windowEnd };
    const raw: number[] = [];
    let counts: Record<string, number> = {};
    for (let i = 0; i < runs; i += 1) {
      const r = await timed(() => statement.get(params) as Record<string, number>);
      raw.push(r.ms);
      counts = r.value;
      log(`raw ${Math.round(r.ms)} ms`);
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const oursP50 = percentile(sorted(ours), 50);
    const rawP50 = percentile(sorted(raw), 50);
    const f = (id: string) => report!.indicators.find((x) => x.id === id)!;
    const agreement = {
      records: { ours: f('recordCoverageRate').numerator, raw: counts['records'] },
      htnManaged: { ours: f('htnControlRate').denominator, raw: counts['htnManaged'] },
      htnControlled: { ours: f('htnControlRate').numerator, raw: counts['htnControlled'] },
      t2dmManaged: { ours: f('t2dmControlRate').denominator, raw: counts['t2dmManaged'] },
      t2dmControlled: { ours: f('t2dmControlRate').numerator, raw: counts['t2dmControlled'] },
      elderlyChecked: { ours: f('elderlyManagementRate').numerator, raw: counts['elderlyChecked'] },
    };
    const result = {
      bench: 'reports',
      dataDir: arg('data-dir') ?? 'temporary (stress seed)',
      period: report!.period.key,
      villages: report!.villages.length,
      runs,
      ours: { coldMs: round(cold.ms, 1), p50Ms: round(oursP50, 1), maxMs: round(Math.max(...ours), 1) },
      raw: { p50Ms: round(rawP50, 1), maxMs: round(Math.max(...raw), 1) },
      ratio: rawP50 > 0 ? round(oursP50 / rawP50, 3) : null,
      targetMs: TARGET_MS,
      targetRatio: TARGET_RATIO,
      meetsTarget: oursP50 < TARGET_MS && oursP50 <= TARGET_RATIO * rawP50,
      agreement,
      agrees: Object.values(agreement).every((a) => a.ours === a.raw),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await clinic.close();
  }
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
