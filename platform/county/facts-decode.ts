/**
 * A village's indicator records as a report reads them: each collection's records of the village in one JSON array
 * text (facts.ts `clinicRecords`, PostgreSQL's string_agg of indicator_facts.record), parsed with one JSON.parse and
 * turned into the shared functions' records. One parse of a few MB instead of one per record, and one row from the
 * database instead of one per record: the per-record JSON.parse calls and the driver's row objects were half of a
 * computed report's time (profile in README, `county`).
 *
 * The positions are those facts-record.ts writes (encodeEncounter, encodeResident; a contract is its ContractFields
 * object). They are restated here rather than imported so that this reading, which a report may change, does not
 * change FACTS_VERSION (every stored record would be made again); test/unit/platform/facts-decode.test.ts holds both
 * sides together: every record decodes here exactly as facts-record.ts decodes it.
 */
import type { ContractFields } from '../../shared/domain/indicators/from-documents';
import type { EncounterRecord, EnrolmentFacts, ResidentRecord } from '../../shared/domain/indicators/types';

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

export function encounterOf(row: EncodedEncounter): EncounterRecord {
  const en = row[11];
  return {
    id: row[0],
    residentId: row[1],
    type: row[2],
    date: row[3],
    status: 'completed',
    amends: row[4],
    completedAt: row[5],
    visitMode: row[6],
    sbp: row[7],
    dbp: row[8],
    fastingGlucose: row[9],
    weight: row[10],
    enrolment: en ? { disease: en[0], enrolledDate: en[1], status: en[2], statusDate: en[3] } : null,
    serviceCode: row[12],
    isServiceComplete: row[13],
  };
}

export function residentOf(row: EncodedResident): ResidentRecord {
  return { id: row[0], villageCode: row[1], birthDate: row[2], createdDate: row[3], status: row[4], statusDate: row[5] };
}

/** The records of one JSON array text of encoded encounters (`[` records joined by `,` `]`). */
export const encountersOf = (text: string): EncounterRecord[] => (JSON.parse(text) as EncodedEncounter[]).map(encounterOf);
export const residentsOf = (text: string): ResidentRecord[] => (JSON.parse(text) as EncodedResident[]).map(residentOf);
export const contractsOf = (text: string): ContractFields[] => JSON.parse(text) as ContractFields[];
