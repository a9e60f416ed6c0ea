/**
 * The compact text of one document's indicator record as indicator_facts.record holds it (platform migration 0130):
 * the output of the shared mapping (shared/domain/indicators/from-documents.ts, the one the clinic uses) for a
 * resident, a completed encounter or a contract, and '' for a document that counts for nothing (deleted, a draft).
 * This file and the mapping's sources are hashed into FACTS_VERSION (facts.ts): a change to either remakes every
 * record.
 */
import { contractFields, encounterRecord, residentRecord, type ContractFields } from '../../shared/domain/indicators/from-documents';
import type { EncounterRecord, EnrolmentFacts, ResidentRecord } from '../../shared/domain/indicators/types';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../shared/schemas/collections';

export type FactsCollection = 'residents' | 'encounters' | 'contracts';
export const FACTS_COLLECTIONS: readonly FactsCollection[] = ['residents', 'encounters', 'contracts'];
export const isFactsCollection = (c: string): c is FactsCollection => (FACTS_COLLECTIONS as readonly string[]).includes(c);

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

type EncodedResident = [id: string, villageCode: string, birthDate: string, createdDate: string, status: ResidentRecord['status'], statusDate: string | null];

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

export function encodeResident(r: ResidentRecord): string {
  const row: EncodedResident = [r.id, r.villageCode, r.birthDate, r.createdDate, r.status, r.statusDate ?? null];
  return JSON.stringify(row);
}

export function decodeResident(text: string): ResidentRecord {
  const [id, villageCode, birthDate, createdDate, status, statusDate] = JSON.parse(text) as EncodedResident;
  return { id, villageCode, birthDate, createdDate, status, statusDate };
}

export const decodeContract = (text: string): ContractFields => JSON.parse(text) as ContractFields;

/** What indicator_facts holds for one stored document: the resident it is about and its record ('' counts for nothing). */
export function factsRecord(collection: FactsCollection, body: string, deleted: boolean): { residentId: string; record: string } {
  const doc = JSON.parse(body) as Record<string, unknown>;
  const about = collection === 'residents' ? doc['id'] : doc['residentId'];
  const residentId = typeof about === 'string' ? about : '';
  if (deleted || doc['_deleted'] === true) return { residentId, record: '' };
  switch (collection) {
    case 'residents':
      return { residentId, record: encodeResident(residentRecord(doc as unknown as ResidentDoc)) };
    case 'encounters': {
      const e = doc as unknown as EncounterDoc;
      return { residentId, record: e.status === 'completed' ? encodeEncounter(encounterRecord(e)) : '' };
    }
    case 'contracts':
      return { residentId, record: JSON.stringify(contractFields(doc as unknown as ContractDoc)) };
    default: {
      const never: never = collection;
      throw new Error(`no indicator facts for ${String(never)}`);
    }
  }
}
