/**
 * The platform under load (issue 13, "Benchmarks"). `npm run bench -- platform [--clinics 20] [--residents N]`
 * seeds `--clinics` township clinics with `--residents` resident documents each (default 20 × 15,000 = 300,000, the
 * county of the issue; smaller sizes run in minutes), then has every clinic initial-sync at once: one new device per
 * clinic pages through its jurisdiction as the app's pull handler does (HTTPS, compression, zod parsing; the
 * documents are not stored, so the figure is the platform's, not the clients'). It reports whether any failed, total
 * documents per second and the pull latency per batch (p50/p95), beside the raw baseline of the same run: the same
 * pages read by the store's SQL directly, without HTTP, TLS, JSON or compression. Progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { PullResponse, PushResponse } from '../shared/sync/protocol';
import { PlatformHttp } from '../main/sync/platform-http';
import { startPlatform } from '../platform';
import type { Clinic } from '../platform/store';
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
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-bench-platform-'));
  const platform = await startPlatform({ dataDir: dir, port: 0 });
  const https = (credential: string) => new PlatformHttp({ url: platform.url, fingerprint256: platform.tls.fingerprint256, credential });
  try {
    const list = Array.from({ length: clinics }, (_, i) => clinicOf(i));
    log(`seeding ${clinics} clinics × ${perClinic} residents…`);
    const seedStarted = performance.now();
    await Promise.all(
      list.map(async (c) => {
        const device = await platform.store.enrol({ code: (await platform.store.addClinic(c)).enrolmentCode, deviceId: `seed-${c.code}`, blocks: [] });
        const http = https(device.credential);
        for (let n = 0; n < perClinic; n += 200) {
          const rows = Array.from({ length: Math.min(200, perClinic - n) }, (_, k) => ({ newDocumentState: residentDoc(c, n + k) }));
          const conflicts = await http.json('POST', '/residents/push', rows, PushResponse);
          if (conflicts.length > 0) throw new Error(`seeding ${c.code}: ${conflicts.length} conflicts`);
        }
        await http.close();
      }),
    );
    const seedMs = performance.now() - seedStarted;
    log(`seeded ${clinics * perClinic} documents in ${Math.round(seedMs)} ms; ${clinics} clinics initial-sync at once…`);

    const devices = await Promise.all(
      list.map(async (c) => platform.store.enrol({ code: (await platform.store.addClinic(c)).enrolmentCode, deviceId: `bench-${c.code}`, blocks: [] })),
    );
    const latencies: number[] = [];
    const failures: string[] = [];
    let pulled = 0;
    let started = performance.now();
    await Promise.all(
      devices.map(async (d, i) => {
        const http = https(d.credential);
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

    log('raw baseline: the same pages from the store directly…');
    const rawLatencies: number[] = [];
    let rawPulled = 0;
    started = performance.now();
    await Promise.all(
      devices.map(async (d) => {
        const device = await platform.store.authenticate(d.credential);
        let seq = 0;
        for (;;) {
          const t = performance.now();
          const page = await platform.store.pull(device, 'residents', seq, BATCH);
          rawLatencies.push(performance.now() - t);
          rawPulled += page.bodies.length;
          if (page.bodies.length === 0) break;
          seq = page.seq;
        }
      }),
    );
    const rawMs = performance.now() - started;

    const ours = pulled / (httpMs / 1000);
    const raw = rawPulled / (rawMs / 1000);
    const lat = stats(latencies);
    const rawLat = stats(rawLatencies);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'platform',
        clinics,
        residentsPerClinic: perClinic,
        platformDocuments: clinics * perClinic,
        seed: { ms: Math.round(seedMs), docsPerSecond: Math.round((clinics * perClinic) / (seedMs / 1000)) },
        concurrentInitialSync: { failures: failures.length, failureReasons: failures.slice(0, 5), documents: pulled, ms: Math.round(httpMs), docsPerSecond: Math.round(ours) },
        pullLatencyPerBatchMs: { batch: BATCH, p50: round(lat.p50), p95: round(lat.p95), max: round(lat.max), batches: lat.n },
        rawBaseline: { documents: rawPulled, ms: Math.round(rawMs), docsPerSecond: Math.round(raw), p95PerBatchMs: round(rawLat.p95) },
        ratioToRaw: round(ours / raw),
        cores: availableParallelism(),
        node: process.version,
      })}\n`,
    );
  } finally {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
