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
import type { DeviceSources } from '../../../shared/schemas/device-source';
import { completedFollowupIssues } from '../../../shared/schemas/followup';
import { upgradeForm } from '../../../shared/schemas/form-versions';
import { EncounterLifecycle } from '../encounters/lifecycle';
import type { WriteTx } from '../unit-of-work';
import { valueIssues } from '../../../shared/domain/readings';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { validationFailed } from '../residents/residents-service';
import { decide, evaluation, classify, withGlucose, type Decision, type DecisionContext } from './followup-decision';
import { latestVersions } from '../../../shared/domain/encounter-versions';
import { encountersOf, enrolmentOf, loadResident } from './registries-service';
import { checkDeviceSources, noAcceptedReadings, sourcesOf, type AcceptedLookup } from '../devices/source-check';

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
  private readonly lifecycle: EncounterLifecycle;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly accepted: AcceptedLookup = noAcceptedReadings,
  ) {
    this.lifecycle = new EncounterLifecycle(ctx);
  }

  /** Device values must come from readings accepted in this session (issue 14 §3); earlier versions' stay. */
  private checkSources(decision: Decision, prior: readonly (EncounterDoc | null)[]): void {
    const form = decision.form.form as { deviceSources?: DeviceSources };
    checkDeviceSources('followup', form, prior.map(sourcesOf), this.accepted, this.ctx.user.id);
  }

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

  /** A new visit gets `clientId` as its id, so a retried call returns the first result. */
  async saveDraft(id: string | undefined, residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined, clientId?: string): Promise<FollowupView> {
    const existing = id ? await this.encounter(id) : null;
    if (existing) this.assertEditable(existing, residentId, input.disease);
    const { resident, decision, visitDate } = await this.prepare(residentId, input, glucose, existing?.id ?? null);
    this.checkSources(decision, [existing]);
    const change = { date: visitDate, data: { form: decision.form.form, computed: decision.computed } };
    const savedId = this.ctx.uow.run((tx) =>
      existing
        ? this.lifecycle.saveDraft(tx, existing.id, TYPE[input.disease], change, { action: 'update', residentId }).id
        : this.lifecycle.create(tx, { id: clientId ?? uuidv7(), type: TYPE[input.disease], resident, status: 'draft', ...change }, { action: 'insert', residentId }).doc.id,
    );
    return this.view(await this.encounter(savedId), decision.issues);
  }

  /** Completes a draft (or a new visit with `clientId`); the referral check it needs is opened in the same transaction. */
  async complete(id: string | undefined, residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined, clientId?: string): Promise<FollowupView> {
    let existing = id ? await this.encounter(id) : null;
    if (!existing && clientId) {
      // A draft saved under this client id whose answer never arrived is completed; a completed one is a retry.
      const prior = (await this.ctx.db.rx.encounters.findOne(clientId).exec())?.toJSON();
      if (prior?.status === 'completed' && prior.residentId === residentId && prior.createdBy === this.ctx.user.id) return this.view(prior);
      if (prior) existing = prior;
    }
    if (existing) this.assertEditable(existing, residentId, input.disease);
    const { resident, decision, visitDate } = await this.prepare(residentId, input, glucose, existing?.id ?? null);
    this.mustComplete(decision);
    this.checkSources(decision, [existing]);
    const change = { date: visitDate, data: { form: decision.form.form, computed: decision.computed } };
    const audit = { action: 'complete', residentId, detail: this.auditDetail(decision) };
    const rootId = this.ctx.uow.run((tx) => {
      const done = existing
        ? this.lifecycle.complete(tx, existing.id, TYPE[input.disease], change, audit)
        : this.lifecycle.create(tx, { id: clientId ?? uuidv7(), type: TYPE[input.disease], resident, status: 'completed', ...change }, audit).doc;
      this.openReferralCheck(tx, done.id, resident, input.disease, decision);
      return done.id;
    });
    return this.view(await this.encounter(rootId));
  }

  /** `basedOn`: the version the user corrected; a newer amendment saved meanwhile makes this a CONFLICT. */
  async amend(id: string, residentId: string, input: FollowupFormInput, glucose: GlucoseEntry | undefined, reason: string, basedOn?: string, clientId?: string): Promise<FollowupView> {
    const target = await this.encounter(id);
    const root = target.amends ? await this.encounter(target.amends) : target;
    if (root.status !== 'completed') throw validationFailed([{ path: 'id', message: 'validation.amendDraft' }]);
    if (root.residentId !== residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
    if (DISEASE_OF[root.type] !== input.disease) throw validationFailed([{ path: 'followup.disease', message: 'validation.followup.diseaseChanged' }]);
    const { resident, decision, visitDate } = await this.prepare(residentId, input, glucose, root.id);
    this.mustComplete(decision);
    this.checkSources(decision, (await this.lifecycle.versions(root.id, [root.type])).amendments.concat(root));
    this.ctx.uow.run((tx) => {
      this.lifecycle.amend(
        tx,
        root,
        basedOn,
        { id: clientId ?? uuidv7(), type: TYPE[input.disease], resident, status: 'completed', date: visitDate, data: { form: decision.form.form, computed: decision.computed }, reason },
        { action: 'amend', residentId, detail: `amends ${root.id}: ${reason}; ${this.auditDetail(decision)}` },
      );
      this.openReferralCheck(tx, root.id, resident, input.disease, decision);
    });
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
    const form = e.data['form'] as ReferralForm;
    const source = await this.encounter(form.sourceId);
    const issues: FieldIssue[] = [];
    if (compareDates(checkedDate, clinicToday(this.ctx)) > 0) issues.push({ path: 'checkedDate', message: 'validation.futureDate' });
    if (compareDates(checkedDate, source.date) < 0) issues.push({ path: 'checkedDate', message: 'validation.followup.beforeVisit' });
    if (issues.length > 0) throw validationFailed(issues);
    this.ctx.uow.run((tx) =>
      this.lifecycle.complete(
        tx,
        id,
        'referralCheck',
        { date: e.date, data: { form: { ...form, checkedDate, result, outcome } } },
        { action: 'complete', residentId: e.residentId, detail: `referral check ${result === 1 ? '到位' : '不到位'}` },
      ),
    );
    return this.referralView(await this.encounter(id, ['referralCheck']));
  }

  private assertEditable(existing: EncounterDoc, residentId: string, disease: Disease): void {
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
  private openReferralCheck(tx: WriteTx, rootId: string, resident: ResidentDoc, disease: Disease, d: Decision): void {
    if (!d.referralCheckDue) return;
    const existing = tx.find('encounters', { selector: { residentId: resident.id, type: 'referralCheck' } });
    if (existing.some((e) => (e.data['form'] as ReferralForm | undefined)?.sourceId === rootId)) return;
    const form: ReferralForm = { sourceId: rootId, disease, dueDate: d.referralCheckDue, reason: d.form.form.nextStep === 4 ? 'urgent' : 'planned' };
    this.lifecycle.create(
      tx,
      { id: uuidv7(), type: 'referralCheck', resident, date: d.referralCheckDue, status: 'draft', data: { form } },
      { action: 'insert', residentId: resident.id, detail: `referral check for ${rootId} due ${d.referralCheckDue}` },
    );
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
    const followup = FollowupFormSchema.parse({ disease, form: upgradeForm(shown.type, shown.data) });
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
