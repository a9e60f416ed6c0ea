/**
 * The work list's per-resident facts: a few fields of each resident, encounter and contract, enough to run the pure
 * work-list rules without reading whole documents. Those few fields are a projection (`patientProjection`, kept by
 * the storage in every write's transaction, so they are never behind the documents), read by resident through its
 * index; nothing is loaded in full (issue 10 §4: a 200,000-resident clinic). The rows the rules derive from them for
 * a day are cached in their own projection (work-cache.ts).
 */
import type { RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { CalendarDate } from '../../../shared/domain/dates';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { classificationReading, type BpReading } from '../../../shared/domain/blood-pressure';
import type { ClinicDatabase } from '../../store/database';
import type { AnyDocument, Projection } from '../../store/rx-storage-sqlcipher';
import type { Database } from '../../store/sqlite-file';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { EventBus } from '../event-bus';
import { assertProjectionReady } from '../data-update';

type Meta = { _deleted?: boolean; _meta?: { lwt: number } };

export interface ResidentLite {
  id: string;
  lwt: number;
  name: string;
  sex: string;
  birthDate: CalendarDate;
  phone: string;
  villageCode: string;
  status: ResidentDoc['status'];
  responsibleDoctor: string;
  pastDiseaseCodes: string[];
  disabilityCodes: string[];
  flags: { isPregnant?: boolean; isPoor?: boolean; isFpSpecialFamily?: boolean };
}

/** The fields of an encounter's form that the work list and fulfilment read. */
export interface EncounterLite {
  id: string;
  lwt: number;
  type: EncounterDoc['type'];
  date: CalendarDate;
  status: EncounterDoc['status'];
  amends: string;
  createdAt: number;
  completedAt: number;
  f: Record<string, unknown>;
}

export interface ContractLite {
  id: string;
  lwt: number;
  teamId: string;
  startDate: CalendarDate;
  endDate: CalendarDate;
  status: ContractDoc['status'];
  signDate: CalendarDate | null;
  terminatedDate: CalendarDate | null;
  doctorId: string;
  doctorName: string;
  previousContractId: string;
}

export interface PatientEntry {
  residentId: string;
  resident: ResidentLite | null;
  encounters: Map<string, EncounterLite>;
  contracts: Map<string, ContractLite>;
  /** Derived rows for one (today, options) key, dropped on any change to this patient. */
  memo: { key: string; value: unknown } | null;
}

/** Form fields kept per encounter type: only what rules and fulfilment read. */
const KEPT: Partial<Record<EncounterDoc['type'], readonly string[]>> = {
  htnFollowup: ['visitMode', 'classification', 'nextVisitDate', 'nextStep', 'sbp', 'dbp'],
  t2dmFollowup: ['visitMode', 'classification', 'nextVisitDate', 'fastingGlucose', 'nextStep', 'sbp', 'dbp'],
  measurement: ['sbp', 'dbp', 'fastingGlucose'],
  htnEnrolment: ['status', 'enrolledDate', 'bpTarget'],
  t2dmEnrolment: ['status', 'enrolledDate', 'bpTarget'],
  referralCheck: ['sourceId', 'disease', 'dueDate', 'checkedDate'],
  contractService: ['serviceCode', 'contractId'],
  healthCheck: [],
  selfCareAssessment: [],
};

/**
 * The screening values of a health check (issue 12): the higher arm's BP (records.md §3.2), the fasting glucose, and
 * the waist and BMI as risk factors; flattened into the lite row as sbp/dbp/fastingGlucose/waist/bmi.
 */
export function checkReadingFields(form: Record<string, unknown>, computed: Record<string, unknown>): Record<string, number> {
  const g = (form['generalCondition'] ?? {}) as Record<string, unknown>;
  const aux = (form['auxExams'] ?? {}) as Record<string, unknown>;
  const pair = (v: unknown): BpReading | null => {
    const o = (v ?? {}) as Record<string, unknown>;
    return typeof o['sbp'] === 'number' && typeof o['dbp'] === 'number' ? { sbp: o['sbp'], dbp: o['dbp'] } : null;
  };
  const out: Record<string, number> = {};
  const bp = classificationReading(pair(g['bpLeft']), pair(g['bpRight']));
  if (bp) {
    out['sbp'] = bp.sbp;
    out['dbp'] = bp.dbp;
  }
  if (typeof aux['fastingGlucose'] === 'number') out['fastingGlucose'] = aux['fastingGlucose'];
  if (typeof g['waist'] === 'number') out['waist'] = g['waist'];
  if (typeof computed['bmi'] === 'number') out['bmi'] = computed['bmi'];
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function residentLite(doc: ResidentDoc & Meta): ResidentLite {
  const data = doc.data;
  const past = Array.isArray(data['pastDiseases']) ? (data['pastDiseases'] as { code?: unknown }[]) : [];
  const flags = (data['flags'] ?? {}) as ResidentLite['flags'];
  return {
    id: doc.id,
    lwt: doc._meta?.lwt ?? 0,
    name: doc.name,
    sex: String(doc.sex),
    birthDate: doc.birthDate,
    phone: doc.phone,
    villageCode: doc.villageCode,
    status: doc.status,
    responsibleDoctor: str(data['responsibleDoctor']),
    pastDiseaseCodes: past.map((p) => str(p.code)),
    disabilityCodes: Array.isArray(data['disabilities']) ? (data['disabilities'] as unknown[]).map(str) : [],
    flags: { isPregnant: flags.isPregnant === true, isPoor: flags.isPoor === true, isFpSpecialFamily: flags.isFpSpecialFamily === true },
  };
}

export function encounterLite(doc: EncounterDoc & Meta): EncounterLite | null {
  const kept = KEPT[doc.type];
  if (!kept) return null;
  const form = (doc.data['form'] ?? {}) as Record<string, unknown>;
  const computed = (doc.data['computed'] ?? {}) as Record<string, unknown>;
  const f: Record<string, unknown> = {};
  for (const k of kept) if (form[k] !== undefined && form[k] !== null) f[k] = form[k];
  if (doc.type === 'htnFollowup' || doc.type === 't2dmFollowup') {
    if (typeof computed['referralCheckDue'] === 'string') f['referralCheckDue'] = computed['referralCheckDue'];
  }
  if (doc.type === 'healthCheck') Object.assign(f, checkReadingFields(form, computed));
  return {
    id: doc.id,
    lwt: doc._meta?.lwt ?? 0,
    type: doc.type,
    date: doc.date,
    status: doc.status,
    amends: doc.amends,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt ?? 0,
    f,
  };
}

export function contractLite(doc: ContractDoc & Meta): ContractLite {
  const data = doc.data;
  const termination: unknown = data['termination'];
  return {
    id: doc.id,
    lwt: doc._meta?.lwt ?? 0,
    teamId: doc.teamId,
    startDate: doc.startDate,
    endDate: doc.endDate,
    status: doc.status,
    signDate: str(data['signDate']) || null,
    terminatedDate: (typeof termination === 'object' && termination !== null && 'terminatedDate' in termination ? str(termination.terminatedDate) : '') || null,
    doctorId: str(data['doctorId']),
    doctorName: str(data['doctorName']),
    previousContractId: str(data['previousContractId']),
  };
}

/** The projection's rows (one per document); the work list reads a moved document's previous owner here. */
export const PATIENT_DOCS = 'p_patient_docs';
const TABLE = PATIENT_DOCS;
type Kind = 'r' | 'e' | 'c';

/**
 * The residents the rows name, one row each: what the work list's full pass computes, counted for its progress
 * (`workPassProgress`). Counting them from the rows themselves (`count(DISTINCT resident_id)`) read the whole index by
 * document, some 3 s at 200,000 residents, and the 工作台's first screen on a clinic's very first day waited for it.
 *
 * Kept by triggers on the rows, so it commits with every write that changes them, whoever writes: this build's
 * `apply`, a rebuild's pages, and an older build of the app that knows nothing of this table (version 3 of the rows
 * is the same; its writes fire the triggers all the same). Only dropping the rows' table loses the triggers (they go
 * with it): an older build's rebuild does that, and leaves this table stale. So `create` checks that the triggers are
 * all there; if not (that case, or a file written before this table), it counts the residents from the rows once and
 * creates them, in the same transaction.
 *
 * Their number is kept too, in a one-row table, by triggers on the residents' table: the progress reads it at every
 * call, and a `count(*)` of 200,000 residents read 1,500 pages (80 ms of CPU whenever the pass had pushed them out of
 * the page cache, which it does: it reads every patient row).
 */
const RESIDENTS = 'p_patient_residents';
/** How many residents the rows name: the work list's full pass reads its total here. */
export const PATIENT_RESIDENT_COUNT = 'p_patient_resident_count';
const COUNT = PATIENT_RESIDENT_COUNT;

const TRIGGERS: Record<string, string> = {
  [`${TABLE}_resident_in`]: `AFTER INSERT ON ${TABLE} BEGIN INSERT OR IGNORE INTO ${RESIDENTS} (resident_id) VALUES (new.resident_id); END`,
  // A resident whose last row goes (a deleted resident with no documents left, a merge's moved documents).
  [`${TABLE}_resident_out`]:
    `AFTER DELETE ON ${TABLE} WHEN NOT EXISTS (SELECT 1 FROM ${TABLE} WHERE resident_id = old.resident_id) ` +
    `BEGIN DELETE FROM ${RESIDENTS} WHERE resident_id = old.resident_id; END`,
  // `apply` never changes a row's resident (a moved document's row is deleted and inserted), but a row's key may be.
  [`${TABLE}_resident_moved`]:
    `AFTER UPDATE OF resident_id ON ${TABLE} BEGIN INSERT OR IGNORE INTO ${RESIDENTS} (resident_id) VALUES (new.resident_id); ` +
    `DELETE FROM ${RESIDENTS} WHERE resident_id = old.resident_id AND NOT EXISTS (SELECT 1 FROM ${TABLE} WHERE resident_id = old.resident_id); END`,
  // An INSERT OR IGNORE that finds the resident there inserts nothing and fires nothing.
  [`${RESIDENTS}_count_in`]: `AFTER INSERT ON ${RESIDENTS} BEGIN UPDATE ${COUNT} SET n = n + 1; END`,
  [`${RESIDENTS}_count_out`]: `AFTER DELETE ON ${RESIDENTS} BEGIN UPDATE ${COUNT} SET n = n - 1; END`,
};

function keepResidents(db: Database): void {
  const names = Object.keys(TRIGGERS);
  const present = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(names));
  if (present === names.length) return;
  for (const name of names) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
  // Read through the index by document (a fifth of the table's pages), each resident kept once by the key of a
  // temporary table, then appended in key order: 30,000 residents in 73 ms of CPU, against 134 ms with DISTINCT,
  // 259 ms straight into the table (inserted in document order, all over its pages), 400 ms in the rows' order.
  db.exec(`
    DELETE FROM ${RESIDENTS};
    CREATE TEMP TABLE ${RESIDENTS}_fill (resident_id TEXT PRIMARY KEY) WITHOUT ROWID;
    INSERT OR IGNORE INTO temp.${RESIDENTS}_fill (resident_id) SELECT resident_id FROM ${TABLE} INDEXED BY ${TABLE}_by_doc;
    INSERT INTO ${RESIDENTS} (resident_id) SELECT resident_id FROM temp.${RESIDENTS}_fill ORDER BY resident_id;
    DROP TABLE temp.${RESIDENTS}_fill;
    DELETE FROM ${COUNT};
    INSERT INTO ${COUNT} (n) SELECT count(*) FROM ${RESIDENTS};
  `);
  for (const [name, body] of Object.entries(TRIGGERS)) db.exec(`CREATE TRIGGER ${name} ${body}`);
}

function liteOf(collection: string, doc: AnyDocument): { kind: Kind; residentId: string; lite: { id: string; lwt: number } | null } | null {
  switch (collection) {
    case 'residents': {
      const d = doc as unknown as ResidentDoc & Meta;
      return { kind: 'r', residentId: d.id, lite: d._deleted ? null : residentLite(d) };
    }
    case 'encounters': {
      const d = doc as unknown as EncounterDoc & Meta;
      return { kind: 'e', residentId: d.residentId, lite: d._deleted ? null : encounterLite(d) };
    }
    case 'contracts': {
      const d = doc as unknown as ContractDoc & Meta;
      return { kind: 'c', residentId: d.residentId, lite: d._deleted ? null : contractLite(d) };
    }
    default:
      return null;
  }
}

/**
 * The lite rows of every resident, encounter and contract, by resident. Raise `version` whenever `KEPT` or the
 * shape of a lite record changes: the rows are then rebuilt from the documents on open.
 *
 * The table is clustered by resident (a `WITHOUT ROWID` table keyed by resident, then document): one resident's rows
 * sit on neighbouring pages, so reading a resident (an advance of the work list reads some 1,500 of 200,000
 * scattered residents) touches a page or two instead of one per document, wherever and whenever each was written.
 * The unique index by document finds a document's row (a write, a moved document's previous owner).
 */
export const patientProjection: Projection = {
  name: 'patients',
  // 3: clustered by resident (WITHOUT ROWID, PRIMARY KEY (resident_id, doc_id)) instead of by rowid in write order.
  version: 3,
  collections: ['residents', 'encounters', 'contracts'],
  create(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${TABLE} (
        resident_id TEXT NOT NULL, doc_id TEXT NOT NULL, kind TEXT NOT NULL, lite TEXT NOT NULL,
        PRIMARY KEY (resident_id, doc_id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_by_doc ON ${TABLE} (doc_id);
      CREATE TABLE IF NOT EXISTS ${RESIDENTS} (resident_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${COUNT} (n INTEGER NOT NULL);
    `);
    keepResidents(db);
  },
  drop(db) {
    // The triggers go with their table.
    db.exec(`DROP TABLE IF EXISTS ${TABLE}; DROP TABLE IF EXISTS ${RESIDENTS}; DROP TABLE IF EXISTS ${COUNT}`);
  },
  apply(db, collection, docs) {
    const s = patientStatements(db);
    for (const doc of docs) {
      const row = liteOf(collection, doc);
      if (!row) continue;
      const id = String(doc['id']);
      if (row.lite) {
        s.moved.run(id, row.residentId);
        s.upsert.run(row.residentId, id, row.kind, JSON.stringify(row.lite));
      }
      else s.remove.run(id);
    }
  },
};

type Statement = BetterSqlite3.Statement<unknown[]>;
const prepared = new WeakMap<Database, { moved: Statement; upsert: Statement; remove: Statement }>();

function patientStatements(db: Database): { moved: Statement; upsert: Statement; remove: Statement } {
  let s = prepared.get(db);
  if (!s) {
    s = {
      // A document moved to another resident (a merge) leaves its old row first; a document that stays is updated
      // in place, which writes only its page of the table (not the index by document, whose key is unchanged).
      moved: db.prepare(`DELETE FROM ${TABLE} WHERE doc_id = ? AND resident_id <> ?`),
      upsert: db.prepare(
        `INSERT INTO ${TABLE} (resident_id, doc_id, kind, lite) VALUES (?, ?, ?, ?) ` +
          'ON CONFLICT(resident_id, doc_id) DO UPDATE SET kind = excluded.kind, lite = excluded.lite',
      ),
      remove: db.prepare(`DELETE FROM ${TABLE} WHERE doc_id = ?`),
    };
    prepared.set(db, s);
  }
  return s;
}

/** More changed residents than this in one bulk (a seed, a sync pull) are announced as "everything changed". */
const EVENT_ID_LIMIT = 500;

/** Up to this many residents' rows per statement (SQLite's variable limit is far above; json_each takes one). */
const READ_CHUNK = 500;

/** Groups the projection's rows of some residents into entries (every document has one row: no duplicates). */
function entriesFrom(rows: Iterable<[string, Kind, string]>): Map<string, PatientEntry> {
  const out = new Map<string, PatientEntry>();
  for (const [residentId, kind, json] of rows) {
    let e = out.get(residentId);
    if (!e) {
      e = { residentId, resident: null, encounters: new Map(), contracts: new Map(), memo: null };
      out.set(residentId, e);
    }
    if (kind === 'r') e.resident = JSON.parse(json) as ResidentLite;
    else if (kind === 'e') {
      const lite = JSON.parse(json) as EncounterLite;
      e.encounters.set(lite.id, lite);
    } else {
      const lite = JSON.parse(json) as ContractLite;
      e.contracts.set(lite.id, lite);
    }
  }
  return out;
}

/**
 * The work list's view of residents, read straight from the `patientProjection` rows by resident (an index
 * lookup), never loaded in full: memory stays flat however big the clinic. The change streams (which the storage
 * emits once a write has committed, before the write returns) publish `worklist.changed` so the UI re-queries.
 * The event names residents, so it carries only those the signed-in user may see (issue 11): a change is announced
 * when the record's village, before or after the write, is one of `visible` (null: every village).
 */
export class PatientIndex {
  private subscriptions: Subscription[] = [];
  private readonly select = new Map<number, Statement>();
  private range: Statement | undefined;

  constructor(
    private readonly db: ClinicDatabase,
    private readonly bus: EventBus | null,
    private readonly visible: ReadonlySet<string> | null = null,
  ) {}

  /** Follow the change streams from now on, to announce changes. */
  start(): void {
    const follow = <T extends { id: string; villageCode: string }>(instance: RxStorageInstance<T, unknown, unknown>, residentOf: (doc: T) => string) =>
      instance.changeStream().subscribe((bulk) => {
        const changed = new Set<string>();
        for (const e of bulk.events) {
          // A move between villages is news on both sides: the old village's list loses the resident.
          const villages = [e.documentData.villageCode, e.previousDocumentData?.villageCode];
          if (this.visible === null || villages.some((v) => v !== undefined && this.visible?.has(v))) changed.add(residentOf(e.documentData));
        }
        this.announce(changed);
      });
    this.subscriptions = [
      follow(this.db.rx.residents.storageInstance, (d) => d.id),
      follow(this.db.rx.encounters.storageInstance, (d) => d.residentId),
      follow(this.db.rx.contracts.storageInstance, (d) => d.residentId),
    ];
  }

  stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
  }

  private announce(changed: Set<string>): void {
    if (changed.size === 0 || !this.bus) return;
    const all = changed.size > EVENT_ID_LIMIT;
    this.bus.publish('worklist.changed', { residentIds: all ? [] : [...changed], all });
  }

  /** Always true: every read goes to the projection, which is never behind the documents. */
  get isLoaded(): boolean {
    return true;
  }

  /** One resident's entry as the projection holds it now; undefined when nothing is stored for the id. */
  get(residentId: string): PatientEntry | undefined {
    return this.many([residentId]).get(residentId);
  }

  /** The entries of these residents (the ones with stored rows), read synchronously in a few statements. */
  many(residentIds: readonly string[]): Map<string, PatientEntry> {
    // After an upgrade the rows may still be rebuilding (projections.ts): incomplete entries would mislead.
    assertProjectionReady(this.db, patientProjection.name);
    const out = new Map<string, PatientEntry>();
    for (let i = 0; i < residentIds.length; i += READ_CHUNK) {
      const ids = residentIds.slice(i, i + READ_CHUNK);
      for (const [id, e] of entriesFrom(this.rows(ids))) out.set(id, e);
    }
    return out;
  }

  /**
   * The next `count` residents after `after` in id order, with their entries: one ordered range scan of the table
   * (clustered by resident) instead of a lookup per resident (a full pass of the work list over every resident).
   */
  next(after: string, count: number): { ids: string[]; entries: Map<string, PatientEntry> } {
    assertProjectionReady(this.db, patientProjection.name);
    this.range ??= this.db.sql.prepare(`SELECT resident_id, kind, lite FROM ${TABLE} WHERE resident_id > ? ORDER BY resident_id`).raw();
    const ids: string[] = [];
    const rows: [string, Kind, string][] = [];
    // Read up to the first row of the resident after the last one wanted (leaving the loop ends the statement).
    for (const row of this.range.iterate(after) as Iterable<[string, Kind, string]>) {
      if (row[0] !== ids[ids.length - 1]) {
        if (ids.length === count) break;
        ids.push(row[0]);
      }
      rows.push(row);
    }
    return { ids, entries: entriesFrom(rows) };
  }

  private rows(ids: readonly string[]): Iterable<[string, Kind, string]> {
    let s = this.select.get(ids.length);
    if (!s) {
      s = this.db.sql.prepare(`SELECT resident_id, kind, lite FROM ${TABLE} WHERE resident_id IN (${ids.map(() => '?').join(',')})`).raw();
      // Only the common sizes are kept: a full chunk and a single resident.
      if (ids.length === READ_CHUNK || ids.length === 1) this.select.set(ids.length, s);
    }
    return s.iterate(...ids) as Iterable<[string, Kind, string]>;
  }

  /** Every resident id the projection knows (live residents and ids that only encounters still name), in id order. */
  *residentIds(): IterableIterator<string> {
    yield* this.db.sql.prepare(`SELECT DISTINCT resident_id FROM ${TABLE} ORDER BY resident_id`).pluck().iterate() as IterableIterator<string>;
  }
}
