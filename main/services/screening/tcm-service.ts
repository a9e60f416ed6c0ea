/**
 * 老年人中医药健康管理 (tcm.md): a TCM constitution assessment is saved completed, with its scores and constitutions,
 * as an `encounters` document of type `tcmAssessment`; contract fulfilment counts it for 中医药健康管理
 * (contract-rules.serviceRecordsFromEncounters).
 */
import type { FieldIssue } from '../../../shared/api/errors';
import type { TcmAssessmentView } from '../../../shared/api/screening';
import { compareDates } from '../../../shared/domain/dates';
import { scoreTcm } from '../../../shared/domain/tcm';
import type { EncounterDoc } from '../../../shared/schemas/collections';
import { TcmAssessmentForm } from '../../../shared/schemas/tcm';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { newEncounterDoc } from '../encounter-docs';
import { loadResident } from '../followups/registries-service';
import { validationFailed } from '../residents/residents-service';

function view(e: EncounterDoc): TcmAssessmentView {
  const form = TcmAssessmentForm.parse(e.data['form']);
  const scored = scoreTcm(form.answers);
  return {
    id: e.id,
    residentId: e.residentId,
    date: e.date,
    form,
    scores: scored.ok ? scored.scores : [],
    constitutions: scored.ok ? scored.constitutions : [],
    completedAt: e.completedAt,
  };
}

export class TcmService {
  constructor(private readonly ctx: ClinicContext) {}

  async record(input: TcmAssessmentForm): Promise<TcmAssessmentView> {
    const resident = await loadResident(this.ctx, input.residentId);
    const issues: FieldIssue[] = [];
    if (compareDates(input.date, clinicToday(this.ctx)) > 0) issues.push({ path: 'date', message: 'validation.futureDate' });
    if (compareDates(input.date, resident.birthDate) < 0) issues.push({ path: 'date', message: 'validation.beforeBirth' });
    const scored = scoreTcm(input.answers);
    // tcm.md: every item must be answered (the form allows no blanks).
    if (!scored.ok) for (const no of scored.missing) issues.push({ path: `answers.${no - 1}`, message: 'validation.tcmAnswerRequired' });
    if (issues.length > 0) throw validationFailed(issues);
    const computed = scored.ok ? { scores: scored.scores, constitutions: scored.constitutions } : {};
    const doc = newEncounterDoc(this.ctx, { type: 'tcmAssessment', resident, date: input.date, status: 'completed', data: { form: input, computed } });
    this.ctx.uow.run((tx) => {
      tx.insert('encounters', doc);
      tx.audit({ action: 'insert', collection: 'encounters', recordId: doc.id, residentId: resident.id });
    });
    return view(doc);
  }

  async forResident(residentId: string): Promise<TcmAssessmentView[]> {
    await loadResident(this.ctx, residentId);
    const docs = await this.ctx.db.rx.encounters.find({ selector: { residentId, type: 'tcmAssessment' } }).exec();
    return docs.map((d) => view(d.toJSON() as EncounterDoc)).sort((a, b) => compareDates(b.date, a.date) || b.completedAt - a.completedAt);
  }
}
