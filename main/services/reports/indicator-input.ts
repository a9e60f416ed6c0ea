/**
 * Builds the indicator functions' plain arrays (shared/domain/indicators/types) from the clinic's collections. The
 * county platform builds the same arrays from its tables; the mapping of a document to a record lives here once.
 */
import { getChangedDocumentsSince, type RxStorageInstance } from 'rxdb';
import { classificationReading, type BpReading } from '../../../shared/domain/blood-pressure';
import { contractItems } from '../../../shared/domain/contract-rules';
import type { ContractRecord, EncounterRecord, EnrolmentFacts, IndicatorInput, ResidentRecord } from '../../../shared/domain/indicators/types';
import type { PopulationTag } from '../../../shared/domain/population-tags';
import type { ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { ClinicDatabase } from '../../store/database';

const BATCH = 5000;
type Meta = { _deleted?: boolean };

/** Every live document of one collection, read in storage order without building RxDocuments. */
export async function readAll<T extends { id: string }>(instance: RxStorageInstance<T, unknown, unknown>): Promise<T[]> {
  const out: T[] = [];
  let checkpoint: unknown;
  for (;;) {
    const batch = await getChangedDocumentsSince(instance, BATCH, checkpoint);
    for (const d of batch.documents) if (!(d as T & Meta)._deleted) out.push(d);
    if (batch.documents.length < BATCH) break;
    checkpoint = batch.checkpoint;
  }
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

function bpPair(v: unknown): BpReading | null {
  const o = obj(v);
  const sbp = num(o['sbp']);
  const dbp = num(o['dbp']);
  return sbp !== null && dbp !== null ? { sbp, dbp } : null;
}

export function residentRecord(doc: ResidentDoc): ResidentRecord {
  return {
    id: doc.id,
    villageCode: doc.villageCode,
    birthDate: doc.birthDate,
    createdDate: str(doc.data['createdDate']) ?? doc.birthDate,
    status: doc.status,
    statusDate: str(doc.data['statusDate']),
  };
}

/** The measured values of any encounter type: follow-up forms at the top, a health check under 一般状况 / 辅助检查. */
export function encounterRecord(doc: EncounterDoc): EncounterRecord {
  const form = obj(doc.data['form']);
  let sbp = num(form['sbp']);
  let dbp = num(form['dbp']);
  let weight = num(form['weight']);
  let fastingGlucose = num(form['fastingGlucose']);
  if (doc.type === 'healthCheck') {
    const general = obj(form['generalCondition']);
    const bp = classificationReading(bpPair(general['bpLeft']), bpPair(general['bpRight']));
    sbp = bp?.sbp ?? null;
    dbp = bp?.dbp ?? null;
    weight = num(general['weight']);
    fastingGlucose = num(obj(form['auxExams'])['fastingGlucose']);
  }
  let enrolment: EnrolmentFacts | null = null;
  if (doc.type === 'htnEnrolment' || doc.type === 't2dmEnrolment') {
    const status = str(form['status']) ?? 'active';
    enrolment = {
      disease: doc.type === 'htnEnrolment' ? 'htn' : 't2dm',
      enrolledDate: str(form['enrolledDate']) ?? doc.date,
      status: status as EnrolmentFacts['status'],
      statusDate: str(form['statusDate']),
    };
  }
  return {
    id: doc.id,
    residentId: doc.residentId,
    type: doc.type,
    date: doc.date,
    status: doc.status,
    amends: doc.amends,
    completedAt: doc.completedAt ?? 0,
    visitMode: num(form['visitMode']),
    sbp,
    dbp,
    fastingGlucose,
    weight,
    enrolment,
    serviceCode: str(form['serviceCode']),
  };
}

export function contractRecord(doc: ContractDoc, packages: readonly ServicePackage[]): ContractRecord {
  const data = doc.data;
  const packageIds = Array.isArray(data['packageIds']) ? (data['packageIds'] as unknown[]).flatMap((p) => (typeof p === 'string' ? [p] : [])) : [];
  const tags = Array.isArray(data['populationTags']) ? (data['populationTags'] as PopulationTag[]) : [];
  return {
    id: doc.id,
    residentId: doc.residentId,
    teamId: doc.teamId,
    startDate: doc.startDate,
    endDate: doc.endDate,
    signDate: doc.status === 'draft' ? null : str(data['signDate']),
    terminatedDate: str(obj(data['termination'])['terminatedDate']),
    items: contractItems(packageIds, packages, tags),
  };
}

/** The whole clinic as indicator input. */
export async function loadIndicatorInput(db: ClinicDatabase, packages: readonly ServicePackage[]): Promise<IndicatorInput> {
  const [residents, encounters, contracts] = await Promise.all([
    readAll(db.rx.residents.storageInstance),
    readAll(db.rx.encounters.storageInstance),
    readAll(db.rx.contracts.storageInstance),
  ]);
  return {
    residents: residents.map(residentRecord),
    encounters: encounters.filter((e) => e.status === 'completed').map(encounterRecord),
    contracts: contracts.map((c) => contractRecord(c, packages)),
  };
}
