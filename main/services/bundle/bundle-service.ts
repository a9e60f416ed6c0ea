/**
 * Offline bundles between clinic apps (issue 13 item 7): export every synced document changed since this device's
 * last bundle; import one from a paired device with the same conflict rules as online sync (shared/sync/merge.ts).
 *
 * Import is idempotent: each bundle id is recorded, and a second import of the same bundle changes nothing. Every
 * applied document goes through RxDB (so the search index and work list follow) and is audited; true conflicts and
 * duplicate residents go to the review queue.
 *
 * A three-way merge needs the state both sides last agreed on. The importer keeps, per paired device, a hash of each
 * document as it last arrived from that device: when its own copy still has that hash, it has not been edited since,
 * so it is the agreed base and the incoming changes apply cleanly; otherwise there is no base and every field the two
 * copies disagree on is kept for review (the later save wins until a person decides).
 */
import { v7 as uuidv7 } from 'uuid';
import type { RxCollection } from 'rxdb';
import { getChangedDocumentsSince } from 'rxdb';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { hash64 } from '../../../shared/sync/hash';
import { canonicalJson, isEqualDoc, resolveConflict, type SyncDoc } from '../../../shared/sync/merge';
import type { AuditEvent } from '../audit-log';
import type { ClinicServices } from '../clinic-services';
import { SyncReviewService } from '../sync-review/review-service';
import {
  deriveBundleKey,
  formatPairingCode,
  generateDeviceKey,
  parsePairingCode,
  readEnvelope,
  sealBundle,
  type BundleDocEntry,
  type BundleHeader,
} from './bundle-file';

/** The collections a bundle carries, in the order they are applied (residents before what refers to them). */
export const BUNDLE_COLLECTIONS = ['residents', 'households', 'encounters', 'contracts'] as const;
type BundleCollection = (typeof BUNDLE_COLLECTIONS)[number];

type Doc = Record<string, unknown> & { id: string };
const Checkpoint = z.object({ id: z.string(), lwt: z.number() }).nullable();

/** This device's bundle identity and where its last bundle ended, per collection. */
const BundleKeyData = z.object({
  deviceId: z.string(),
  publicKey: z.string(),
  privateKey: z.string(),
  checkpoints: z.record(z.string(), Checkpoint),
  lastBundleId: z.string(),
  lastExportAt: z.number(),
});
type BundleKeyData = z.infer<typeof BundleKeyData>;

/** A paired sending device: its signing key, its bundle key and what last arrived from it (hash per document). */
const PeerData = z.object({
  clinicCode: z.string(),
  clinicName: z.string(),
  deviceId: z.string(),
  publicKey: z.string(),
  key: z.string(),
  pairedAt: z.number(),
  seen: z.record(z.string(), z.string()),
});
type PeerData = z.infer<typeof PeerData>;

const KEY_ID = 'bundleKey';
const peerId = (deviceId: string) => `bundlePeer:${deviceId}`.slice(0, 60);
const importId = (bundleId: string) => `bundleImport:${bundleId}`.slice(0, 60);

function coll(clinic: ClinicServices, name: BundleCollection): RxCollection<Doc> {
  return clinic.ctx.db.rx[name] as unknown as RxCollection<Doc>;
}

function replicated(doc: Record<string, unknown>): SyncDoc {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (k !== '_meta' && k !== '_rev' && k !== '_attachments') out[k] = v;
  return { ...out, _deleted: doc['_deleted'] === true } as SyncDoc;
}

const contentHash = (doc: SyncDoc) => hash64(canonicalJson(doc));

async function deviceKey(clinic: ClinicServices): Promise<BundleKeyData> {
  const { ctx } = clinic;
  const existing = await ctx.db.rx.settings.findOne(KEY_ID).exec();
  if (existing) {
    const parsed = BundleKeyData.safeParse(existing.toJSON().data);
    if (!parsed.success) throw new AppError('DATA_DAMAGED', { reason: 'bundle key unreadable' });
    return parsed.data;
  }
  const pair = generateDeviceKey();
  const data: BundleKeyData = { deviceId: ctx.deviceId, ...pair, checkpoints: {}, lastBundleId: '', lastExportAt: 0 };
  await putKey(clinic, data);
  await ctx.audit.record({ action: 'insert', collection: 'settings', recordId: KEY_ID, detail: 'bundle signing key created' });
  return data;
}

async function putKey(clinic: ClinicServices, data: BundleKeyData): Promise<void> {
  const { ctx } = clinic;
  await ctx.db.rx.settings.upsert({ id: KEY_ID, type: 'bundleKey', clinicCode: ctx.clinicCode, data: BundleKeyData.parse(data), updatedAt: ctx.clock.now() });
}

/** 配对码 of this device: what a receiving clinic enters once to trust and open its bundles. Audited. */
export async function pairingCode(clinic: ClinicServices, dataKey: Buffer): Promise<string> {
  const { ctx } = clinic;
  const key = await deviceKey(clinic);
  const settings = await ctx.settings.clinic();
  await ctx.audit.record({ action: 'export', collection: 'settings', recordId: KEY_ID, detail: 'bundle pairing code shown' });
  return formatPairingCode({
    v: 1,
    clinicCode: ctx.clinicCode,
    clinicName: settings.clinicName,
    deviceId: key.deviceId,
    publicKey: key.publicKey,
    key: deriveBundleKey(dataKey, ctx.clinicCode, key.deviceId).toString('hex'),
  });
}

/** Trust a sending device from its pairing code (admin only). Re-pairing the same device replaces its keys. */
export async function trustPeer(clinic: ClinicServices, code: string): Promise<{ deviceId: string; clinicCode: string; clinicName: string }> {
  const { ctx } = clinic;
  if (ctx.user.role !== 'admin') throw new AppError('FORBIDDEN');
  const parsed = parsePairingCode(code);
  if (!parsed) throw new AppError('VALIDATION_FAILED', { reason: 'not a pairing code' }, 'VALIDATION_FAILED', [{ path: 'code', message: 'validation.pairingCode' }]);
  const previous = await ctx.db.rx.settings.findOne(peerId(parsed.deviceId)).exec();
  const prevData = previous ? PeerData.safeParse(previous.toJSON().data) : null;
  const data: PeerData = {
    clinicCode: parsed.clinicCode,
    clinicName: parsed.clinicName,
    deviceId: parsed.deviceId,
    publicKey: parsed.publicKey,
    key: parsed.key,
    pairedAt: ctx.clock.now(),
    seen: prevData?.success ? prevData.data.seen : {},
  };
  await ctx.db.rx.settings.upsert({ id: peerId(parsed.deviceId), type: 'bundlePeer', clinicCode: ctx.clinicCode, data, updatedAt: ctx.clock.now() });
  await ctx.audit.record({ action: 'insert', collection: 'settings', recordId: peerId(parsed.deviceId), detail: `bundle peer ${parsed.clinicCode} ${parsed.clinicName}` });
  return { deviceId: parsed.deviceId, clinicCode: parsed.clinicCode, clinicName: parsed.clinicName };
}

export interface ExportSummary {
  bundleId: string;
  counts: Record<string, number>;
}

/**
 * Every document changed since this device's last bundle (all of them with `all`), sealed; the new checkpoint is
 * saved only after `write` returns, so a failed write leaves the next bundle carrying the same documents again.
 */
export async function exportBundle(clinic: ClinicServices, dataKey: Buffer, write: (bytes: string) => Promise<void>, opts: { all?: boolean } = {}): Promise<ExportSummary> {
  const { ctx } = clinic;
  const key = await deviceKey(clinic);
  const docs: BundleDocEntry[] = [];
  const counts: Record<string, number> = {};
  const checkpoints: BundleKeyData['checkpoints'] = { ...key.checkpoints };
  for (const name of BUNDLE_COLLECTIONS) {
    let checkpoint = opts.all ? null : (checkpoints[name] ?? null);
    counts[name] = 0;
    for (;;) {
      const page = await getChangedDocumentsSince(coll(clinic, name).storageInstance, 1_000, checkpoint ?? undefined);
      if (page.documents.length === 0) break;
      for (const d of page.documents) docs.push({ collection: name, doc: replicated(d) });
      counts[name] += page.documents.length;
      checkpoint = page.checkpoint as { id: string; lwt: number };
    }
    checkpoints[name] = checkpoint;
  }
  const bundleId = uuidv7();
  const header: BundleHeader = { bundleId, clinicCode: ctx.clinicCode, deviceId: key.deviceId, publicKey: key.publicKey, createdAt: ctx.clock.now(), counts };
  await write(sealBundle(header, { bundleId, docs }, deriveBundleKey(dataKey, ctx.clinicCode, key.deviceId), key.privateKey));
  await putKey(clinic, { ...key, checkpoints, lastBundleId: bundleId, lastExportAt: ctx.clock.now() });
  await ctx.audit.record({ action: 'export', collection: '', recordId: bundleId, detail: `bundle ${JSON.stringify(counts)}` });
  return { bundleId, counts };
}

export interface ImportSummary {
  bundleId: string;
  from: { clinicCode: string; deviceId: string };
  alreadyImported: boolean;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Documents of villages outside this clinic's area: not applied (the bundle file still holds them). */
  outOfScope: number;
  conflicts: number;
  duplicatesQueued: number;
}

/** Import one bundle. Errors: BUNDLE_UNREADABLE, BUNDLE_FOREIGN, BUNDLE_TAMPERED. */
export async function importBundle(clinic: ClinicServices, bytes: Buffer): Promise<ImportSummary> {
  const { ctx } = clinic;
  const envelope = readEnvelope(bytes);
  const { header } = envelope;
  const peerDoc = await ctx.db.rx.settings.findOne(peerId(header.deviceId)).exec();
  const peer = peerDoc ? PeerData.safeParse(peerDoc.toJSON().data) : null;
  if (!peerDoc || !peer?.success) throw new AppError('BUNDLE_FOREIGN', { deviceId: header.deviceId, clinicCode: header.clinicCode, reason: 'device not paired' });
  const payload = envelope.open({ publicKey: peer.data.publicKey, key: Buffer.from(peer.data.key, 'hex') });
  const summary: ImportSummary = {
    bundleId: header.bundleId,
    from: { clinicCode: header.clinicCode, deviceId: header.deviceId },
    alreadyImported: false,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    outOfScope: 0,
    conflicts: 0,
    duplicatesQueued: 0,
  };
  if (await ctx.db.rx.settings.findOne(importId(header.bundleId)).exec()) return { ...summary, alreadyImported: true };

  const villages = new Set((await ctx.settings.clinic()).villages.map((v) => v.code));
  const review = new SyncReviewService(ctx, clinic.residents);
  const seen: PeerData['seen'] = { ...peer.data.seen };
  const audit: AuditEvent[] = [];
  const source = `bundle:${header.clinicCode}`;
  const order = new Map<string, number>(BUNDLE_COLLECTIONS.map((c, i) => [c, i]));
  const entries = [...payload.docs].sort((a, b) => (order.get(a.collection) ?? 0) - (order.get(b.collection) ?? 0));
  for (const entry of entries) {
    const incoming = replicated(entry.doc);
    const villageCode = incoming['villageCode'];
    if (typeof villageCode !== 'string' || !villages.has(villageCode)) {
      summary.outOfScope++;
      continue;
    }
    const c = coll(clinic, entry.collection);
    const [stored] = await c.storageInstance.findDocumentsById([incoming.id], true);
    const residentId = entry.collection === 'residents' ? incoming.id : typeof incoming['residentId'] === 'string' ? incoming['residentId'] : '';
    if (!stored) {
      seen[incoming.id] = contentHash(incoming);
      if (incoming._deleted) continue;
      const { _deleted: _d, ...body } = incoming;
      await c.insert(body);
      summary.inserted++;
      audit.push({ action: 'import', collection: entry.collection, recordId: incoming.id, residentId, detail: source });
      continue;
    }
    const local = replicated(stored);
    if (isEqualDoc(local, incoming)) {
      seen[incoming.id] = contentHash(incoming);
      summary.unchanged++;
      continue;
    }
    const base = seen[incoming.id] === contentHash(local) ? local : undefined;
    const { resolved, conflicts } = resolveConflict(entry.collection, { assumedMasterState: base, realMasterState: local, newDocumentState: incoming });
    seen[incoming.id] = contentHash(incoming);
    if (!isEqualDoc(resolved, local)) {
      if (resolved._deleted) {
        if (!local._deleted) await (await c.findOne(incoming.id).exec())?.remove();
      } else {
        const { _deleted: _d, ...body } = resolved;
        await c.upsert(body);
      }
      summary.updated++;
      audit.push({ action: 'import', collection: entry.collection, recordId: incoming.id, residentId, detail: `${source}${conflicts.length ? ' conflict' : ''}` });
    } else {
      summary.unchanged++;
    }
    if (conflicts.length > 0) {
      summary.conflicts += conflicts.length;
      await review.recordConflicts(conflicts, { source, localDoc: local });
    }
  }
  summary.duplicatesQueued = await review.queueDuplicates(source);
  await ctx.db.rx.settings.upsert({ ...peerDoc.toJSON(), data: { ...peer.data, seen }, updatedAt: ctx.clock.now() });
  await ctx.db.rx.settings.insert({
    id: importId(header.bundleId),
    type: 'bundleImport',
    clinicCode: ctx.clinicCode,
    data: { ...summary, importedAt: ctx.clock.now(), createdAt: header.createdAt },
    updatedAt: ctx.clock.now(),
  });
  audit.push({ action: 'import', collection: '', recordId: header.bundleId, detail: `bundle from ${header.clinicCode}/${header.deviceId}: ${summary.inserted} new, ${summary.updated} updated` });
  await ctx.audit.recordMany(audit);
  return summary;
}
