/**
 * A device (a real runtime on its encrypted file) enrols with the platform (PGlite) and replicates through the
 * runtime's sync engine with a second device of the same clinic. RxDB refuses two databases of one name in one
 * process (DB8), so the second device speaks the wire protocol directly with its own credential, as the app's
 * pull and push handlers do: what one records, the other receives; the device holds exactly the platform's
 * documents; the platform acknowledges what is uploaded; the integrity check passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/api/sync';
import { PullResponse, PushResponse, SYNCED_COLLECTION_NAMES, canonicalJson, type WireDocument } from '../../../shared/sync/protocol';
import type { PlatformHttp } from '../../../main/sync/platform-http';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';
import { enrolDevice, startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
let one: ApiHarness;
let two: PlatformHttp;
const clinic = { code: SETUP_INPUT.clinicCode, name: SETUP_INPUT.clinicName, villages: SETUP_INPUT.villages };

beforeAll(async () => {
  p = await startTestPlatform();
  one = await clinicHarness();
}, 180_000);
afterAll(async () => {
  await one?.close();
  await two?.close();
  await p?.dispose();
});

/** What a device holds of the synced collections, comparable with the platform (local-only settings left out). */
async function deviceDocs(h: ApiHarness): Promise<Map<string, string>> {
  const db = h.runtime.services.session.current().db;
  const out = new Map<string, string>();
  for (const c of SYNCED_COLLECTION_NAMES) {
    for (const d of await db.rx[c].find().exec()) {
      const json = d.toJSON() as Record<string, unknown>;
      if (c === 'settings' && json['type'] === 'user') continue;
      out.set(`${c}/${String(json['id'])}`, canonicalJson({ ...json, _deleted: false }));
    }
  }
  return out;
}

async function platformDocs(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of SYNCED_COLLECTION_NAMES) for (const d of await p.store.allDocuments(c)) if (!d._deleted) out.set(`${c}/${String(d['id'])}`, canonicalJson(d));
  return out;
}

describe('sync client', () => {
  it('refuses to enrol when the pinned fingerprint is not the platform certificate', async () => {
    const { enrolmentCode } = await p.store.addClinic(clinic);
    const r = await one.call('sync.enroll', { url: p.url, code: enrolmentCode, fingerprint: '00:'.repeat(31) + '00' });
    expect(r.ok ? 'ok' : r.error.code).toBe('PLATFORM_CERTIFICATE_MISMATCH');
  });

  it('enrols, pins the certificate and takes a record-number block', async () => {
    two = (await enrolDevice(p, clinic, 'second-device')).http;
    for (const h of [one]) {
      const { enrolmentCode } = await p.store.addClinic(clinic);
      const s = await h.ok<SyncStatus>('sync.enroll', { url: p.url, code: enrolmentCode });
      expect(s.fingerprint).toBe(p.tls.fingerprint256);
      expect(s.state).not.toBe('notEnrolled');
      const blocks = await h.runtime.services.session.current().db.rx.settings.find({ selector: { type: 'recordBlock' } }).exec();
      const mine = blocks.map((b) => b.toJSON().data as { blocks: Array<{ start: number }> }).find((d) => d.blocks.some((b) => b.start > 9_999));
      expect(mine).toBeDefined();
    }
    const again = await one.call('sync.enroll', { url: p.url, code: 'whatever-code' });
    expect(again.ok ? 'ok' : again.error.code).toBe('CONFLICT');
  });

  it('carries a resident from one device to the other and an edit back, the device equal to the platform', async () => {
    const created = (await one.ok<{ resident: { id: string } }>('residents.create', { input: residentInput({ name: '王建国' }) })).resident;
    const s1 = await one.ok<SyncStatus>('sync.now');
    expect(s1.pending).toBe(0);
    expect(s1.lastError).toBeNull();
    expect(s1.ackedUpTo).toBe(one.clock.now());
    const pulled = await two.json('GET', '/residents/pull?seq=0&limit=1000', undefined, PullResponse);
    const master = pulled.documents.find((d) => d['id'] === created.id) as WireDocument;
    expect(master['name']).toBe('王建国');
    expect(await two.json('POST', '/residents/push', [{ assumedMasterState: master, newDocumentState: { ...master, phone: '13912345678' } }], PushResponse)).toEqual([]);
    await one.ok('sync.now');
    const back = await one.runtime.services.session.current().db.rx.residents.findOne(created.id).exec();
    expect(back?.phone).toBe('13912345678');
    const [a, server] = [await deviceDocs(one), await platformDocs()];
    expect([...a.keys()].sort()).toEqual([...server.keys()].sort());
    for (const [k, v] of server) expect(a.get(k), k).toBe(v);
    expect(integrityCheck(one.runtime.services.session.current().db.sql).ok).toBe(true);
    console.log(`checked: ${server.size} documents equal on the device and the platform; integrity ok`);
    const status = await p.store.status();
    const acked = status.clinics.find((c) => c.code === clinic.code)!.devices.filter((d) => d.ackedUpTo !== null);
    expect(acked).toHaveLength(1);
    expect(acked[0]!.pending).toBe(0);
  });

  it('reports a platform that cannot be reached in plain terms, and keeps the change pending', async () => {
    await p.close();
    await one.ok('residents.create', { input: residentInput({ name: '李四', idNumber: '' }) });
    const r = await one.call('sync.now');
    expect(r.ok ? 'ok' : r.error.code).toBe('PLATFORM_UNREACHABLE');
    const s = await one.ok<SyncStatus>('sync.status');
    expect(s.state).toBe('offline');
    expect(s.pending).toBeGreaterThan(0);
    await p.restart();
    const after = await one.ok<SyncStatus>('sync.now');
    expect(after.pending).toBe(0);
  }, 120_000);
});
