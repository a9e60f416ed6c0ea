/**
 * The pull batch size as an option (issue 13 item 9: the fault tests cut between small batches; `cunyi sync
 * --pull-batch N` for a slow link): checked to 1..MAX_PULL_BATCH wherever it enters, and really the size of each
 * page the device pulls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/api/sync';
import { MAX_PULL_BATCH, PushResponse } from '../../../shared/sync/protocol';
import { checkPullBatch } from '../../../main/sync/replication';
import { createRuntime } from '../../../main/services/runtime';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { cli } from '../../helpers/cli';
import { SETUP_INPUT } from '../../helpers/host';
import { enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
const VILLAGE = SETUP_INPUT.villages[0]!.code;
const env = { CUNYI_PASSWORD: SETUP_INPUT.admin.password };

describe('checkPullBatch', () => {
  it.each([[1], [2], [MAX_PULL_BATCH - 1], [MAX_PULL_BATCH]])('takes %d', (n) => {
    expect(checkPullBatch(n)).toBe(n);
  });
  it.each([[0], [-1], [MAX_PULL_BATCH + 1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %d with the bounds', (n) => {
    expect(() => checkPullBatch(n)).toThrow(new RangeError(`the pull batch must be a whole number from 1 to ${MAX_PULL_BATCH}, not ${n}`));
  });
  it('a runtime refuses a bad one before it touches the data directory', () => {
    expect(() => createRuntime({ dataDir: '/nonexistent/cunyi', shell: 'headless', syncPullBatch: 0 })).toThrow(RangeError);
  });
});

describe('pulling in batches of the size asked for', () => {
  let p: TestPlatform;
  let h: ApiHarness;
  let other: PlatformHttp;

  beforeAll(async () => {
    p = await startTestPlatform();
    h = await clinicHarness(new Date().toISOString(), { syncPullBatch: 7 });
    const { enrolmentCode } = await p.store.addClinic(clinic);
    await h.ok('sync.enroll', { url: p.url, code: enrolmentCode });
    other = (await enrolDevice(p, clinic, 'other-device')).http;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await other?.close();
    await p?.dispose();
  });

  /** The other device of the clinic records `n` residents on the platform while this device is not replicating. */
  async function otherRecords(n: number): Promise<void> {
    await h.runtime.services.sync().stop();
    const rows = Array.from({ length: n }, (_, i) => ({ newDocumentState: residentWire(VILLAGE, { name: `分批居民${i}` }) }));
    expect(await other.json('POST', '/residents/push', rows, PushResponse)).toEqual([]);
  }

  it('"sync now" asks the platform for pages of 7 and pulls 25 residents in pages of at most 7', async () => {
    await otherRecords(25);
    // What the platform was asked for and gave, per residents pull (the server calls this very store object).
    const pages: { limit: number; documents: number }[] = [];
    const pull = p.store.pull.bind(p.store);
    p.store.pull = async (device, collection, afterSeq, limit) => {
      const page = await pull(device, collection, afterSeq, limit);
      if (collection === 'residents') pages.push({ limit, documents: page.bodies.length });
      return page;
    };
    try {
      const s = await h.ok<SyncStatus>('sync.now');
      expect(s.lastError).toBeNull();
    } finally {
      p.store.pull = pull;
    }
    expect(new Set(pages.map((pg) => pg.limit))).toEqual(new Set([7]));
    expect(pages.reduce((n, pg) => n + pg.documents, 0)).toBe(25);
    expect(pages.filter((pg) => pg.documents > 0).length).toBe(4);
    expect(await h.runtime.services.session.current().db.rx.residents.count().exec()).toBe(25);
    console.log(`pull batch 7: 25 residents arrived in pages of ${pages.map((pg) => pg.documents).join(', ')}`);
  }, 60_000);

  it.each([['0'], ['5001'], ['abc'], ['1.5']])('cunyi sync --pull-batch %s is a usage error (exit 2)', async (n) => {
    await otherRecords(3);
    await h.runtime.close();
    try {
      const r = await cli(['sync', '--data-dir', h.dataDir, '--pull-batch', n], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--pull-batch must be a whole number from 1 to ${MAX_PULL_BATCH}, not ${n}`);
    } finally {
      await h.restart();
    }
  }, 60_000);

  it('cunyi sync --pull-batch 2 asks for pages of 2, syncs and exits 0', async () => {
    await otherRecords(5);
    await h.runtime.close();
    const limits = new Set<number>();
    const pull = p.store.pull.bind(p.store);
    p.store.pull = async (device, collection, afterSeq, limit) => {
      limits.add(limit);
      return pull(device, collection, afterSeq, limit);
    };
    try {
      const r = await cli(['sync', '--data-dir', h.dataDir, '--pull-batch', '2'], env);
      p.store.pull = pull;
      expect(limits).toEqual(new Set([2]));
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { ok: boolean; status: SyncStatus };
      expect(out.ok).toBe(true);
      expect(out.status.lastError).toBeNull();
    } finally {
      p.store.pull = pull;
      await h.restart();
    }
    const residents = await h.runtime.services.session.current().db.rx.residents.count().exec();
    expect(residents).toBe(25 + 4 * 3 + 5);
  }, 60_000);

  it('locking the clinic mid-sync answers "sync now" with LOCKED at once; the next sign-in pulls the rest', async () => {
    await otherRecords(40);
    const before = await h.runtime.services.session.current().db.rx.residents.count().exec();
    // The platform answers the first residents page, then holds the next until the clinic has locked.
    let firstPage!: () => void;
    const firstPageServed = new Promise<void>((r) => (firstPage = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let served = 0;
    const pull = p.store.pull.bind(p.store);
    p.store.pull = async (device, collection, afterSeq, limit) => {
      if (collection === 'residents') {
        served += 1;
        if (served === 1) firstPage();
        else await held;
      }
      return pull(device, collection, afterSeq, limit);
    };
    try {
      const syncing = h.call('sync.now');
      await firstPageServed;
      await h.ok('session.lock');
      // Without the engine's stop reaching "sync now", this waited for its 5-minute limit (bench sync at 30,000).
      expect(await syncing).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    } finally {
      release();
      p.store.pull = pull;
    }
    await h.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    const s = await h.ok<SyncStatus>('sync.now');
    expect(s.lastError).toBeNull();
    expect(await h.runtime.services.session.current().db.rx.residents.count().exec()).toBe(before + 40);
    console.log(`locked after the first of ${served} residents pages: "sync now" answered LOCKED; after sign-in all 40 arrived`);
  }, 60_000);
});
