/**
 * The work list's memory of every resident: a few fields of each resident, encounter and contract, enough to run
 * the pure work-list rules without reading 200,000 documents per query. Those few fields are a projection
 * (`patientProjection`, kept by the storage in every write's transaction, so they are never behind the documents);
 * the memory is loaded once from it (lazily, on the first work-list call) and kept current from the storage change
 * streams, which the storage emits once a write has committed, before the write returns, so a saved follow-up is on
 * the next query's list. Every change also publishes `worklist.changed` so the UI re-queries. A row only replaces
 * one with an older `lwt`, so a row read during the load can never overwrite a newer change event.
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

const TABLE = 'p_patient_docs';
type Kind = 'r' | 'e' | 'c';

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
 */
export const patientProjection: Projection = {
  name: 'patients',
  version: 2,
  collections: ['residents', 'encounters', 'contracts'],
  create(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${TABLE} (
        doc_id TEXT PRIMARY KEY, resident_id TEXT NOT NULL, kind TEXT NOT NULL, lite TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${TABLE}_by_resident ON ${TABLE} (resident_id);
    `);
  },
  drop(db) {
    db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  },
  apply(db, collection, docs) {
    const s = patientStatements(db);
    for (const doc of docs) {
      const row = liteOf(collection, doc);
      if (!row) continue;
      const id = String(doc['id']);
      if (row.lite) s.upsert.run(id, row.residentId, row.kind, JSON.stringify(row.lite));
      else s.remove.run(id);
    }
  },
};

type Statement = BetterSqlite3.Statement<unknown[]>;
const prepared = new WeakMap<Database, { upsert: Statement; remove: Statement; all: Statement }>();

function patientStatements(db: Database): { upsert: Statement; remove: Statement; all: Statement } {
  let s = prepared.get(db);
  if (!s) {
    s = {
      upsert: db.prepare(
        `INSERT INTO ${TABLE} (doc_id, resident_id, kind, lite) VALUES (?, ?, ?, ?) ` +
          'ON CONFLICT(doc_id) DO UPDATE SET resident_id = excluded.resident_id, kind = excluded.kind, lite = excluded.lite',
      ),
      remove: db.prepare(`DELETE FROM ${TABLE} WHERE doc_id = ?`),
      all: db.prepare(`SELECT resident_id, kind, lite FROM ${TABLE}`).raw(),
    };
    prepared.set(db, s);
  }
  return s;
}

/** More changed residents than this in one bulk (a seed, a sync pull) are announced as "everything changed". */
const EVENT_ID_LIMIT = 500;

export class PatientIndex {
  private readonly patients = new Map<string, PatientEntry>();
  /** Which resident each encounter or contract belongs to, so a move (merge) leaves no stale copy behind. */
  private readonly owner = new Map<string, string>();
  private subscriptions: Subscription[] = [];
  /** Bumped on every applied change, so whole-list caches know when to rebuild. */
  version = 0;
  /** Residents changed since the last `takeChanged()`; null once too many to list (rebuild everything). */
  private changed: Set<string> | null = new Set();
  private loading: Promise<void> | null = null;
  private loaded = false;

  constructor(
    private readonly db: ClinicDatabase,
    private readonly bus: EventBus | null,
  ) {}

  /** Follow the change streams from now on (before any load, so nothing written meanwhile is missed). */
  start(): void {
    const follow = <T extends { id: string }>(instance: RxStorageInstance<T, unknown, unknown>, apply: (doc: T & Meta) => string[]) =>
      instance.changeStream().subscribe((bulk) => {
        const changed = new Set<string>();
        for (const e of bulk.events) for (const id of apply(e.documentData)) changed.add(id);
        this.announce(changed);
      });
    this.subscriptions = [
      follow(this.db.rx.residents.storageInstance, (d) => this.applyResident(d)),
      follow(this.db.rx.encounters.storageInstance, (d) => this.applyEncounter(d)),
      follow(this.db.rx.contracts.storageInstance, (d) => this.applyContract(d)),
    ];
  }

  stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
  }

  private announce(changed: Set<string>): void {
    if (changed.size === 0) return;
    this.version += 1;
    if (this.changed) for (const id of changed) this.changed.add(id);
    if (this.changed && this.changed.size > EVENT_ID_LIMIT) this.changed = null;
    if (!this.bus) return;
    const all = changed.size > EVENT_ID_LIMIT;
    this.bus.publish('worklist.changed', { residentIds: all ? [] : [...changed], all });
  }

  /** True once the one full read has finished: from then on every entry is current. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Reads every resident, encounter and contract once; later calls wait for the same load. */
  ready(): Promise<void> {
    this.loading ??= this.load().then(() => {
      this.loaded = true;
    }).catch((e: unknown) => {
      // A failed load is retried by the next call rather than remembered.
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    // One synchronous statement over the projection: no change event can interleave with it.
    for (const row of patientStatements(this.db.sql).all.iterate() as Iterable<[string, Kind, string]>) {
      const [residentId, kind, json] = row;
      if (kind === 'r') {
        const lite = JSON.parse(json) as ResidentLite;
        const e = this.entry(residentId);
        if (!e.resident || e.resident.lwt <= lite.lwt) e.resident = lite;
      } else if (kind === 'e') this.put(residentId, JSON.parse(json) as EncounterLite, (p) => p.encounters);
      else this.put(residentId, JSON.parse(json) as ContractLite, (p) => p.contracts);
    }
  }

  private put<T extends { id: string; lwt: number }>(residentId: string, lite: T, pick: (p: PatientEntry) => Map<string, T>): void {
    const e = this.entry(residentId);
    const held = pick(e).get(lite.id);
    if (held && held.lwt > lite.lwt) return;
    pick(e).set(lite.id, lite);
    this.owner.set(lite.id, residentId);
    e.memo = null;
  }

  private entry(residentId: string): PatientEntry {
    let e = this.patients.get(residentId);
    if (!e) {
      e = { residentId, resident: null, encounters: new Map(), contracts: new Map(), memo: null };
      this.patients.set(residentId, e);
    }
    return e;
  }

  private applyResident(doc: ResidentDoc & Meta): string[] {
    const e = this.entry(doc.id);
    const lwt = doc._meta?.lwt ?? 0;
    if (e.resident && e.resident.lwt > lwt) return [];
    e.resident = doc._deleted ? null : residentLite(doc);
    e.memo = null;
    return [doc.id];
  }

  /** Removes a stale copy held under another resident (after a merge moved the document). */
  private release(docId: string, residentId: string, lwt: number, pick: (p: PatientEntry) => Map<string, { lwt: number }>): string[] {
    const previousOwner = this.owner.get(docId);
    if (previousOwner === undefined || previousOwner === residentId) return [];
    const prev = this.patients.get(previousOwner);
    const held = prev ? pick(prev).get(docId) : undefined;
    if (!prev || !held || held.lwt > lwt) return [];
    pick(prev).delete(docId);
    prev.memo = null;
    return [previousOwner];
  }

  private applyEncounter(doc: EncounterDoc & Meta): string[] {
    const lite = encounterLite(doc);
    if (!lite) return [];
    const lwt = lite.lwt;
    const moved = this.release(doc.id, doc.residentId, lwt, (p) => p.encounters);
    const e = this.entry(doc.residentId);
    const held = e.encounters.get(doc.id);
    if (held && held.lwt > lwt) return moved;
    if (doc._deleted) e.encounters.delete(doc.id);
    else e.encounters.set(doc.id, lite);
    this.owner.set(doc.id, doc.residentId);
    e.memo = null;
    return [...moved, doc.residentId];
  }

  private applyContract(doc: ContractDoc & Meta): string[] {
    const lite = contractLite(doc);
    const moved = this.release(doc.id, doc.residentId, lite.lwt, (p) => p.contracts);
    const e = this.entry(doc.residentId);
    const held = e.contracts.get(doc.id);
    if (held && held.lwt > lite.lwt) return moved;
    if (doc._deleted) e.contracts.delete(doc.id);
    else e.contracts.set(doc.id, lite);
    this.owner.set(doc.id, doc.residentId);
    e.memo = null;
    return [...moved, doc.residentId];
  }

  /** Residents changed since the previous call (null: too many, rebuild from scratch), and starts a new set. */
  takeChanged(): Set<string> | null {
    const out = this.changed;
    this.changed = new Set();
    return out;
  }

  get(residentId: string): PatientEntry | undefined {
    return this.patients.get(residentId);
  }

  all(): IterableIterator<PatientEntry> {
    return this.patients.values();
  }
}
