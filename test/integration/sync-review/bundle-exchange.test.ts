/**
 * Two clinic apps, a village clinic sending bundles to its township centre, open one at a time in this process (both
 * databases carry RxDB's name `cunyi`, and RxDB refuses two open databases of one name in one process). Covers what the CLI test does not: encounters, duplicates found on import and settled into one record,
 * removals travelling as removals, and the same documents on both sides after each exchange.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { ReviewItem } from '../../../shared/api/sync-review';
import { newEncounterDoc } from '../../../main/services/encounter-docs';
import { exportBundle, importBundle, pairingCode, trustPeer, type ImportSummary } from '../../../main/services/bundle/bundle-service';
import { dumpClinic } from '../../../main/cli/data-commands';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

let village: ApiHarness;
let centre: ApiHarness;
let open: ApiHarness | null = null;

/** Makes `h` the one open clinic (closing the other), signed in. */
async function use(h: ApiHarness): Promise<ApiHarness> {
  if (open === h) return h;
  if (open) await open.runtime.close();
  await h.restart();
  open = h;
  return h;
}

beforeEach(async () => {
  village = await clinicHarness();
  open = village;
  const code = await pairingCode(village.runtime.services.clinic(), village.runtime.services.session.current().dataKey);
  await village.runtime.close();
  centre = await clinicHarness();
  open = centre;
  await trustPeer(centre.runtime.services.clinic(), code);
});
afterEach(async () => {
  const closed = open === village ? centre : village;
  await (open as ApiHarness).close();
  rmSync(closed.dataDir, { recursive: true, force: true });
  open = null;
});

async function send(opts: { all?: boolean } = {}): Promise<ImportSummary> {
  let bytes = '';
  const v = await use(village);
  await exportBundle(v.runtime.services.clinic(), v.runtime.services.session.current().dataKey, (b) => Promise.resolve(void (bytes = b)), opts);
  const c = await use(centre);
  return importBundle(c.runtime.services.clinic(), Buffer.from(bytes));
}

/** The documents of a collection as a dump line holds them (no revision: the two sides write their own). */
async function docs(h: ApiHarness, collection: string): Promise<unknown[]> {
  const lines: string[] = [];
  await dumpClinic((await use(h)).runtime.services.session.current(), (l) => lines.push(...l));
  return lines.map((l) => JSON.parse(l) as { collection: string; doc: unknown }).filter((l) => l.collection === collection).map((l) => l.doc);
}

async function followup(h: ApiHarness, residentId: string, date: string) {
  const { db, user, clinic } = h.runtime.services.session.current();
  const doc = newEncounterDoc({ clinicCode: clinic.code, clock: h.clock, user }, { type: 'htnFollowup', resident: { id: residentId, villageCode: '441521101201' }, date, status: 'completed', data: { form: { sbp: 150 } } });
  await db.rx.encounters.insert(doc);
  return doc.id;
}

describe('offline bundles between two clinic apps', () => {
  it('residents and their encounters arrive; both sides then hold the same documents', async () => {
    const r = await (await use(village)).ok<ResidentDetail>('residents.create', { input: residentInput() });
    await followup(village, r.resident.id, '2026-02-01');
    expect(await send()).toMatchObject({ inserted: 2, conflicts: 0, outOfScope: 0 });
    for (const c of ['residents', 'encounters']) expect(await docs(centre, c)).toEqual(await docs(village, c));
    const found = await (await use(centre)).ok<{ id: string }[]>('residents.search', { query: '张三' });
    expect(found.map((f) => f.id)).toEqual([r.resident.id]);
    // The dumps never carry the keys: the village's signing key, the centre's copy of the village's bundle key.
    const keyDocs = [...(await docs(village, 'settings')), ...(await docs(centre, 'settings'))].filter((d) => ['bundleKey', 'bundlePeer'].includes((d as { type: string }).type));
    expect(keyDocs).toHaveLength(2);
    for (const d of keyDocs) {
      const data = (d as { data: Record<string, unknown> }).data;
      expect(data['privateKey'] ?? data['key']).toBe('[redacted]');
    }
    // Nothing changed since: the next bundle is empty and imports nothing.
    expect(await send()).toMatchObject({ inserted: 0, updated: 0, unchanged: 0 });
  });

  it('the same person registered at both places is queued on import and merged into one record with every encounter', async () => {
    const there = await (await use(village)).ok<ResidentDetail>('residents.create', { input: residentInput() });
    await followup(village, there.resident.id, '2026-02-01');
    await followup(village, there.resident.id, '2026-02-20');
    centre.clock.advance(1_000);
    const here = await (await use(centre)).ok<ResidentDetail>('residents.create', { input: { ...residentInput(), idNumber: idNumber('1956-05-14', 11).slice(0, 6) + idNumber('1956-05-14', 11).slice(8, 17) } });
    await followup(centre, here.resident.id, '2026-01-10');

    expect(await send()).toMatchObject({ inserted: 3, duplicatesQueued: 1 });
    const [item] = await (await use(centre)).ok<ReviewItem[]>('syncReview.list', {});
    if (item?.kind !== 'duplicate') throw new Error('expected a duplicate review');
    expect(item.residents.map((x) => x.id).sort()).toEqual([here.resident.id, there.resident.id].sort());
    await centre.ok('syncReview.settleDuplicate', { id: item.id, decision: 'merge', keepId: there.resident.id, reason: '同一人两地建档' });
    const { db } = centre.runtime.services.session.current();
    expect((await db.rx.residents.find().exec()).map((d) => d.id)).toEqual([there.resident.id]);
    expect(await db.rx.encounters.count({ selector: { residentId: there.resident.id } }).exec()).toBe(3);
    const timeline = await centre.ok<unknown[]>('residents.timeline', { id: there.resident.id });
    expect(timeline).toHaveLength(3);
  });

  it('a removal at the village (a merge there) removes the record at the centre too', async () => {
    const a = await (await use(village)).ok<ResidentDetail>('residents.create', { input: residentInput() });
    // Registered a second time without the ID number (a merge needs the same number or none).
    const { idNumber: _none, ...noId } = residentInput({ name: '张三' });
    const b = await village.ok<ResidentDetail>('residents.create', { input: noId });
    expect(await send()).toMatchObject({ inserted: 2 });
    village.clock.advance(1_000);
    await (await use(village)).ok('residents.merge', { keepId: a.resident.id, mergeId: b.resident.id, reason: '重复' });
    const summary = await send();
    expect(summary.updated).toBe(2);
    expect(summary.conflicts).toBe(0);
    expect(await docs(centre, 'residents')).toEqual(await docs(village, 'residents'));
    expect(await (await use(centre)).runtime.services.session.current().db.rx.residents.count().exec()).toBe(1);
  });

  it('documents of villages outside the centre’s area are counted, not applied', async () => {
    await (await use(village)).ok('settings.update', { villages: [{ code: '441521101201', name: '东光村' }, { code: '441521101202', name: '西山村' }, { code: '441521101203', name: '南岭村' }] });
    await village.ok<ResidentDetail>('residents.create', { input: residentInput({ villageCode: '441521101203' }) });
    expect(await send()).toMatchObject({ inserted: 0, outOfScope: 1 });
    expect(await (await use(centre)).runtime.services.session.current().db.rx.residents.count().exec()).toBe(0);
  });
});
