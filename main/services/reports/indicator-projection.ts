/**
 * The indicators' input as a projection (main/store/rx-storage-sqlcipher/projections.ts): one typed row per resident,
 * per completed encounter version and per contract, with only the fields the indicator functions read, kept by the
 * storage in every write's transaction. A report then reads three narrow tables in one pass instead of parsing
 * ~240,000 documents of the 30,000-resident township (issue 15 item 8: 8 s → well under 1 s), and the rows are never
 * behind the documents. The mapping of a document to a record is shared/domain/indicators/from-documents.ts.
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { contractItems } from '../../../shared/domain/contract-rules';
import type { ContractRecord, EncounterRecord, EnrolmentFacts, IndicatorInput, ResidentRecord } from '../../../shared/domain/indicators/types';
import type { PopulationTag } from '../../../shared/domain/population-tags';
import type { ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { AnyDocument, Projection } from '../../store/rx-storage-sqlcipher';
import type { Database } from '../../store/sqlite-file';
import { contractFields, encounterRecord, residentRecord, type ContractFields } from '../../../shared/domain/indicators/from-documents';

type Statement = BetterSqlite3.Statement<unknown[]>;

const RESIDENTS = 'p_indicator_residents';
const ENCOUNTERS = 'p_indicator_encounters';
const CONTRACTS = 'p_indicator_contracts';

interface Statements {
  resident: Statement;
  encounter: Statement;
  contract: Statement;
  remove: Record<'residents' | 'encounters' | 'contracts', Statement>;
  residents: Statement;
  encounters: Statement;
  contracts: Statement;
}

const prepared = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    s = {
      resident: db.prepare(`INSERT OR REPLACE INTO ${RESIDENTS} (id, village_code, birth_date, created_date, status, status_date) VALUES (?, ?, ?, ?, ?, ?)`),
      encounter: db.prepare(
        `INSERT OR REPLACE INTO ${ENCOUNTERS} (id, resident_id, type, date, amends, completed_at, visit_mode, sbp, dbp, glucose, weight, service_code, enrolment, service_complete)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      contract: db.prepare(`INSERT OR REPLACE INTO ${CONTRACTS} (id, fields) VALUES (?, ?)`),
      remove: {
        residents: db.prepare(`DELETE FROM ${RESIDENTS} WHERE id = ?`),
        encounters: db.prepare(`DELETE FROM ${ENCOUNTERS} WHERE id = ?`),
        contracts: db.prepare(`DELETE FROM ${CONTRACTS} WHERE id = ?`),
      },
      residents: db.prepare(`SELECT id, village_code, birth_date, created_date, status, status_date FROM ${RESIDENTS}`).raw(),
      encounters: db
        .prepare(`SELECT id, resident_id, type, date, amends, completed_at, visit_mode, sbp, dbp, glucose, weight, service_code, enrolment, service_complete FROM ${ENCOUNTERS}`)
        .raw(),
      contracts: db.prepare(`SELECT fields FROM ${CONTRACTS}`).pluck(),
    };
    prepared.set(db, s);
  }
  return s;
}

/** Raise `version` whenever a column or the mapping in indicator-input.ts changes: the rows are rebuilt on open. */
export const indicatorProjection: Projection = {
  name: 'indicators',
  version: 2,
  collections: ['residents', 'encounters', 'contracts'],
  create(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${RESIDENTS} (
        id TEXT PRIMARY KEY, village_code TEXT NOT NULL, birth_date TEXT NOT NULL, created_date TEXT NOT NULL,
        status TEXT NOT NULL, status_date TEXT
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${ENCOUNTERS} (
        id TEXT PRIMARY KEY, resident_id TEXT NOT NULL, type TEXT NOT NULL, date TEXT NOT NULL, amends TEXT,
        completed_at INTEGER, visit_mode INTEGER, sbp REAL, dbp REAL, glucose REAL, weight REAL, service_code TEXT,
        enrolment TEXT, service_complete INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${CONTRACTS} (id TEXT PRIMARY KEY, fields TEXT NOT NULL) WITHOUT ROWID;
    `);
    // Per-resident reads for the stored facts (indicator-facts.ts). Indexes only, so no version change: a file at
    // version 2 gets them on its next open (1.7 s at 30,000 residents on a loaded machine, once) and keeps its rows.
    db.exec(`
      CREATE INDEX IF NOT EXISTS ${ENCOUNTERS}_by_resident ON ${ENCOUNTERS} (resident_id, id);
      CREATE INDEX IF NOT EXISTS ${CONTRACTS}_by_resident ON ${CONTRACTS} (json_extract(fields, '$.residentId'), id);
    `);
  },
  drop(db) {
    db.exec(`DROP TABLE IF EXISTS ${RESIDENTS}; DROP TABLE IF EXISTS ${ENCOUNTERS}; DROP TABLE IF EXISTS ${CONTRACTS};`);
  },
  apply(db, collection, docs) {
    const s = statements(db);
    for (const doc of docs) applyOne(s, collection, doc);
  },
};

function applyOne(s: Statements, collection: string, doc: AnyDocument): void {
  const id = String(doc['id']);
  switch (collection) {
    case 'residents': {
      if (doc._deleted) return void s.remove.residents.run(id);
      const r = residentRecord(doc as unknown as ResidentDoc);
      s.resident.run(r.id, r.villageCode, r.birthDate, r.createdDate, r.status, r.statusDate ?? null);
      return;
    }
    case 'encounters': {
      // Drafts count for nothing (indicators.md); a draft completed later is written again and lands here then.
      if (doc._deleted || doc['status'] !== 'completed') return void s.remove.encounters.run(id);
      const e = encounterRecord(doc as unknown as EncounterDoc);
      s.encounter.run(
        e.id,
        e.residentId,
        e.type,
        e.date,
        e.amends ?? null,
        e.completedAt ?? null,
        e.visitMode ?? null,
        e.sbp ?? null,
        e.dbp ?? null,
        e.fastingGlucose ?? null,
        e.weight ?? null,
        e.serviceCode ?? null,
        e.enrolment ? JSON.stringify(e.enrolment) : null,
        e.isServiceComplete === null || e.isServiceComplete === undefined ? null : Number(e.isServiceComplete),
      );
      return;
    }
    case 'contracts': {
      if (doc._deleted) return void s.remove.contracts.run(id);
      s.contract.run(id, JSON.stringify(contractFields(doc as unknown as ContractDoc)));
      return;
    }
    default:
      return;
  }
}

type ResidentRow = [string, string, string, string, ResidentRecord['status'], string | null];
type EncounterRow = [string, string, string, string, string | null, number | null, number | null, number | null, number | null, number | null, number | null, string | null, string | null, number | null];

const residentOf = ([id, villageCode, birthDate, createdDate, status, statusDate]: ResidentRow): ResidentRecord => ({ id, villageCode, birthDate, createdDate, status, statusDate });

const encounterOf = ([id, residentId, type, date, amends, completedAt, visitMode, sbp, dbp, fastingGlucose, weight, serviceCode, enrolment, serviceComplete]: EncounterRow): EncounterRecord => ({
  id,
  residentId,
  type,
  date,
  status: 'completed',
  amends,
  completedAt,
  visitMode,
  sbp,
  dbp,
  fastingGlucose,
  weight,
  serviceCode,
  enrolment: enrolment === null ? null : (JSON.parse(enrolment) as EnrolmentFacts),
  isServiceComplete: serviceComplete === null ? null : serviceComplete === 1,
});

/** The whole clinic as indicator input, from the projection's rows in one read transaction (the from-scratch path). */
export function readIndicatorInput(db: Database, packages: readonly ServicePackage[]): IndicatorInput {
  const s = statements(db);
  return db.transaction(() => {
    const residents = (s.residents.all() as ResidentRow[]).map(residentOf);
    const encounters = (s.encounters.all() as EncounterRow[]).map(encounterOf);
    const contracts = (s.contracts.all() as string[]).map((text): ContractRecord => {
      const { packageIds, populationTags, ...rest } = JSON.parse(text) as ContractFields;
      return { ...rest, items: contractItems(packageIds, packages, populationTags as PopulationTag[]) };
    });
    return { residents, encounters, contracts };
  })();
}

/** Some residents' rows (`ids` as a JSON array), each table in id order, as the whole-clinic read returns them. */
export interface IndicatorRowsOf {
  residents: ResidentRecord[];
  encounters: EncounterRecord[];
  contracts: ContractFields[];
}

const chunkStatements = new WeakMap<Database, Record<keyof IndicatorRowsOf, Statement>>();

/** The projection's rows of the residents named in `ids` (a JSON array of resident ids); call inside a transaction. */
export function readIndicatorRowsOf(db: Database, ids: string): IndicatorRowsOf {
  let s = chunkStatements.get(db);
  if (!s) {
    const wanted = 'SELECT value FROM json_each(?)';
    s = {
      residents: db.prepare(`SELECT id, village_code, birth_date, created_date, status, status_date FROM ${RESIDENTS} WHERE id IN (${wanted}) ORDER BY id`).raw(),
      encounters: db
        .prepare(
          `SELECT id, resident_id, type, date, amends, completed_at, visit_mode, sbp, dbp, glucose, weight, service_code, enrolment, service_complete
           FROM ${ENCOUNTERS} INDEXED BY ${ENCOUNTERS}_by_resident WHERE resident_id IN (${wanted}) ORDER BY resident_id, id`,
        )
        .raw(),
      contracts: db
        .prepare(`SELECT fields FROM ${CONTRACTS} INDEXED BY ${CONTRACTS}_by_resident WHERE json_extract(fields, '$.residentId') IN (${wanted}) ORDER BY json_extract(fields, '$.residentId'), id`)
        .pluck(),
    };
    chunkStatements.set(db, s);
  }
  return {
    residents: (s.residents.all(ids) as ResidentRow[]).map(residentOf),
    encounters: (s.encounters.all(ids) as EncounterRow[]).map(encounterOf),
    contracts: (s.contracts.all(ids) as string[]).map((text) => JSON.parse(text) as ContractFields),
  };
}

const ownerStatements = new WeakMap<Database, { encounter: Statement; contract: Statement }>();

/** The resident a stored encounter or contract belongs to now (before a write changes it), or undefined. */
export function indicatorOwnerOf(db: Database, collection: 'encounters' | 'contracts', id: string): string | undefined {
  let s = ownerStatements.get(db);
  if (!s) {
    s = {
      encounter: db.prepare(`SELECT resident_id FROM ${ENCOUNTERS} WHERE id = ?`).pluck(),
      contract: db.prepare(`SELECT json_extract(fields, '$.residentId') FROM ${CONTRACTS} WHERE id = ?`).pluck(),
    };
    ownerStatements.set(db, s);
  }
  return (collection === 'encounters' ? s.encounter : s.contract).get(id) as string | undefined;
}
