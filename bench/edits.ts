/**
 * `npm run bench -- edits [--residents N] [--modes oneAtATime,backToBack,allAtOnce]` (issue 13, "Benchmarks": 100
 * changed documents end to end, target < 1 s): one device saves 100 resident edits (a new phone number); the other
 * device of the clinic (its runtime in its own worker thread, replicating live, as the app runs it) announces
 * `worklist.changed`, and its 工作台 queries (the counts, then the page of 10 rows of the edit's group, as the work
 * list page asks them), asked at once, answer with the edit. Each edit is timed from its save answered to that answer:
 * - oneAtATime: a save, then wait until the other device's work list shows it, then the next;
 * - backToBack: each save sent when the one before it is answered (a doctor, or a script, saving in a row);
 * - allAtOnce: the 100 saves sent at once.
 * Where the time goes, per edit (p50/p95): the save's push arriving at the platform, the platform's commit (which
 * sends the live notice), the other device's pull arriving and answered, its `worklist.changed` (its storage and
 * projections committed) and its work list query answering.
 * The platform runs in its own thread (bench/_platform-thread.ts), as a county runs it on its own machine; run on the
 * measuring thread, its SQL stalled the bench's own clock by 100–400 ms at a time.
 * Beside it, the raw baseline of the same run: the same resident JSON posted over loopback HTTP and inserted with raw
 * SQLite on the other side (one at a time and as a burst). Printed as one JSON object, with the load.
 * Progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { Agent, fetch } from 'undici';
import type { ApiResult } from '../shared/api';
import type { Worklist, WorklistChanged } from '../shared/api/followups';
import { WORK_GROUPS, type WorkGroup } from '../shared/domain/worklist-groups';
import type { ResidentDetail } from '../shared/api/residents';
import type { ClinicSettings } from '../shared/api/settings';
import { systemClock } from '../shared/domain/dates';
import { seedClinic } from '../main/seed';
import { createRuntime } from '../main/services/runtime';
import { startRuntimeWorker } from '../main/runtime/worker';
import type { RuntimeClient } from '../main/runtime/client';
import { platformThread } from './_platform-client';
import { arg, log, round, stats } from './_clinic';

const PASSWORD = 'bench password';
const EDITS = 100;
const CTX = { transport: 'test', connectionId: 'bench' } as const;
const quiet = { error: (m: string, meta?: unknown) => log(m, meta), warn: () => undefined, info: () => undefined };
/** Worker threads have their own `performance.now()` origin: every stamp here is taken on this thread, in epoch ms. */
const now = (): number => performance.timeOrigin + performance.now();

async function ok<T>(call: Promise<ApiResult<unknown>>, what: string): Promise<T> {
  const r = await call;
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

interface Device {
  rt: RuntimeClient;
  call: <T>(m: string, i?: unknown) => Promise<T>;
}

async function worker(dataDir: string): Promise<Device> {
  const rt = await startRuntimeWorker({ dataDir, shell: 'headless', quiet: true }, { logger: quiet });
  const call = <T>(m: string, i: unknown = {}) => ok<T>(rt.dispatch(m, i, CTX), m);
  await call('session.signIn', { username: 'admin', password: PASSWORD });
  return { rt, call };
}

/** What happened to one edit, in epoch ms on this thread. */
interface Edit {
  residentId: string;
  group: WorkGroup;
  offset: number;
  phone: string;
  saveStartedAt?: number;
  savedAt?: number;
  pushArrivedAt?: number;
  platformCommittedAt?: number;
  pullArrivedAt?: number;
  pullAnsweredAt?: number;
  changedAt?: number;
  shownAt?: number;
}

interface Report {
  shown: number;
  saveMs: Stats;
  saveToShownMs: Stats;
  breakdownMs: Record<string, Stats>;
}
type Stats = ReturnType<typeof stats>;

async function main(): Promise<void> {
  const residents = Number(arg('residents') ?? 600);
  const platformDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-platform-'));
  const dirA = mkdtempSync(join(tmpdir(), 'cunyi-bench-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'cunyi-bench-b-'));
  const rawDir = mkdtempSync(join(tmpdir(), 'cunyi-bench-raw-'));
  const platform = await platformThread(platformDir);
  const devices: Device[] = [];
  try {
    log(`seeding a clinic of ${residents} residents and uploading it…`);
    const a0 = createRuntime({ dataDir: dirA, shell: 'headless', clock: systemClock, logger: quiet, kdfCost: { name: 'argon2id' as const, memoryKiB: 64, timeCost: 1, parallelism: 1 }, noAutoSync: true });
    const callA0 = <T>(m: string, i: unknown = {}) => ok<T>(a0.dispatch(m, i, CTX), m);
    await callA0('session.setup', { clinicCode: '441521101', clinicName: '基准测试乡镇卫生院', villages: [], admin: { username: 'admin', displayName: '管理员', password: PASSWORD } });
    await seedClinic(a0.services.session.current(), { dataDir: dirA, clock: systemClock, seed: 'edits', profile: 'realistic', residents });
    const settings = await callA0<ClinicSettings>('settings.get');
    const clinic = { code: settings.clinicCode, name: settings.clinicName, villages: settings.villages.map((v) => ({ code: v.code, name: v.name })) };
    await callA0('sync.enroll', { url: platform.url, code: await platform.call<string>({ kind: 'addClinic', clinic }) });
    await callA0('sync.now');
    await a0.close();

    const b0 = createRuntime({ dataDir: dirB, shell: 'headless', clock: systemClock, logger: quiet, kdfCost: { name: 'argon2id' as const, memoryKiB: 64, timeCost: 1, parallelism: 1 }, noAutoSync: true });
    const callB0 = <T>(m: string, i: unknown = {}) => ok<T>(b0.dispatch(m, i, CTX), m);
    await callB0('session.setup', { clinicCode: clinic.code, clinicName: clinic.name, villages: clinic.villages, admin: { username: 'admin', displayName: '管理员', password: PASSWORD } });
    await callB0('sync.enroll', { url: platform.url, code: await platform.call<string>({ kind: 'addClinic', clinic }) });
    await callB0('sync.now');
    await b0.close();

    log('two devices in worker threads, replicating live…');
    const a = await worker(dirA);
    devices.push(a);
    const b = await worker(dirB);
    devices.push(b);
    const deviceB = (await b.call<{ deviceId: string }>('sync.status')).deviceId;

    // Residents the other device's work list shows, each at its place in a group's pages of 10 (the rows are ordered
    // by status, due date and resident, so a new phone number does not move them).
    const PAGE = 10;
    const places = new Map<string, { group: WorkGroup; offset: number }>();
    for (const group of WORK_GROUPS) {
      const rows = (await b.call<Worklist>('worklist.get', { group, limit: 2000 })).items;
      rows.forEach((r, i) => {
        if (!places.has(r.residentId)) places.set(r.residentId, { group, offset: Math.floor(i / PAGE) * PAGE });
      });
    }
    const chosen = [...places.keys()].slice(0, EDITS);
    if (chosen.length < EDITS) throw new Error(`only ${chosen.length} residents on the work list; seed more with --residents`);

    // The platform's side of each edit, found by resident id (a device pushes a resident only when it changed).
    const byResident = new Map<string, Edit>();
    platform.onStamp = (m) => {
      for (const id of m.ids) {
        const e = byResident.get(id);
        if (!e) continue;
        if (m.kind === 'push') {
          e.pushArrivedAt ??= m.arrivedAt;
          e.platformCommittedAt ??= m.committedAt;
        } else if (e.platformCommittedAt !== undefined && e.pullArrivedAt === undefined) {
          e.pullArrivedAt = m.arrivedAt;
          e.pullAnsweredAt = m.answeredAt;
        }
      }
    };
    await platform.call({ kind: 'watch', deviceId: deviceB });

    // The other device's work list page: on every `worklist.changed` it queries at once; events that come while a
    // query runs make one more query after it.
    let querying = false;
    let again = false;
    let queryMs: number[] = [];
    const pendingShown = new Set<Edit>();
    let shownWaiters: (() => void)[] = [];
    const refresh = async (): Promise<void> => {
      if (querying) {
        again = true;
        return;
      }
      querying = true;
      try {
        do {
          again = false;
          const asked = [...pendingShown].filter((e) => e.changedAt !== undefined);
          if (asked.length === 0) break;
          const started = now();
          // As the 工作台 refreshes: the counts (limit 1), then the page of each group that holds an edit.
          const pages = new Map(asked.map((e) => [`${e.group}/${e.offset}`, { group: e.group, offset: e.offset, limit: PAGE }]));
          const [, ...answers] = await Promise.all([{ limit: 1 }, ...pages.values()].map((f) => b.call<Worklist>('worklist.get', f)));
          const answered = now();
          queryMs.push(answered - started);
          const phones = new Map(answers.flatMap((p) => p.items.map((r) => [r.residentId, r.phone] as const)));
          for (const e of asked) {
            if (phones.get(e.residentId) === e.phone) {
              e.shownAt = answered;
              pendingShown.delete(e);
            }
          }
          const waiters = shownWaiters;
          shownWaiters = [];
          waiters.forEach((w) => w());
        } while (again);
      } finally {
        querying = false;
      }
    };
    const unsubscribe = b.rt.subscribe((event, payload) => {
      if (event !== 'worklist.changed') return;
      const at = now();
      const delta = payload as WorklistChanged;
      for (const e of pendingShown) if (delta.all || delta.residentIds.includes(e.residentId)) e.changedAt ??= at;
      void refresh();
    });
    const untilShown = async (edits: Edit[], deadline: number): Promise<void> => {
      while (edits.some((e) => e.shownAt === undefined) && now() < deadline) {
        await new Promise<void>((resolve) => {
          shownWaiters.push(resolve);
          setTimeout(resolve, 50).unref();
        });
      }
    };

    const details = new Map<string, ResidentDetail>();
    for (const id of chosen) details.set(id, await a.call<ResidentDetail>('residents.get', { id }));
    const tag = String(Date.now() % 10_000).padStart(4, '0');
    const newEdits = (pass: number): Edit[] =>
      chosen.map((residentId, i) => ({ residentId, ...places.get(residentId)!, phone: `13${pass}${tag}${String(i).padStart(4, '0')}` }));
    const save = async (e: Edit): Promise<void> => {
      const d = details.get(e.residentId)!;
      byResident.set(e.residentId, e);
      pendingShown.add(e);
      e.saveStartedAt = now();
      const saved = await a.call<ResidentDetail>('residents.update', { id: e.residentId, input: { ...d.resident, phone: e.phone } });
      e.savedAt = now();
      details.set(e.residentId, saved);
    };

    const report = (edits: Edit[]): Report => {
      const span = (from: keyof Edit, to: keyof Edit) =>
        stats(edits.filter((e) => typeof e[from] === 'number' && typeof e[to] === 'number').map((e) => (e[to] as number) - (e[from] as number)));
      return {
        shown: edits.filter((e) => e.shownAt !== undefined).length,
        saveMs: span('saveStartedAt', 'savedAt'),
        saveToShownMs: span('savedAt', 'shownAt'),
        breakdownMs: {
          saveToPushArrived: span('savedAt', 'pushArrivedAt'),
          pushArrivedToCommitted: span('pushArrivedAt', 'platformCommittedAt'),
          committedToPullArrived: span('platformCommittedAt', 'pullArrivedAt'),
          pullArrivedToAnswered: span('pullArrivedAt', 'pullAnsweredAt'),
          pullAnsweredToWorklistChanged: span('pullAnsweredAt', 'changedAt'),
          worklistChangedToShown: span('changedAt', 'shownAt'),
        },
      };
    };
    const modes = (arg('modes') ?? 'oneAtATime,backToBack,allAtOnce').split(',');
    const results: Record<string, unknown> = {};
    let pass = 0;
    for (const mode of modes) {
      pass += 1;
      const edits = newEdits(pass);
      queryMs = [];
      log(`${mode}…`);
      const started = now();
      if (mode === 'oneAtATime') {
        for (const e of edits) {
          await save(e);
          await untilShown([e], now() + 30_000);
        }
      } else if (mode === 'backToBack') {
        for (const e of edits) await save(e);
      } else if (mode === 'allAtOnce') {
        await Promise.all(edits.map((e) => save(e)));
      } else throw new Error(`unknown mode ${mode}`);
      await untilShown(edits, now() + 120_000);
      results[mode] = { ...report(edits), totalMs: Math.round(Math.max(...edits.map((e) => e.shownAt ?? NaN)) - started), worklistQueryMs: stats(queryMs) };
    }
    unsubscribe();
    platform.onStamp = () => undefined;

    log('raw baseline: the same JSON over loopback HTTP into raw SQLite…');
    const raw = await rawBaseline(rawDir, [...details.values()].map((d) => d.resident));

    process.stdout.write(
      `${JSON.stringify({
        bench: 'edits',
        residents,
        edits: EDITS,
        ...results,
        raw,
        targetMs: 1_000,
        meetsTarget: Object.values(results).every((r) => (r as Report).shown === EDITS && (r as Report).saveToShownMs.p95 < 1_000),
        load: loadavg().map((l) => round(l)),
        cores: availableParallelism(),
        node: process.version,
      })}\n`,
    );
  } finally {
    for (const d of devices) await d.rt.close();
    await platform.close();
    for (const d of [platformDir, dirA, dirB, rawDir]) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * The floor under the path: each resident's JSON posted over loopback HTTP (a kept-alive connection), parsed and
 * inserted into a table of an encrypted SQLite file, answered after the commit; one at a time, then all at once.
 */
async function rawBaseline(dir: string, docs: readonly object[]): Promise<{ oneAtATimeMs: ReturnType<typeof stats>; burstMs: ReturnType<typeof stats> }> {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma(`key = "x'${'ab'.repeat(32)}'"`);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT OR REPLACE INTO docs (id, body) VALUES (?, ?)');
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      insert.run(doc.id, JSON.stringify(doc));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const agent = new Agent();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const post = async (doc: object): Promise<number> => {
    const started = now();
    const res = await fetch(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    await res.text();
    return now() - started;
  };
  try {
    const one: number[] = [];
    for (const d of docs) one.push(await post(d));
    const burst = await Promise.all(docs.map((d) => post(d)));
    return { oneAtATimeMs: stats(one), burstMs: stats(burst) };
  } finally {
    await agent.close();
    await new Promise<void>((r) => server.close(() => r()));
    db.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
