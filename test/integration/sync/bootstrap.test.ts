/**
 * The initial-sync bootstrap (main/sync/bootstrap.ts) against RxDB's own replication: a device that bootstrapped holds
 * exactly the documents, replication meta rows and checkpoints of a device that let RxDB pull everything, and its
 * replication then behaves as if it had pulled everything itself: nothing pulled or pushed again, a local edit pushed
 * with the pulled state as its assumed master state (the three-way merge base), a later remote change pulled. A pull
 * far behind that reaches a document the device already holds stops there and RxDB's replication writes the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChangedDocumentsSince, type RxCollection, type RxStorageInstance } from 'rxdb';
import { REPLICATION_STATE_BY_COLLECTION } from 'rxdb/plugins/replication';
import type { SyncStatus } from '../../../shared/api/sync';
import { PushResponse, type PushRow } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };
const VILLAGE = SETUP_INPUT.villages[0]!.code;
const BATCH = 7;

type Row = Record<string, unknown> & { _rev: string; _meta: Record<string, unknown> };

function residentsOf(h: ApiHarness): RxCollection<Record<string, unknown>> {
  return h.runtime.services.session.current().db.rx.residents as unknown as RxCollection<Record<string, unknown>>;
}

/** Replication meta rows of the residents stored as a reference to the resident's row (replication-meta.ts), per device. */
function compactMetaRows(h: ApiHarness): number {
  const sql = h.runtime.services.session.current().db.sql;
  const residents = residentsOf(h).name;
  const link = sql.prepare('SELECT meta_table FROM rx_meta_links WHERE fork_table LIKE ?').pluck().get(`rx/%/${residents}/v%`);
  if (typeof link !== 'string') return 0;
  return Number(sql.prepare(`SELECT count(*) FROM "${link}" WHERE ref_at IS NOT NULL`).pluck().get());
}

async function allRows(instance: RxStorageInstance<unknown, unknown, unknown>): Promise<Row[]> {
  return (await getChangedDocumentsSince(instance as never, 100_000)).documents;
}

/** The residents' stored rows and replication meta rows, with what differs between any two devices made uniform. */
async function storedState(h: ApiHarness): Promise<{ documents: Map<string, unknown>; meta: Map<string, unknown>; down: unknown; up: unknown }> {
  const collection = residentsOf(h);
  const token = collection.database.token;
  const replication = REPLICATION_STATE_BY_COLLECTION.get(collection as never)?.find((r) => !r.isStopped());
  expect(replication?.metaInstance).toBeDefined();
  const uniform = (row: Row) => ({ ...row, _rev: row._rev.replace(token, 'TOKEN'), _meta: { ...row._meta, lwt: typeof row._meta['lwt'] } });
  const documents = new Map((await allRows(collection.storageInstance as never)).map((r) => [String(r['id']), uniform(r)]));
  const metaRows = await allRows(replication!.metaInstance as never);
  const meta = new Map(metaRows.filter((r) => r['isCheckpoint'] === '0').map((r) => [String(r['id']), uniform(r)]));
  const checkpoint = (direction: string) => metaRows.find((r) => r['id'] === `${direction}|1`)?.['checkpointData'];
  return { documents, meta, down: checkpoint('down'), up: checkpoint('up') };
}

/**
 * Residents whose stored state the bootstrap wrote: it gives a document and its meta row one write time, where RxDB's
 * downstream writes the meta row after the document (and a local edit gives the document a later time).
 */
async function bootstrapped(h: ApiHarness): Promise<Set<string>> {
  const collection = residentsOf(h);
  const replication = REPLICATION_STATE_BY_COLLECTION.get(collection as never)?.find((r) => !r.isStopped());
  const metaLwt = new Map((await allRows(replication!.metaInstance as never)).map((r) => [String(r['itemId']), r._meta['lwt']]));
  return new Set((await allRows(collection.storageInstance as never)).filter((r) => metaLwt.get(String(r['id'])) === r._meta['lwt']).map((r) => String(r['id'])));
}

describe('initial sync written by the bootstrap', () => {
  let p: TestPlatform;
  let other: PlatformHttp;
  let fast: ApiHarness;
  /** What a device that let RxDB pull everything stored (one RxDB database of a name per process: it is closed). */
  let plain: Awaited<ReturnType<typeof storedState>>;
  /** Push rows the platform received, per device credential's device id. */
  let pushes: { device: string; rows: PushRow[] }[] = [];

  beforeAll(async () => {
    p = await startTestPlatform();
    const { enrolmentCode } = await p.store.addClinic(clinic);
    other = (await enrolDevice(p, clinic, 'other-device')).http;
    // 40 residents, one of them deleted later, and one edited twice: pages of 7 hold new documents only.
    const wires = Array.from({ length: 40 }, (_, i) => residentWire(VILLAGE, { name: `首次同步${i}` }));
    expect(await other.json('POST', '/residents/push', wires.map((w) => ({ newDocumentState: w })), PushResponse)).toEqual([]);
    const edited = { ...wires[3]!, name: '首次同步三改' };
    expect(await other.json('POST', '/residents/push', [{ assumedMasterState: wires[3], newDocumentState: edited }, { assumedMasterState: wires[5], newDocumentState: { ...wires[5]!, _deleted: true } }], PushResponse)).toEqual([]);
    const push = p.store.push.bind(p.store);
    p.store.push = async (...args: Parameters<typeof push>) => {
      pushes.push({ device: args[0].id, rows: args[2] });
      return push(...args);
    };
    const rxdbOnly = await clinicHarness(new Date().toISOString(), { syncPullBatch: BATCH });
    try {
      rxdbOnly.runtime.services.sync().bootstrap = false;
      await rxdbOnly.ok('sync.enroll', { url: p.url, code: (await p.store.addClinic(clinic)).enrolmentCode });
      expect((await rxdbOnly.ok<SyncStatus>('sync.now')).lastError).toBeNull();
      plain = await storedState(rxdbOnly);
    } finally {
      await rxdbOnly.close();
    }
    fast = await clinicHarness(new Date().toISOString(), { syncPullBatch: BATCH });
    await fast.ok('sync.enroll', { url: p.url, code: enrolmentCode });
    expect((await fast.ok<SyncStatus>('sync.now')).lastError).toBeNull();
  }, 180_000);
  afterAll(async () => {
    await fast?.close().catch(() => undefined);
    await other?.close();
    await p?.dispose();
  });

  it('stores the same documents, meta rows and checkpoints as RxDB\'s own replication', async () => {
    const a = await storedState(fast);
    const b = plain;
    expect(a.documents.size).toBe(40);
    expect([...a.documents.keys()].sort()).toEqual([...b.documents.keys()].sort());
    for (const [id, doc] of a.documents) expect(doc, id).toEqual(b.documents.get(id));
    expect(a.meta.size).toBe(40);
    for (const [id, row] of a.meta) expect(row, id).toEqual(b.meta.get(id));
    expect(a.down).toEqual(b.down);
    expect(a.up).toBeDefined();
    expect((await bootstrapped(fast)).size).toBe(40);
    // Both devices store each pulled resident once: the meta row refers to the row, however it was written.
    expect(compactMetaRows(fast)).toBe(40);
    console.log(`checked: 40 residents (1 tombstone), their meta rows (all stored as references) and the pull checkpoint ${JSON.stringify(a.down)} equal on both devices`);
  });

  it('then pulls and pushes nothing again, pushes a local edit against the pulled state, and pulls a later remote change', async () => {
    const collection = residentsOf(fast);
    const pulls: number[] = [];
    const pull = p.store.pull.bind(p.store);
    p.store.pull = async (device, name, afterSeq, limit) => {
      const page = await pull(device, name, afterSeq, limit);
      if (name === 'residents') pulls.push(page.bodies.length);
      return page;
    };
    pushes = [];
    try {
      expect((await fast.ok<SyncStatus>('sync.now')).pending).toBe(0);
      expect(pulls.reduce((n, x) => n + x, 0)).toBe(0);
      expect(pushes.flatMap((x) => x.rows)).toEqual([]);

      const doc = (await collection.find({ selector: { name: '首次同步三改' } }).exec())[0]!;
      const pulledState = doc.toJSON(false);
      await doc.incrementalPatch({ name: '首次同步三再改' });
      expect((await fast.ok<SyncStatus>('sync.now')).pending).toBe(0);
      const rows = pushes.flatMap((x) => x.rows);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.assumedMasterState).toEqual({ ...pulledState, _deleted: false });
      expect(rows[0]!.newDocumentState['name']).toBe('首次同步三再改');

      const remote = (await p.store.exportClinic(clinic.code, 'test')).map((l) => JSON.parse(l) as { collection: string; doc: Record<string, unknown> });
      const master = remote.find((l) => l.collection === 'residents' && l.doc['name'] === '首次同步0')!.doc;
      const { _rev: _r, ...stored } = master as Record<string, unknown> & { _rev?: unknown };
      const masterState = { ...stored, _deleted: false };
      expect(await other.json('POST', '/residents/push', [{ assumedMasterState: masterState, newDocumentState: { ...masterState, name: '首次同步零改' } }], PushResponse)).toEqual([]);
      expect((await fast.ok<SyncStatus>('sync.now')).lastError).toBeNull();
      expect(await collection.count({ selector: { name: '首次同步零改' } }).exec()).toBe(1);
    } finally {
      p.store.pull = pull;
    }
    console.log('checked: no page pulled and no row pushed again; the edit pushed with the pulled state as its base; the remote edit arrived');
  }, 120_000);

  it('a pull far behind stops at a page with a known document, and RxDB\'s replication writes that page and the rest', async () => {
    await fast.runtime.services.sync().stop();
    const known: Record<string, unknown> = { ...(await residentsOf(fast).find({ selector: { name: '首次同步1' } }).exec())[0]!.toJSON(false), _deleted: false };
    const fresh = Array.from({ length: 12 }, (_, i) => residentWire(VILLAGE, { name: `落后${i}` }));
    expect(await other.json('POST', '/residents/push', fresh.slice(0, 9).map((w) => ({ newDocumentState: w })), PushResponse)).toEqual([]);
    expect(await other.json('POST', '/residents/push', [{ assumedMasterState: known, newDocumentState: { ...known, name: '首次同步一改' } }], PushResponse)).toEqual([]);
    expect(await other.json('POST', '/residents/push', fresh.slice(9).map((w) => ({ newDocumentState: w })), PushResponse)).toEqual([]);
    pushes = [];
    expect((await fast.ok<SyncStatus>('sync.now')).pending).toBe(0);
    const collection = residentsOf(fast);
    expect(await collection.count({ selector: { name: { $regex: '^落后' } } }).exec()).toBe(12);
    expect(await collection.count({ selector: { name: '首次同步一改' } }).exec()).toBe(1);
    expect(pushes.flatMap((x) => x.rows)).toEqual([]);
    // Pages of 7: the first 7 new residents were bootstrapped; the page with the known one and the rest were not.
    const direct = await bootstrapped(fast);
    expect(fresh.map((w) => direct.has(w.id))).toEqual([true, true, true, true, true, true, true, false, false, false, false, false]);
    expect(direct.has(String(known['id']))).toBe(false);
    const a = await storedState(fast);
    expect(a.meta.size).toBe(a.documents.size);
    expect((a.meta.get(`${String(known['id'])}|0`) as { docData: Record<string, unknown> }).docData['name']).toBe('首次同步一改');
    console.log('checked: 12 new residents (7 bootstrapped, then RxDB from the page with a known one) and the remote edit arrived; nothing pushed back; a meta row per document');
  }, 120_000);

  it('reports progress and an ETA while it bootstraps, as the 同步 screen shows them', async () => {
    await fast.close();
    const third = await clinicHarness(new Date().toISOString(), { syncPullBatch: BATCH });
    const pull = p.store.pull.bind(p.store);
    // A slow link: every page takes a while (a second on the device's clock), so the round is watched between pages.
    p.store.pull = async (...args: Parameters<typeof pull>) => {
      await new Promise((r) => setTimeout(r, 40));
      third.clock.advance(1000);
      return pull(...args);
    };
    try {
      await third.ok('sync.enroll', { url: p.url, code: (await p.store.addClinic(clinic)).enrolmentCode });
      const engine = third.runtime.services.sync();
      const seen: NonNullable<SyncStatus['progress']>[] = [];
      let done = false;
      const round = third.ok<SyncStatus>('sync.now').finally(() => (done = true));
      while (!done) {
        const progress = (await third.ok<SyncStatus>('sync.status')).progress;
        if (progress) seen.push(progress);
        await new Promise((r) => setTimeout(r, 10));
      }
      const end = await round;
      expect(end.lastError).toBeNull();
      expect(end.progress).toBeNull();
      const midway = seen.filter((s) => s.received > 0 && s.received < s.total);
      expect(midway.length).toBeGreaterThan(0);
      expect(midway.some((s) => s.etaSeconds !== null)).toBe(true);
      expect(seen.map((s) => s.received)).toEqual([...seen.map((s) => s.received)].sort((a, b) => a - b));
      const onPlatform = (await p.store.exportClinic(clinic.code, 'test')).map((l) => JSON.parse(l) as { collection: string }).filter((l) => l.collection === 'residents');
      // The platform's export leaves out the one deleted resident; the device holds its tombstone.
      expect((await bootstrapped(third)).size).toBe(onPlatform.length + 1);
      expect(await residentsOf(third).count().exec()).toBe(onPlatform.length);
      console.log(`checked: progress seen ${midway.length} times midway (last ${JSON.stringify(midway.at(-1))}), ETA given, none once done`);
      expect(engine.status().progress).toBeNull();
    } finally {
      p.store.pull = pull;
      await third.close();
    }
  }, 120_000);
});
