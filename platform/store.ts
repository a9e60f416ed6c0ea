/**
 * What the platform keeps and the rules it enforces, independent of HTTP: clinics and their enrolment codes, device
 * credentials (stored hashed, revocable), every clinic's documents with a server-assigned change sequence, the
 * jurisdiction check on every push and pull (DESIGN.md §1, §6), and record-number blocks per device (§2).
 */
import { compareDumpKeys, dumpLine } from '../shared/sync/export-format';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { conflictingBlock, FIRST_DEVICE_BLOCK, isValidBlock, MAX_SERIAL, type SerialBlock } from '../shared/domain/record-number';
import { canonicalJson, type ParkedEdit, type PlatformStatus, type PushRow, type WireDocument } from '../shared/sync/protocol';
import { rehome, type CollectionDoc, type ScopedDoc, type SyncCollection } from '../shared/sync/moves';
import type { Queryable, Sql } from './db';
import { writeFacts } from './county/facts';
import { applyMoveRequests, applyWaitingMoveRequests, expireWaitingMoveRequests, MOVE_REQUEST_WAIT_MS, moveRequestsStatus } from './move-requests';
import { forwardRequesterEdit, type LateEditWhy } from './moved-edits';
import { ParkedRefusal, settleParked, type ParkedAction, type ParkedSettlement, type TouchedScope } from './parked';
import { PlatformReviews, type Touched } from './reviews';
import { copyCountyPolicy } from './policy';
import { isCountyOwned, publishCountyVillages } from './county-villages';

export type Scope = 'village' | 'clinic' | 'none';

export interface CollectionRule {
  primaryKey: string;
  scope: Scope;
}

/** A refusal the HTTP layer turns into a 4xx with a reason. */
export class PlatformError extends Error {
  constructor(
    readonly code: 'BAD_REQUEST' | 'UNAUTHORIZED' | 'REVOKED' | 'OUT_OF_JURISDICTION' | 'ENROLMENT_CODE_INVALID' | 'NOT_FOUND' | 'ALREADY_SETTLED',
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
  /**
   * The villages this device may hold: its clinic's, or the few its enrolment code named (a village doctor's device
   * holds only their villages, issue 13 item 2). Pulls, pushes and change notices are scoped by these.
   */
  villages: Clinic['villages'];
}

export interface MoveInput {
  residentId: string;
  villageCode: string;
  clinicCode?: string | undefined;
  requestedBy: string;
}

/** What a resident move did (`platform resident move`). */
export interface MoveResult {
  residentId: string;
  fromVillage: string;
  toVillage: string;
  fromClinic: string;
  toClinic: string;
  /** Documents re-homed (the resident and every encounter and contract about them); 0 when already there. */
  documents: number;
}

export interface ChangeNotice {
  collection: string;
  clinicCodes: string[];
  villageCodes: string[];
  /** The device whose push made the change: it holds the documents already and is not told (absent: an operator's move). */
  fromDeviceId?: string;
}

/** Blocks granted after the set-up block: 5,000 serials, clinic-wide (record-number.ts explains why clinic-wide). */
export const GRANTED_BLOCK_SIZE = 5_000;
/** A pull answer's checkpoint seq and bodies, kept as text so the server can stream them without re-encoding. */
export interface PullPage {
  bodies: string[];
  seq: number;
  /** Residents pulled before by this device who have moved out of its villages (residents collection only). */
  departed: string[];
}

const RESIDENTS = 'residents';
/** Collections whose documents about a resident move with them (households stay: moves.ts `rehome`). */
const MOVING_COLLECTIONS = ['encounters', 'contracts'];

/** The resident a village-scoped document is about: its own id for a resident, else its `residentId`. */
function ownerOf(collection: string, doc: WireDocument): string | null {
  const owner = collection === RESIDENTS ? doc['id'] : doc['residentId'];
  return typeof owner === 'string' && owner !== '' ? owner : null;
}

/** Refuses device villages that are not the clinic's. */
function villagesProblem(clinic: Clinic, villages: readonly string[]): void {
  if (villages.length === 0) throw new PlatformError('BAD_REQUEST', 'Name at least one village for the device, or none at all for the whole clinic.');
  const foreign = villages.filter((v) => !clinic.villages.some((c) => c.code === v));
  if (foreign.length > 0) throw new PlatformError('BAD_REQUEST', `Not villages of clinic ${clinic.code}: ${foreign.join(', ')}.`);
}

/** A device's villages: the clinic's, narrowed to the ones its enrolment code named (stored as JSON, or NULL). */
function deviceScope(clinic: Clinic, stored: string | null): Clinic['villages'] {
  if (stored === null) return clinic.villages;
  const named = new Set(JSON.parse(stored) as string[]);
  return clinic.villages.filter((v) => named.has(v.code));
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
export const PUSH_LOCK = 7_201_326;

/**
 * How often a device's last contact is written to `devices.last_contact_at` at most. The stored time is at most this
 * far behind; the running platform's status (`platform status`, `/v1/admin/status`, the county page) adds the time it
 * holds in memory and is exact. A status read from the database alone (`platform status` with no server running) is
 * behind by at most this much.
 */
export const CONTACT_WRITE_INTERVAL_MS = 30_000;

export class PlatformStore {
  readonly changes = new EventEmitter();
  private readonly reviews: PlatformReviews;
  /** By credential hash: when last_contact_at was last written. */
  private readonly contactWritten = new Map<string, { at: number }>();
  /** By device id: the latest contact this process has seen (written or not). */
  private readonly contactSeen = new Map<string, number>();
  /** How long a 迁出申请 may wait for the resident's version it names (platform/move-requests.ts). */
  moveRequestWaitMs = MOVE_REQUEST_WAIT_MS;

  constructor(
    readonly sql: Sql,
    readonly rules: Record<string, CollectionRule>,
    private readonly now: () => number = Date.now,
  ) {
    this.reviews = new PlatformReviews(now);
  }

  /**
   * Registers or updates a clinic and issues a one-time enrolment code; with `deviceVillages` the device that enrols
   * with it holds only those villages (they must be the clinic's).
   */
  async addClinic(clinic: Clinic, deviceVillages?: readonly string[]): Promise<{ enrolmentCode: string; created: boolean }> {
    const code = randomBytes(12).toString('base64url');
    if (deviceVillages) villagesProblem(clinic, deviceVillages);
    const result = await this.sql.transaction(async (tx) => {
      const existing = await tx.query('SELECT code FROM clinics WHERE code = $1', [clinic.code]);
      if (existing.length === 0) {
        await tx.query('INSERT INTO clinics (code, name, villages, created_at) VALUES ($1, $2, $3, $4)', [clinic.code, clinic.name, JSON.stringify(clinic.villages), this.now()]);
        // The county's 指标口径 reaches a clinic registered after it was set (policy.ts).
        await copyCountyPolicy(tx, clinic.code, this.now());
      } else {
        await tx.query('UPDATE clinics SET name = $2, villages = $3 WHERE code = $1', [clinic.code, clinic.name, JSON.stringify(clinic.villages)]);
      }
      await tx.query('INSERT INTO enrolment_codes (code_hash, clinic_code, created_at, villages) VALUES ($1, $2, $3, $4)', [
        hash(code),
        clinic.code,
        this.now(),
        deviceVillages ? JSON.stringify([...deviceVillages]) : null,
      ]);
      // Every clinic's devices get the county's village list with this clinic's villages (county-villages.ts).
      const notified = await publishCountyVillages(tx, clinic, this.now());
      return { enrolmentCode: code, created: existing.length === 0, notified };
    });
    this.changes.emit('change', { collection: 'settings', clinicCodes: result.notified, villageCodes: [] } satisfies ChangeNotice);
    return { enrolmentCode: result.enrolmentCode, created: result.created };
  }

  /** Issues one more enrolment code for a registered clinic, optionally for some of its villages only. */
  async issueCode(clinicCode: string, deviceVillages?: readonly string[]): Promise<{ enrolmentCode: string; villages: string[] | null }> {
    const clinic = await this.clinic(clinicCode);
    if (!clinic) throw new PlatformError('NOT_FOUND', `No clinic ${clinicCode} is registered.`);
    if (deviceVillages) villagesProblem(clinic, deviceVillages);
    const code = randomBytes(12).toString('base64url');
    await this.sql.query('INSERT INTO enrolment_codes (code_hash, clinic_code, created_at, villages) VALUES ($1, $2, $3, $4)', [
      hash(code),
      clinicCode,
      this.now(),
      deviceVillages ? JSON.stringify([...deviceVillages]) : null,
    ]);
    return { enrolmentCode: code, villages: deviceVillages ? [...deviceVillages] : null };
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
  async enrol(input: { code: string; deviceId: string; blocks: SerialBlock[] }): Promise<{ clinic: Clinic; villages: Clinic['villages']; credential: string; blocks: SerialBlock[] }> {
    const credential = randomBytes(32).toString('base64url');
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ clinic_code: string; used_at: string | null; villages: string | null }>(
        'SELECT clinic_code, used_at, villages FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE',
        [hash(input.code)],
      );
      const row = rows[0];
      if (!row || row.used_at !== null) throw new PlatformError('ENROLMENT_CODE_INVALID', 'This enrolment code is unknown or has already been used.');
      const clinic = (await this.clinic(row.clinic_code, tx))!;
      const taken = await tx.query('SELECT id FROM devices WHERE id = $1', [input.deviceId]);
      if (taken.length > 0) throw new PlatformError('BAD_REQUEST', 'This device is already enrolled; ask the operator to revoke it first.');
      await tx.query('UPDATE enrolment_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1', [hash(input.code), this.now(), input.deviceId]);
      await tx.query('INSERT INTO devices (id, clinic_code, credential_hash, enrolled_at, villages) VALUES ($1, $2, $3, $4, $5)', [
        input.deviceId,
        clinic.code,
        hash(credential),
        this.now(),
        row.villages,
      ]);
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
      return { clinic, villages: deviceScope(clinic, row.villages), credential, blocks: [...own, fresh] };
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

  /**
   * Checks a bearer credential on every request; a revoked device is refused at once. The contact time is stored at
   * most once per CONTACT_WRITE_INTERVAL_MS per device (a write on every request cost ~5 ms on PGlite); in between it
   * is kept in memory, and `status` reports the later of the two.
   */
  async authenticate(credential: string): Promise<Device> {
    const credentialHash = hash(credential);
    const now = this.now();
    const known = this.contactWritten.get(credentialHash);
    const write = known === undefined || now - known.at >= CONTACT_WRITE_INTERVAL_MS || now < known.at;
    const rows = await this.sql.query<{ id: string; clinic_code: string; revoked_at: string | null; villages: string | null }>(
      write
        ? 'UPDATE devices SET last_contact_at = $2 WHERE credential_hash = $1 RETURNING id, clinic_code, revoked_at, villages'
        : 'SELECT id, clinic_code, revoked_at, villages FROM devices WHERE credential_hash = $1 AND $2::bigint IS NOT NULL',
      [credentialHash, now],
    );
    const row = rows[0];
    if (row) {
      if (write) this.contactWritten.set(credentialHash, { at: now });
      this.contactSeen.set(row.id, now);
    }
    if (!row) throw new PlatformError('UNAUTHORIZED', 'Unknown device credential: enrol this device with the platform.');
    if (row.revoked_at !== null) throw new PlatformError('REVOKED', 'This device has been revoked by the platform operator.');
    const clinic = (await this.clinic(row.clinic_code))!;
    return { id: row.id, clinic, villages: deviceScope(clinic, row.villages) };
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
    const villages = device.villages.map((v) => v.code);
    const where =
      rule.scope === 'village' ? 'AND village_code = ANY($4::text[])' : rule.scope === 'clinic' ? 'AND clinic_code = $4' : 'AND $4::text IS NOT NULL';
    const scopeParam = rule.scope === 'village' ? villages : device.clinic.code;
    // Village scope: the first `limit` of each village along documents_by_village, merged, then the bodies of the
    // first `limit` of those. The plain `village_code = ANY(…) ORDER BY seq` walks documents_by_seq over every other
    // township's rows (EXPLAIN ANALYZE on `bench county` data, 10 × 30,000 residents on PostgreSQL 15: 7.1 s → 32 ms
    // for a middle township's first page of encounters).
    const rows = await this.sql.query<{ seq: string | number; body: string }>(
      rule.scope === 'village'
        ? `WITH page AS (
             SELECT x.seq FROM unnest($4::text[]) AS v(code)
             CROSS JOIN LATERAL (SELECT seq FROM documents WHERE collection = $1 AND village_code = v.code AND seq > $2 ORDER BY seq LIMIT $3) x
             ORDER BY x.seq LIMIT $3
           )
           SELECT d.seq, d.body FROM page JOIN documents d ON d.collection = $1 AND d.seq = page.seq ORDER BY d.seq`
        : `SELECT seq, body FROM documents WHERE collection = $1 AND seq > $2 ${where} ORDER BY seq LIMIT $3`,
      [collection, afterSeq, limit, scopeParam],
    );
    if (collection !== RESIDENTS || rule.scope !== 'village') {
      const last = rows[rows.length - 1];
      return { bodies: rows.map((r) => r.body), seq: last ? Number(last.seq) : afterSeq, departed: [] };
    }
    // Departures page with the residents by the one change sequence: the first `limit` of both, in order.
    const gone = await this.sql.query<{ seq: string | number; resident_id: string }>(
      'SELECT seq, resident_id FROM departures WHERE seq > $1 AND from_village = ANY($2::text[]) AND NOT (to_village = ANY($2::text[])) ORDER BY seq LIMIT $3',
      [afterSeq, villages, limit],
    );
    const merged = [...rows.map((r) => ({ seq: Number(r.seq), body: r.body, departed: null })), ...gone.map((g) => ({ seq: Number(g.seq), body: null, departed: g.resident_id }))]
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    const last = merged[merged.length - 1];
    return {
      bodies: merged.flatMap((m) => (m.body === null ? [] : [m.body])),
      seq: last ? last.seq : afterSeq,
      departed: merged.flatMap((m) => (m.departed === null ? [] : [m.departed])),
    };
  }

  /** How many documents this device would still pull after `afterSeq` (progress and ETA of a long first sync). */
  async remaining(device: Device, collection: string, afterSeq: number): Promise<number> {
    const rule = this.rule(collection);
    const where =
      rule.scope === 'village' ? 'AND village_code = ANY($3::text[])' : rule.scope === 'clinic' ? 'AND clinic_code = $3' : 'AND $3::text IS NOT NULL';
    const scopeParam = rule.scope === 'village' ? device.villages.map((v) => v.code) : device.clinic.code;
    const rows = await this.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM documents WHERE collection = $1 AND seq > $2 ${where}`, [collection, afterSeq, scopeParam]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Why a document may not come from this device, or null when it may. */
  private jurisdictionProblem(device: Device, rule: CollectionRule, doc: { clinicCode: unknown; villageCode: unknown }): string | null {
    if (rule.scope === 'none') return null;
    if (rule.scope === 'clinic') return doc.clinicCode === device.clinic.code ? null : `clinicCode ${String(doc.clinicCode)} is not this device's clinic ${device.clinic.code}`;
    const village = String(doc.villageCode);
    if (device.villages.some((v) => v.code === village)) return null;
    return device.villages.length < device.clinic.villages.length && device.clinic.villages.some((v) => v.code === village)
      ? `village ${village} is not one of this device's villages (${device.villages.map((v) => v.code).join(', ')})`
      : `village ${village} is not in the jurisdiction of clinic ${device.clinic.code}`;
  }

  /**
   * RxDB push: in one transaction, each row is written when the stored document is the one the device assumed
   * (same revision), else answered with the stored one as a conflict. Re-sending a row already stored is a no-op,
   * so a push delivered twice changes nothing. A row outside the device's jurisdiction refuses the whole push
   * (nothing written) and is logged: the device keeps it and shows the error. An edit about a resident who moved out
   * of the device's villages on the platform (item 6) is parked for review instead: kept, not applied, not answered
   * as a conflict (which would only come back), so the device can upload it and then purge the resident.
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
      const movedAway = rule.scope === 'village' ? await this.movedAway(tx, device, incoming.map((i) => ownerOf(collection, i.row.newDocumentState))) : new Set<string>();
      const conflicts: WireDocument[] = [];
      const forwarded: TouchedScope[] = [];
      const restored: string[] = [];
      const writes = new Map<string, { doc: WireDocument; rev: string; body: string }>();
      for (const { row, id } of incoming) {
        const current = stored.get(id);
        const body = canonicalJson(row.newDocumentState);
        const rev = hash(body);
        const owner = ownerOf(collection, row.newDocumentState);
        // The county's 指标口径 and village list are the operator's to set (policy.ts, county-villages.ts): a device's
        // change to them is refused, not merged. The stored version gets a new sequence, so the device pulls it back.
        if (collection === 'settings' && isCountyOwned(String(row.newDocumentState['id']))) {
          if (current?.rev !== rev) {
            await this.logRefusal(device, collection, id, 'county documents (indicator rules, village list) are set on the platform', tx);
            if (current) restored.push(id);
          }
          continue;
        }
        if (owner !== null && movedAway.has(owner)) {
          if (current?.rev !== rev) {
            // The requesting clinic's own late edit goes on to the resident's new clinic when nothing conflicts
            // (platform/moved-edits.ts); any other is parked for review.
            const late = await forwardRequesterEdit(tx, { device, collection, id, residentId: owner, row, body, now: this.now() });
            if (late.kind === 'forwarded') forwarded.push(...late.touched);
            else await this.park(tx, device, collection, id, row, body, late.reason, late.why);
          }
          continue;
        }
        if (current) {
          // A document moved out of this clinic on the platform stays where it is; the edit is refused, not merged.
          const problem = this.jurisdictionProblem(device, rule, { clinicCode: current.clinic_code, villageCode: current.village_code });
          if (problem) {
            await this.logRefusal(device, collection, id, `stored copy: ${problem}`, tx);
            throw new PlatformError('OUT_OF_JURISDICTION', `Document ${id} of ${collection} was refused: ${problem}.`, { collection, id });
          }
          if (current.rev === rev) continue;
          // A device's merge of a duplicate that another decision overtook is answered with the platform's record.
          if (collection === RESIDENTS && (await this.reviews.refusesPendingMerge(tx, row.newDocumentState))) {
            conflicts.push(JSON.parse(current.body) as WireDocument);
            continue;
          }
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
        // The county report's indicator records, in this same transaction (county/facts.ts).
        await writeFacts(tx, collection, list.map(([id]) => id));
      }
      if (restored.length > 0) await tx.query(`UPDATE documents SET seq = nextval('document_seq') WHERE collection = $1 AND id = ANY($2::text[])`, [collection, restored]);
      // Duplicate residents, settled reviews and shared conflicts (platform/reviews.ts), decided under the same lock.
      const touched: Touched = writes.size > 0 ? await this.reviews.afterPush(tx, device, collection, [...writes.values()].map((w) => w.doc)) : (new Map() as Touched);
      // A clinic's move requests (platform/move-requests.ts), applied or refused in the same transaction.
      const requested =
        collection === 'settings' && writes.size > 0
          ? await applyMoveRequests(tx, device, [...writes.values()].map((w) => w.doc), (m) => this.moveResidentIn(tx, m), this.now())
          : collection === RESIDENTS && writes.size > 0
            ? await applyWaitingMoveRequests(tx, device, [...writes.values()].map((w) => w.doc), (m) => this.moveResidentIn(tx, m), this.now())
            : { moves: [], answered: 0 };
      return { conflicts, written: [...writes.values()].map((w) => w.doc), touched, restored, requested, forwarded };
    });
    for (const m of result.requested.moves) this.emitMove(m);
    // The county's restored 指标口径 and answered move requests: the pushing device pulls them back.
    if (result.restored.length > 0 || result.requested.answered > 0) this.changes.emit('change', { collection: 'settings', clinicCodes: [device.clinic.code], villageCodes: [] } satisfies ChangeNotice);
    for (const t of result.forwarded) this.changes.emit('change', { collection: t.collection, clinicCodes: t.clinicCodes, villageCodes: t.villageCodes } satisfies ChangeNotice);
    for (const [name, t] of result.touched) {
      this.changes.emit('change', { collection: name, clinicCodes: [...t.clinicCodes], villageCodes: [...t.villageCodes] } satisfies ChangeNotice);
    }
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

  /**
   * Refuses, as timed out, the 迁出申请 that waited longer than `moveRequestWaitMs` for their resident's version
   * (platform/move-requests.ts); under the push lock. The running server calls it on a timer; returns how many.
   */
  async expireMoveRequests(): Promise<number> {
    const r = await this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
      return expireWaitingMoveRequests(tx, this.now(), this.moveRequestWaitMs);
    });
    if (r.clinics.length > 0) this.changes.emit('change', { collection: 'settings', clinicCodes: r.clinics, villageCodes: [] } satisfies ChangeNotice);
    return r.expired;
  }

  /** Residents among `owners` who moved out of a village of this device and now live outside its villages. */
  private async movedAway(q: Queryable, device: Device, owners: ReadonlyArray<string | null>): Promise<Set<string>> {
    const ids = [...new Set(owners.filter((o): o is string => o !== null))];
    if (ids.length === 0) return new Set();
    const rows = await q.query<{ resident_id: string }>(
      `SELECT DISTINCT d.resident_id FROM departures d JOIN documents r ON r.collection = '${RESIDENTS}' AND r.id = d.resident_id
       WHERE d.resident_id = ANY($1::text[]) AND d.from_village = ANY($2::text[]) AND NOT (r.village_code = ANY($2::text[]))`,
      [ids, device.villages.map((v) => v.code)],
    );
    return new Set(rows.map((r) => r.resident_id));
  }

  private async park(q: Queryable, device: Device, collection: string, id: string, row: PushRow, body: string, reason: string, why: LateEditWhy): Promise<void> {
    // The same edit delivered twice is parked once.
    const same = await q.query('SELECT id FROM parked WHERE device_id = $1 AND collection = $2 AND document_id = $3 AND body = $4 AND settled_at IS NULL', [device.id, collection, id, body]);
    if (same.length > 0) return;
    await q.query('INSERT INTO parked (at, device_id, clinic_code, collection, document_id, reason, body, assumed, why) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      this.now(),
      device.id,
      device.clinic.code,
      collection,
      id,
      reason,
      body,
      row.assumedMasterState ? canonicalJson(row.assumedMasterState) : null,
      JSON.stringify(why),
    ]);
  }

  /** Edits parked for review (all devices', or one device's), oldest first; settled ones are left out. */
  async parkedEdits(deviceId?: string): Promise<ParkedEdit[]> {
    const rows = await this.sql.query<{ id: string | number; at: string | number; device_id: string; clinic_code: string; collection: string; document_id: string; reason: string; body: string }>(
      `SELECT id, at, device_id, clinic_code, collection, document_id, reason, body FROM parked WHERE settled_at IS NULL ${deviceId === undefined ? 'AND $1::text IS NULL' : 'AND device_id = $1'} ORDER BY id`,
      [deviceId ?? null],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      deviceId: r.device_id,
      clinicCode: r.clinic_code,
      collection: r.collection,
      documentId: r.document_id,
      reason: r.reason,
      document: JSON.parse(r.body) as WireDocument,
    }));
  }

  /**
   * Applies a parked edit to the resident's current record (three-way merge; a true conflict becomes a review at the
   * clinics holding them now) or discards it with a reason (platform/parked.ts). Under the push lock, so it is decided
   * in one order with pushes and moves; recorded on the parked row; asking again for the same action changes nothing.
   */
  async settleParked(input: { id: number; action: ParkedAction; reason?: string | undefined; by: string }): Promise<ParkedSettlement> {
    const { result, touched } = await this.sql
      .transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
        return settleParked(tx, { ...input, now: this.now() });
      })
      .catch((e: unknown) => {
        throw e instanceof ParkedRefusal ? new PlatformError(e.code, e.message, { id: input.id }) : e;
      });
    for (const t of touched) this.changes.emit('change', { collection: t.collection, clinicCodes: t.clinicCodes, villageCodes: t.villageCodes } satisfies ChangeNotice);
    return result;
  }

  /**
   * Re-homes a resident and every document about them to `villageCode` (shared/sync/moves.ts `rehome`) in one
   * transaction: each re-homed document gets a new change sequence (the new village's devices pull it), a departure
   * is recorded for the old village's devices (they purge the resident after uploading their edits), and the move is
   * audited in `moves`. The new owner is the clinic whose villages include `villageCode` (`clinicCode` picks one when
   * several do). Moving a resident where they already live writes nothing.
   */
  async moveResident(input: MoveInput): Promise<MoveResult> {
    const result = await this.sql.transaction((tx) => this.moveResidentIn(tx, input));
    this.emitMove(result);
    return result;
  }

  private emitMove(result: MoveResult): void {
    if (result.documents === 0) return;
    for (const collection of [RESIDENTS, ...MOVING_COLLECTIONS]) {
      this.changes.emit('change', { collection, clinicCodes: [result.fromClinic, result.toClinic], villageCodes: [result.fromVillage, result.toVillage] } satisfies ChangeNotice);
    }
  }

  /** `moveResident` inside a transaction the caller holds (a push applying a clinic's move request). */
  private async moveResidentIn(tx: Queryable, input: MoveInput): Promise<MoveResult> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
    const res = await tx.query<{ body: string; clinic_code: string; village_code: string | null }>(
      `SELECT body, clinic_code, village_code FROM documents WHERE collection = '${RESIDENTS}' AND id = $1 AND NOT deleted FOR UPDATE`,
      [input.residentId],
    );
    const resident = res[0];
    if (!resident) throw new PlatformError('NOT_FOUND', `No resident ${input.residentId} on the platform.`);
    const clinics = await tx.query<{ code: string; villages: string }>('SELECT code, villages FROM clinics ORDER BY code');
    const owners = clinics
      .filter((c) => (JSON.parse(c.villages) as Clinic['villages']).some((v) => v.code === input.villageCode))
      .map((c) => c.code)
      .filter((c) => input.clinicCode === undefined || c === input.clinicCode);
    if (owners.length === 0) throw new PlatformError('BAD_REQUEST', `No registered clinic${input.clinicCode ? ` ${input.clinicCode}` : ''} serves village ${input.villageCode}.`);
    if (owners.length > 1 && !owners.includes(resident.clinic_code)) {
      throw new PlatformError('BAD_REQUEST', `Village ${input.villageCode} is served by several clinics (${owners.join(', ')}); name one with --clinic.`);
    }
    const toClinic = owners.includes(resident.clinic_code) ? resident.clinic_code : owners[0]!;
    // Canonical JSON writes "residentId":"<id>" exactly so: a cheap filter before each candidate is parsed.
    const about = await tx.query<{ collection: string; body: string }>(
      `SELECT collection, body FROM documents WHERE collection = ANY($1::text[]) AND NOT deleted AND body LIKE $2 FOR UPDATE`,
      [MOVING_COLLECTIONS, `%"residentId":${JSON.stringify(input.residentId)}%`],
    );
    const docs: Array<CollectionDoc<ScopedDoc & WireDocument>> = [
      { collection: RESIDENTS, doc: JSON.parse(resident.body) as ScopedDoc & WireDocument },
      ...about.map((r) => ({ collection: r.collection as SyncCollection, doc: JSON.parse(r.body) as ScopedDoc & WireDocument })),
    ];
    const moved = rehome(input.residentId, docs, { villageCode: input.villageCode, clinicCode: toClinic, at: this.now() });
    const fromVillage = resident.village_code ?? '';
    const out: MoveResult = { residentId: input.residentId, fromVillage, toVillage: input.villageCode, fromClinic: resident.clinic_code, toClinic, documents: moved.length };
    if (moved.length === 0) return out;
    // The departure takes its sequence before the re-homed documents, so a device whose villages hold both the
    // old and a later home meets the departure first and the resident's return after it.
    if (fromVillage !== input.villageCode) {
      await tx.query("INSERT INTO departures (seq, resident_id, from_village, to_village, at) VALUES (nextval('document_seq'), $1, $2, $3, $4)", [
        input.residentId,
        fromVillage,
        input.villageCode,
        this.now(),
      ]);
    }
    for (const m of moved) {
      const body = canonicalJson(m.doc);
      await tx.query(
        `UPDATE documents SET seq = nextval('document_seq'), clinic_code = $3, village_code = $4, rev = $5, body = $6, written_by = $7, written_at = $8
         WHERE collection = $1 AND id = $2`,
        [m.collection, m.doc.id, toClinic, input.villageCode, hash(body), body, `move:${input.requestedBy}`.slice(0, 200), this.now()],
      );
    }
    for (const collection of new Set(moved.map((m) => m.collection))) {
      await writeFacts(tx, collection, moved.filter((m) => m.collection === collection).map((m) => m.doc.id));
    }
    await tx.query(
      'INSERT INTO moves (resident_id, from_village, to_village, from_clinic, to_clinic, documents, requested_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [input.residentId, fromVillage, input.villageCode, resident.clinic_code, toClinic, moved.length, input.requestedBy, this.now()],
    );
    return out;
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
      villages: string | null;
    }>('SELECT id, clinic_code, enrolled_at, revoked_at, last_contact_at, acked_up_to, pending, villages FROM devices ORDER BY enrolled_at');
    // Kept by the writes' own triggers (migration 0160): one row per clinic, not a count over every document.
    const counts = await this.sql.query<{ clinic_code: string; n: string }>('SELECT clinic_code, documents AS n FROM clinic_document_counts');
    const refusals = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM refusals');
    const parked = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM parked WHERE settled_at IS NULL');
    const moves = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM moves');
    const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
    const latest = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
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
            lastContactAt: latest(num(d.last_contact_at), this.contactSeen.get(d.id) ?? null),
            ackedUpTo: num(d.acked_up_to),
            pending: num(d.pending),
            villages: d.villages === null ? null : (JSON.parse(d.villages) as string[]),
          })),
      })),
      refusals: Number(refusals[0]?.n ?? 0),
      parked: Number(parked[0]?.n ?? 0),
      moves: Number(moves[0]?.n ?? 0),
      moveRequests: await moveRequestsStatus(this.sql, this.now(), this.moveRequestWaitMs),
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
