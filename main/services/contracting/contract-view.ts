/**
 * A contract as the UI and the printed agreement show it: status derived on today's date, the resident, team,
 * packages, fees, signatures, the household group and fulfilment counted from the resident's own records
 * ("record once", contracting.md §3, §6).
 */
import type { ContractView, FulfilmentView } from '../../../shared/api/contracting';
import { canRenew, contractFulfilment, contractItems, contractStatus, serviceRecordsFromEncounters, type ContractFacts } from '../../../shared/domain/contract-rules';
import { Contract, type DoctorTeam, type ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc } from '../../../shared/schemas/collections';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';

export function factsOf(doc: ContractDoc): ContractFacts {
  const termination: unknown = doc.data['termination'];
  const signDate = doc.data['signDate'];
  return {
    id: doc.id,
    residentId: doc.residentId,
    startDate: doc.startDate,
    endDate: doc.endDate,
    signDate: typeof signDate === 'string' ? signDate : null,
    terminatedDate: terminatedDateOf(termination),
  };
}

function terminatedDateOf(termination: unknown): string | null {
  if (typeof termination !== 'object' || termination === null || !('terminatedDate' in termination)) return null;
  return typeof termination.terminatedDate === 'string' ? termination.terminatedDate : null;
}

export function fulfilmentOf(contract: Contract, facts: ContractFacts, packages: readonly ServicePackage[], encounters: readonly EncounterDoc[]): FulfilmentView {
  const items = contractItems(contract.packageIds, packages, contract.populationTags);
  const records = serviceRecordsFromEncounters(
    encounters.map((e) => ({ id: e.id, type: e.type, date: e.date, status: e.status, amends: e.amends, completedAt: e.completedAt, data: (e.data['form'] ?? {}) as Record<string, unknown> })),
  );
  const f = contractFulfilment(facts, items, records);
  return {
    ...f,
    items: f.items.map((i, n) => ({ ...i, name: items[n]?.name ?? { zh: i.serviceCode, en: i.serviceCode } })),
  };
}

export interface ViewSources {
  packages: readonly ServicePackage[];
  team: DoctorTeam | null;
  clinicName: string;
}

export async function contractView(ctx: ClinicContext, doc: ContractDoc, sources: ViewSources): Promise<ContractView> {
  const today = clinicToday(ctx);
  const contract = Contract.parse(doc.data);
  const facts = factsOf(doc);
  const [residentDoc, encounterDocs, sameResident] = await Promise.all([
    ctx.db.rx.residents.findOne(doc.residentId).exec(),
    ctx.db.rx.encounters.find({ selector: { residentId: doc.residentId } }).exec(),
    ctx.db.rx.contracts.find({ selector: { residentId: doc.residentId } }).exec(),
  ]);
  const resident = residentDoc?.toJSON();
  const household = resident?.householdId ? ((await ctx.db.rx.households.findOne(resident.householdId).exec())?.toJSON()) : undefined;
  const villages = await villageNames(ctx);
  const renewal = sameResident.map((c) => c.toJSON() as ContractDoc).find((c) => c.data['previousContractId'] === doc.id);
  const group = contract.householdContractGroup ? await groupOf(ctx, contract.householdContractGroup, doc.id) : [];
  return {
    id: doc.id,
    status: contractStatus(facts, today, Boolean(renewal)),
    contract,
    doctorName: typeof doc.data['doctorName'] === 'string' ? doc.data['doctorName'] : '',
    resident: {
      id: doc.residentId,
      name: resident?.name ?? '',
      sex: String(resident?.sex ?? ''),
      birthDate: resident?.birthDate ?? '',
      idNumber: resident?.idNumber ?? '',
      phone: resident?.phone ?? '',
      recordNo: resident?.recordNo ?? '',
      villageCode: doc.villageCode,
      villageName: villages.get(doc.villageCode) ?? '',
      address: household?.address ?? '',
    },
    team: sources.team,
    packages: sources.packages.filter((p) => contract.packageIds.includes(p.packageId)),
    fulfilment: fulfilmentOf(contract, facts, sources.packages, encounterDocs.map((e) => e.toJSON() as EncounterDoc)),
    group,
    renewedBy: renewal?.id ?? '',
    canRenew: doc.status !== 'terminated' && canRenew(facts, today, Boolean(renewal)),
    clinicName: sources.clinicName,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

async function groupOf(ctx: ClinicContext, group: string, selfId: string): Promise<ContractView['group']> {
  const docs = await ctx.db.rx.contracts.find({ selector: { 'data.householdContractGroup': group } }).exec();
  const others = docs.map((d) => d.toJSON() as ContractDoc).filter((d) => d.id !== selfId);
  const residents = await ctx.db.rx.residents.findByIds(others.map((o) => o.residentId)).exec();
  return others.map((o) => ({ contractId: o.id, residentId: o.residentId, name: residents.get(o.residentId)?.name ?? '' }));
}
