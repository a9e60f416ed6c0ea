/**
 * Sync under faults (issue 13 item 9). One clinic device (a real runtime on its encrypted file) syncs with the
 * platform (PGlite) through a fault-injecting TCP proxy on loopback; a second device of the same clinic writes on the
 * platform directly so that pulls span several batches. Each test injects one fault, then syncs again on a good
 * link and checks: the device holds exactly the platform's documents of its clinic (compared line by line in the
 * dump format of `cunyi export`), nothing lost, nothing duplicated, and the device's integrity check passes.
 * Each prints what it checked.
 * The device pulls in small batches (PULL_BATCH_HERE, not the production 5,000) so that a pull of several hundred
 * documents spans several batches: the cut mid-pull and the kill -9 land after at least one stored checkpoint
 * (asserted), so the next round really resumes from a checkpoint in the middle of the pull.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SyncStatus } from '../../../shared/api/sync';
import { dumpLine } from '../../../shared/sync/export-format';
import { isLocalOnlySetting, PullResponse, PushResponse, SYNCED_COLLECTION_NAMES } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { loadOrCreateTls } from '../../../platform/tls';
import { clinicHarness, residentInput, idNumber, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { FaultProxy } from '../../helpers/fault-proxy';
import { CLINIC_B, enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

const Remaining = z.object({ remaining: z.number() });
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
const VILLAGE = SETUP_INPUT.villages[0]!.code;
/** Documents per pull request on the device under test. */
const PULL_BATCH_HERE = 50;

let p: TestPlatform;
let proxy: FaultProxy;
let h: ApiHarness;
let other: PlatformHttp;
let seq = 100;

beforeAll(async () => {
  p = await startTestPlatform();
  proxy = await FaultProxy.start(p.port);
  h = await clinicHarness(new Date().toISOString(), { syncPullBatch: PULL_BATCH_HERE });
  const { enrolmentCode } = await p.store.addClinic(clinic);
  await h.ok('sync.enroll', { url: proxy.url, code: enrolmentCode });
  other = (await enrolDevice(p, clinic, 'other-device')).http;
}, 120_000);
afterAll(async () => {
  await h?.close();
  await other?.close();
  await proxy?.close();
  await p?.dispose();
});

/** The other device of the clinic records `n` residents on the platform (pushed in batches of 200). */
async function otherRecords(n: number): Promise<void> {
  const rows = Array.from({ length: n }, () => ({ newDocumentState: residentWire(VILLAGE, { name: `平台居民${seq++}`, data: { note: randomBytes(150).toString('base64') } }) }));
  for (let i = 0; i < rows.length; i += 200) {
    expect(await other.json('POST', '/residents/push', rows.slice(i, i + 200), PushResponse)).toEqual([]);
  }
}

/** This device records `n` residents through the API. */
async function deviceRecords(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const s = seq++;
    // A distinct (birth year, odd sequence) per resident: a valid, unique ID number of a man.
    const birthDate = `${1930 + (s % 40)}-01-01`;
    await h.ok('residents.create', { input: residentInput({ name: `本机居民${s}`, birthDate, idNumber: idNumber(birthDate, 2 * Math.floor(s / 40) + 1), phone: `139${String(s).padStart(8, '0')}` }) });
  }
}

/** The document part of a dump line (revisions are each side's own and are not compared). */
function docOfDump(line: string): string {
  return JSON.stringify((JSON.parse(line) as { doc: unknown }).doc);
}

/** `{collection/id → doc}` in the dump format, on the device (what `cunyi export` writes) and on the platform. */
async function deviceDump(): Promise<Map<string, string>> {
  const db = h.runtime.services.session.current().db;
  const out = new Map<string, string>();
  for (const c of SYNCED_COLLECTION_NAMES) {
    for (const d of await db.rx[c].find().exec()) {
      const json = d.toJSON() as Record<string, unknown> & { id: string };
      if (c === 'settings' && isLocalOnlySetting(json)) continue;
      out.set(`${c}/${json.id}`, docOfDump(dumpLine(c, json)));
    }
  }
  return out;
}

/** `platform export` of the clinic: the same dump format, from the platform's side. */
async function platformDump(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of await p.store.exportClinic(clinic.code, 'fault test')) {
    const l = JSON.parse(line) as { collection: string; id: string };
    out.set(`${l.collection}/${l.id}`, docOfDump(line));
  }
  return out;
}

/** After a fault: sync on a good link, then both sides hold the same documents and the file is sound. */
async function expectConverged(what: string): Promise<void> {
  proxy.disarm();
  proxy.upstreamPort = p.port;
  const s = await h.ok<SyncStatus>('sync.now');
  expect(s.lastError).toBeNull();
  const [device, platform] = [await deviceDump(), await platformDump()];
  const missingOnDevice = [...platform.keys()].filter((k) => !device.has(k));
  const missingOnPlatform = [...device.keys()].filter((k) => !platform.has(k));
  const different = [...device.keys()].filter((k) => platform.has(k) && platform.get(k) !== device.get(k));
  expect({ missingOnDevice, missingOnPlatform, different }).toEqual({ missingOnDevice: [], missingOnPlatform: [], different: [] });
  const residents = [...device.keys()].filter((k) => k.startsWith('residents/'));
  expect(new Set(residents).size).toBe(residents.length);
  const check = integrityCheck(h.runtime.services.session.current().db.sql);
  expect(check.ok, check.messages.join('\n')).toBe(true);
  console.log(`checked (${what}): device = platform, ${device.size} documents (${residents.length} residents), none missing or duplicated, integrity ok`);
}

/** The platform change sequence the device's residents have pulled up to, as stored in their checkpoint. */
async function pulledUpTo(): Promise<number> {
  return (await h.runtime.services.sync().pulledUpTo()).residents ?? 0;
}

/** Residents the platform still holds for this clinic past a change sequence. */
async function remainingAfter(seq: number): Promise<number> {
  return (await other.json('GET', `/residents/remaining?seq=${seq}`, undefined, Remaining)).remaining;
}

/** Waits until `check` holds (polled), failing after `ms`. */
async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Whether an armed fault has acted (a sync can finish before the bytes it waits for flow). */
function track(fault: Promise<void>): { readonly fired: boolean; done: Promise<void> } {
  const t = { fired: false, done: fault.then(() => void (t.fired = true)) };
  return t;
}

/** "Sync now" under a fault: the error code, or `ok` when the client got through anyway. */
async function syncUnderFault(): Promise<string> {
  const r = await h.call<SyncStatus>('sync.now');
  return r.ok ? 'ok' : r.error.code;
}

describe('sync under faults (issue 13 item 9)', () => {
  it('the connection is cut in the middle of a pull, after a stored checkpoint', async () => {
    // The link is down while the other device records, so the pull happens in the round under test.
    proxy.upstreamPort = 1;
    proxy.cutAll();
    await otherRecords(600);
    h.runtime.services.sync().start();
    const before = await pulledUpTo();
    proxy.upstreamPort = p.port;
    const syncing = syncUnderFault();
    // At least one batch of this round stored, then the link goes in the middle of a later one.
    await until('a pull batch is stored', async () => (await pulledUpTo()) > before);
    const cut = track(proxy.arm('down', 4_000, { kind: 'cut' }));
    const atCut = cut.done.then(pulledUpTo);
    const code = await syncing;
    expect(cut.fired).toBe(true);
    expect(['PLATFORM_UNREACHABLE', 'ok']).toContain(code);
    const stored = await atCut;
    const left = await remainingAfter(stored);
    expect(stored).toBeGreaterThan(before);
    expect(left).toBeGreaterThan(0);
    console.log(`cut mid-pull: checkpoint ${before} → ${stored} stored before the cut, ${left} residents still to pull; sync now answered ${code}`);
    await expectConverged('cut mid-pull');
  }, 60_000);

  it('the connection is cut in the middle of a push', async () => {
    await deviceRecords(80);
    const cut = track(proxy.arm('up', 40_000, { kind: 'cut' }));
    const code = await syncUnderFault();
    expect(cut.fired).toBe(true);
    expect(['PLATFORM_UNREACHABLE', 'ok']).toContain(code);
    console.log(`cut mid-push: sync now answered ${code}`);
    await expectConverged('cut mid-push');
  }, 60_000);

  it('the link stalls for two seconds in the middle of a pull and then goes on', async () => {
    await otherRecords(300);
    const stalled = track(proxy.arm('down', 5_000, { kind: 'stall', ms: 2_000 }));
    const code = await syncUnderFault();
    expect(stalled.fired).toBe(true);
    expect(code).toBe('ok');
    await expectConverged('stall mid-pull');
  }, 60_000);

  it('the platform restarts in the middle of a sync', async () => {
    await otherRecords(600);
    await deviceRecords(10);
    const seen = track(proxy.arm('down', 20_000, { kind: 'notify' }));
    const syncing = syncUnderFault();
    await Promise.race([seen.done, syncing]);
    expect(seen.fired).toBe(true);
    await p.restart();
    const code = await syncing;
    console.log(`platform restarted mid-sync: sync now answered ${code}`);
    await expectConverged('platform restart');
  }, 90_000);

  it('the same push delivered twice changes nothing the second time', async () => {
    const rows = Array.from({ length: 50 }, () => ({ newDocumentState: residentWire(VILLAGE, { name: `重复推送${seq++}` }) }));
    const head = await other.json('GET', `/residents/pull?seq=0&limit=1`, undefined, PullResponse);
    expect(await other.json('POST', '/residents/push', rows, PushResponse)).toEqual([]);
    const after1 = await p.store.allDocuments('residents');
    const mark = (await other.json('GET', `/residents/remaining?seq=0`, undefined, Remaining)).remaining;
    expect(await other.json('POST', '/residents/push', rows, PushResponse)).toEqual([]);
    const after2 = await p.store.allDocuments('residents');
    const mark2 = (await other.json('GET', `/residents/remaining?seq=0`, undefined, Remaining)).remaining;
    expect(after2.length).toBe(after1.length);
    expect(mark2).toBe(mark);
    expect(head.checkpoint.seq).toBeGreaterThan(0);
    console.log(`same push twice: ${rows.length} rows, ${after2.length} residents stored either way, no new change sequence values`);
    await expectConverged('duplicate push');
  }, 60_000);

  describe('hostile answers behind the pinned certificate', () => {
    let hostile: Server;
    let mode: 'wrongTypes' | 'huge' | 'foreign' = 'wrongTypes';
    let sentMb = 0;

    beforeAll(async () => {
      // The platform's own key: a server that passes pinning (a stolen key, or a broken platform).
      const tls = await loadOrCreateTls({ dataDir: p.dataDir });
      hostile = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
        const url = req.url ?? '';
        res.on('error', () => undefined);
        if (url.includes('/stream')) return void res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (url.includes('/remaining')) return void res.end(JSON.stringify({ remaining: 1 }));
        if (url.includes('/push')) return void res.end('[]');
        if (mode === 'wrongTypes') return void res.end(JSON.stringify({ documents: 'all of them', checkpoint: { seq: 'x' } }));
        if (mode === 'foreign') {
          const doc = residentWire(CLINIC_B.villages[0]!.code, { name: '别的卫生院的居民' });
          return void res.end(JSON.stringify({ documents: [doc], checkpoint: { seq: 9_999_999 } }));
        }
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        res.writeHead(200, { 'content-type': 'application/json' });
        const write = (): void => {
          while (sentMb < 200) {
            sentMb += 1;
            if (!res.write(chunk)) return void res.once('drain', write);
          }
          res.end();
        };
        write();
      });
      await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      hostile.closeAllConnections();
      await new Promise((r) => hostile.close(r));
    });

    it.each([['wrongTypes'], ['huge'], ['foreign']] as const)('a %s answer is refused with PLATFORM_BAD_RESPONSE and writes nothing', async (m) => {
      await otherRecords(20);
      const before = await deviceDump();
      mode = m;
      sentMb = 0;
      proxy.cutAll();
      proxy.upstreamPort = (hostile.address() as AddressInfo).port;
      let code: string;
      try {
        code = await syncUnderFault();
      } finally {
        proxy.upstreamPort = p.port;
        proxy.cutAll();
      }
      const afterFault = await deviceDump();
      expect(code).toBe('PLATFORM_BAD_RESPONSE');
      expect([...afterFault.keys()].filter((k) => !before.has(k))).toEqual([]);
      if (m === 'huge') expect(sentMb).toBeLessThan(200);
      console.log(`hostile ${m}: refused with ${code}${m === 'huge' ? ` after ${sentMb} MB were sent` : ''}; nothing written`);
      await expectConverged(`after hostile ${m}`);
    }, 60_000);
  });

  it.each([[+1], [-1]])('a device clock %i day off the platform\'s still converges and gets an acknowledgement', async (days) => {
    h.clock.set(Date.now() + days * 86_400_000);
    await deviceRecords(5);
    await otherRecords(5);
    const s = await h.ok<SyncStatus>('sync.now');
    // The platform's acknowledgement is in the device's time, like the records it covers: after a clock correction
    // it follows the clock rather than staying a day ahead.
    expect(s.ackedUpTo).toBe(h.clock.now());
    console.log(`clock skew ${days > 0 ? '+' : ''}${days} day: acknowledged up to ${new Date(s.ackedUpTo!).toISOString()} (device clock ${new Date(h.clock.now()).toISOString()})`);
    await expectConverged(`clock skew ${days} day`);
    h.clock.set(Date.now());
  }, 60_000);

  it('the client killed with SIGKILL in the middle of a batch, after a stored checkpoint, loses and duplicates nothing', async () => {
    await deviceRecords(20);
    await h.runtime.close();
    await otherRecords(700);
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'sync-child.ts'), h.dataDir, String(PULL_BATCH_HERE)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const pulled: number[] = [];
    let onPulled = (): void => undefined;
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      pulled.splice(0, pulled.length, ...[...output.matchAll(/\{"step":"pulled","seq":(\d+)\}/g)].map((m) => Number(m[1])));
      onPulled();
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((r) => child.once('exit', (code, signal) => r(signal ?? code)));
    // The first line is the checkpoint the round starts from; a higher one is a batch stored by this run.
    const batchStored = new Promise<void>((r) => (onPulled = () => void (pulled.length > 1 && r())));
    const first = await Promise.race([batchStored.then(() => 'stored' as const), exited.then(() => 'exited' as const)]);
    expect(first, `the child ended before it stored a pull batch:\n${output}`).toBe('stored');
    const midPull = proxy.arm('down', 4_000, { kind: 'notify' });
    const second = await Promise.race([midPull.then(() => 'mid-batch' as const), exited.then(() => 'exited' as const)]);
    expect(second, `the child ended before the next batch was under way:\n${output}`).toBe('mid-batch');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [start, stored] = [pulled[0]!, pulled.at(-1)!];
    const left = await remainingAfter(stored);
    expect(stored).toBeGreaterThan(start);
    expect(left).toBeGreaterThan(0);
    console.log(`kill -9: checkpoint ${start} → ${stored} stored, then the child was killed in the middle of a later pull batch (${left} residents still to pull)`);
    await h.restart();
    await expectConverged('kill -9 mid-batch');
  }, 90_000);
});
