/**
 * Reports benchmark (issue 15): the full monthly report of the seeded township (13 indicators for the clinic and each
 * village, plus the period's work counts) through the same API call the 报表 screen makes, beside the best plain
 * SQLite way to compute the same key counts (records present, HTN / T2DM managed and controlled, elderly with a
 * complete 65+ check, as indicators.md §4 counts them, per village): typed, indexed tables in a plain (unencrypted)
 * SQLite file holding just the fields needed, with the latest version of each event and each registry entry kept
 * apart as a write would keep them, and one query per indicator. Target: under 1 s and within 2× the raw queries.
 *
 * - `firstEverOnThisFile`: the first report on this file, which fills the stored per-resident facts if this build has
 *   not yet (an upgraded or new file; the app fills them in the background after sign-in);
 * - `firstEver`: a fresh process signs in and at once asks for the report of a period nothing is stored for (a new
 *   month, other 口径): it waits for the warm-up's preload of the stored facts, runs the shared functions over the
 *   township and stores what each resident counts towards (indicator-contributions.ts);
 * - `atOnceAfterRestart`: a fresh process signs in and at once asks for the report whose contributions an earlier
 *   session stored (the everyday case): it sums the stored rows per village;
 * - `firstAfterWarmUp`: the same, but asked once the background warm-up after sign-in (the input and this month's
 *   facts, read in slices) has finished, as when a doctor opens 报表 a few seconds after signing in;
 * - `afterWrite`: the report after a resident was saved (only that resident's facts worked out again);
 * - `warm`: asked again with nothing changed;
 * - `trend.firstEver`: a fresh process signs in and at once asks for the 12-month trend the 报表 screen asks beside the
 *   report, with nothing stored (the 12 sets computed together in one pass and stored); `trend.atOnceAfterRestart`:
 *   the same when an earlier session stored them (the warm-up after sign-in stores them);
 * - raw `cold`: the queries' first run on a newly opened connection; raw `warm`: run again; raw `trendCold`: the
 *   queries for each of the trend's 12 windows on a newly opened connection.
 * The warm-up after sign-in stores this month, next month and the rest of the 12-month trend: `warmUpMs` includes all.
 * CPU milliseconds are printed beside wall times: on a loaded machine they say more. The load average is printed too.
 *
 * Usage: `npm run bench -- reports [--data-dir D] [--runs N] [--cold-runs N] [--residents N]`. Prints one JSON object.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Report } from '../shared/api/reports';
import { dateInZone } from '../shared/domain/dates';
import { SELF_CARE_LEVEL_SCORES } from '../shared/domain/self-care';
import { tableNameFor } from '../main/store/rx-storage-sqlcipher/sqlcipher-helpers';
import { arg, log, openBenchClinic, percentile, round, type BenchClinic } from './_clinic';

const TARGET_MS = 1000;
const TARGET_RATIO = 2;
/** The trend the 报表 screen asks beside the report. */
const TREND_POINTS = 12;

/**
 * The same conventions as shared/domain/indicators/compute.ts, as tables a plain SQLite app would keep: `enc` holds
 * only the latest completed version of each event and `reg` the latest enrolment per resident and disease (kept at
 * write time, as our stored facts are), each with the index its queries use.
 */
const RAW_SCHEMA = `
CREATE TABLE res (rid TEXT PRIMARY KEY, village TEXT NOT NULL, birth TEXT, st TEXT, sd TEXT, cd TEXT) WITHOUT ROWID;
CREATE TABLE allenc (id TEXT PRIMARY KEY, event TEXT NOT NULL, rid TEXT NOT NULL, type TEXT NOT NULL, date TEXT NOT NULL, completedAt INTEGER,
  sbp REAL, dbp REAL, glu REAL, regStatus TEXT, regStatusDate TEXT, enrolled TEXT, complete INTEGER) WITHOUT ROWID;`;

const RAW_DERIVED = `
CREATE TABLE enc AS SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY event ORDER BY completedAt DESC, id DESC) AS rn FROM allenc) WHERE rn = 1;
CREATE INDEX enc_rid_type_date ON enc (rid, type, date, completedAt);
CREATE TABLE reg AS SELECT rid, disease, enrolled, rs, rsd FROM (
  SELECT rid, CASE type WHEN 'htnEnrolment' THEN 'htn' ELSE 't2dm' END AS disease, COALESCE(enrolled, date) AS enrolled,
         COALESCE(regStatus, 'active') AS rs, regStatusDate AS rsd,
         ROW_NUMBER() OVER (PARTITION BY rid, type ORDER BY COALESCE(enrolled, date) DESC, date DESC, completedAt DESC) AS rn
  FROM enc WHERE type IN ('htnEnrolment', 't2dmEnrolment')) WHERE rn = 1;
CREATE INDEX reg_disease ON reg (disease, enrolled, rid);
CREATE INDEX res_present ON res (cd, st, sd, village);
DROP TABLE allenc;
ANALYZE;`;

/**
 * shared/domain/health-check-rules.ts isCompleteElderlyCheck in SQL: core fields, the 65+ parts, a valid self-care
 * assessment and guidance. Worked out when copying, as the indicator projection works it out when a check is written.
 */
const ELDERLY_CHECK_COMPLETE = (() => {
  const f = (path: string) => `json_extract(data, '$.data.form.${path}')`;
  const nonEmpty = (path: string) => `(json_type(data, '$.data.form.${path}') = 'array' AND json_array_length(data, '$.data.form.${path}') > 0)`;
  const selfCare = Object.entries(SELF_CARE_LEVEL_SCORES).map(([item, scores]) => `${f(`selfCare.${item}`)} IN (${[...new Set(scores)].join(', ')})`);
  const parts = [
    nonEmpty('symptoms'),
    ...['temperature', 'pulseRate', 'respiratoryRate', 'height', 'weight', 'waist', 'elderSelfHealth', 'elderCognition', 'elderMood'].map(
      (k) => `${f(`generalCondition.${k}`)} IS NOT NULL`,
    ),
    `(${f('generalCondition.bpLeft')} IS NOT NULL OR ${f('generalCondition.bpRight')} IS NOT NULL)`,
    `${f('assessment')} IS NOT NULL`,
    `(${f('assessment')} <> '2' OR EXISTS (SELECT 1 FROM json_each(data, '$.data.form.abnormalities') WHERE length(value) > 0))`,
    `(${nonEmpty('guidance')} OR ${nonEmpty('riskControl')})`,
    ...selfCare,
  ];
  return `CASE WHEN json_extract(data, '$.type') = 'healthCheck' THEN COALESCE(${parts.join(' AND ')}, 0) END`;
})();

/** The typed copy of the fields the counts need, read from the storage with json_extract (setup, not timed). */
function copyIntoRaw(from: Database.Database, t: { residents: string; encounters: string }, to: Database.Database): void {
  const residents = from
    .prepare(
      `SELECT json_extract(data, '$.id'), json_extract(data, '$.villageCode'), json_extract(data, '$.birthDate'), json_extract(data, '$.status'),
              NULLIF(json_extract(data, '$.data.statusDate'), ''),
              COALESCE(NULLIF(json_extract(data, '$.data.createdDate'), ''), json_extract(data, '$.birthDate'))
       FROM "${t.residents}" WHERE deleted = 0`,
    )
    .raw()
    .all();
  const encounters = from
    .prepare(
      `SELECT json_extract(data, '$.id'), CASE WHEN json_extract(data, '$.amends') = '' THEN json_extract(data, '$.id') ELSE json_extract(data, '$.amends') END,
              json_extract(data, '$.residentId'), json_extract(data, '$.type'), json_extract(data, '$.date'), json_extract(data, '$.completedAt'),
              json_extract(data, '$.data.form.sbp'), json_extract(data, '$.data.form.dbp'), json_extract(data, '$.data.form.fastingGlucose'),
              json_extract(data, '$.data.form.status'), json_extract(data, '$.data.form.statusDate'), json_extract(data, '$.data.form.enrolledDate'),
              ${ELDERLY_CHECK_COMPLETE}
       FROM "${t.encounters}" WHERE deleted = 0 AND json_extract(data, '$.status') = 'completed'`,
    )
    .raw()
    .all();
  to.exec(RAW_SCHEMA);
  const insRes = to.prepare('INSERT INTO res VALUES (?, ?, ?, ?, ?, ?)');
  const insEnc = to.prepare('INSERT INTO allenc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  to.transaction(() => {
    for (const r of residents) insRes.run(...(r as unknown[]));
    for (const e of encounters) insEnc.run(...(e as unknown[]));
  })();
  to.exec(RAW_DERIVED);
}

/** Present during the window (compute.ts isPresent): in every query. */
const PRESENT = `p.cd <= :end AND (p.st = 'active' OR (p.sd IS NOT NULL AND p.sd >= :start))`;
const MANAGED = `r.enrolled <= :end AND r.rs <> 'excluded' AND (r.rs NOT IN ('died', 'movedOut') OR (r.rsd IS NOT NULL AND r.rsd >= :start))`;

/** One query per indicator count, per village (the report has the clinic and each village). */
const RAW_QUERIES: Record<string, string> = {
  records: `SELECT p.village, COUNT(*) AS n FROM res p WHERE ${PRESENT} GROUP BY p.village`,
  htnManaged: `SELECT p.village, COUNT(*) AS n FROM reg r JOIN res p ON p.rid = r.rid WHERE r.disease = 'htn' AND ${MANAGED} AND ${PRESENT} GROUP BY p.village`,
  htnControlled: `SELECT p.village, COUNT(*) AS n FROM reg r JOIN res p ON p.rid = r.rid
    JOIN enc l ON l.rowid = (SELECT rowid FROM enc e WHERE e.rid = r.rid AND e.type = 'htnFollowup' AND e.date BETWEEN :start AND :end
                             AND e.sbp IS NOT NULL AND e.dbp IS NOT NULL ORDER BY e.date DESC, e.completedAt DESC LIMIT 1)
    WHERE r.disease = 'htn' AND ${MANAGED} AND ${PRESENT} AND r.rs <> 'lostToFollowUp' AND l.dbp < 90
      AND l.sbp < CASE WHEN l.date >= date(p.birth, '+65 years') THEN 150 ELSE 140 END GROUP BY p.village`,
  t2dmManaged: `SELECT p.village, COUNT(*) AS n FROM reg r JOIN res p ON p.rid = r.rid WHERE r.disease = 't2dm' AND ${MANAGED} AND ${PRESENT} GROUP BY p.village`,
  t2dmControlled: `SELECT p.village, COUNT(*) AS n FROM reg r JOIN res p ON p.rid = r.rid
    JOIN enc l ON l.rowid = (SELECT rowid FROM enc e WHERE e.rid = r.rid AND e.type = 't2dmFollowup' AND e.date BETWEEN :start AND :end
                             AND e.glu IS NOT NULL ORDER BY e.date DESC, e.completedAt DESC LIMIT 1)
    WHERE r.disease = 't2dm' AND ${MANAGED} AND ${PRESENT} AND r.rs <> 'lostToFollowUp' AND l.glu < 7.0 GROUP BY p.village`,
  elderlyChecked: `SELECT p.village, COUNT(*) AS n FROM res p WHERE ${PRESENT} AND p.birth <= date(:end, '-65 years')
    AND EXISTS (SELECT 1 FROM enc c WHERE c.rid = p.rid AND c.type = 'healthCheck' AND c.date BETWEEN :start AND :end AND c.complete = 1)
    GROUP BY p.village`,
};

type RawCounts = Record<string, { total: number; villages: Record<string, number> }>;

/** Every raw query once: prepared on `db` (a first run on a new connection includes the preparing). */
function runRaw(db: Database.Database, params: { start: string; end: string }): RawCounts {
  const out: RawCounts = {};
  for (const [name, sql] of Object.entries(RAW_QUERIES)) {
    const rows = db.prepare(sql).all(params) as { village: string; n: number }[];
    out[name] = { total: rows.reduce((t, r) => t + r.n, 0), villages: Object.fromEntries(rows.map((r) => [r.village, r.n])) };
  }
  return out;
}

async function timed<T>(f: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await f();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, value };
}

function thisMonth(clinic: BenchClinic): { kind: 'month'; year: number; index: number } {
  const today = dateInZone(Date.now(), clinic.runtime.services.clinic().ctx.timeZone);
  return { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
}

/**
 * `--phase first`: in a fresh process, sign in and time the first report; prints {ms, cpuMs, warmUpMs}. With
 * `--after-warm-up`, the report is asked for once the background preload after sign-in has finished (a doctor who
 * opens 报表 a few seconds after signing in), and `warmUpMs` is how long that took from sign-in.
 */
async function firstInFreshProcess(): Promise<void> {
  const clinic = await openBenchClinic();
  try {
    // Before the warm-up after sign-in starts (it is queued with setImmediate; this runs in the same turn).
    const sql = clinic.runtime.services.clinic().ctx.db.sql;
    if (process.argv.includes('--forget')) sql.exec('DELETE FROM p_indicator_contrib; DELETE FROM p_indicator_contrib_dirty; DELETE FROM p_indicator_contrib_sums; DELETE FROM p_indicator_sets;');
    const storedSets = sql.prepare('SELECT count(*) FROM p_indicator_sets WHERE complete = 1').pluck().get() as number;
    const warmUp = process.argv.includes('--after-warm-up') ? await timed(() => clinic.runtime.services.clinic().reports.warmUp()) : null;
    const first = process.argv.includes('--trend')
      ? await timed(() => clinic.call<unknown>('reports.trend', { period: thisMonth(clinic), count: TREND_POINTS }))
      : await timed(() => clinic.call<Report>('reports.get', { period: thisMonth(clinic) }));
    process.stdout.write(`${JSON.stringify({ ms: first.ms, cpuMs: first.cpuMs, warmUpMs: warmUp?.ms ?? null, storedSets })}\n`);
  } finally {
    await clinic.runtime.close();
  }
}

interface FreshRun {
  ms: number;
  cpuMs: number;
  warmUpMs: number | null;
  /** Complete stored contribution sets when the report was asked (0: nothing stored for any period). */
  storedSets: number;
}

function coldFirstReport(dataDir: string, password: string, mode: 'forget' | 'atOnce' | 'afterWarmUp' | 'trendForget' | 'trendAtOnce'): FreshRun {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const flags = { forget: ['--forget'], atOnce: [], afterWarmUp: ['--after-warm-up'], trendForget: ['--forget', '--trend'], trendAtOnce: ['--trend'] }[mode];
  const args = [join(root, 'bench', 'reports.ts'), '--phase', 'first', '--data-dir', dataDir, ...flags];
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), args, {
    cwd: root,
    env: { ...process.env, CUNYI_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the fresh process failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as FreshRun;
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const p50 = (xs: readonly number[]) => round(percentile(sorted(xs), 50), 1);
const load = () => loadavg().map((x) => round(x, 2));

async function main(): Promise<void> {
  const runs = Math.max(3, Number(arg('runs') ?? 5));
  const coldRuns = Math.max(1, Number(arg('cold-runs') ?? 3));
  const loadAtStart = load();
  const existing = arg('data-dir');
  // A throw-away clinic is seeded here and kept until the end: the fresh processes sign in to it.
  let clinic: BenchClinic | null = await openBenchClinic();
  const dataDir = clinic.dataDir;
  const password = existing ? (process.env['CUNYI_PASSWORD'] ?? '') : 'bench password';
  let rawDb: Database.Database | null = null;
  let rawDir: string | null = null;
  try {
    const period = thisMonth(clinic);
    log('first report on this file (fills the stored facts if this build has not yet) …');
    const firstEverOnThisFile = await timed(() => clinic!.call<Report>('reports.get', { period }));
    log(`first ever on this file ${Math.round(firstEverOnThisFile.ms)} ms`);
    await clinic.runtime.close();
    clinic = null;

    const firstEver: FreshRun[] = [];
    const cold: FreshRun[] = [];
    const afterWarmUp: FreshRun[] = [];
    const trendFirstEver: FreshRun[] = [];
    const trendAtOnce: FreshRun[] = [];
    for (let i = 0; i < coldRuns; i += 1) {
      const e = coldFirstReport(dataDir, password, 'forget');
      firstEver.push(e);
      log(`first ever for the period (nothing stored), fresh process: ${Math.round(e.ms)} ms (cpu ${Math.round(e.cpuMs)} ms), load ${load().join(' ')}`);
      const c = coldFirstReport(dataDir, password, 'atOnce');
      cold.push(c);
      log(`at once after a restart (${c.storedSets} sets stored), fresh process: ${Math.round(c.ms)} ms (cpu ${Math.round(c.cpuMs)} ms), load ${load().join(' ')}`);
      const a = coldFirstReport(dataDir, password, 'afterWarmUp');
      afterWarmUp.push(a);
      log(`first report after the warm-up (${Math.round(a.warmUpMs ?? 0)} ms), fresh process: ${Math.round(a.ms)} ms (cpu ${Math.round(a.cpuMs)} ms)`);
      const tf = coldFirstReport(dataDir, password, 'trendForget');
      trendFirstEver.push(tf);
      log(`12-month trend, nothing stored, fresh process: ${Math.round(tf.ms)} ms (cpu ${Math.round(tf.cpuMs)} ms), load ${load().join(' ')}`);
      const ta = coldFirstReport(dataDir, password, 'trendAtOnce');
      trendAtOnce.push(ta);
      log(`12-month trend at once after a restart (${ta.storedSets} sets stored), fresh process: ${Math.round(ta.ms)} ms (cpu ${Math.round(ta.cpuMs)} ms), load ${load().join(' ')}`);
    }

    log('signing in again for the reports after a write …');
    if (!existing) {
      // The throw-away clinic is opened again as an existing one.
      process.argv.push('--data-dir', dataDir);
      process.env['CUNYI_PASSWORD'] = password;
    }
    clinic = await openBenchClinic();
    const ctx = clinic.runtime.services.clinic().ctx;
    const again = await timed(() => clinic!.call<Report>('reports.get', { period }));
    log(`first report in this process ${Math.round(again.ms)} ms`);
    const afterWrite: { ms: number; cpuMs: number }[] = [];
    const warm: { ms: number; cpuMs: number }[] = [];
    let report: Report = again.value;
    const someone = (await ctx.db.rx.residents.findOne().exec())!;
    for (let i = 0; i < runs; i += 1) {
      // A saved resident: the next report recomputes that resident's stored facts and only their indicator facts.
      await someone.getLatest().incrementalPatch({ updatedAt: Date.now() });
      const c = await timed(() => clinic!.call<Report>('reports.get', { period }));
      afterWrite.push(c);
      const w = await timed(() => clinic!.call<Report>('reports.get', { period }));
      warm.push(w);
      report = w.value;
      log(`report after a write ${Math.round(c.ms)} ms, again ${Math.round(w.ms)} ms`);
    }
    const db = ctx.db;
    const table = (c: 'residents' | 'encounters') => tableNameFor(db.rx.name, c, db.rx[c].schema.version);
    log('copying the needed fields into a plain SQLite file for the raw queries …');
    rawDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-raw-'));
    const rawFile = join(rawDir, 'raw.sqlite');
    const filler = new Database(rawFile);
    filler.pragma('journal_mode = WAL');
    copyIntoRaw(db.sql, { residents: table('residents'), encounters: table('encounters') }, filler);
    filler.close();
    const params = { start: report.windowStart, end: report.windowEnd };
    const rawCold: { ms: number; cpuMs: number }[] = [];
    let counts: RawCounts = {};
    for (let i = 0; i < coldRuns; i += 1) {
      // Cold: a newly opened connection (empty page cache, nothing prepared); the OS may still hold the file.
      rawDb?.close();
      rawDb = new Database(rawFile, { readonly: true });
      const r = await timed(() => runRaw(rawDb!, params));
      rawCold.push(r);
      counts = r.value;
      log(`raw cold ${Math.round(r.ms)} ms`);
    }
    // The trend's 12 windows (each 1 January to its month's end), each with every query, on a new connection.
    const trendWindows = Array.from({ length: TREND_POINTS }, (_, i) => {
      const n = period.year * 12 + period.index - 1 - (TREND_POINTS - 1 - i);
      const year = Math.floor(n / 12);
      const month = (n % 12) + 1;
      return { start: `${year}-01-01`, end: new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10) };
    });
    const rawTrendCold: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < coldRuns; i += 1) {
      rawDb?.close();
      rawDb = new Database(rawFile, { readonly: true });
      const r = await timed(() => trendWindows.map((w) => runRaw(rawDb!, w)));
      rawTrendCold.push(r);
      log(`raw trend cold ${Math.round(r.ms)} ms`);
    }
    const rawWarm: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < runs; i += 1) {
      const r = await timed(() => runRaw(rawDb!, params));
      rawWarm.push(r);
      log(`raw warm ${Math.round(r.ms)} ms`);
    }
    const f = (id: string) => report.indicators.find((x) => x.id === id)!;
    const ofVillage = (code: string, id: string) => report.villages.find((v) => v.villageCode === code)!.indicators.find((x) => x.id === id)!;
    const ours: Record<string, { figure: string; side: 'numerator' | 'denominator' }> = {
      records: { figure: 'recordCoverageRate', side: 'numerator' },
      htnManaged: { figure: 'htnControlRate', side: 'denominator' },
      htnControlled: { figure: 'htnControlRate', side: 'numerator' },
      t2dmManaged: { figure: 't2dmControlRate', side: 'denominator' },
      t2dmControlled: { figure: 't2dmControlRate', side: 'numerator' },
      elderlyChecked: { figure: 'elderlyManagementRate', side: 'numerator' },
    };
    const agreement = Object.fromEntries(Object.entries(ours).map(([name, { figure, side }]) => [name, { ours: f(figure)[side], raw: counts[name]?.total }]));
    const villagesAgree = Object.entries(ours).every(([name, { figure, side }]) =>
      report.villages.every((v) => (ofVillage(v.villageCode, figure)[side] ?? 0) === (counts[name]?.villages[v.villageCode] ?? 0)),
    );
    const coldMs = cold.map((c) => c.ms);
    const rawColdP50 = p50(rawCold.map((r) => r.ms));
    const rawWarmP50 = p50(rawWarm.map((r) => r.ms));
    const stats = (xs: { ms: number; cpuMs: number }[]) => ({ p50Ms: p50(xs.map((x) => x.ms)), maxMs: round(Math.max(...xs.map((x) => x.ms)), 1), cpuP50Ms: p50(xs.map((x) => x.cpuMs)) });
    const result = {
      bench: 'reports',
      dataDir: existing ?? 'temporary (stress seed)',
      period: report.period.key,
      villages: report.villages.length,
      runs,
      coldRuns,
      ours: {
        firstEverOnThisFileMs: round(firstEverOnThisFile.ms, 1),
        firstEver: { ...stats(firstEver), what: 'a fresh process signs in and at once asks for a period nothing is stored for (computed and stored)' },
        atOnceAfterRestart: {
          ...stats(cold),
          storedSets: Math.min(...cold.map((c) => c.storedSets)),
          what: 'a fresh process signs in and at once asks for the report an earlier session stored (sums the stored rows)',
        },
        firstAfterWarmUp: {
          ...stats(afterWarmUp),
          warmUpP50Ms: p50(afterWarmUp.map((a) => a.warmUpMs ?? 0)),
          what: 'a fresh process signs in, its background warm-up finishes, then it asks for the report',
        },
        afterWrite: stats(afterWrite),
        warm: stats(warm),
        trend: {
          points: TREND_POINTS,
          firstEver: { ...stats(trendFirstEver), what: 'a fresh process signs in and at once asks for the 12-month trend with nothing stored (12 sets computed in one pass, stored)' },
          atOnceAfterRestart: { ...stats(trendAtOnce), storedSets: Math.min(...trendAtOnce.map((c) => c.storedSets)), what: 'the same with the 12 sets stored by an earlier session' },
        },
      },
      raw: {
        what: 'one indexed query per count, per village, over typed tables of the latest versions in a plain SQLite file',
        cold: stats(rawCold),
        warm: stats(rawWarm),
        trendCold: { ...stats(rawTrendCold), what: 'every query for each of the 12 windows, on a new connection' },
      },
      ratio: {
        firstEverToRawCold: round(p50(firstEver.map((e) => e.ms)) / rawColdP50, 3),
        atOnceAfterRestartToRawCold: round(p50(coldMs) / rawColdP50, 3),
        firstAfterWarmUpToRawCold: round(p50(afterWarmUp.map((a) => a.ms)) / rawColdP50, 3),
        afterWriteToRawWarm: round(p50(afterWrite.map((x) => x.ms)) / rawWarmP50, 3),
        warmToRawWarm: round(p50(warm.map((x) => x.ms)) / rawWarmP50, 3),
        trendFirstEverToRawTrendCold: round(p50(trendFirstEver.map((x) => x.ms)) / p50(rawTrendCold.map((x) => x.ms)), 3),
        trendAtOnceAfterRestartToRawTrendCold: round(p50(trendAtOnce.map((x) => x.ms)) / p50(rawTrendCold.map((x) => x.ms)), 3),
      },
      targetMs: TARGET_MS,
      targetRatio: TARGET_RATIO,
      firstEverMeetsTarget: p50(firstEver.map((e) => e.ms)) < TARGET_MS && p50(firstEver.map((e) => e.ms)) <= TARGET_RATIO * rawColdP50,
      atOnceAfterRestartMeetsTarget: p50(coldMs) < TARGET_MS && p50(coldMs) <= TARGET_RATIO * rawColdP50,
      firstAfterWarmUpMeetsTarget: p50(afterWarmUp.map((a) => a.ms)) < TARGET_MS && p50(afterWarmUp.map((a) => a.ms)) <= TARGET_RATIO * rawColdP50,
      afterWriteMeetsTarget: p50(afterWrite.map((x) => x.ms)) < TARGET_MS && p50(afterWrite.map((x) => x.ms)) <= TARGET_RATIO * rawWarmP50,
      loadAverage: { atStart: loadAtStart, atEnd: load() },
      agreement,
      agrees: Object.values(agreement).every((a) => a.ours === a.raw) && villagesAgree,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rawDb?.close();
    if (rawDir) rmSync(rawDir, { recursive: true, force: true });
    await clinic?.runtime.close();
    if (!existing) rmSync(dataDir, { recursive: true, force: true });
  }
}

(arg('phase') === 'first' ? firstInFreshProcess() : main()).catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
