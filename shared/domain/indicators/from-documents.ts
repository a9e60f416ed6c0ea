/**
 * One document → the indicator functions' plain record (types.ts). The clinic maps its documents with these when its
 * indicator projection is written, the county platform maps the documents it holds with the same functions, so both
 * compute the same numbers from the same data. Values that do not parse are absent, never guessed.
 */
import { classificationReading, type BpReading } from '../blood-pressure';
import { contractItems } from '../contract-rules';
import { isCompleteElderlyCheck } from '../health-check-rules';
import { isCompleteTcmService } from '../tcm';
import type { HealthCheckDraft } from '../../schemas/health-check';
import type { PopulationTag } from '../population-tags';
import type { ServicePackage } from '../../schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../schemas/collections';
import type { ContractRecord, EncounterRecord, EnrolmentFacts, IndicatorInput, ResidentRecord } from './types';

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
  let isServiceComplete: boolean | null = null;
  if (doc.type === 'healthCheck') isServiceComplete = isCompleteElderlyCheck(form as HealthCheckDraft);
  if (doc.type === 'tcmAssessment') isServiceComplete = isCompleteTcmService(form);
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
    isServiceComplete,
  };
}

/** A contract's fields the indicators read; the items its packages promise are worked out when reading (packages change). */
export type ContractFields = Omit<ContractRecord, 'items'> & { packageIds: string[]; populationTags: string[] };

export function contractFields(doc: ContractDoc): ContractFields {
  const data = doc.data;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((p) => (typeof p === 'string' ? [p] : [])) : []);
  return {
    id: doc.id,
    residentId: doc.residentId,
    teamId: doc.teamId,
    startDate: doc.startDate,
    endDate: doc.endDate,
    signDate: doc.status === 'draft' ? null : str(data['signDate']),
    terminatedDate: str(obj(data['termination'])['terminatedDate']),
    packageIds: strings(data['packageIds']),
    populationTags: strings(data['populationTags']),
  };
}

/** A contract's record from its stored fields and the clinic's packages as they are now. */
export function contractRecordOf(fields: ContractFields, packages: readonly ServicePackage[]): ContractRecord {
  const { packageIds, populationTags, ...rest } = fields;
  return { ...rest, items: contractItems(packageIds, packages, populationTags as PopulationTag[]) };
}

export function contractRecord(doc: ContractDoc, packages: readonly ServicePackage[]): ContractRecord {
  return contractRecordOf(contractFields(doc), packages);
}

/**
 * Every live document of the three collections as indicator input: drafts and tombstones count for nothing. The
 * platform calls it with what it holds for one clinic.
 */
export function indicatorInputFromDocuments(
  docs: { residents: readonly ResidentDoc[]; encounters: readonly EncounterDoc[]; contracts: readonly ContractDoc[] },
  packages: readonly ServicePackage[],
): IndicatorInput {
  return {
    residents: docs.residents.map(residentRecord),
    encounters: docs.encounters.filter((e) => e.status === 'completed').map(encounterRecord),
    contracts: docs.contracts.map((c) => contractRecord(c, packages)),
  };
}
