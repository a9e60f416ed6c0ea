/**
 * The indicator records of one village's documents, read for the county report from `indicator_facts` (migration
 * 0120) where a row is still valid, and otherwise mapped from the document's body with the same shared/ functions the
 * clinic uses (from-documents.ts) and stored for the next report. A row is valid while its seq equals the document's
 * and its version is FACTS_VERSION, so no write path has to know about the table: a push, a move or an amendment
 * takes a new seq, and the next report maps that one document again. At county scale this is what makes a report
 * after a restart cheap: ~300 bytes and no form parsing per encounter instead of the whole body (~1.3 KB).
 */
import { contractFields, encounterRecord, residentRecord, type ContractFields } from '../../shared/domain/indicators/from-documents';
import type { EncounterRecord, EnrolmentFacts, ResidentRecord } from '../../shared/domain/indicators/types';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../shared/schemas/collections';
import type { Queryable } from '../db';

/**
 * Raise whenever residentRecord, encounterRecord or contractFields (or the rules they call: the complete elderly
 * check, the complete TCM service) or the encoding below changes: every row is then mapped again on the next report.
 */
export const FACTS_VERSION = 1;

/** Documents read per query: one village is read page by page along the (collection, village_code, seq) index. */
const PAGE = 2000;

export type FactsCollection = 'residents' | 'encounters' | 'contracts';

interface FactsRecord {
  residents: ResidentRecord;
  /** null: a draft, which the indicators do not count. */
  encounters: EncounterRecord | null;
  contracts: ContractFields;
}

/**
 * An encounter as a positional array: a township holds ~220,000 of them, and an array parses about twice as fast as
 * the same object with its keys. Absent optional values come back as null, which the indicator types allow and the
 * functions treat alike.
 */
type EncodedEncounter = [
  id: string,
  residentId: string,
  type: string,
  date: string,
  amends: string | null,
  completedAt: number | null,
  visitMode: number | null,
  sbp: number | null,
  dbp: number | null,
  fastingGlucose: number | null,
  weight: number | null,
  enrolment: [disease: EnrolmentFacts['disease'], enrolledDate: string, status: EnrolmentFacts['status'], statusDate: string | null] | null,
  serviceCode: string | null,
  isServiceComplete: boolean | null,
];

export function encodeEncounter(e: EncounterRecord): string {
  const en = e.enrolment;
  const row: EncodedEncounter = [
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
    en ? [en.disease, en.enrolledDate, en.status, en.statusDate ?? null] : null,
    e.serviceCode ?? null,
    e.isServiceComplete ?? null,
  ];
  return JSON.stringify(row);
}

/** Only completed encounters are stored with a record ('' marks a draft). */
export function decodeEncounter(text: string): EncounterRecord {
  const [id, residentId, type, date, amends, completedAt, visitMode, sbp, dbp, fastingGlucose, weight, en, serviceCode, isServiceComplete] = JSON.parse(text) as EncodedEncounter;
  return {
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
    enrolment: en ? { disease: en[0], enrolledDate: en[1], status: en[2], statusDate: en[3] } : null,
    serviceCode,
    isServiceComplete,
  };
}

/** A document body → the text stored in indicator_facts.record. */
function encode(collection: FactsCollection, body: string): string {
  switch (collection) {
    case 'residents':
      return JSON.stringify(residentRecord(JSON.parse(body) as ResidentDoc));
    case 'encounters': {
      const doc = JSON.parse(body) as EncounterDoc;
      return doc.status === 'completed' ? encodeEncounter(encounterRecord(doc)) : '';
    }
    case 'contracts':
      return JSON.stringify(contractFields(JSON.parse(body) as ContractDoc));
    default: {
      const never: never = collection;
      throw new Error(`no indicator facts for ${String(never)}`);
    }
  }
}

function decode<C extends FactsCollection>(collection: C, record: string): FactsRecord[C] {
  if (collection === 'encounters') return (record === '' ? null : decodeEncounter(record)) as FactsRecord[C];
  return JSON.parse(record) as FactsRecord[C];
}

export interface FactsReadCounts {
  /** Rows served from indicator_facts. */
  kept: number;
  /** Documents mapped from their body (new, changed, or of an older FACTS_VERSION) and stored. */
  mapped: number;
}

/**
 * One collection's live documents of one village as indicator records, page by page. `counts` is increased as pages
 * are read (what the tests and the benchmark check: a second read maps nothing).
 */
export async function* villageRecords<C extends FactsCollection>(
  sql: Queryable,
  collection: C,
  villageCode: string,
  counts: FactsReadCounts = { kept: 0, mapped: 0 },
): AsyncGenerator<Array<FactsRecord[C]>> {
  let after = '0';
  for (;;) {
    // A nested loop from the village index into the facts' primary key: the body is sent only for a stale row.
    const rows = await sql.query<{ seq: string | number; id: string; record: string | null; body: string | null }>(
      `SELECT d.seq, d.id, f.record, CASE WHEN f.record IS NULL THEN d.body END AS body
       FROM documents d LEFT JOIN indicator_facts f ON f.collection = d.collection AND f.id = d.id AND f.seq = d.seq AND f.version = $4
       WHERE d.collection = $1 AND d.village_code = $2 AND d.seq > $3 AND d.deleted = false
       ORDER BY d.seq LIMIT ${PAGE}`,
      [collection, villageCode, after, FACTS_VERSION],
    );
    const page: Array<FactsRecord[C]> = [];
    const stale: { id: string[]; seq: string[]; record: string[] } = { id: [], seq: [], record: [] };
    for (const r of rows) {
      let record = r.record;
      if (record === null) {
        record = encode(collection, r.body ?? '');
        stale.id.push(r.id);
        stale.seq.push(String(r.seq));
        stale.record.push(record);
      }
      const value = decode(collection, record);
      if (value !== null) page.push(value);
    }
    if (stale.id.length > 0) {
      // The document may have been written again since it was read: the stored seq is the one read, so such a row is
      // simply stale at the next report.
      await sql.query(
        `INSERT INTO indicator_facts (collection, id, seq, version, record)
         SELECT $1, u.id, u.seq, $2, u.record FROM unnest($3::text[], $4::bigint[], $5::text[]) AS u(id, seq, record)
         JOIN documents d ON d.collection = $1 AND d.id = u.id
         ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, version = EXCLUDED.version, record = EXCLUDED.record`,
        [collection, FACTS_VERSION, stale.id, stale.seq, stale.record],
      );
    }
    counts.kept += rows.length - stale.id.length;
    counts.mapped += stale.id.length;
    if (page.length > 0) yield page;
    if (rows.length < PAGE) return;
    after = String(rows[rows.length - 1]!.seq);
  }
}
