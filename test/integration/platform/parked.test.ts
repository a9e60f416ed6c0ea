/**
 * Settling parked edits on the platform (issue 13 item 6): a resident moves from clinic A to clinic B while A's device
 * is offline; A's late edits are parked. The operator then applies or discards each one (CLI through the running
 * server's admin endpoint, and the store):
 * - an edit to fields nobody else changed is merged into the current record, which keeps its new village and clinic;
 * - a field B changed meanwhile becomes a 同步冲突 review at clinic B (the resident's home now), which B's device pulls;
 * - a document first made on A after the move is re-homed to B when applied;
 * - a discard needs a reason; every settlement is recorded on the parked row; asking again for the same action
 *   changes nothing, and the other action is refused with ALREADY_SETTLED (HTTP 409).
 * The same test runs on PGlite and, where its binaries exist, on a throw-away PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/api/errors';
import { ConflictReview } from '../../../shared/api/sync-review';
import { ParkedResponse, PullResponse, PushResponse } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import type { ParkedSettlement } from '../../../platform/parked';
import { CLINIC_A, CLINIC_B, encounterWire, enrolDevice, residentWire, runPlatformCli, startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { expectFactsFromScratch } from '../../helpers/county-facts';

const A_VILLAGE = CLINIC_A.villages[0]!.code;
const B_VILLAGE = CLINIC_B.villages[0]!.code;

function scenario(name: string, start: () => Promise<{ p: TestPlatform; stop?: () => void }>): void {
  describe(`settling parked edits (${name})`, () => {
    let p: TestPlatform;
    let stop: (() => void) | undefined;
    let a: PlatformHttp;
    let b: PlatformHttp;

    beforeAll(async () => {
      ({ p, stop } = await start());
      a = (await enrolDevice(p, CLINIC_A, 'device-a')).http;
      b = (await enrolDevice(p, CLINIC_B, 'device-b')).http;
    }, 120_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await p?.dispose();
      stop?.();
    });

    const current = async (collection: string, id: string): Promise<Record<string, unknown>> => (await p.store.allDocuments(collection)).find((d) => d['id'] === id)!;
    const seqOf = async (collection: string, id: string): Promise<number> =>
      Number((await p.sql.query<{ seq: string }>('SELECT seq FROM documents WHERE collection = $1 AND id = $2', [collection, id]))[0]!.seq);

    it('applies, merges, queues a conflict at the new home clinic, discards with a reason, and does each only once', async () => {
      const r = residentWire(A_VILLAGE, { phone: '13800000000', data: { note: '旧' } });
      const e = encounterWire(r);
      expect(await a.json('POST', '/residents/push', [{ newDocumentState: r }], PushResponse)).toEqual([]);
      expect(await a.json('POST', '/encounters/push', [{ newDocumentState: e }], PushResponse)).toEqual([]);
      expect(await p.store.moveResident({ residentId: r.id, villageCode: B_VILLAGE, requestedBy: 'test' })).toMatchObject({ toClinic: CLINIC_B.code, documents: 2 });

      // B edits the phone; A, offline and unaware of the move, edits the phone and the note, fills in the encounter,
      // and records two new encounters.
      const onB = (await b.json('GET', '/residents/pull?seq=0&limit=1000', undefined, PullResponse)).documents.find((d) => d['id'] === r.id)!;
      const bEdit = { ...onB, phone: '13922222222', updatedAt: Number(onB['updatedAt']) + 10 };
      expect(await b.json('POST', '/residents/push', [{ assumedMasterState: onB, newDocumentState: bEdit }], PushResponse)).toEqual([]);
      const lateResident = { ...r, phone: '13911111111', data: { note: '新' }, updatedAt: Number(bEdit.updatedAt) + 10 };
      const lateEncounter = { ...e, data: { sbp: 150 }, updatedAt: 1_772_000_001_000 };
      const fresh = encounterWire(r, { date: '2026-03-05' });
      const unwanted = encounterWire(r, { date: '2026-03-06' });
      expect(await a.json('POST', '/residents/push', [{ assumedMasterState: r, newDocumentState: lateResident }], PushResponse)).toEqual([]);
      expect(
        await a.json('POST', '/encounters/push', [{ assumedMasterState: e, newDocumentState: lateEncounter }, { newDocumentState: fresh }, { newDocumentState: unwanted }], PushResponse),
      ).toEqual([]);
      const parked = await p.store.parkedEdits();
      const idOf = (docId: string): number => parked.find((x) => x.documentId === docId)!.id;
      expect(parked.map((x) => x.documentId).sort()).toEqual([r.id, e.id, fresh.id, unwanted.id].sort());
      console.log(`${name}: 4 late edits from clinic A parked after the resident moved to ${CLINIC_B.code}`);

      // The resident: the note merges, the phone changed both ways is a conflict queued at clinic B only.
      const before = await seqOf('residents', r.id);
      const viaCli = await runPlatformCli(['parked', 'apply', '--data-dir', p.dataDir, '--id', String(idOf(r.id))]);
      expect(viaCli.code).toBe(0);
      const applied = JSON.parse(viaCli.out) as ParkedSettlement;
      expect(applied).toMatchObject({ action: 'apply', outcome: 'conflict', conflicts: ['phone'], reviewId: `conflict:${r.id}`, reviewClinics: [CLINIC_B.code], already: false });
      const merged = await current('residents', r.id);
      expect(merged).toMatchObject({ villageCode: B_VILLAGE, clinicCode: CLINIC_B.code, householdId: '', data: { note: '新' }, phone: '13911111111' });
      expect(await seqOf('residents', r.id)).toBeGreaterThan(before);
      const settings = (await b.json('GET', '/settings/pull?seq=0&limit=1000', undefined, PullResponse)).documents;
      const review = ConflictReview.parse(settings.find((d) => d['id'] === `conflict:${r.id}`)!['data']);
      expect(review).toMatchObject({ status: 'open', residentId: r.id, source: `parked:${idOf(r.id)}` });
      expect(review.fields.map((f) => [f.path, f.kept.value, f.kept.by, f.setAside.value, f.setAside.by])).toEqual([
        ['phone', '13911111111', 'device device-a', '13922222222', 'platform'],
      ]);
      expect((await a.json('GET', '/settings/pull?seq=0&limit=1000', undefined, PullResponse)).documents.map((d) => d['id'])).not.toContain(`conflict:${r.id}`);
      console.log(`${name}: the parked resident edit merged (note), its phone changed both ways queued for review at ${CLINIC_B.code}, which B's device pulls`);

      // The same action again: nothing written, the first outcome answered.
      const seqAfter = await seqOf('residents', r.id);
      const again = await p.store.settleParked({ id: idOf(r.id), action: 'apply', by: 'test' });
      expect(again).toMatchObject({ outcome: 'conflict', already: true, settledBy: applied.settledBy });
      expect(await seqOf('residents', r.id)).toBe(seqAfter);

      // The encounter: merged into the re-homed copy; the new encounter is re-homed to B when applied.
      expect(await p.store.settleParked({ id: idOf(e.id), action: 'apply', by: 'test' })).toMatchObject({ outcome: 'merged', conflicts: [] });
      expect(await current('encounters', e.id)).toMatchObject({ villageCode: B_VILLAGE, clinicCode: CLINIC_B.code, data: { sbp: 150 } });
      expect(await p.store.settleParked({ id: idOf(fresh.id), action: 'apply', by: 'test' })).toMatchObject({ outcome: 'merged' });
      expect(await current('encounters', fresh.id)).toMatchObject({ villageCode: B_VILLAGE, clinicCode: CLINIC_B.code, date: '2026-03-05' });
      const bEncounters = (await b.json('GET', '/encounters/pull?seq=0&limit=1000', undefined, PullResponse)).documents.map((d) => d['id']);
      expect(bEncounters).toEqual(expect.arrayContaining([e.id, fresh.id]));
      console.log(`${name}: the parked encounter edit merged into B's copy; the encounter made on A after the move applied into ${B_VILLAGE}`);

      // Discard: a reason is required (usage error, exit 2), then it is kept; applying it afterwards is refused.
      expect((await runPlatformCli(['parked', 'discard', '--data-dir', p.dataDir, '--id', String(idOf(unwanted.id))])).code).toBe(2);
      const discarded = await runPlatformCli(['parked', 'discard', '--data-dir', p.dataDir, '--id', String(idOf(unwanted.id)), '--reason', '重复录入']);
      expect(discarded.code).toBe(0);
      expect(JSON.parse(discarded.out)).toMatchObject({ outcome: 'discarded', reason: '重复录入', already: false });
      expect((await p.store.allDocuments('encounters')).map((d) => d['id'])).not.toContain(unwanted.id);
      const refused = await runPlatformCli(['parked', 'apply', '--data-dir', p.dataDir, '--id', String(idOf(unwanted.id))]);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(`Parked edit ${idOf(unwanted.id)} was already settled (discard`);
      const stored = await p.store.settleParked({ id: idOf(unwanted.id), action: 'apply', by: 'test' }).catch((x: unknown) => x);
      expect(stored).toMatchObject({ code: 'ALREADY_SETTLED' });
      expect(await p.store.settleParked({ id: idOf(unwanted.id), action: 'discard', reason: '另一个理由', by: 'test' })).toMatchObject({ already: true, reason: '重复录入' });
      const missing = await runPlatformCli(['parked', 'apply', '--data-dir', p.dataDir, '--id', '999999']);
      expect([missing.code, missing.err]).toEqual([1, 'platform: No parked edit 999999.']);
      console.log(`${name}: discard needs a reason (exit 2); a discarded edit is not applied later (ALREADY_SETTLED, exit 1); an unknown id exits 1`);

      // Audited on the parked rows; nothing left unsettled; the device is told its count is 0.
      const audit = await p.sql.query<{ document_id: string; settlement: string; settled_by: string; settle_reason: string | null }>(
        'SELECT document_id, settlement, settled_by, settle_reason FROM parked ORDER BY id',
      );
      expect(audit.map((x) => [x.document_id, x.settlement, x.settle_reason])).toEqual(
        [r.id, e.id, fresh.id, unwanted.id].map((id) => [id, id === unwanted.id ? 'discard' : 'apply', id === unwanted.id ? '重复录入' : null]).sort((x, y) => idOf(String(x[0])) - idOf(String(y[0]))),
      );
      expect(audit.every((x) => x.settled_by.length > 0)).toBe(true);
      expect((await p.store.status()).parked).toBe(0);
      expect((await a.json('GET', '/parked', undefined, ParkedResponse)).parked).toEqual([]);
      console.log(`${name}: every settlement recorded on its parked row (who, which, why); platform status parked: 0; device A told 0`);

      // The county report's indicator records were kept by every write above (pushes, the move, the applied edits):
      // none stale, each equal to one made from scratch (county/facts.ts). Three documents: the discarded one was never stored.
      expect(await expectFactsFromScratch(p.sql)).toBe(3);
      console.log(`${name}: after the pushes, the move and the applied edits, the stored indicator records equal those made from scratch`);
    }, 120_000);

    it('answers the admin endpoint only with the operator token, and refuses a settlement that does not parse', async () => {
      const res = await a.json('POST', '/admin/parked/1', { action: 'apply' }, PushResponse).catch((x: unknown) => x);
      expect((res as AppError).details).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
      const bad = await runPlatformCli(['parked', 'apply', '--data-dir', p.dataDir, '--id', 'x']);
      expect(bad.code).toBe(2);
      console.log(`${name}: the admin endpoint refuses a device credential (401); a non-numeric --id is a usage error (exit 2)`);
    });
  });
}

scenario('PGlite', async () => ({ p: await startTestPlatform() }));

const unavailable = postgresUnavailable();
if (unavailable) console.log(`parked on PostgreSQL: skipped: ${unavailable}`);
if (unavailable === null) {
  scenario('PostgreSQL', async () => {
    const pg: TestPostgres = startPostgres();
    return { p: await startTestPlatform({ databaseUrl: pg.url }), stop: () => pg.stop() };
  });
}
