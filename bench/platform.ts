/**
 * The platform under load (issue 13, "Benchmarks"). `npm run bench -- platform [--clinics 20] [--residents N]`
 * seeds `--clinics` township clinics with `--residents` resident documents each (default 20 × 15,000 = 300,000, the
 * county of the issue; smaller sizes run in minutes), then has every clinic initial-sync at once: one new device per
 * clinic pages through its jurisdiction as the app's pull handler does (HTTPS, compression, zod parsing; the
 * documents are not stored, so the figure is the platform's, not the clients'; the platform runs in its own worker
 * thread, so the devices' TLS, decompression and parsing do not run on its event loop). It reports whether any failed, total
 * documents per second and the pull latency per batch (p50/p95), beside the raw baseline of the same run: the same
 * pages read by the store's SQL directly, without HTTP, TLS, JSON or compression. Progress goes to stderr.
 *
 * The platform runs on PGlite in a temp folder by default; `--postgres` runs it on PostgreSQL, as a county does (a
 * throw-away cluster of Debian's binaries on 127.0.0.1, port CUNYI_TEST_PG_PORT or 55432, stopped at the end), and
 * `--database-url URL` on an empty database of your own. `--platform-cpu-profile F` writes the platform thread's CPU
 * profile from the devices' pulls on to F (a .cpuprofile file for Chrome's DevTools).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as perf, type EventLoopUtilization } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { PullResponse, PushResponse } from '../shared/sync/protocol';
import { PlatformHttp } from '../main/sync/platform-http';
import type { Clinic } from '../platform/store';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres';
import { platformThread, type PlatformThread } from './_platform-client';
import type { RawPull } from './_platform-thread';
import { arg, log, round, stats } from './_clinic';

const BATCH = 500;

function clinicOf(i: number): Clinic {
  const code = `441521${String(101 + i).padStart(3, '0')}`;
  return { code, name: `基准乡镇${i + 1}`, villages: [{ code: `${code}201`, name: '一村' }, { code: `${code}202`, name: '二村' }] };
}

function residentDoc(c: Clinic, n: number): Record<string, unknown> & { id: string; _deleted: boolean } {
  const village = c.villages[n % c.villages.length]!.code;
  const at = 1_772_000_000_000 + n;
  return {
    id: uuidv7(),
    clinicCode: c.code,
    villageCode: village,
    recordNo: `${village}${String(1 + Math.floor(n / c.villages.length)).padStart(5, '0')}`,
    name: `居民${n}`,
    idNumber: '',
    phone: '',
    birthDate: '1956-05-14',
    sex: 1,
    householdId: '',
    status: 'active',
    data: { note: randomBytes(120).toString('base64') },
    createdAt: at,
    updatedAt: at,
    _deleted: false,
  };
}

async function main(): Promise<void> {
  const clinics = Number(arg('clinics') ?? 20);
  const perClinic = Number(arg('residents') ?? 15_000);
  let pg: TestPostgres | null = null;
  let databaseUrl = arg('database-url');
  if (process.argv.includes('--postgres')) {
    pg = startPostgres();
    databaseUrl = pg.url;
    log(`PostgreSQL cluster started at ${pg.url}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-bench-platform-'));
  let platform: PlatformThread | null = null;
  try {
    platform = await platformThread(dir, databaseUrl, arg('platform-cpu-profile'));
    const { url, fingerprint256 } = platform;
    const https = (credential: string) => new PlatformHttp({ url, fingerprint256, credential });
    const enrol = (c: Clinic, deviceId: string) => platform!.call<string>({ kind: 'enrol', clinic: c, deviceId });
    const list = Array.from({ length: clinics }, (_, i) => clinicOf(i));
    log(`seeding ${clinics} clinics × ${perClinic} residents…`);
    const seedStarted = performance.now();
    // Four clinics push at a time: seeding is not what is measured, and twenty pushing at once onto PGlite (one
    // thread) held the platform's event loop long enough for new connections to time out (UND_ERR_CONNECT_TIMEOUT).
    const queue = [...list];
    const pusher = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) await seedClinic(c);
    };
    const seedClinic = async (c: Clinic): Promise<void> => {
      const http = https(await enrol(c, `seed-${c.code}`));
      for (let n = 0; n < perClinic; n += 200) {
        const rows = Array.from({ length: Math.min(200, perClinic - n) }, (_, k) => ({ newDocumentState: residentDoc(c, n + k) }));
        const conflicts = await http.json('POST', '/residents/push', rows, PushResponse);
        if (conflicts.length > 0) throw new Error(`seeding ${c.code}: ${conflicts.length} conflicts`);
      }
      await http.close();
    };
    await Promise.all(Array.from({ length: 4 }, pusher));
    const seedMs = performance.now() - seedStarted;
    log(`seeded ${clinics * perClinic} documents in ${Math.round(seedMs)} ms, load ${round(loadavg()[0]!)}; ${clinics} clinics initial-sync at once…`);

    const credentials = await Promise.all(list.map((c) => enrol(c, `bench-${c.code}`)));
    await platform.call({ kind: 'pullTimes' });
    await platform.call({ kind: 'profile' });
    const busyBefore = await platform.call<EventLoopUtilization>({ kind: 'busy' });
    const latencies: number[] = [];
    const failures: string[] = [];
    let pulled = 0;
    const started = performance.now();
    await Promise.all(
      credentials.map(async (credential, i) => {
        const http = https(credential);
        try {
          let seq = 0;
          for (;;) {
            const t = performance.now();
            const page = await http.json('GET', `/residents/pull?seq=${seq}&limit=${BATCH}`, undefined, PullResponse);
            latencies.push(performance.now() - t);
            pulled += page.documents.length;
            if (page.documents.length === 0) break;
            seq = page.checkpoint.seq;
          }
        } catch (e) {
          failures.push(`${list[i]!.code}: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          await http.close();
        }
      }),
    );
    const httpMs = performance.now() - started;
    const busy = perf.eventLoopUtilization(await platform.call<EventLoopUtilization>({ kind: 'busy' }), busyBefore);
    const storePull = stats(await platform.call<number[]>({ kind: 'pullTimes' }));
    const loadAfterPull = round(loadavg()[0]!);

    log('raw baseline: the same pages from the store directly…');
    const raw = await platform.call<RawPull>({ kind: 'rawPull', credentials, collection: 'residents', batch: BATCH });

    const ours = pulled / (httpMs / 1000);
    const rawRate = raw.documents / (raw.ms / 1000);
    const lat = stats(latencies);
    const rawLat = stats(raw.latencies);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'platform',
        database: databaseUrl ? 'postgres' : 'pglite',
        platform: 'its own worker thread; the devices on the main thread',
        clinics,
        residentsPerClinic: perClinic,
        platformDocuments: clinics * perClinic,
        seed: { ms: Math.round(seedMs), docsPerSecond: Math.round((clinics * perClinic) / (seedMs / 1000)) },
        concurrentInitialSync: { failures: failures.length, failureReasons: failures.slice(0, 5), documents: pulled, ms: Math.round(httpMs), docsPerSecond: Math.round(ours) },
        pullLatencyPerBatchMs: { batch: BATCH, p50: round(lat.p50), p95: round(lat.p95), max: round(lat.max), batches: lat.n },
        platformThreadBusy: {
          what: "the platform thread's event loop utilisation while the devices pulled (the rest of the time it waited for PostgreSQL, the thread pool's compression, or the CPU the devices' work on the other thread held)",
          utilisation: round(busy.utilization),
          docsPerBusySecond: Math.round(pulled / (busy.active / 1000)),
        },
        storePullPerBatchMs: { what: "the platform's store.pull alone (its SQL), during the devices' pulls", p50: round(storePull.p50), p95: round(storePull.p95), max: round(storePull.max) },
        rawBaseline: { documents: raw.documents, ms: Math.round(raw.ms), docsPerSecond: Math.round(rawRate), p95PerBatchMs: round(rawLat.p95) },
        ratioToRaw: round(ours / rawRate),
        cores: availableParallelism(),
        loadAverage: { afterPull: loadAfterPull, atEnd: loadavg().map((x) => round(x)) },
        node: process.version,
      })}\n`,
    );
  } finally {
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
    pg?.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
