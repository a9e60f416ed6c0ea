/**
 * What the platform keeps and the rules it enforces, independent of HTTP: clinics and their enrolment codes, device
 * credentials (stored hashed, revocable), every clinic's documents with a server-assigned change sequence, the
 * jurisdiction check on every push and pull (DESIGN.md §1, §6), and record-number blocks per device (§2).
 */
import { compareDumpKeys, dumpLine } from '../shared/sync/export-format';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { conflictingBlock, FIRST_DEVICE_BLOCK, isValidBlock, MAX_SERIAL, type SerialBlock } from '../shared/domain/record-number';
import { canonicalJson, type PlatformStatus, type PushRow, type WireDocument } from '../shared/sync/protocol';
import type { Queryable, Sql } from './db';

export type Scope = 'village' | 'clinic' | 'none';

export interface CollectionRule {
  primaryKey: string;
  scope: Scope;
}

/** A refusal the HTTP layer turns into a 4xx with a reason. */
export class PlatformError extends Error {
  constructor(
    readonly code: 'BAD_REQUEST' | 'UNAUTHORIZED' | 'REVOKED' | 'OUT_OF_JURISDICTION' | 'ENROLMENT_CODE_INVALID' | 'NOT_FOUND',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Clinic {
  code: string;
  name: string;
  villages: Array<{ code: string; name: string }>;
}

export interface Device {
  id: string;
  clinic: Clinic;
}

export interface ChangeNotice {
  collection: string;
  clinicCodes: string[];
  villageCodes: string[];
  /** The device whose push made the change: it holds the documents already and is not told. */
  fromDeviceId: string;
}

/** Blocks granted after the set-up block: 5,000 serials, clinic-wide (record-number.ts explains why clinic-wide). */
export const GRANTED_BLOCK_SIZE = 5_000;
/** A pull answer's checkpoint seq and bodies, kept as text so the server can stream them without re-encoding. */
export interface PullPage {
  bodies: string[];
  seq: number;
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
export const revisionOf = (doc: WireDocument): string => hash(canonicalJson(doc));

/**
 * The key a document is stored under. Clinic-scoped documents (settings, audit) are stored under `<clinic>/<id>`:
 * every clinic has a settings document `clinic` and the same `package:…` ids, which must not collide across clinics
 * (the second clinic's push was refused as another clinic's document). Bodies keep the devices' own ids.
 */
export function storedId(rule: CollectionRule, device: Device, doc: WireDocument): string {
  const id = String(doc[rule.primaryKey]);
  return rule.scope === 'clinic' ? `${device.clinic.code}/${id}` : id;
}

/**
 * All pushes take this transaction-scoped lock before writing, so change sequences commit in order and a pull can
 * never page past a sequence number whose transaction has not committed yet (bigserial alone does not promise that).
 */
const PUSH_LOCK = 7_201_326;

export class PlatformStore {
  readonly changes = new EventEmitter();

  constructor(
    readonly sql: Sql,
    readonly rules: Record<string, CollectionRule>,
    private readonly now: () => number = Date.now,
  ) {}

  async addClinic(clinic: Clinic): Promise<{ enrolmentCode: string; created: boolean }> {
    const code = randomBytes(12).toString('base64url');
    return this.sql.transaction(async (tx) => {
      const existing = await tx.query('SELECT code FROM clinics WHERE code = $1', [clinic.code]);
      if (existing.length === 0) {
        await tx.query('INSERT INTO clinics (code, name, villages, created_at) VALUES ($1, $2, $3, $4)', [clinic.code, clinic.name, JSON.stringify(clinic.villages), this.now()]);
      } else {
        await tx.query('UPDATE clinics SET name = $2, villages = $3 WHERE code = $1', [clinic.code, clinic.name, JSON.stringify(clinic.villages)]);
      }
      await tx.query('INSERT INTO enrolment_codes (code_hash, clinic_code, created_at) VALUES ($1, $2, $3)', [hash(code), clinic.code, this.now()]);
      return { enrolmentCode: code, created: existing.length === 0 };
    });
  }

  async clinic(code: string, q: Queryable = this.sql): Promise<Clinic | null> {
    const rows = await q.query<{ code: string; name: string; villages: string }>('SELECT code, name, villages FROM clinics WHERE code = $1', [code]);
    const r = rows[0];
    return r ? { code: r.code, name: r.name, villages: JSON.parse(r.villages) as Clinic['villages'] } : null;
  }

  /**
   * Trades a one-time enrolment code for a device credential. The device's existing blocks are recorded (the clinic's
   * first device owns the set-up block), then one more block is granted, so every enrolled device can issue numbers.
   */
  async enrol(input: { code: string; deviceId: string; blocks: SerialBlock[] }): Promise<{ clinic: Clinic; credential: string; blocks: SerialBlock[] }> {
    const credential = randomBytes(32).toString('base64url');
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ clinic_code: string; used_at: string | null }>('SELECT clinic_code, used_at FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE', [hash(input.code)]);
      const row = rows[0];
      if (!row || row.used_at !== null) throw new PlatformError('ENROLMENT_CODE_INVALID', 'This enrolment code is unknown or has already been used.');
      const clinic = (await this.clinic(row.clinic_code, tx))!;
      const taken = await tx.query('SELECT id FROM devices WHERE id = $1', [input.deviceId]);
      if (taken.length > 0) throw new PlatformError('BAD_REQUEST', 'This device is already enrolled; ask the operator to revoke it first.');
      await tx.query('UPDATE enrolment_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1', [hash(input.code), this.now(), input.deviceId]);
      await tx.query('INSERT INTO devices (id, clinic_code, credential_hash, enrolled_at) VALUES ($1, $2, $3, $4)', [input.deviceId, clinic.code, hash(credential), this.now()]);
      const granted = await this.blocksOf(tx, clinic.code);
      const own: SerialBlock[] = [];
      for (const b of input.blocks) {
        if (!isValidBlock(b)) throw new PlatformError('BAD_REQUEST', `Not a valid record-number block: ${b.start}-${b.end}.`);
        // The set-up block is the first device's by rule (DESIGN.md §2); any other block must be one we granted.
        const isSetup = b.start === FIRST_DEVICE_BLOCK.start && b.end === FIRST_DEVICE_BLOCK.end && b.villageCode === undefined;
        if (!isSetup || conflictingBlock(granted, b)) continue;
        await this.insertBlock(tx, clinic.code, input.deviceId, b);
        granted.push(b);
        own.push(b);
      }
      const fresh = await this.grantBlockIn(tx, clinic.code, input.deviceId, granted);
      return { clinic, credential, blocks: [...own, fresh] };
    });
  }

  private async blocksOf(q: Queryable, clinicCode: string): Promise<SerialBlock[]> {
    const rows = await q.query<{ village_code: string | null; serial_start: number; serial_end: number }>(
      'SELECT village_code, serial_start, serial_end FROM record_blocks WHERE clinic_code = $1',
      [clinicCode],
    );
    return rows.map((r) => ({ ...(r.village_code ? { villageCode: r.village_code } : {}), start: Number(r.serial_start), end: Number(r.serial_end) }));
  }

  private async insertBlock(q: Queryable, clinicCode: string, deviceId: string, b: SerialBlock): Promise<void> {
    await q.query('INSERT INTO record_blocks (clinic_code, device_id, village_code, serial_start, serial_end, granted_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      clinicCode,
      deviceId,
      b.villageCode ?? null,
      b.start,
      b.end,
      this.now(),
    ]);
  }

  private async grantBlockIn(q: Queryable, clinicCode: string, deviceId: string, granted: SerialBlock[]): Promise<SerialBlock> {
    // The set-up block is always reserved, even before the first device enrols, so a later grant never overlaps it.
    const taken = [FIRST_DEVICE_BLOCK, ...granted];
    const top = Math.max(...taken.map((b) => b.end));
    const block = { start: top + 1, end: Math.min(top + GRANTED_BLOCK_SIZE, MAX_SERIAL) };
    if (block.start > MAX_SERIAL || conflictingBlock(taken, block)) throw new PlatformError('BAD_REQUEST', 'No record-number serials are left to grant for this clinic.');
    await this.insertBlock(q, clinicCode, deviceId, block);
    return block;
  }

  async grantBlock(device: Device): Promise<SerialBlock> {
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK + 1]);
      return this.grantBlockIn(tx, device.clinic.code, device.id, await this.blocksOf(tx, device.clinic.code));
    });
  }

  /** Checks a bearer credential on every request; a revoked device is refused at once. */
  async authenticate(credential: string): Promise<Device> {
    const rows = await this.sql.query<{ id: string; clinic_code: string; revoked_at: string | null }>(
      'UPDATE devices SET last_contact_at = $2 WHERE credential_hash = $1 RETURNING id, clinic_code, revoked_at',
      [hash(credential), this.now()],
    );
    const row = rows[0];
    if (!row) throw new PlatformError('UNAUTHORIZED', 'Unknown device credential: enrol this device with the platform.');
    if (row.revoked_at !== null) throw new PlatformError('REVOKED', 'This device has been revoked by the platform operator.');
    return { id: row.id, clinic: (await this.clinic(row.clinic_code))! };
  }

  async revokeDevice(deviceId: string): Promise<void> {
    const rows = await this.sql.query('UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [deviceId, this.now()]);
    if (rows.length === 0) throw new PlatformError('NOT_FOUND', `No active device ${deviceId}.`);
    this.changes.emit('revoked', deviceId);
  }

  rule(collection: string): CollectionRule {
    const r = this.rules[collection];
    if (!r) throw new PlatformError('NOT_FOUND', `Unknown collection ${collection}.`);
    return r;
  }

  async pull(device: Device, collection: string, afterSeq: number, limit: number): Promise<PullPage> {
    const rule = this.rule(collection);
    const villages = device.clinic.villages.map((v) => v.code);
    const where =
      rule.scope === 'village' ? 'AND village_code = ANY($4::text[])' : rule.scope === 'clinic' ? 'AND clinic_code = $4' : 'AND $4::text IS NOT NULL';
    const scopeParam = rule.scope === 'village' ? villages : device.clinic.code;
    const rows = await this.sql.query<{ seq: string | number; body: string }>(
      `SELECT seq, body FROM documents WHERE collection = $1 AND seq > $2 ${where} ORDER BY seq LIMIT $3`,
      [collection, afterSeq, limit, scopeParam],
    );
    const last = rows[rows.length - 1];
    return { bodies: rows.map((r) => r.body), seq: last ? Number(last.seq) : afterSeq };
  }

  /** How many documents this device would still pull after `afterSeq` (progress and ETA of a long first sync). */
  async remaining(device: Device, collection: string, afterSeq: number): Promise<number> {
    const rule = this.rule(collection);
    const where =
      rule.scope === 'village' ? 'AND village_code = ANY($3::text[])' : rule.scope === 'clinic' ? 'AND clinic_code = $3' : 'AND $3::text IS NOT NULL';
    const scopeParam = rule.scope === 'village' ? device.clinic.villages.map((v) => v.code) : device.clinic.code;
    const rows = await this.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM documents WHERE collection = $1 AND seq > $2 ${where}`, [collection, afterSeq, scopeParam]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Why a document may not come from this device, or null when it may. */
  private jurisdictionProblem(device: Device, rule: CollectionRule, doc: { clinicCode: unknown; villageCode: unknown }): string | null {
    if (rule.scope === 'none') return null;
    if (rule.scope === 'clinic') return doc.clinicCode === device.clinic.code ? null : `clinicCode ${String(doc.clinicCode)} is not this device's clinic ${device.clinic.code}`;
    const village = String(doc.villageCode);
    return device.clinic.villages.some((v) => v.code === village) ? null : `village ${village} is not in the jurisdiction of clinic ${device.clinic.code}`;
  }

  /**
   * RxDB push: in one transaction, each row is written when the stored document is the one the device assumed
   * (same revision), else answered with the stored one as a conflict. Re-sending a row already stored is a no-op,
   * so a push delivered twice changes nothing. A row outside the device's jurisdiction refuses the whole push
   * (nothing written) and is logged: the device keeps it and shows the error.
   */
  async push(device: Device, collection: string, rows: PushRow[]): Promise<WireDocument[]> {
    const rule = this.rule(collection);
    const incoming = rows.map((r) => ({ row: r, id: storedId(rule, device, r.newDocumentState) }));
    for (const { row, id } of incoming) {
      const doc = row.newDocumentState as WireDocument & { clinicCode: unknown; villageCode: unknown };
      const problem = this.jurisdictionProblem(device, rule, doc);
      if (problem) {
        await this.logRefusal(device, collection, id, problem);
        throw new PlatformError('OUT_OF_JURISDICTION', `Document ${id} of ${collection} was refused: ${problem}.`, { collection, id });
      }
    }
    const result = await this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
      const ids = incoming.map((i) => i.id);
      const stored = new Map(
        (await tx.query<{ id: string; rev: string; body: string; clinic_code: string; village_code: string | null }>(
          'SELECT id, rev, body, clinic_code, village_code FROM documents WHERE collection = $1 AND id = ANY($2::text[]) FOR UPDATE',
          [collection, ids],
        )).map((r) => [r.id, r]),
      );
      const conflicts: WireDocument[] = [];
      const writes = new Map<string, { doc: WireDocument; rev: string; body: string }>();
      for (const { row, id } of incoming) {
        const current = stored.get(id);
        const body = canonicalJson(row.newDocumentState);
        const rev = hash(body);
        if (current) {
          // A document moved out of this clinic on the platform stays where it is; the edit is refused, not merged.
          const problem = this.jurisdictionProblem(device, rule, { clinicCode: current.clinic_code, villageCode: current.village_code });
          if (problem) {
            await this.logRefusal(device, collection, id, `stored copy: ${problem}`, tx);
            throw new PlatformError('OUT_OF_JURISDICTION', `Document ${id} of ${collection} was refused: ${problem}.`, { collection, id });
          }
          if (current.rev === rev) continue;
          const assumed = row.assumedMasterState;
          if (!assumed || revisionOf(assumed) !== current.rev) {
            conflicts.push(JSON.parse(current.body) as WireDocument);
            continue;
          }
        }
        writes.set(id, { doc: row.newDocumentState, rev, body });
        stored.set(id, { id, rev, body, clinic_code: '', village_code: null });
      }
      if (writes.size > 0) {
        const list = [...writes.entries()];
        await tx.query(
          `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
           SELECT $1, w.id, nextval('document_seq'), w.clinic_code, w.village_code, w.rev, w.deleted, w.body, $2, $3
           FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[]) WITH ORDINALITY
             AS w(id, clinic_code, village_code, rev, deleted, body, n)
           ORDER BY w.n
           ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, clinic_code = EXCLUDED.clinic_code,
             village_code = EXCLUDED.village_code, rev = EXCLUDED.rev, deleted = EXCLUDED.deleted, body = EXCLUDED.body,
             written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at`,
          [
            collection,
            device.id,
            this.now(),
            list.map(([id]) => id),
            list.map(([, w]) => (typeof w.doc['clinicCode'] === 'string' ? w.doc['clinicCode'] : device.clinic.code)),
            list.map(([, w]) => (typeof w.doc['villageCode'] === 'string' ? w.doc['villageCode'] : null)),
            list.map(([, w]) => w.rev),
            list.map(([, w]) => w.doc._deleted),
            list.map(([, w]) => w.body),
          ],
        );
      }
      return { conflicts, written: [...writes.values()].map((w) => w.doc) };
    });
    if (result.written.length > 0) {
      const notice: ChangeNotice = {
        collection,
        clinicCodes: [...new Set(result.written.map((d) => (typeof d['clinicCode'] === 'string' ? d['clinicCode'] : device.clinic.code)))],
        villageCodes: [...new Set(result.written.map((d) => (typeof d['villageCode'] === 'string' ? d['villageCode'] : '')))],
        fromDeviceId: device.id,
      };
      this.changes.emit('change', notice);
    }
    return result.conflicts;
  }

  private async logRefusal(device: Device, collection: string, id: string, reason: string, q: Queryable = this.sql): Promise<void> {
    await q.query('INSERT INTO refusals (at, device_id, clinic_code, collection, document_id, reason) VALUES ($1, $2, $3, $4, $5, $6)', [
      this.now(),
      device.id,
      device.clinic.code,
      collection,
      id.slice(0, 200),
      reason,
    ]);
  }

  async refusals(): Promise<Array<{ deviceId: string; collection: string; documentId: string; reason: string }>> {
    const rows = await this.sql.query<{ device_id: string; collection: string; document_id: string; reason: string }>('SELECT device_id, collection, document_id, reason FROM refusals ORDER BY id');
    return rows.map((r) => ({ deviceId: r.device_id, collection: r.collection, documentId: r.document_id, reason: r.reason }));
  }

  /** The device says everything it recorded before `upTo` is uploaded; we keep it only if no push is waiting. */
  async ack(device: Device, upTo: number, pending: number): Promise<number> {
    // `upTo` is on the device's clock, like the records it vouches for. The latest complete upload replaces the
    // mark rather than the largest: a device whose clock ran a day ahead and was corrected would otherwise show
    // "everything up to tomorrow" (found by the clock-skew fault test). An upload with changes left keeps the mark.
    const rows = await this.sql.query<{ acked_up_to: string }>(
      'UPDATE devices SET acked_up_to = CASE WHEN $3::int = 0 THEN $2 ELSE acked_up_to END, pending = $3 WHERE id = $1 RETURNING acked_up_to',
      [device.id, upTo, pending],
    );
    return Number(rows[0]?.acked_up_to ?? 0);
  }

  async status(): Promise<PlatformStatus> {
    const clinics = await this.sql.query<{ code: string; name: string }>('SELECT code, name FROM clinics ORDER BY code');
    const devices = await this.sql.query<{
      id: string;
      clinic_code: string;
      enrolled_at: string;
      revoked_at: string | null;
      last_contact_at: string | null;
      acked_up_to: string | null;
      pending: number | null;
    }>('SELECT id, clinic_code, enrolled_at, revoked_at, last_contact_at, acked_up_to, pending FROM devices ORDER BY enrolled_at');
    const counts = await this.sql.query<{ clinic_code: string; n: string }>('SELECT clinic_code, count(*) AS n FROM documents GROUP BY clinic_code');
    const refusals = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM refusals');
    const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
    return {
      clinics: clinics.map((c) => ({
        code: c.code,
        name: c.name,
        documents: Number(counts.find((n) => n.clinic_code === c.code)?.n ?? 0),
        devices: devices
          .filter((d) => d.clinic_code === c.code)
          .map((d) => ({
            deviceId: d.id,
            clinicCode: d.clinic_code,
            enrolledAt: Number(d.enrolled_at),
            revokedAt: num(d.revoked_at),
            lastContactAt: num(d.last_contact_at),
            ackedUpTo: num(d.acked_up_to),
            pending: num(d.pending),
          })),
      })),
      refusals: Number(refusals[0]?.n ?? 0),
    };
  }

  /**
   * Every live document the clinic holds, one dump line each (`shared/sync/export-format.ts`, the same format as
   * `cunyi export`), sorted by collection and id; the export itself is recorded in `exports`.
   */
  async exportClinic(clinicCode: string, requestedBy: string): Promise<string[]> {
    const rows = await this.sql.query<{ collection: string; id: string; rev: string; body: string }>(
      "SELECT collection, id, rev, body FROM documents WHERE NOT deleted AND (clinic_code = $1 OR village_code LIKE $1 || '%')",
      [clinicCode],
    );
    // Clinic-scoped documents (settings, audit) are stored under `<clinic>/<id>` (storedId); the dump names each
    // document by the id in its body, the one the clinic's own `cunyi export` prints.
    const docs = rows.map((r) => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      return { collection: r.collection, id: typeof body['id'] === 'string' ? body['id'] : r.id, body, rev: r.rev };
    });
    docs.sort((a, b) => compareDumpKeys(a, b));
    const lines = docs.map((d) => dumpLine(d.collection, { ...d.body, id: d.id, _rev: d.rev }));
    await this.sql.query('INSERT INTO exports (clinic_code, documents, requested_by, at) VALUES ($1, $2, $3, $4)', [clinicCode, lines.length, requestedBy, Date.now()]);
    return lines;
  }

  /** Every stored document of a collection (tests and the replication suite compare both sides with this). */
  async allDocuments(collection: string): Promise<WireDocument[]> {
    const rows = await this.sql.query<{ body: string }>('SELECT body FROM documents WHERE collection = $1 ORDER BY id', [collection]);
    return rows.map((r) => JSON.parse(r.body) as WireDocument);
  }

  async removeCollection(collection: string): Promise<void> {
    await this.sql.query('DELETE FROM documents WHERE collection = $1', [collection]);
  }
}
