/**
 * 签约: one contract document per resident, a household signing together gets one per member linked by a group id
 * (shared/schemas/contract.ts). Every member is checked (active record, packages, fees, no overlapping contract)
 * before anything is written, and all documents go in one bulk write, so a refused household leaves nothing behind.
 * The stored `status` is the coarse lifecycle (active / renewed / terminated); what the UI shows is derived on
 * today's date by contract-rules.contractStatus.
 */
import { EncounterLifecycle } from '../encounters/lifecycle';
import { stripMeta, type WriteTx } from '../unit-of-work';
import { v7 as uuidv7 } from 'uuid';
import type { ContractView } from '../../../shared/api/contracting';
import { AppError, type FieldIssue } from '../../../shared/api/errors';
import { zodIssuesToFields } from '../../../shared/api/fields';
import {
  canRenew,
  contractPeriod,
  findOverlaps,
  renewalStartDate,
  terminationIssues,
  type TerminationReason,
} from '../../../shared/domain/contract-rules';
import { compareDates, type CalendarDate } from '../../../shared/domain/dates';
import { BASIC_PACKAGE_ID, isPackageFor, type ServiceCode } from '../../../shared/domain/service-packages';
import type { PopulationTag } from '../../../shared/domain/population-tags';
import { Contract, type DoctorTeam, type ServicePackage } from '../../../shared/schemas/contract';
import type { ContractDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { householdView } from '../residents/households-service';
import { summariseMany } from '../residents/resident-summary';
import { validationFailed } from '../residents/residents-service';
import { contractView, factsOf } from './contract-view';
import type { TeamsService } from './teams-service';

/** Counted from the clinical forms themselves ("record once"); recording them by hand would count them twice. */
const FORM_COUNTED: readonly ServiceCode[] = ['htnFollowup', 't2dmFollowup', 'fastingGlucoseTest', 'healthCheck', 'elderlySelfCareAssessment', 'healthRecordMaintenance'];
const DOCTOR_ROLES = ['familyDoctor', 'villageDoctor'];

export interface Fees {
  selfPay: number;
  insurance: number;
  publicHealth: number;
}

export interface SignInput {
  residentId?: string | undefined;
  householdId?: string | undefined;
  signerResidentId?: string | undefined;
  signerName?: string | undefined;
  teamId: string;
  doctorId: string;
  packageIds: string[];
  startDate: CalendarDate;
  fees?: Fees | undefined;
  residentSignature: string;
  doctorSignature: string;
  signDate: CalendarDate;
}

export interface RenewInput {
  id: string;
  teamId?: string | undefined;
  doctorId?: string | undefined;
  packageIds?: string[] | undefined;
  fees?: Fees | undefined;
  residentSignature: string;
  doctorSignature: string;
  signDate: CalendarDate;
  signerName?: string | undefined;
}

interface Terms {
  team: DoctorTeam;
  doctorId: string;
  doctorName: string;
  packages: ServicePackage[];
  chosen: string[];
}

const yuan = (fen: number) => fen / 100;
const fenOf = (y: number) => Math.round(y * 100);

export class ContractsService {
  private readonly lifecycle: EncounterLifecycle;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly teams: TeamsService,
  ) {
    this.lifecycle = new EncounterLifecycle(ctx);
  }

  private async doc(id: string): Promise<ContractDoc> {
    const d = await this.ctx.db.rx.contracts.findOne(id).exec();
    if (!d) throw new AppError('NOT_FOUND', { id });
    return d.toJSON();
  }

  private async contractsOf(residentId: string): Promise<ContractDoc[]> {
    const docs = await this.ctx.db.rx.contracts.find({ selector: { residentId } }).exec();
    return docs.map((d) => d.toJSON() as ContractDoc);
  }

  private async view(doc: ContractDoc): Promise<ContractView> {
    const [packages, team, clinic] = await Promise.all([this.teams.listPackages(), this.teams.findTeam(doc.teamId), this.ctx.settings.clinic()]);
    return contractView(this.ctx, doc, { packages, team, clinicName: clinic.clinicName });
  }

  async get(id: string): Promise<ContractView> {
    const doc = await this.doc(id);
    await this.ctx.audit.record({ action: 'open', collection: 'contracts', recordId: id, residentId: doc.residentId });
    return this.view(doc);
  }

  async forResident(residentId: string): Promise<ContractView[]> {
    const resident = await this.ctx.db.rx.residents.findOne(residentId).exec();
    if (!resident) throw new AppError('NOT_FOUND', { residentId });
    const docs = (await this.contractsOf(residentId)).sort((a, b) => b.startDate.localeCompare(a.startDate) || b.createdAt - a.createdAt);
    return Promise.all(docs.map((d) => this.view(d)));
  }

  /** Team, doctor and packages, checked once for every member. */
  private async terms(teamId: string, doctorId: string, packageIds: readonly string[]): Promise<Terms> {
    const team = await this.teams.findTeam(teamId);
    if (!team) throw validationFailed([{ path: 'teamId', message: 'validation.contract.unknownTeam' }]);
    const doctor = team.members.find((m) => m.staffId === doctorId);
    if (!doctor || !DOCTOR_ROLES.includes(doctor.role)) throw validationFailed([{ path: 'doctorId', message: 'validation.contract.doctorNotInTeam' }]);
    const packages = await this.teams.listPackages();
    const chosen = [...new Set([BASIC_PACKAGE_ID, ...packageIds])];
    const unknown = chosen.findIndex((id) => !packages.some((p) => p.packageId === id));
    if (unknown >= 0) throw validationFailed([{ path: 'packageIds', message: 'validation.contract.unknownPackage', params: { packageId: chosen[unknown] ?? '' } }]);
    return { team, doctorId, doctorName: doctor.name, packages, chosen };
  }

  /** The contract body for one member; packages not meant for the member's groups are left out of a household's. */
  private body(
    member: { resident: ResidentDoc; tags: PopulationTag[] },
    terms: Terms,
    extra: { startDate: CalendarDate; signDate: CalendarDate; fees?: Fees | undefined; residentSignature: string; doctorSignature: string; signerName: string; isSelf: boolean; previousContractId?: string; group?: string; strictPackages: boolean },
  ): { value: Record<string, unknown>; issues: FieldIssue[] } {
    const issues: FieldIssue[] = [];
    const packageIds = terms.chosen.filter((id) => {
      const pkg = terms.packages.find((p) => p.packageId === id);
      const fits = pkg ? isPackageFor(pkg, member.tags) : false;
      if (!fits && extra.strictPackages) issues.push({ path: 'packageIds', message: 'validation.contract.packageNotForResident', params: { packageId: id } });
      return fits;
    });
    const totalFen = packageIds.reduce((s, id) => s + fenOf(terms.packages.find((p) => p.packageId === id)?.priceYuan ?? 0), 0);
    const fees = extra.fees ?? { selfPay: yuan(totalFen), insurance: 0, publicHealth: 0 };
    const period = contractPeriod(extra.startDate);
    const value: Record<string, unknown> = {
      contractNo: `${this.ctx.clinicCode}-${extra.startDate.replaceAll('-', '')}-${uuidv7().slice(-6)}`,
      residentId: member.resident.id,
      teamId: terms.team.teamId,
      doctorId: terms.doctorId,
      contractType: extra.previousContractId ? 'renewal' : 'new',
      populationTags: member.tags,
      packageIds,
      startDate: period.startDate,
      endDate: period.endDate,
      feeTotal: yuan(totalFen),
      feeSelfPay: fees.selfPay,
      feeInsurance: fees.insurance,
      feePublicHealth: fees.publicHealth,
      residentSignature: extra.residentSignature,
      signerName: extra.signerName,
      signerRelation: extra.isSelf ? 'self' : 'familyMember',
      doctorSignature: extra.doctorSignature,
      signDate: extra.signDate,
    };
    if (extra.previousContractId) value['previousContractId'] = extra.previousContractId;
    if (extra.group) value['householdContractGroup'] = extra.group;
    const parsed = Contract.safeParse(value);
    if (!parsed.success) issues.push(...zodIssuesToFields(parsed.error.issues));
    if (compareDates(extra.signDate, clinicToday(this.ctx)) > 0) issues.push({ path: 'signDate', message: 'validation.futureDate' });
    return { value: parsed.success ? { ...parsed.data, doctorName: terms.doctorName } : value, issues };
  }

  private newDoc(resident: ResidentDoc, data: Record<string, unknown>, now: number): ContractDoc {
    return {
      id: uuidv7(),
      clinicCode: this.ctx.clinicCode,
      villageCode: resident.villageCode,
      residentId: resident.id,
      teamId: String(data['teamId']),
      startDate: String(data['startDate']),
      endDate: String(data['endDate']),
      status: 'active',
      data,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Inside the signing transaction, so two signings at the same moment cannot both pass. */
  private overlapCheck(tx: WriteTx, docs: readonly ContractDoc[]): void {
    const conflicts: { residentId: string; conflictingIds: string[] }[] = [];
    for (const d of docs) {
      const existing = tx.find('contracts', { selector: { residentId: d.residentId } }).map((c) => factsOf(stripMeta(c)));
      const ids = findOverlaps(factsOf(d), existing);
      if (ids.length > 0) conflicts.push({ residentId: d.residentId, conflictingIds: ids });
    }
    if (conflicts.length > 0) throw new AppError('CONTRACT_OVERLAP', { conflicts, residentId: conflicts[0]?.residentId, conflictingIds: conflicts.flatMap((c) => c.conflictingIds) });
  }

  private insertAll(tx: WriteTx, docs: ContractDoc[], action: string): void {
    for (const d of docs) {
      tx.insert('contracts', d);
      tx.audit({ action, collection: 'contracts', recordId: d.id, residentId: d.residentId, detail: `${d.teamId} ${d.startDate}..${d.endDate}` });
    }
  }

  async sign(input: SignInput): Promise<ContractView[]> {
    if (Boolean(input.residentId) === Boolean(input.householdId)) {
      throw validationFailed([{ path: 'residentId', message: 'validation.contract.residentOrHousehold' }]);
    }
    let memberIds: string[];
    let defaultSigner: string;
    if (input.householdId) {
      const household = await householdView(this.ctx, input.householdId);
      memberIds = household.members.map((m) => m.residentId);
      defaultSigner = household.headResidentId;
    } else {
      memberIds = [input.residentId as string];
      defaultSigner = input.residentId as string;
    }
    const found = await this.ctx.db.rx.residents.findByIds(memberIds).exec();
    const residents = memberIds.map((id) => found.get(id)?.toJSON());
    if (residents.some((r) => !r)) throw new AppError('NOT_FOUND', { residentIds: memberIds.filter((id) => !found.has(id)) });
    // Residents who died or moved out stay in the household record but cannot sign.
    const live = (residents as ResidentDoc[]).filter((r) => r.status === 'active');
    if (live.length === 0 || (input.residentId && live.length !== 1)) throw validationFailed([{ path: 'residentId', message: 'validation.contract.residentNotActive' }]);
    const signerId = input.signerResidentId ?? defaultSigner;
    const signer = found.get(signerId)?.toJSON();
    const signerName = input.signerName?.trim() || signer?.name || '';
    const terms = await this.terms(input.teamId, input.doctorId, input.packageIds);
    const summaries = await summariseMany(this.ctx, live);
    const group = input.householdId ? uuidv7() : undefined;
    const now = this.ctx.clock.now();
    const issues: FieldIssue[] = [];
    const docs: ContractDoc[] = [];
    live.forEach((resident, i) => {
      const b = this.body({ resident, tags: (summaries[i]?.tags ?? []) as PopulationTag[] }, terms, {
        startDate: input.startDate,
        signDate: input.signDate,
        fees: input.fees,
        residentSignature: input.residentSignature,
        doctorSignature: input.doctorSignature,
        signerName,
        isSelf: resident.id === signerId && !input.signerName,
        ...(group ? { group } : {}),
        strictPackages: !input.householdId,
      });
      // A household's issues name the member, so the UI can point at the row.
      issues.push(...b.issues.map((f) => (input.householdId ? { ...f, params: { ...(f.params ?? {}), residentId: resident.id } } : f)));
      docs.push(this.newDoc(resident, b.value, now));
    });
    if (issues.length > 0) throw validationFailed(dedupe(issues));
    this.ctx.uow.run((tx) => {
      this.overlapCheck(tx, docs);
      this.insertAll(tx, docs, 'sign');
    });
    return Promise.all(docs.map((d) => this.view(d)));
  }

  async renew(input: RenewInput): Promise<ContractView> {
    const previous = await this.doc(input.id);
    const today = clinicToday(this.ctx);
    const siblings = await this.contractsOf(previous.residentId);
    const isRenewed = siblings.some((c) => c.data['previousContractId'] === previous.id);
    if (previous.status === 'terminated' || !canRenew(factsOf(previous), today, isRenewed)) {
      throw validationFailed([{ path: 'id', message: 'validation.contract.notRenewable' }]);
    }
    const resident = (await this.ctx.db.rx.residents.findOne(previous.residentId).exec())?.toJSON();
    if (!resident || resident.status !== 'active') throw validationFailed([{ path: 'id', message: 'validation.contract.residentNotActive' }]);
    const old = Contract.parse(previous.data);
    const terms = await this.terms(input.teamId ?? old.teamId, input.doctorId ?? old.doctorId, input.packageIds ?? old.packageIds);
    const [summary] = await summariseMany(this.ctx, [resident]);
    const b = this.body({ resident, tags: (summary?.tags ?? []) as PopulationTag[] }, terms, {
      startDate: renewalStartDate(previous, today),
      signDate: input.signDate,
      fees: input.fees,
      residentSignature: input.residentSignature,
      doctorSignature: input.doctorSignature,
      signerName: input.signerName?.trim() || resident.name,
      isSelf: !input.signerName,
      previousContractId: previous.id,
      strictPackages: input.packageIds !== undefined,
    });
    if (b.issues.length > 0) throw validationFailed(dedupe(b.issues));
    const now = this.ctx.clock.now();
    const doc = this.newDoc(resident, b.value, now);
    this.ctx.uow.run((tx) => {
      const prev = tx.get('contracts', previous.id);
      if (!prev) throw new AppError('NOT_FOUND', { id: previous.id });
      if (tx.find('contracts', { selector: { residentId: previous.residentId } }).some((c) => c.data['previousContractId'] === previous.id)) {
        throw new AppError('CONFLICT', { reason: 'renewed', id: previous.id });
      }
      this.overlapCheck(tx, [doc]);
      this.insertAll(tx, [doc], 'renew');
      tx.update('contracts', prev, { ...prev, status: 'renewed', updatedAt: now });
    });
    return this.view(doc);
  }

  async terminate(id: string, terminatedDate: CalendarDate, reason: TerminationReason, note: string | undefined): Promise<ContractView> {
    const doc = await this.doc(id);
    const issues = terminationIssues(factsOf(doc), { terminatedDate, reason, note: note ?? null }, clinicToday(this.ctx));
    if (issues.length > 0) throw validationFailed(issues);
    const now = this.ctx.clock.now();
    const termination = { terminatedDate, reason, ...(note ? { note } : {}), recordedBy: this.ctx.user.id, recordedAt: now };
    const parsed = Contract.safeParse({ ...doc.data, termination });
    if (!parsed.success) throw validationFailed(zodIssuesToFields(parsed.error.issues));
    this.ctx.uow.run((tx) => {
      const current = tx.get('contracts', id);
      if (!current) throw new AppError('NOT_FOUND', { id });
      if (current.status === 'terminated') throw new AppError('CONFLICT', { reason: 'terminated', id });
      tx.update('contracts', current, { ...current, status: 'terminated', data: { ...current.data, termination }, updatedAt: now });
      tx.audit({ action: 'terminate', collection: 'contracts', recordId: id, residentId: doc.residentId, detail: `${terminatedDate} ${reason}${note ? `: ${note}` : ''}` });
    });
    return this.view(await this.doc(id));
  }

  async recordService(id: string, serviceCode: ServiceCode, date: CalendarDate, note: string): Promise<ContractView> {
    const doc = await this.doc(id);
    const facts = factsOf(doc);
    const issues: FieldIssue[] = [];
    if (FORM_COUNTED.includes(serviceCode)) issues.push({ path: 'serviceCode', message: 'validation.contract.recordedByForm' });
    if (compareDates(date, clinicToday(this.ctx)) > 0) issues.push({ path: 'date', message: 'validation.futureDate' });
    const end = facts.terminatedDate && compareDates(facts.terminatedDate, doc.endDate) < 0 ? facts.terminatedDate : doc.endDate;
    if (compareDates(date, doc.startDate) < 0 || compareDates(date, end) > 0) {
      issues.push({ path: 'date', message: 'validation.contract.outsidePeriod', params: { start: doc.startDate, end } });
    }
    if (issues.length > 0) throw validationFailed(issues);
    this.ctx.uow.run((tx) =>
      this.lifecycle.create(
        tx,
        {
          id: uuidv7(),
          type: 'contractService',
          resident: { id: doc.residentId, villageCode: doc.villageCode },
          date,
          status: 'completed',
          data: { form: { serviceCode, contractId: id, note } },
        },
        { action: 'insert', residentId: doc.residentId, detail: `contract service ${serviceCode} for ${id}` },
      ),
    );
    return this.view(doc);
  }
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}|${JSON.stringify(i.params ?? {})}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
