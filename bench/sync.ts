/**
 * Sync benchmarks (issue 13, "Benchmarks"). `npm run bench -- sync [--residents N]` prints one JSON object:
 * - initial sync: a seeded stress township (30,000 residents unless `--residents N`) is uploaded by its device, then
 *   a new, empty encrypted client of the same clinic enrols and pulls everything; documents per second, beside the
 *   raw ceiling measured in the same run (the same pull pages over the same HTTPS loopback, each document inserted
 *   into a plain table of an encrypted better-sqlite3 file in one transaction per page);
 * - 100 changed documents end to end: one device saves 100 resident edits one after the other, the other device (its
 *   runtime in another worker thread, replicating live) is watched until it shows all 100. Reported per document
 *   (its save answered → on the platform → shown by the other device: p50/p95/max) and in total (first save started
 *   → last shown, which includes the 100 saves themselves).
 * With `--data-dir D` that clinic is the source: it is enrolled with a throw-away platform (so use a copy) and kept.
 * Progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ApiResult } from '../shared/api';
import type { ResidentDetail } from '../shared/api/residents';
import type { ClinicSettings } from '../shared/api/settings';
import type { SyncStatus } from '../shared/api/sync';
import { systemClock } from '../shared/domain/dates';
import { PullResponse, SYNCED_COLLECTION_NAMES } from '../shared/sync/protocol';
import { PULL_BATCH } from '../main/sync/replication';
import { createRuntime } from '../main/services/runtime';
import { startRuntimeWorker } from '../main/runtime/worker';
import type { RuntimeClient } from '../main/runtime/client';
import { PlatformHttp } from '../main/sync/platform-http';
import { startPlatform } from '../platform';
import { arg, log, openBenchClinic, round, stats } from './_clinic';

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

async function main(): Promise<void> {
  const platformDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-platform-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-empty-'));
  const rawDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-raw-'));
  const platform = await startPlatform({ dataDir: platformDir, port: 0 });
  const source = await openBenchClinic();
  try {
    const settings = await source.call<ClinicSettings>('settings.get', {});
    const clinic = { code: settings.clinicCode, name: settings.clinicName, villages: settings.villages.map((v) => ({ code: v.code, name: v.name })) };
    const sampleIds = (await source.runtime.services.session.current().db.rx.residents.find({ limit: 100 }).exec()).map((d) => d.id);

    log('uploading the seeded clinic to the platform…');
    await source.call('sync.enroll', { url: platform.url, code: (await platform.store.addClinic(clinic)).enrolmentCode });
    let started = performance.now();
    // The upload only fills the platform; on a loaded machine one of its requests can time out, and "sync now"
    // resumes from the checkpoints, so it is asked again (the attempts are reported).
    let uploadAttempts = 0;
    for (;;) {
      uploadAttempts += 1;
      try {
        await source.call<SyncStatus>('sync.now', {});
        break;
      } catch (e) {
        if (uploadAttempts >= 10) throw e;
        log(`upload attempt ${uploadAttempts} failed (${e instanceof Error ? e.message : String(e)}); again…`);
      }
    }
    const uploadMs = performance.now() - started;
    const sourceDir = source.dataDir;
    await source.runtime.close();

    let documents = 0;
    for (const c of SYNCED_COLLECTION_NAMES) documents += (await platform.store.allDocuments(c)).filter((d) => !d._deleted).length;
    log(`${documents} documents on the platform (upload ${Math.round(uploadMs)} ms); initial sync into an empty encrypted client…`);

    const empty = createRuntime({ dataDir: emptyDir, shell: 'headless', clock: systemClock, logger: quiet, kdfCost: { N: 2 ** 10, r: 8, p: 1 }, noAutoSync: true });
    const call = <T>(m: string, i: unknown = {}) => ok<T>(empty.dispatch(m, i, CTX), m);
    await call('session.setup', { clinicCode: clinic.code, clinicName: clinic.name, villages: clinic.villages, admin: { username: 'admin', displayName: '管理员', password: PASSWORD } });
    await call('sync.enroll', { url: platform.url, code: (await platform.store.addClinic(clinic)).enrolmentCode });
    started = performance.now();
    await call<SyncStatus>('sync.now');
    const initialMs = performance.now() - started;
    let received = 0;
    for (const c of SYNCED_COLLECTION_NAMES) received += await empty.services.session.current().db.rx[c].count().exec();
    await empty.close();
    log(`initial sync: ${received} documents in ${Math.round(initialMs)} ms`);

    log(`raw ceiling: the same pull pages (${PULL_BATCH} documents) into plain SQLite…`);
    const device = await platform.store.enrol({ code: (await platform.store.addClinic(clinic)).enrolmentCode, deviceId: 'bench-raw', blocks: [] });
    const http = new PlatformHttp({ url: platform.url, fingerprint256: platform.tls.fingerprint256, credential: device.credential });
    const raw = new Database(join(rawDir, 'raw.db'));
    raw.pragma(`key = "x'${randomBytes(32).toString('hex')}'"`);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE docs (collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id))');
    const insert = raw.prepare('INSERT OR REPLACE INTO docs (collection, id, body) VALUES (?, ?, ?)');
    started = performance.now();
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
    raw.close();
    log(`raw ceiling: ${rawDocs} documents in ${Math.round(rawMs)} ms`);
    await http.close();

    log('100 changed documents end to end: two devices in worker threads, replicating live…');
    // The source signs in as openBenchClinic did: --user and CUNYI_PASSWORD for an existing clinic.
    const a = arg('data-dir') ? await worker(sourceDir, arg('user') ?? 'admin', process.env['CUNYI_PASSWORD'] ?? '') : await worker(sourceDir, 'admin', PASSWORD);
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
    started = performance.now();
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

    const ours = received / (initialMs / 1000);
    const ceiling = rawDocs / (rawMs / 1000);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'sync',
        residents: Number(arg('residents') ?? 30_000),
        platformDocuments: documents,
        upload: { documents, ms: Math.round(uploadMs), attempts: uploadAttempts, docsPerSecond: Math.round(documents / (uploadMs / 1000)) },
        initialSync: { documents: received, ms: Math.round(initialMs), docsPerSecond: Math.round(ours) },
        rawCeiling: { documents: rawDocs, ms: Math.round(rawMs), docsPerSecond: Math.round(ceiling) },
        ratioToRaw: round(ours / ceiling),
        targets: { docsPerSecond: 5_000, ratioToRaw: 0.5 },
        meetsTargets: ours >= 5_000 && ours / ceiling >= 0.5,
        endToEnd100: {
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
        pullBatch: PULL_BATCH,
        load: loadavg().map((l) => round(l)),
        cores: availableParallelism(),
        node: process.version,
      })}\n`,
    );
    if (!arg('data-dir')) rmSync(sourceDir, { recursive: true, force: true });
  } finally {
    await platform.close();
    for (const d of [platformDir, emptyDir, rawDir]) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
