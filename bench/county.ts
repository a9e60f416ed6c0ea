/**
 * County benchmark (issue 15 item 8): the county view's report over `--townships` seeded townships (default 10 ×
 * 30,000 residents, the stress profile: 300,000 residents and about 2.7 million documents) on the platform, PGlite by
 * default, PostgreSQL with `--postgres` (a throw-away cluster of Debian's binaries on 127.0.0.1, port
 * CUNYI_TEST_PG_PORT or 55432, stopped at the end) or `--database-url URL` (an empty database of your own). The
 * documents are written into the platform's table directly (the sync path is not what is measured: see `bench
 * platform` and `bench sync`): the first township is generated and streamed in batches of 5,000, the others are copies
 * of it made in SQL with their own ids and codes (COPY_TOWNSHIP).
 *
 * For a month, a quarter and a year it times the county's report of every township as the overview page asks for it:
 * `firstAfterSeed` is the very first report (the indicator records, platform migration 0130, are made as documents
 * are written: the first township's by the write path's own `writeFacts`, the copies' copied with them);
 * `computed` is a new CountyReports with no stored report (county_reports emptied, migration 0140): every township
 * computed from its indicator records, as the first time a period is asked for, or after a change in every township;
 * `stored` is another new instance right after (as after a restart: every township's report read from
 * county_reports); `kept` is that instance again with nothing changed. Per township and in total, with the peak RSS
 * while computing. Then `afterOneWrite`: one resident of township 1 changes and a new instance asks again (township 1
 * computed, the others stored); and `syncStatusMs`, the sync state the overview page shows beside the figures.
 *
 * The raw baseline is the same key counts (records present, HTN / T2DM managed and controlled, with the indicators'
 * conventions) in plain SQL over typed, indexed columns. The platform has no such columns, so the bench builds them
 * from the bodies for the raw side only (`raw.tablesBuiltMs`); `raw.first` is each period's first run, `raw.warm`
 * the others (no cache is dropped in between). The JSON says whether both agree on every township's counts.
 *
 * Before the report part, right after seeding, `pullLatencyPerBatchMs` (issue 13): one new device per township pulls
 * its residents and encounters over HTTPS at once, in batches of 500, up to `--pull-batches` per collection (0: no
 * pull), from the whole county's table. `--no-report` stops after the pull (the report part and its raw tables take
 * the longest at full size).
 *
 * Usage: `npm run bench -- county [--townships 10] [--residents 30000] [--runs 3] [--periods month,quarter,year]
 *   [--pull-batches 30] [--no-report] [--cpu-profile F] [--postgres | --database-url URL]`; `--cpu-profile` writes
 *   the CPU profile of the first period's first cold overview to F.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dateInZone } from '../shared/domain/dates';
import { indicatorWindow, type ReportPeriod } from '../shared/domain/indicators/period';
import { PullResponse } from '../shared/sync/protocol';
import { generateTownship } from '../main/seed';
import { PlatformHttp } from '../main/sync/platform-http';
import { startPlatform, type RunningPlatform } from '../platform';
import { CountyReports, type ClinicReport } from '../platform/county/report';
import type { Clinic } from '../platform/store';
import { writeFacts } from '../platform/county/facts';
import { insertDocuments } from '../test/helpers/platform';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres';
import { arg, log, round, stats } from './_clinic';

const TARGET_RATIO = 2;

/**
 * The bench cluster's settings for a county-sized table (2.7 million documents, ~5 GB): a county's server is tuned
 * so, not left at Debian's 128 MB of buffers; max_wal_size keeps the bulk load from checkpointing every few seconds.
 */
const BENCH_POSTGRES_SETTINGS = { shared_buffers: '1GB', max_wal_size: '8GB', work_mem: '32MB', maintenance_work_mem: '256MB', synchronous_commit: 'off' };
const PULL_BATCH = 500;

/**
 * Typed, indexed columns for the raw side only, built from the bodies once: what a plain-SQL report would keep. The
 * platform itself stores JSON bodies and the indicator records (indicator_facts), not these. One statement per table;
 * `OFFSET 0` keeps PostgreSQL from flattening the subquery, which would put `body::jsonb` into every column's
 * expression and parse each body once per column (a dozen times per encounter: over 20 minutes at 10 × 30,000).
 */
const RAW_TABLES = [
  'DROP TABLE IF EXISTS raw_residents',
  'DROP TABLE IF EXISTS raw_encounters',
  `CREATE TABLE raw_residents AS
   SELECT village_code, b->>'id' AS rid, (b->>'birthDate')::date AS birth, b->>'status' AS st, NULLIF(b#>>'{data,statusDate}', '')::date AS sd,
          COALESCE(NULLIF(b#>>'{data,createdDate}', ''), b->>'birthDate')::date AS cd
   FROM (SELECT village_code, body::jsonb AS b FROM documents WHERE collection = 'residents' AND deleted = false OFFSET 0) r`,
  `CREATE TABLE raw_encounters AS
   SELECT village_code, COALESCE(NULLIF(b->>'amends', ''), b->>'id') AS event, b->>'residentId' AS rid, b->>'type' AS type, (b->>'date')::date AS date,
          (b->>'completedAt')::bigint AS completed_at, (b#>>'{data,form,sbp}')::float8 AS sbp, (b#>>'{data,form,dbp}')::float8 AS dbp,
          (b#>>'{data,form,fastingGlucose}')::float8 AS glu, NULLIF(b#>>'{data,form,status}', '') AS reg_status, NULLIF(b#>>'{data,form,statusDate}', '')::date AS reg_status_date,
          NULLIF(b#>>'{data,form,enrolledDate}', '')::date AS enrolled
   FROM (SELECT village_code, body::jsonb AS b FROM documents WHERE collection = 'encounters' AND deleted = false OFFSET 0) d
   WHERE b->>'status' = 'completed' AND b->>'type' IN ('htnEnrolment', 't2dmEnrolment', 'htnFollowup', 't2dmFollowup')`,
  'CREATE INDEX raw_residents_by_village ON raw_residents (village_code, rid)',
  'CREATE INDEX raw_encounters_by_village ON raw_encounters (village_code, type, event)',
  'ANALYZE raw_residents',
  'ANALYZE raw_encounters',
];

/** The indicators' conventions (shared/domain/indicators/compute.ts) for one township, over the typed columns. */
const RAW_SQL = `
WITH cur AS MATERIALIZED (
  SELECT DISTINCT ON (event) * FROM raw_encounters WHERE village_code = ANY($1::text[]) ORDER BY event, completed_at DESC
),
present AS MATERIALIZED (
  SELECT rid, birth FROM raw_residents
  WHERE village_code = ANY($1::text[]) AND cd <= $3::date AND (st = 'active' OR (sd IS NOT NULL AND sd >= $2::date))
),
reg AS (
  SELECT DISTINCT ON (rid, type) rid, type, COALESCE(enrolled, date) AS enrolled, COALESCE(reg_status, 'active') AS rs, reg_status_date AS rsd
  FROM cur WHERE type IN ('htnEnrolment', 't2dmEnrolment') ORDER BY rid, type, COALESCE(enrolled, date) DESC, completed_at DESC
),
managed AS MATERIALIZED (
  SELECT reg.rid, CASE reg.type WHEN 'htnEnrolment' THEN 'htn' ELSE 't2dm' END AS disease, rs, p.birth
  FROM reg JOIN present p ON p.rid = reg.rid
  WHERE enrolled <= $3::date AND rs <> 'excluded' AND (rs NOT IN ('died', 'movedOut') OR (rsd IS NOT NULL AND rsd >= $2::date))
),
last_bp AS (
  SELECT DISTINCT ON (rid) rid, sbp, dbp, date FROM cur
  WHERE type = 'htnFollowup' AND date BETWEEN $2::date AND $3::date AND sbp IS NOT NULL AND dbp IS NOT NULL ORDER BY rid, date DESC, completed_at DESC
),
last_glu AS (
  SELECT DISTINCT ON (rid) rid, glu FROM cur
  WHERE type = 't2dmFollowup' AND date BETWEEN $2::date AND $3::date AND glu IS NOT NULL ORDER BY rid, date DESC, completed_at DESC
)
SELECT
  (SELECT count(*) FROM present) AS records,
  (SELECT count(*) FROM managed WHERE disease = 'htn') AS htn_managed,
  (SELECT count(*) FROM managed m JOIN last_bp l ON l.rid = m.rid
     WHERE m.disease = 'htn' AND m.rs <> 'lostToFollowUp' AND l.dbp < 90
       AND l.sbp < CASE WHEN l.date >= (m.birth + interval '65 years')::date THEN 150 ELSE 140 END) AS htn_controlled,
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

/** The largest resident set size seen since the last `take()`, sampled every 100 ms. */
function memoryPeak(): { take(): number; stop(): void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  timer.unref();
  return {
    take() {
      const p = Math.max(peak, process.memoryUsage().rss);
      peak = process.memoryUsage().rss;
      return Math.round(p / 1e6);
    },
    stop: () => clearInterval(timer),
  };
}

const load1 = () => round(loadavg()[0]!, 1);

/** With a file name, starts a CPU profile of this thread and answers the function that stops it and writes the file. */
async function startProfile(file: string | undefined): Promise<(() => Promise<void>) | null> {
  if (!file) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile of the first cold overview written to ${file}`);
  };
}

/** Every township's report, one after another as the overview asks for them, timed each. */
async function overview(reports: CountyReports, clinics: readonly Clinic[], period: ReportPeriod): Promise<{ total: number; each: number[]; reports: ClinicReport[] }> {
  const each: number[] = [];
  const out: ClinicReport[] = [];
  const t0 = performance.now();
  for (const clinic of clinics) {
    const t = performance.now();
    out.push((await reports.report(clinic.code, period))!);
    each.push(performance.now() - t);
  }
  return { total: performance.now() - t0, each, reports: out };
}

/**
 * Townships after the first are copies of it made inside the database: every UUID in the id and the body gets the
 * township's own first two hex digits (a1, a2, …: the generated UUIDv7s of today start 01), and the clinic code (also the prefix of the village codes and the
 * record numbers) is replaced. Generating each township in Node took ~4 minutes at load 20; the copy is one statement.
 */
const COPY_TOWNSHIP = `
INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
SELECT collection, regexp_replace(id, '^..', $3), nextval('document_seq'), $2, $2 || substr(village_code, 10), rev, deleted,
       regexp_replace(replace(body, $1, $2), '[0-9a-f]{2}([0-9a-f]{6}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', $3 || '\\1', 'g'), written_by, written_at
FROM documents WHERE clinic_code = $1 AND collection = $4 ORDER BY seq`;

/**
 * The copied documents' indicator records, copied the same way (what the write path would have made from the copied
 * bodies: the records hold the same ids and codes), with the copy's seq; then their stale marks are cleared where the
 * record's seq is the document's. The report's counts are checked against the raw SQL over the bodies all the same.
 */
const COPY_FACTS = [
  `INSERT INTO indicator_facts (collection, id, seq, village_code, resident_id, record)
   SELECT f.collection, d.id, d.seq, d.village_code, regexp_replace(f.resident_id, '^..', $3),
          regexp_replace(replace(f.record, $1, $2), '[0-9a-f]{2}([0-9a-f]{6}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', $3 || '\\1', 'g')
   FROM indicator_facts f JOIN documents d ON d.collection = f.collection AND d.id = regexp_replace(f.id, '^..', $3)
   WHERE f.collection = $4 AND f.village_code LIKE $1 || '%'`,
  `DELETE FROM indicator_facts_stale s USING indicator_facts f, documents d
   WHERE s.collection = $4 AND f.collection = s.collection AND f.id = s.id AND d.collection = s.collection AND d.id = s.id AND f.seq = d.seq
     AND d.clinic_code = $2 AND $1::text IS NOT NULL AND $3::text IS NOT NULL`,
];

interface Seeded {
  clinics: Clinic[];
  documents: number;
  /** Township 1 generated and written through `insertDocuments` (with `writeFacts`), then each SQL copy. */
  phasesMs: { firstTownship: number; copies: number[]; analyze: number };
}

async function seed(platform: RunningPlatform, townships: number, perTownship: number, now: number, today: string): Promise<Seeded> {
  const clinics: Clinic[] = [];
  let documents = 0;
  const started = performance.now();
  const first = '441521101';
  const t = generateTownship({
    seed: 'county-bench',
    profile: 'stress',
    residents: perTownship,
    clinic: { clinicCode: first, clinicName: '基准乡镇1', villages: [] },
    now,
    today,
    user: { id: 'bench' },
  });
  const villages = t.villages.map((v) => ({ code: v.code, name: v.name }));
  await platform.store.addClinic({ code: first, name: '基准乡镇1', villages });
  clinics.push({ code: first, name: '基准乡镇1', villages });
  // As a device pushes them (`_deleted` is part of the wire form the pull answers with).
  await insertDocuments(platform.sql, 'residents', t.residents.map((d) => ({ ...d, _deleted: false })), 'bench');
  documents += t.residents.length;
  // Encounters are generated lazily and written 5,000 at a time: a township's are never all in memory.
  let batch: Array<{ id: string; _deleted: boolean }> = [];
  for (const e of t.encounters()) {
    batch.push({ ...e, _deleted: false });
    if (batch.length === 5000) {
      await insertDocuments(platform.sql, 'encounters', batch, 'bench');
      documents += batch.length;
      batch = [];
    }
  }
  await insertDocuments(platform.sql, 'encounters', batch, 'bench');
  documents += batch.length;
  const perCopy = documents;
  const firstTownship = performance.now() - started;
  const copies: number[] = [];
  log(`township 1/${townships} generated: ${t.residentCount} residents, ${documents} documents, ${Math.round((performance.now() - started) / 1000)} s, load ${load1()}`);
  for (let i = 1; i < townships; i += 1) {
    const code = `441521${String(101 + i).padStart(3, '0')}`;
    const clinic: Clinic = { code, name: `基准乡镇${i + 1}`, villages: villages.map((v) => ({ code: `${code}${v.code.slice(9)}`, name: v.name })) };
    await platform.store.addClinic(clinic);
    clinics.push(clinic);
    const copyStarted = performance.now();
    for (const collection of ['residents', 'encounters']) {
      const params = [first, code, (0xa0 + i).toString(16), collection];
      await platform.sql.query(COPY_TOWNSHIP, params);
      for (const q of COPY_FACTS) await platform.sql.query(q, params);
    }
    documents += perCopy;
    copies.push(round(performance.now() - copyStarted, 0));
    log(`township ${i + 1}/${townships} copied: ${documents} documents so far, ${Math.round((performance.now() - started) / 1000)} s, load ${load1()}`);
  }
  const analyzeStarted = performance.now();
  await platform.sql.query('ANALYZE documents');
  return { clinics, documents, phasesMs: { firstTownship: round(firstTownship, 0), copies, analyze: round(performance.now() - analyzeStarted, 0) } };
}

/** One device per township pulls its residents and encounters at once over HTTPS, `maxBatches` pages each. */
async function pullLatency(platform: RunningPlatform, clinics: readonly Clinic[], maxBatches: number): Promise<Record<string, unknown>> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let documents = 0;
  const t0 = performance.now();
  await Promise.all(
    clinics.map(async (c) => {
      const { enrolmentCode } = await platform.store.addClinic(c);
      const device = await platform.store.enrol({ code: enrolmentCode, deviceId: `bench-pull-${c.code}`, blocks: [] });
      const http = new PlatformHttp({ url: platform.url, fingerprint256: platform.tls.fingerprint256, credential: device.credential });
      try {
        for (const collection of ['residents', 'encounters']) {
          let seq = 0;
          for (let b = 0; b < maxBatches; b += 1) {
            const t = performance.now();
            const page = await http.json('GET', `/${collection}/pull?seq=${seq}&limit=${PULL_BATCH}`, undefined, PullResponse);
            latencies.push(performance.now() - t);
            documents += page.documents.length;
            if (page.documents.length === 0) break;
            seq = page.checkpoint.seq;
          }
        }
      } catch (e) {
        failures.push(`${c.code}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await http.close();
      }
    }),
  );
  const s = stats(latencies);
  return { batch: PULL_BATCH, devices: clinics.length, p50: s.p50, p95: s.p95, max: s.max, batches: s.n, documents, ms: Math.round(performance.now() - t0), failures, loadAtEnd: load1() };
}

/** The county report part: the first report after seeding, then computed, stored and kept per period beside the raw SQL. */
async function reportPart(platform: RunningPlatform, clinics: readonly Clinic[], periods: readonly ReportPeriod[], runs: number, memory: ReturnType<typeof memoryPeak>): Promise<Record<string, unknown>> {
  const stale = Number((await platform.sql.query<{ n: string }>('SELECT count(*) AS n FROM indicator_facts_stale'))[0]!.n);
  log(`first report after seeding (${stale} stale indicator records)…`);
  memory.take();
  const first = new CountyReports(platform.store);
  const firstRun = await overview(first, clinics, periods[0]!);
  const firstAfterSeed = { ms: round(firstRun.total, 0), perTownship: stats(firstRun.each), rebuilt: first.factsRead.rebuilt, staleBefore: stale, peakRssMb: memory.take(), load: load1() };
  log(`first report ${Math.round(firstRun.total)} ms, ${first.factsRead.rebuilt} records remade, load ${load1()}`);

  log('raw side: typed columns from the bodies…');
  const built = await timed(async () => {
    for (const q of RAW_TABLES) await platform.sql.query(q);
  });
  log(`raw tables built in ${Math.round(built.ms / 1000)} s, load ${load1()}`);

  const results: Record<string, unknown> = {};
  let agrees = true;
  const computedEach: number[] = [];
  let computedPeakRssMb = 0;
  let computedPeakHeldRecords = 0;
  for (const period of periods) {
    const computed: number[] = [];
    const computedCpu: number[] = [];
    const stored: number[] = [];
    const kept: number[] = [];
    const raw: number[] = [];
    let rawFirst = 0;
    let ours: Counts[] = [];
    let theirs: Counts[] = [];
    let rebuiltInCold = 0;
    let servedRight = true;
    for (let r = 0; r < runs; r += 1) {
      // Nothing stored and nothing in memory: what the overview costs the first time a period is asked for, or for
      // every township after a change to each (the base's "cold").
      await platform.sql.query('DELETE FROM county_reports');
      const reports = new CountyReports(platform.store);
      const profiled = period === periods[0] && r === 0 ? await startProfile(arg('cpu-profile')) : null;
      memory.take();
      const cpu = process.cpuUsage();
      const c = await overview(reports, clinics, period);
      const used = process.cpuUsage(cpu);
      computedCpu.push((used.user + used.system) / 1000);
      computedPeakRssMb = Math.max(computedPeakRssMb, memory.take());
      computedPeakHeldRecords = Math.max(computedPeakHeldRecords, reports.peakHeld);
      await profiled?.();
      computed.push(c.total);
      computedEach.push(...c.each);
      rebuiltInCold += reports.factsRead.rebuilt;
      ours = c.reports.map(countsOf);
      // A new instance again: after a restart (or with another instance's memory), nothing changed.
      const again = new CountyReports(platform.store);
      const s = await overview(again, clinics, period);
      stored.push(s.total);
      kept.push((await overview(again, clinics, period)).total);
      servedRight &&= reports.served.computed === clinics.length && again.served.stored === clinics.length && again.served.kept === clinics.length;
      servedRight &&= JSON.stringify(s.reports.map(countsOf)) === JSON.stringify(ours);
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
      if (r === 0) rawFirst = q.ms;
      else raw.push(q.ms);
      theirs = q.value;
      log(`${period.kind}: county report computed ${Math.round(c.total)} ms (CPU ${Math.round(computedCpu[computedCpu.length - 1]!)} ms), stored ${Math.round(s.total)} ms, kept ${Math.round(kept[kept.length - 1]!)} ms; raw SQL ${Math.round(q.ms)} ms; load ${load1()}`);
    }
    const same = JSON.stringify(ours) === JSON.stringify(theirs);
    agrees &&= same && servedRight;
    const computedStats = stats(computed);
    const storedStats = stats(stored);
    const warm = raw.length > 0 ? stats(raw) : null;
    const rawRef = warm?.p50 ?? rawFirst;
    results[period.kind] = {
      computed: computedStats,
      // This process's CPU time (user + system) while computing, PostgreSQL's own not included: on a loaded machine
      // it moves far less than the wall time.
      computedCpuMs: stats(computedCpu),
      stored: storedStats,
      kept: stats(kept),
      raw: { first: round(rawFirst, 0), warm },
      ratioComputedToRawWarm: rawRef > 0 ? round(computedStats.p50 / rawRef, 2) : null,
      ratioStoredToRawWarm: rawRef > 0 ? round(storedStats.p50 / rawRef, 3) : null,
      meetsRatio: computedStats.p50 <= TARGET_RATIO * rawRef,
      recordsRemadeInColdRuns: rebuiltInCold,
      agrees: same,
      servedAsExpected: servedRight,
      ...(same ? {} : { ours, rawCounts: theirs }),
      load: load1(),
    };
  }

  // One resident of township 1 changes (a push does the same through writeFacts): township 1 is computed again, the
  // others are read from county_reports.
  const resident = (await platform.sql.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'residents' AND clinic_code = $1 AND deleted = false LIMIT 1`, [clinics[0]!.code]))[0]!;
  const changed = JSON.parse(resident.body) as { id: string; phone?: string };
  await platform.sql.transaction(async (tx) => {
    await tx.query(`UPDATE documents SET body = $2, seq = nextval('document_seq') WHERE collection = 'residents' AND id = $1`, [changed.id, JSON.stringify({ ...changed, phone: '13900000000' })]);
    await writeFacts(tx, 'residents', [changed.id]);
  });
  const afterWrite = new CountyReports(platform.store);
  const w1 = await overview(afterWrite, clinics, periods[periods.length - 1]!);
  const afterOneWrite = { period: periods[periods.length - 1]!.kind, ms: round(w1.total, 0), computed: afterWrite.served.computed, stored: afterWrite.served.stored, load: load1() };
  log(`after one write in township 1: ${Math.round(w1.total)} ms (${afterWrite.served.computed} computed, ${afterWrite.served.stored} stored)`);
  // What the overview page also asks: every clinic's sync state (the store's status).
  const statusMs = (await timed(() => afterWrite.sync())).ms;

  return {
    runs,
    what: "the county overview: every township's 13 indicators for the township and each village, one township after another",
    firstAfterSeed,
    computedPerTownshipMs: stats(computedEach),
    computedPeakRssMb,
    computedPeakHeldRecords,
    periods: results,
    afterOneWrite,
    syncStatusMs: round(statusMs, 0),
    raw: {
      what: 'one PostgreSQL query per township for the key counts, over typed and indexed columns',
      tables: 'raw_residents / raw_encounters, built by this bench for the raw side only: the platform stores JSON bodies and indicator_facts',
      tablesBuiltMs: round(built.ms, 0),
      caches: "no cache is dropped between runs (PostgreSQL buffers and the OS page cache stay warm); first = each period's first run",
    },
    targetRatio: TARGET_RATIO,
    agrees,
  };
}

async function main(): Promise<void> {
  const townships = Number(arg('townships') ?? 10);
  const perTownship = Number(arg('residents') ?? 30_000);
  const runs = Math.max(1, Number(arg('runs') ?? 3));
  const pullBatches = Number(arg('pull-batches') ?? 30);
  const withReport = !process.argv.includes('--no-report');
  const periodKinds = (arg('periods') ?? 'month,quarter,year').split(',');
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const memory = memoryPeak();
  let pg: TestPostgres | null = null;
  let databaseUrl = arg('database-url');
  if (process.argv.includes('--postgres')) {
    pg = startPostgres(BENCH_POSTGRES_SETTINGS);
    databaseUrl = pg.url;
    log(`PostgreSQL cluster started at ${pg.url}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-bench-county-'));
  let platform: RunningPlatform | null = null;
  try {
    platform = await startPlatform({ dataDir: dir, port: 0, host: '127.0.0.1', databaseUrl });
    const now = Date.now();
    const today = dateInZone(now, 'Asia/Shanghai');
    const seedStarted = performance.now();
    const { clinics, documents, phasesMs } = await seed(platform, townships, perTownship, now, today);
    const seedMs = performance.now() - seedStarted;
    const seedPeakMb = memory.take();
    log(`seeded ${documents} documents in ${Math.round(seedMs / 1000)} s, load ${load1()}`);
    const year = Number(today.slice(0, 4));
    const month = Number(today.slice(5, 7));
    const periods = (
      [
        { kind: 'month', year, index: month },
        { kind: 'quarter', year, index: Math.floor((month - 1) / 3) + 1 },
        { kind: 'year', year, index: 1 },
      ] as ReportPeriod[]
    ).filter((p) => periodKinds.includes(p.kind));

    // Pull first: it is the figure the sync issue asks for, and it needs nothing the report part builds.
    let pull: Record<string, unknown> | null = null;
    if (pullBatches > 0) {
      log('pull latency per batch: one device per township at once…');
      pull = await pullLatency(platform, clinics, pullBatches);
      log(`pull: ${JSON.stringify(pull)}`);
    }
    const pullPeakMb = memory.take();
    const report = withReport ? await reportPart(platform, clinics, periods, runs, memory) : { skipped: '--no-report' };
    const result = {
      bench: 'county',
      database: platform.sql.kind,
      townships,
      residentsPerTownship: perTownship,
      documents,
      seed: { ms: round(seedMs, 0), docsPerSecond: Math.round(documents / (seedMs / 1000)), phasesMs, peakRssMb: seedPeakMb },
      pullLatencyPerBatchMs: pull,
      pullPeakRssMb: pullPeakMb,
      report,
      reportPeakRssMb: withReport ? memory.take() : null,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => round(x, 2)) },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    memory.stop();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
    pg?.stop();
  }
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
