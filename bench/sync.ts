/**
 * Sync benchmarks (issue 13, "Benchmarks"). `npm run bench -- sync [--residents N]` prints one JSON object:
 * - initial sync: a seeded stress township (30,000 residents unless `--residents N`) is uploaded by its device, then
 *   a new, empty encrypted client of the same clinic enrols and pulls everything; documents per second, beside the
 *   raw ceiling measured in the same run (the same pull pages over the same HTTPS loopback, each document inserted
 *   into a plain table of an encrypted better-sqlite3 file in one transaction per page);
 * - 100 changed documents end to end: one device saves 100 resident edits, the time until the other device (its
 *   runtime in another worker thread, replicating live) shows all 100.
 * Progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ApiResult } from '../shared/api';
import type { ResidentDetail } from '../shared/api/residents';
import type { ClinicSettings } from '../shared/api/settings';
import type { SyncStatus } from '../shared/api/sync';
import { systemClock } from '../shared/domain/dates';
import { PullResponse, SYNCED_COLLECTION_NAMES } from '../shared/sync/protocol';
import { createRuntime } from '../main/services/runtime';
import { startRuntimeWorker } from '../main/runtime/worker';
import type { RuntimeClient } from '../main/runtime/client';
import { PlatformHttp } from '../main/sync/platform-http';
import { startPlatform } from '../platform';
import { arg, log, openBenchClinic, round } from './_clinic';

const PASSWORD = 'bench password';
const CTX = { transport: 'test', connectionId: 'bench' } as const;
const quiet = { error: (m: string, meta?: unknown) => log(m, meta), warn: () => undefined, info: () => undefined };

async function ok<T>(call: Promise<ApiResult<unknown>>, what: string): Promise<T> {
  const r = await call;
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function worker(dataDir: string): Promise<{ rt: RuntimeClient; call: <T>(m: string, i?: unknown) => Promise<T> }> {
  const rt = await startRuntimeWorker({ dataDir, shell: 'headless', quiet: true }, { logger: quiet });
  const call = <T>(m: string, i: unknown = {}) => ok<T>(rt.dispatch(m, i, CTX), m);
  await call('session.signIn', { username: 'admin', password: PASSWORD });
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
    await source.call<SyncStatus>('sync.now', {});
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

    log('raw ceiling: the same pull pages into plain SQLite…');
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
        const page = await http.json('GET', `/${c}/pull?seq=${seq}&limit=500`, undefined, PullResponse);
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
    await http.close();

    log('100 changed documents end to end: two devices in worker threads, replicating live…');
    const a = await worker(sourceDir);
    const b = await worker(emptyDir);
    const tag = Date.now().toString().slice(-6);
    const details = await Promise.all(sampleIds.map((id) => a.call<ResidentDetail>('residents.get', { id })));
    started = performance.now();
    for (const [i, d] of details.entries()) {
      await a.call('residents.update', { id: d.resident.id, input: { ...d.resident, employer: `基准${tag}-${i}` } });
    }
    const savedMs = performance.now() - started;
    const seen = new Set<string>();
    const deadline = performance.now() + 120_000;
    while (seen.size < details.length && performance.now() < deadline) {
      for (const [i, d] of details.entries()) {
        if (seen.has(d.resident.id)) continue;
        const onB = await b.call<ResidentDetail>('residents.get', { id: d.resident.id });
        if ((onB.resident as { employer?: string }).employer === `基准${tag}-${i}`) seen.add(d.resident.id);
        else break;
      }
    }
    const endToEndMs = performance.now() - started;
    await a.rt.close();
    await b.rt.close();

    const ours = received / (initialMs / 1000);
    const ceiling = rawDocs / (rawMs / 1000);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'sync',
        residents: Number(arg('residents') ?? 30_000),
        platformDocuments: documents,
        upload: { documents, ms: Math.round(uploadMs), docsPerSecond: Math.round(documents / (uploadMs / 1000)) },
        initialSync: { documents: received, ms: Math.round(initialMs), docsPerSecond: Math.round(ours) },
        rawCeiling: { documents: rawDocs, ms: Math.round(rawMs), docsPerSecond: Math.round(ceiling) },
        ratioToRaw: round(ours / ceiling),
        targets: { docsPerSecond: 5_000, ratioToRaw: 0.5 },
        meetsTargets: ours >= 5_000 && ours / ceiling >= 0.5,
        endToEnd100: { changed: details.length, seenOnOtherDevice: seen.size, savesMs: Math.round(savedMs), totalMs: Math.round(endToEndMs), targetMs: 1_000, meetsTarget: seen.size === details.length && endToEndMs < 1_000 },
        cores: availableParallelism(),
        node: process.version,
      })}\n`,
    );
    rmSync(sourceDir, { recursive: true, force: true });
  } finally {
    await platform.close();
    for (const d of [platformDir, emptyDir, rawDir]) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
