/**
 * Sync benchmarks (issue 13, "Benchmarks"). `npm run bench -- sync [--residents N]` prints one JSON object:
 * - initial sync: a seeded stress township (30,000 residents unless `--residents N`; with `--data-dir D`, that clinic,
 *   signed in as for openBenchClinic) is written straight into the platform's table, with the revisions a push would
 *   give (uploading it through the in-process platform is not what is measured, and timed out at 30,000 residents);
 *   then a new, empty encrypted client of the same clinic enrols and pulls everything in one "sync now" round.
 *   Documents per second, and per CPU second of the whole process (client and in-process platform: steadier than
 *   wall time on a shared machine), with the process's memory peak, beside the raw ceiling measured in the same run
 *   (the same pull pages over the same HTTPS loopback, each document inserted into a plain table of an encrypted
 *   better-sqlite3 file in one transaction per page); and what follows the answer until the client is closed
 *   (`afterAnswerMs`: a bulk load's WAL is copied into the file a moment after the answer), set beside the raw side's
 *   own close in `untilClosed`;
 * - 100 changed documents end to end (left out with `--no-end-to-end`): a second new client pulls everything the
 *   same way (a second sample of the initial sync) and saves 100 resident edits one after the other, while the first
 *   (its runtime in another worker thread, replicating live) is watched until it shows all 100. Reported per document
 *   (its save answered → on the platform → shown by the other device: p50/p95/max) and in total (first save started
 *   → last shown, which includes the 100 saves themselves).
 * `--no-bootstrap` leaves every page of the initial syncs to RxDB's replication (main/sync/bootstrap.ts is skipped), to
 * compare. `--cpu-profile F` writes a V8 CPU profile of the first initial sync to F. A clinic given with `--data-dir` is
 * signed in to and read, never enrolled (use a copy all the same). Progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ApiResult } from '../shared/api';
import type { ResidentDetail } from '../shared/api/residents';
import type { ClinicSettings } from '../shared/api/settings';
import { systemClock } from '../shared/domain/dates';
import { canonicalJson } from '../shared/sync/merge';
import { isLocalOnlySetting, PullResponse, SYNCED_COLLECTION_NAMES, type WireDocument } from '../shared/sync/protocol';
import { getChangedDocumentsSince, type RxCollection } from 'rxdb';
import { PULL_BATCH } from '../main/sync/replication';
import { createRuntime } from '../main/services/runtime';
import { startRuntimeWorker } from '../main/runtime/worker';
import type { RuntimeClient } from '../main/runtime/client';
import { PlatformHttp } from '../main/sync/platform-http';
import { startPlatform, type RunningPlatform } from '../platform';
import { revisionOf, type Clinic } from '../platform/store';
import { arg, log, openBenchClinic, round, stats, type BenchClinic } from './_clinic';

const PASSWORD = 'bench password';
const CTX = { transport: 'test', connectionId: 'bench' } as const;
const quiet = { error: (m: string, meta?: unknown) => log(m, meta), warn: () => undefined, info: () => undefined };

async function ok<T>(call: Promise<ApiResult<unknown>>, what: string): Promise<T> {
  const r = await call;
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function worker(dataDir: string, username: string, password: string): Promise<{ rt: RuntimeClient; call: <T>(m: string, i?: unknown) => Promise<T> }> {
  const rt = await startRuntimeWorker({ dataDir, shell: 'headless', quiet: true }, { logger: quiet });
  const call = <T>(m: string, i: unknown = {}) => ok<T>(rt.dispatch(m, i, CTX), m);
  await call('session.signIn', { username, password });
  return { rt, call };
}

/** The wire form of a stored document, as the push sends it: no RxDB bookkeeping fields. */
function wireOf(stored: Record<string, unknown>): WireDocument {
  const { _meta: _m, _rev: _r, _attachments: _a, ...doc } = stored;
  return doc as WireDocument;
}

/**
 * Copies every document the source clinic would upload (not its device-local settings) into the platform's table
 * directly, with the revision a push would give it: the download is what is measured, and uploading 240,000
 * documents through the in-process platform timed out on a loaded machine (note3, issue 13).
 */
async function copyToPlatform(source: BenchClinic, platform: RunningPlatform, clinicCode: string): Promise<number> {
  const db = source.runtime.services.session.current().db;
  let copied = 0;
  for (const c of SYNCED_COLLECTION_NAMES) {
    const rule = platform.store.rule(c);
    const collection = db.rx[c] as unknown as RxCollection<Record<string, unknown>>;
    let checkpoint: unknown = undefined;
    for (;;) {
      const page = await getChangedDocumentsSince(collection.storageInstance, 5_000, checkpoint as never);
      if (page.documents.length === 0) break;
      checkpoint = page.checkpoint;
      const docs = page.documents.map((d) => wireOf(d as Record<string, unknown>)).filter((d) => !(c === 'settings' && isLocalOnlySetting(d)));
      await platform.sql.query(
        `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
         SELECT $1, w.id, nextval('document_seq'), $2, w.village_code, w.rev, w.deleted, w.body, 'bench', 0
         FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[]) WITH ORDINALITY AS w(id, village_code, rev, deleted, body, n)
         ORDER BY w.n`,
        [
          c,
          clinicCode,
          docs.map((d) => (rule.scope === 'clinic' ? `${clinicCode}/${String(d[rule.primaryKey])}` : String(d[rule.primaryKey]))),
          docs.map((d) => (typeof d['villageCode'] === 'string' ? d['villageCode'] : null)),
          docs.map((d) => revisionOf(d)),
          docs.map((d) => d._deleted),
          docs.map((d) => canonicalJson(d)),
        ],
      );
      copied += docs.length;
    }
  }
  await platform.sql.query('ANALYZE documents');
  return copied;
}

interface InitialSync {
  documents: number;
  ms: number;
  /** CPU time of the whole process (client and in-process platform) while it ran: steadier than wall time on a shared machine. */
  cpuMs: number;
  /** Sampled every 50 ms while the sync ran: the whole bench process (the platform serves from it too). */
  rssPeakMb: number;
  heapPeakMb: number;
  /** The client's encrypted file once the sync is done and the clinic closed (its WAL checkpointed into it). */
  fileMb: number;
  /**
   * From the answer until the clinic is closed (its documents counted, the WAL copied into the file: by the load's
   * own checkpoint a moment after the answer, or by the close), wall and CPU: work the answer no longer waits for,
   * reported so that the sync with it can be set beside the raw ceiling with its own close.
   */
  afterAnswerMs: number;
  afterAnswerCpuMs: number;
}

/** Bytes of the clinic's database file and its WAL, if any. */
function fileBytes(dir: string): number {
  let bytes = 0;
  for (const name of ['cunyi.db', 'cunyi.db-wal']) {
    try {
      bytes += statSync(join(dir, name)).size;
    } catch {
      // No WAL once it was checkpointed and truncated.
    }
  }
  return bytes;
}

/** A new, empty encrypted client of the clinic enrols and pulls everything; with `profile`, a CPU profile of the pull. */
async function initialSync(platform: RunningPlatform, clinic: Clinic, dir: string, profile?: string): Promise<InitialSync> {
  const empty = createRuntime({ dataDir: dir, shell: 'headless', clock: systemClock, logger: quiet, kdfCost: { name: 'argon2id' as const, memoryKiB: 64, timeCost: 1, parallelism: 1 }, noAutoSync: true });
  try {
    const call = <T>(m: string, i: unknown = {}) => ok<T>(empty.dispatch(m, i, CTX), m);
    // Nobody uses the client's UI meanwhile: without this the idle lock closes the clinic (and stops its sync), during
    // the enrolment on a loaded machine or in the middle of a 30,000-resident first sync. A lock that happens all the
    // same is what "sync now" then reports.
    const touch = () => {
      try {
        empty.services.session.touch();
      } catch {
        // Not signed in (yet, or any more).
      }
    };
    const keepAlive = setInterval(touch, 1000);
    await call('session.setup', { clinicCode: clinic.code, clinicName: clinic.name, villages: clinic.villages, admin: { username: 'admin', displayName: '管理员', password: PASSWORD } });
    await call('sync.enroll', { url: platform.url, code: (await platform.store.addClinic(clinic)).enrolmentCode });
    let rssPeak = 0;
    let heapPeak = 0;
    const sample = () => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    };
    const sampler = setInterval(() => {
      sample();
      touch();
    }, 50);
    const session = profile ? new Session() : null;
    const post = (method: string, params?: object) =>
      new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
    }
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    empty.services.sync().bootstrap = !process.argv.includes('--no-bootstrap');
    // The engine's own "sync now" with a time limit a 30,000-resident township fits in on a loaded machine (the
    // API's 5 minutes did not at load 18): one round, as `sync.now` does it, not restarted half-way.
    await empty.services.sync().syncNow(60 * 60_000);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (session) {
      const { profile: p } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(profile!, JSON.stringify(p));
      session.disconnect();
      log(`CPU profile of the initial sync: ${profile}`);
    }
    clearInterval(sampler);
    clearInterval(keepAlive);
    sample();
    const answered = performance.now();
    const cpuAnswered = process.cpuUsage();
    let documents = 0;
    for (const c of SYNCED_COLLECTION_NAMES) documents += await empty.services.session.current().db.rx[c].count().exec();
    const result = { documents, ms, cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssPeakMb: Math.round(rssPeak / 2 ** 20), heapPeakMb: Math.round(heapPeak / 2 ** 20) };
    await empty.close();
    const afterCpu = process.cpuUsage(cpuAnswered);
    const afterAnswer = { afterAnswerMs: Math.round(performance.now() - answered), afterAnswerCpuMs: Math.round((afterCpu.user + afterCpu.system) / 1000) };
    return { ...result, ...afterAnswer, fileMb: round(fileBytes(dir) / 2 ** 20) };
  } finally {
    await empty.close();
  }
}

async function main(): Promise<void> {
  const platformDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-platform-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-empty-'));
  const otherDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-other-'));
  const rawDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-raw-'));
  const platform = await startPlatform({ dataDir: platformDir, port: 0 });
  try {
    const source = await openBenchClinic();
    const settings = await source.call<ClinicSettings>('settings.get', {});
    const clinic = { code: settings.clinicCode, name: settings.clinicName, villages: settings.villages.map((v) => ({ code: v.code, name: v.name })) };
    const sampleIds = (await source.runtime.services.session.current().db.rx.residents.find({ limit: 100 }).exec()).map((d) => d.id);
    await platform.store.addClinic(clinic);
    log('copying the seeded clinic into the platform\'s table…');
    let started = performance.now();
    const documents = await copyToPlatform(source, platform, clinic.code);
    const copyMs = performance.now() - started;
    await source.close();
    log(`${documents} documents on the platform (copied in ${Math.round(copyMs)} ms); initial sync into an empty encrypted client…`);

    const loadBefore = loadavg().map((l) => round(l));
    const initial = await initialSync(platform, clinic, emptyDir, arg('cpu-profile'));
    const received = initial.documents;
    const initialMs = initial.ms;
    log(`initial sync: ${received} documents in ${Math.round(initialMs)} ms (load ${loadavg()[0]!.toFixed(1)})`);

    log(`raw ceiling: the same pull pages (${PULL_BATCH} documents) into plain SQLite…`);
    const device = await platform.store.enrol({ code: (await platform.store.addClinic(clinic)).enrolmentCode, deviceId: 'bench-raw', blocks: [] });
    const http = new PlatformHttp({ url: platform.url, fingerprint256: platform.tls.fingerprint256, credential: device.credential });
    const raw = new Database(join(rawDir, 'raw.db'));
    raw.pragma(`key = "x'${randomBytes(32).toString('hex')}'"`);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE docs (collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id))');
    const insert = raw.prepare('INSERT OR REPLACE INTO docs (collection, id, body) VALUES (?, ?, ?)');
    started = performance.now();
    const rawCpuBefore = process.cpuUsage();
    let rawDocs = 0;
    for (const c of SYNCED_COLLECTION_NAMES) {
      let seq = 0;
      for (;;) {
        const page = await http.json('GET', `/${c}/pull?seq=${seq}&limit=${PULL_BATCH}`, undefined, PullResponse);
        raw.transaction(() => {
          for (const d of page.documents) insert.run(c, String(d['id']), JSON.stringify(d));
        })();
        rawDocs += page.documents.length;
        if (page.documents.length === 0 || page.checkpoint.seq === seq) break;
        seq = page.checkpoint.seq;
      }
    }
    const rawMs = performance.now() - started;
    const rawCpu = process.cpuUsage(rawCpuBefore);
    const rawCpuMs = Math.round((rawCpu.user + rawCpu.system) / 1000);
    // Its close copies what is left in its WAL into the file (SQLite's automatic checkpoints copied the rest as it went).
    const rawClosing = performance.now();
    raw.close();
    const rawCloseMs = performance.now() - rawClosing;
    log(`raw ceiling: ${rawDocs} documents in ${Math.round(rawMs)} ms`);
    await http.close();

    // The other device of the end-to-end measurement is a second new client that pulled everything the same way
    // (a second sample of the initial sync); `--no-end-to-end` leaves it out (profiling).
    const endToEnd = process.argv.includes('--no-end-to-end') ? null : await measureEndToEnd(platform, clinic, sampleIds, emptyDir, otherDir);

    const ours = received / (initialMs / 1000);
    const ceiling = rawDocs / (rawMs / 1000);
    // Both sides until their file is whole and closed: the client's WAL copy after its answer, the raw file's close.
    const oursClosed = received / ((initialMs + initial.afterAnswerMs) / 1000);
    const ceilingClosed = rawDocs / ((rawMs + rawCloseMs) / 1000);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'sync',
        residents: Number(arg('residents') ?? 30_000),
        platformDocuments: documents,
        seededDirectly: { documents, ms: Math.round(copyMs) },
        initialSync: {
          documents: received,
          ms: Math.round(initialMs),
          docsPerSecond: Math.round(ours),
          cpuMs: initial.cpuMs,
          docsPerCpuSecond: Math.round(received / (initial.cpuMs / 1000)),
          rssPeakMb: initial.rssPeakMb,
          heapPeakMb: initial.heapPeakMb,
          fileMb: initial.fileMb,
          afterAnswerMs: initial.afterAnswerMs,
          afterAnswerCpuMs: initial.afterAnswerCpuMs,
        },
        rawCeiling: { documents: rawDocs, ms: Math.round(rawMs), docsPerSecond: Math.round(ceiling), cpuMs: rawCpuMs, docsPerCpuSecond: Math.round(rawDocs / (rawCpuMs / 1000)), closeMs: Math.round(rawCloseMs) },
        untilClosed: { docsPerSecond: Math.round(oursClosed), rawDocsPerSecond: Math.round(ceilingClosed), ratioToRaw: round(oursClosed / ceilingClosed) },
        ratioToRaw: round(ours / ceiling),
        // The same ratio by CPU time: what the code costs, whatever else the shared machine runs meanwhile.
        cpuRatioToRaw: round(rawCpuMs / rawDocs / (initial.cpuMs / received)),
        targets: { docsPerSecond: 5_000, ratioToRaw: 0.5 },
        meetsTargets: ours >= 5_000 && ours / ceiling >= 0.5,
        ...(endToEnd ? { secondInitialSync: endToEnd.initial, endToEnd100: endToEnd.result } : {}),
        pullBatch: PULL_BATCH,
        bootstrap: !process.argv.includes('--no-bootstrap'),
        loadBefore,
        load: loadavg().map((l) => round(l)),
        cores: availableParallelism(),
        node: process.version,
      })}\n`,
    );
  } finally {
    await platform.close();
    for (const d of [platformDir, emptyDir, otherDir, rawDir]) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * 100 changed documents end to end: device A saves 100 resident edits one after the other, device B (its runtime in
 * another worker thread, replicating live) is watched until it shows all 100.
 */
async function measureEndToEnd(platform: RunningPlatform, clinic: Clinic, sampleIds: readonly string[], emptyDir: string, otherDir: string): Promise<{ initial: InitialSync; result: object }> {
    log('second new client for the end-to-end measurement: initial sync…');
    const initial = await initialSync(platform, clinic, otherDir);
    log(`second initial sync: ${initial.documents} documents in ${Math.round(initial.ms)} ms`);
    log('100 changed documents end to end: two devices in worker threads, replicating live…');
    const a = await worker(otherDir, 'admin', PASSWORD);
    const b = await worker(emptyDir, 'admin', PASSWORD);
    const tag = Date.now().toString().slice(-6);
    const details = await Promise.all(sampleIds.map((id) => a.call<ResidentDetail>('residents.get', { id })));
    const index = new Map(details.map((d, i) => [d.resident.id, i]));
    // When each edit reaches the platform: the store's push answers after its transaction committed.
    const onPlatformAt = new Map<number, number>();
    const push = platform.store.push.bind(platform.store);
    platform.store.push = async (...args: Parameters<typeof push>) => {
      const conflicts = await push(...args);
      const at = performance.now();
      for (const row of args[2]) {
        const i = index.get(row.newDocumentState['id'] as ResidentDetail['resident']['id']);
        // The stored resident keeps the 个人基本信息表 fields, the employer among them, in `data`.
        const employer = (row.newDocumentState['data'] as { employer?: unknown } | undefined)?.employer;
        if (i !== undefined && employer === `基准${tag}-${i}` && !onPlatformAt.has(i)) onPlatformAt.set(i, at);
      }
      return conflicts;
    };
    const savedAt: number[] = [];
    const seenAt = new Map<number, number>();
    const started = performance.now();
    // The other device is watched while the saves go on, so each edit's own latency is measured.
    let saving = true;
    const watch = (async () => {
      const deadline = performance.now() + 180_000;
      while (seenAt.size < details.length && performance.now() < deadline) {
        for (const [i, d] of details.entries()) {
          if (seenAt.has(i)) continue;
          if (i >= savedAt.length) break;
          const onB = await b.call<ResidentDetail>('residents.get', { id: d.resident.id });
          if ((onB.resident as { employer?: string }).employer !== `基准${tag}-${i}`) break;
          seenAt.set(i, performance.now());
        }
        if (!saving && seenAt.size < details.length) await new Promise((r) => setTimeout(r, 5));
        else await new Promise((r) => setImmediate(r));
      }
    })();
    for (const [i, d] of details.entries()) {
      await a.call('residents.update', { id: d.resident.id, input: { ...d.resident, employer: `基准${tag}-${i}` } });
      savedAt.push(performance.now());
    }
    saving = false;
    const savedMs = performance.now() - started;
    await watch;
    const endToEndMs = Math.max(...seenAt.values()) - started;
    platform.store.push = push;
    const perDocument = [...seenAt].map(([i, at]) => at - savedAt[i]!);
    const toPlatform = [...onPlatformAt].map(([i, at]) => at - savedAt[i]!);
    const platformToShown = [...seenAt].filter(([i]) => onPlatformAt.has(i)).map(([i, at]) => at - onPlatformAt.get(i)!);
    await a.rt.close();
    await b.rt.close();
    return {
      initial,
      result: {
        changed: details.length,
        seenOnOtherDevice: seenAt.size,
        savesMs: Math.round(savedMs),
        perSaveMs: round(savedMs / details.length),
        totalMs: Math.round(endToEndMs),
        perDocumentMs: stats(perDocument),
        breakdownMs: { saveToPlatform: stats(toPlatform), platformToShownOnOtherDevice: stats(platformToShown) },
        targetMs: 1_000,
        meetsTargetPerDocument: seenAt.size === details.length && stats(perDocument).max < 1_000,
        meetsTargetTotal: seenAt.size === details.length && endToEndMs < 1_000,
      },
    };
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
