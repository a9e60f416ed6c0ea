/**
 * 慢病登记: enrolment in the hypertension or type 2 diabetes registry (followups.md §1–2, §6). The enrolment is a
 * completed `htnEnrolment` / `t2dmEnrolment` encounter; a status or BP-target change is an amendment of it dated on
 * the day of the change, with the reason, so the history stays and the latest version is what counts.
 */
import type { Disease, EnrolmentInput, RegistryView } from '../../../shared/api/followups';
import { AppError, type FieldIssue } from '../../../shared/api/errors';
import { enrolmentAgeIssue } from '../../../shared/domain/chronic-enrolment';
import { compareDates } from '../../../shared/domain/dates';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { ChronicEnrolment, type RegistryStatus } from '../../../shared/schemas/followup';
import { v7 as uuidv7 } from 'uuid';
import { EncounterLifecycle } from '../encounters/lifecycle';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { validationFailed } from '../residents/residents-service';
import { latestVersions } from '../../../shared/domain/encounter-versions';

const TYPE: Record<Disease, 'htnEnrolment' | 't2dmEnrolment'> = { htn: 'htnEnrolment', t2dm: 't2dmEnrolment' };

export interface Enrolment {
  root: EncounterDoc;
  shown: EncounterDoc;
  amendments: EncounterDoc[];
  form: ChronicEnrolment;
}

export async function loadResident(ctx: ClinicContext, id: string): Promise<ResidentDoc> {
  const doc = await ctx.db.rx.residents.findOne(id).exec();
  if (!doc) throw new AppError('NOT_FOUND', { residentId: id });
  return doc.toJSON();
}

export async function encountersOf(ctx: ClinicContext, residentId: string, types: readonly EncounterDoc['type'][]): Promise<EncounterDoc[]> {
  const docs = await ctx.db.rx.encounters.find({ selector: { residentId } }).exec();
  return docs.map((d) => d.toJSON() as EncounterDoc).filter((e) => types.includes(e.type));
}

/** The resident's enrolment in a registry as it stands (latest amendment), or null. */
export async function enrolmentOf(ctx: ClinicContext, residentId: string, disease: Disease): Promise<Enrolment | null> {
  const docs = await encountersOf(ctx, residentId, [TYPE[disease]]);
  const versions = latestVersions(docs).filter((v) => v.shown.status === 'completed');
  // A resident is enrolled once per disease; should a second enrolment exist (two devices), the newest counts.
  const newest = versions.sort((a, b) => b.root.createdAt - a.root.createdAt)[0];
  if (!newest) return null;
  return { ...newest, form: ChronicEnrolment.parse(newest.shown.data['form']) };
}

export class RegistriesService {
  private readonly lifecycle: EncounterLifecycle;

  constructor(private readonly ctx: ClinicContext) {
    this.lifecycle = new EncounterLifecycle(ctx);
  }

  private view(e: Enrolment): RegistryView {
    const ordered = [...e.amendments].reverse();
    const history = [e.root, ...ordered].map((d) => {
      const form = ChronicEnrolment.parse(d.data['form']);
      return {
        id: d.id,
        status: form.status,
        date: d === e.root ? form.enrolledDate : (form.statusDate ?? d.date),
        reason: d === e.root ? '' : d.amendReason,
        at: d.createdAt,
        by: d.createdBy,
      };
    });
    return { id: e.root.id, residentId: e.root.residentId, disease: e.form.disease, enrolment: e.form, history, updatedAt: e.shown.updatedAt };
  }

  async forResident(residentId: string): Promise<RegistryView[]> {
    await loadResident(this.ctx, residentId);
    const out: RegistryView[] = [];
    for (const disease of ['htn', 't2dm'] as const) {
      const e = await enrolmentOf(this.ctx, residentId, disease);
      if (e) out.push(this.view(e));
    }
    return out;
  }

  async enrol(residentId: string, input: EnrolmentInput, clientId?: string): Promise<RegistryView> {
    const resident = await loadResident(this.ctx, residentId);
    const today = clinicToday(this.ctx);
    const issues: FieldIssue[] = [];
    if (resident.status !== 'active') issues.push({ path: 'residentId', message: 'validation.followup.residentNotActive' });
    if (compareDates(input.enrolledDate, today) > 0) issues.push({ path: 'enrolment.enrolledDate', message: 'validation.futureDate' });
    if (compareDates(input.diagnosisDate, input.enrolledDate) > 0) {
      issues.push({ path: 'enrolment.diagnosisDate', message: 'validation.followup.diagnosisAfterEnrolment' });
    }
    if (compareDates(input.diagnosisDate, resident.birthDate) < 0) {
      issues.push({ path: 'enrolment.diagnosisDate', message: 'validation.followup.beforeBirth' });
    }
    // README §1: HTN / T2DM management is for residents aged 35+; a younger patient needs the doctor's reason.
    const ageIssue = enrolmentAgeIssue(resident.birthDate, input.enrolledDate, input.ageOverrideReason);
    if (ageIssue) issues.push(ageIssue);
    if (issues.length > 0) throw validationFailed(issues);
    const form = ChronicEnrolment.parse({ ...input, status: 'active' });
    const type = TYPE[input.disease];
    this.ctx.uow.run((tx) => {
      // Checked inside the transaction: two enrolments at the same moment must not both pass.
      const enrolled = tx.find('encounters', { selector: { residentId, type } }).some((e) => !e.amends && e.id !== clientId);
      if (enrolled) throw validationFailed([{ path: 'enrolment.disease', message: 'validation.followup.alreadyEnrolled' }]);
      this.lifecycle.create(
        tx,
        { id: clientId ?? uuidv7(), type, resident, date: form.enrolledDate, status: 'completed', data: { form } },
        { action: 'enrol', residentId, detail: input.disease },
      );
    });
    return this.mustView(residentId, input.disease);
  }

  async setStatus(residentId: string, disease: Disease, status: RegistryStatus, date: string, reason: string): Promise<RegistryView> {
    const e = await this.must(residentId, disease);
    const issues: FieldIssue[] = [];
    if (compareDates(date, clinicToday(this.ctx)) > 0) issues.push({ path: 'date', message: 'validation.futureDate' });
    if (compareDates(date, e.form.enrolledDate) < 0) issues.push({ path: 'date', message: 'validation.followup.beforeEnrolment' });
    if (status === e.form.status) issues.push({ path: 'status', message: 'validation.followup.statusUnchanged' });
    if (issues.length > 0) throw validationFailed(issues);
    await this.amendWith(e, { ...e.form, status, statusDate: date, statusReason: reason }, date, reason, `status ${e.form.status} -> ${status}`);
    return this.mustView(residentId, disease);
  }

  async setBpTarget(residentId: string, disease: Disease, bpTarget: { sbp: number; dbp: number } | null, reason: string): Promise<RegistryView> {
    const e = await this.must(residentId, disease);
    const { bpTarget: _old, ...rest } = e.form;
    const form: ChronicEnrolment = bpTarget ? { ...rest, bpTarget } : rest;
    const today = clinicToday(this.ctx);
    const date = compareDates(today, e.shown.date) >= 0 ? today : e.shown.date;
    await this.amendWith(e, form, date, reason, `bpTarget ${bpTarget ? `${bpTarget.sbp}/${bpTarget.dbp}` : 'none'}`);
    return this.mustView(residentId, disease);
  }

  private async must(residentId: string, disease: Disease): Promise<Enrolment> {
    await loadResident(this.ctx, residentId);
    const e = await enrolmentOf(this.ctx, residentId, disease);
    if (!e) throw new AppError('NOT_FOUND', { residentId, disease });
    return e;
  }

  private async mustView(residentId: string, disease: Disease): Promise<RegistryView> {
    return this.view(await this.must(residentId, disease));
  }

  private async amendWith(e: Enrolment, form: ChronicEnrolment, date: string, reason: string, detail: string): Promise<void> {
    const parsed = ChronicEnrolment.parse(form);
    this.ctx.uow.run((tx) =>
      this.lifecycle.amend(
        tx,
        e.root,
        e.shown.id,
        {
          id: uuidv7(),
          type: e.root.type,
          resident: { id: e.root.residentId, villageCode: e.root.villageCode },
          date,
          status: 'completed',
          data: { form: parsed },
          reason,
        },
        { action: 'amend', residentId: e.root.residentId, detail: `amends ${e.root.id}: ${detail}: ${reason}` },
      ),
    );
  }
}
