/**
 * 随访: the same model as health checks. A draft is editable; completing needs the Spec's fields
 * (completedFollowupIssues) and a reason for any change to the rules' proposal; a completed follow-up is corrected
 * only by an amendment (DESIGN.md §1). Every save classifies the visit with the resident's age on the visit date,
 * the per-patient BP target and the class of the previous face-to-face visit (latest amendments), and a referral
 * opens a 2-week referral check (followups.md §4, §6).
 */
import { v7 as uuidv7 } from 'uuid';
import type { FieldIssue } from '../../../shared/api/errors';
import { AppError } from '../../../shared/api/errors';
import type { Disease, FollowupEvaluation, FollowupFormInput, FollowupView, GlucoseEntry, ReferralCheckView } from '../../../shared/api/followups';
import { FollowupFormInput as FollowupFormSchema } from '../../../shared/api/followups';
import { compareDates } from '../../../shared/domain/dates';
import { previousFaceToFaceClass, type FollowupClass, type PastVisit, type VisitMode } from '../../../shared/domain/followup-classification';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { completedFollowupIssues } from '../../../shared/schemas/followup';
import { valueIssues } from '../../../shared/domain/readings';
import { newEncounterDoc } from '../encounter-docs';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { validationFailed } from '../residents/residents-service';
import { decide, evaluation, classify, withGlucose, type Decision, type DecisionContext } from './followup-decision';
import { latestVersions } from './patient-work';
import { encountersOf, enrolmentOf, loadResident } from './registries-service';

const TYPE: Record<Disease, 'htnFollowup' | 't2dmFollowup'> = { htn: 'htnFollowup', t2dm: 't2dmFollowup' };
const DISEASE_OF: Record<string, Disease> = { htnFollowup: 'htn', t2dmFollowup: 't2dm' };

interface ReferralForm {
  sourceId: string;
  disease: Disease;
  dueDate: string;
  reason: 'urgent' | 'planned';
  checkedDate?: string;
  result?: 1 | 2;
  outcome?: string;
}

export class FollowupsService {
  constructor(private readonly ctx: ClinicContext) {}

  private async encounter(id: string, types: readonly string[] = ['htnFollowup', 't2dmFollowup']): Promise<EncounterDoc> {
    const doc = await this.ctx.db.rx.encounters.findOne(id).exec();
    const e = doc?.toJSON();
    if (!e || !types.includes(e.type)) throw new AppError('NOT_FOUND', { id });
    return e;
  }

  private async decisionContext(resident: ResidentDoc, disease: Disease, visitDate: string | undefined, excludeRootId: string | null): Promise<DecisionContext> {
    const today = clinicToday(this.ctx);
    const own = await enrolmentOf(this.ctx, resident.id, disease);
    const other = own?.form.bpTarget ? null : await enrolmentOf(this.ctx, resident.id, disease === 'htn' ? 't2dm' : 'htn');
    const bpTarget = own?.form.bpTarget ?? other?.form.bpTarget ?? null;
    const docs = await encountersOf(this.ctx, resident.id, [TYPE[disease]]);
    const past: PastVisit[] = latestVersions(docs)
      .filter((v) => v.root.id !== excludeRootId && v.shown.status === 'completed')
      .map((v) => {
        const form = v.shown.data['form'] as { visitMode?: VisitMode; classification?: FollowupClass | null };
        return { visitDate: v.shown.date, visitMode: form.visitMode ?? 3, classification: form.classification ?? null };
      });
    return { birthDate: resident.birthDate, bpTarget, previousClass: previousFaceToFaceClass(past, visitDate ?? today), today };
  }

  /** Refusals common to every save: enrolment, a visit date, not in the future, not before the enrolment. */
  private async prepare(residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined, excludeRootId: string | null) {
    const resident = await loadResident(this.ctx, residentId);
    const withG = withGlucose(input, glucose);
    const f = withG.value.form;
    // Impossible readings are refused at the field with the range, draft or not (issue 12 §6).
    const issues: FieldIssue[] = [...withG.issues, ...valueIssues({ sbp: f.sbp, dbp: f.dbp, fastingGlucose: withG.value.disease === 't2dm' ? withG.value.form.fastingGlucose : null })];
    const visitDate = f.visitDate;
    const enrolment = await enrolmentOf(this.ctx, residentId, input.disease);
    if (!enrolment || enrolment.form.status !== 'active') issues.push({ path: 'disease', message: 'validation.followup.notEnrolled' });
    if (!visitDate) issues.push({ path: 'visitDate', message: 'validation.required' });
    else {
      if (compareDates(visitDate, clinicToday(this.ctx)) > 0) issues.push({ path: 'visitDate', message: 'validation.futureDate' });
      if (enrolment && compareDates(visitDate, enrolment.form.diagnosisDate) < 0) {
        issues.push({ path: 'visitDate', message: 'validation.followup.beforeDiagnosis' });
      }
    }
    if (issues.length > 0) throw validationFailed(issues);
    const ctx = await this.decisionContext(resident, input.disease, visitDate, excludeRootId);
    return { resident, decision: decide(withG.value, ctx), visitDate: visitDate as string };
  }

  private mustComplete(decision: Decision): void {
    const required = completedFollowupIssues(decision.form, clinicToday(this.ctx))
      // The override reason is judged by applyOverride (decide), which knows which fields the rules proposed.
      .filter((i) => i.path !== 'override.reason');
    const issues = [...decision.issues, ...required];
    if (issues.length > 0) throw validationFailed(issues);
  }

  async evaluate(residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined): Promise<FollowupEvaluation> {
    const resident = await loadResident(this.ctx, residentId);
    const withG = withGlucose(input, glucose);
    if (withG.issues.length > 0) throw validationFailed(withG.issues);
    const ctx = await this.decisionContext(resident, input.disease, withG.value.form.visitDate ?? undefined, null);
    const proposal = classify(withG.value, ctx);
    return evaluation(withG.value, proposal, ctx, proposal.referralCheckDue);
  }

  async saveDraft(id: string | undefined, residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined): Promise<FollowupView> {
    const existing = id ? await this.encounter(id) : null;
    if (existing) this.assertEditable(existing, residentId, input.disease);
    const { resident, decision, visitDate } = await this.prepare(residentId, input, glucose, existing?.id ?? null);
    const now = this.ctx.clock.now();
    const data = { form: decision.form.form, computed: decision.computed };
    if (existing) {
      const doc = await this.ctx.db.rx.encounters.findOne(existing.id).exec();
      await doc?.incrementalPatch({ date: visitDate, data, updatedAt: now });
      await this.ctx.audit.record({ action: 'update', collection: 'encounters', recordId: existing.id, residentId });
      return this.view(await this.encounter(existing.id), decision.issues);
    }
    const { id: newId } = await this.ctx.db.rx.encounters.insert(
      newEncounterDoc(this.ctx, { type: TYPE[input.disease], resident, date: visitDate, status: 'draft', data }),
    );
    await this.ctx.audit.record({ action: 'insert', collection: 'encounters', recordId: newId, residentId });
    return this.view(await this.encounter(newId), decision.issues);
  }

  async complete(id: string | undefined, residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined): Promise<FollowupView> {
    const existing = id ? await this.encounter(id) : null;
    if (existing) this.assertEditable(existing, residentId, input.disease);
    const { resident, decision, visitDate } = await this.prepare(residentId, input, glucose, existing?.id ?? null);
    this.mustComplete(decision);
    const now = this.ctx.clock.now();
    const data = { form: decision.form.form, computed: decision.computed };
    const rootId = existing?.id ?? uuidv7();
    if (existing) {
      const doc = await this.ctx.db.rx.encounters.findOne(existing.id).exec();
      await doc?.incrementalPatch({ date: visitDate, status: 'completed', data, updatedAt: now, completedAt: now });
    } else {
      await this.ctx.db.rx.encounters.insert(
        newEncounterDoc(this.ctx, { id: rootId, type: TYPE[input.disease], resident, date: visitDate, status: 'completed', data }),
      );
    }
    await this.ctx.audit.record({ action: 'complete', collection: 'encounters', recordId: rootId, residentId, detail: this.auditDetail(decision) });
    await this.openReferralCheck(rootId, resident, input.disease, decision);
    return this.view(await this.encounter(rootId));
  }

  async amend(id: string, residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined, reason: string): Promise<FollowupView> {
    const target = await this.encounter(id);
    const root = target.amends ? await this.encounter(target.amends) : target;
    if (root.status !== 'completed') throw validationFailed([{ path: 'id', message: 'validation.amendDraft' }]);
    if (root.residentId !== residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
    if (DISEASE_OF[root.type] !== input.disease) throw validationFailed([{ path: 'followup.disease', message: 'validation.followup.diseaseChanged' }]);
    const { resident, decision, visitDate } = await this.prepare(residentId, input, glucose, root.id);
    this.mustComplete(decision);
    const { id: amendmentId } = await this.ctx.db.rx.encounters.insert(
      newEncounterDoc(this.ctx, {
        type: TYPE[input.disease],
        resident,
        date: visitDate,
        status: 'completed',
        data: { form: decision.form.form, computed: decision.computed },
        amends: { id: root.id, reason },
      }),
    );
    await this.ctx.audit.record({
      action: 'amend',
      collection: 'encounters',
      recordId: amendmentId,
      residentId,
      detail: `amends ${root.id}: ${reason}; ${this.auditDetail(decision)}`,
    });
    await this.openReferralCheck(root.id, resident, input.disease, decision);
    return this.view(root);
  }

  async get(id: string): Promise<FollowupView> {
    const e = await this.encounter(id);
    const root = e.amends ? await this.encounter(e.amends) : e;
    await this.ctx.audit.record({ action: 'open', collection: 'encounters', recordId: root.id, residentId: root.residentId });
    return this.view(root);
  }

  async forResident(residentId: string, disease: Disease | undefined): Promise<FollowupView[]> {
    await loadResident(this.ctx, residentId);
    const types = disease ? [TYPE[disease]] : [TYPE.htn, TYPE.t2dm];
    const docs = await encountersOf(this.ctx, residentId, [...types, 'referralCheck']);
    const checks = docs.filter((d) => d.type === 'referralCheck');
    const views = latestVersions(docs.filter((d) => d.type !== 'referralCheck')).map((v) => this.viewOf(v.root, v.shown, v.amendments, checks, []));
    return views.sort((a, b) => b.visitDate.localeCompare(a.visitDate) || b.updatedAt - a.updatedAt);
  }

  async referralChecks(residentId: string): Promise<ReferralCheckView[]> {
    await loadResident(this.ctx, residentId);
    const docs = await encountersOf(this.ctx, residentId, ['referralCheck']);
    return docs
      .map((d) => this.referralView(d))
      .sort((a, b) => (a.status === b.status ? a.dueDate.localeCompare(b.dueDate) : a.status === 'draft' ? -1 : 1));
  }

  async completeReferralCheck(id: string, checkedDate: string, result: 1 | 2, outcome: string): Promise<ReferralCheckView> {
    const e = await this.encounter(id, ['referralCheck']);
    if (e.status === 'completed') throw new AppError('ALREADY_COMPLETED', { id });
    const form = e.data['form'] as ReferralForm;
    const source = await this.encounter(form.sourceId);
    const issues: FieldIssue[] = [];
    if (compareDates(checkedDate, clinicToday(this.ctx)) > 0) issues.push({ path: 'checkedDate', message: 'validation.futureDate' });
    if (compareDates(checkedDate, source.date) < 0) issues.push({ path: 'checkedDate', message: 'validation.followup.beforeVisit' });
    if (issues.length > 0) throw validationFailed(issues);
    const now = this.ctx.clock.now();
    const doc = await this.ctx.db.rx.encounters.findOne(id).exec();
    await doc?.incrementalPatch({
      status: 'completed',
      data: { form: { ...form, checkedDate, result, outcome } },
      updatedAt: now,
      completedAt: now,
    });
    await this.ctx.audit.record({ action: 'complete', collection: 'encounters', recordId: id, residentId: e.residentId, detail: `referral check ${result === 1 ? '到位' : '不到位'}` });
    return this.referralView(await this.encounter(id, ['referralCheck']));
  }

  private assertEditable(existing: EncounterDoc, residentId: string, disease: Disease): void {
    if (existing.status === 'completed' || existing.amends) throw new AppError('ALREADY_COMPLETED', { id: existing.id });
    if (existing.residentId !== residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
    if (DISEASE_OF[existing.type] !== disease) throw validationFailed([{ path: 'followup.disease', message: 'validation.followup.diseaseChanged' }]);
  }

  private auditDetail(d: Decision): string {
    const f = d.form.form;
    const o = f.override;
    const proposal = d.computed.proposed;
    const overrideText = o
      ? ` override(${proposal.classification ?? '-'}/${proposal.nextStep ?? '-'}/${proposal.nextVisitDate ?? '-'} -> ${f.classification ?? '-'}/${f.nextStep ?? '-'}/${f.nextVisitDate ?? '-'}: ${o.reason})`
      : '';
    const urgent = d.computed.urgentReferral ? ` urgent(${d.computed.emergency.map((e) => e.code).join(',')})` : '';
    return `class ${f.classification ?? '-'} step ${f.nextStep ?? '-'} next ${f.nextVisitDate ?? '-'}${urgent}${overrideText}`;
  }

  /** §6: every referral gets a check due visitDate + 14 d; one per visit, however often it is amended. */
  private async openReferralCheck(rootId: string, resident: ResidentDoc, disease: Disease, d: Decision): Promise<void> {
    if (!d.referralCheckDue) return;
    const existing = await this.ctx.db.rx.encounters.find({ selector: { residentId: resident.id, type: 'referralCheck' } }).exec();
    if (existing.some((e) => (e.toJSON().data['form'] as ReferralForm | undefined)?.sourceId === rootId)) return;
    const form: ReferralForm = { sourceId: rootId, disease, dueDate: d.referralCheckDue, reason: d.form.form.nextStep === 4 ? 'urgent' : 'planned' };
    const { id } = await this.ctx.db.rx.encounters.insert(
      newEncounterDoc(this.ctx, { type: 'referralCheck', resident, date: d.referralCheckDue, status: 'draft', data: { form } }),
    );
    await this.ctx.audit.record({ action: 'insert', collection: 'encounters', recordId: id, residentId: resident.id, detail: `referral check for ${rootId} due ${d.referralCheckDue}` });
  }

  private referralView(d: EncounterDoc): ReferralCheckView {
    const f = d.data['form'] as ReferralForm;
    return {
      id: d.id,
      residentId: d.residentId,
      disease: f.disease,
      sourceId: f.sourceId,
      dueDate: f.dueDate,
      status: d.status,
      checkedDate: f.checkedDate ?? null,
      result: f.result ?? null,
      outcome: f.outcome ?? '',
    };
  }

  private async view(root: EncounterDoc, warnings: FieldIssue[] = []): Promise<FollowupView> {
    const docs = await encountersOf(this.ctx, root.residentId, [root.type, 'referralCheck']);
    const v = latestVersions(docs.filter((d) => d.type !== 'referralCheck')).find((x) => x.root.id === root.id);
    const checks = docs.filter((d) => d.type === 'referralCheck');
    return this.viewOf(v?.root ?? root, v?.shown ?? root, v?.amendments ?? [], checks, warnings);
  }

  private viewOf(root: EncounterDoc, shown: EncounterDoc, amendments: EncounterDoc[], checks: EncounterDoc[], warnings: FieldIssue[]): FollowupView {
    const disease = DISEASE_OF[root.type] ?? 'htn';
    const followup = FollowupFormSchema.parse({ disease, form: shown.data['form'] });
    const check = checks.find((c) => (c.data['form'] as ReferralForm | undefined)?.sourceId === root.id);
    return {
      id: root.id,
      residentId: root.residentId,
      status: shown.status,
      visitDate: shown.date,
      followup,
      computed: shown.data['computed'] as FollowupEvaluation,
      referralCheckId: check?.id ?? '',
      warnings,
      amends: shown.amends,
      amendReason: shown.amendReason,
      amendedBy: amendments.map((a) => a.id),
      completedAt: shown.completedAt,
      updatedAt: shown.updatedAt,
    };
  }
}
