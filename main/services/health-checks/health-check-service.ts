/**
 * 健康体检表: a check is saved as a draft (editable, impossible values refused, implausible ones returned as
 * warnings), then completed (core fields required, the self-care assessment for residents aged 65+, warnings
 * confirmed by the doctor). A completed check never changes again: a correction is an amendment document with a
 * reason that points at the original (DESIGN.md §1), and readers show the newest amendment.
 */
import { AppError } from '../../../shared/api/errors';
import type { HealthCheckView, RecentCheck } from '../../../shared/api/residents';
import { judgeHealthCheck, judgementWarnings } from '../../../shared/domain/health-check-judgement';
import { checkHealthCheck, computeHealthCheck } from '../../../shared/domain/health-check-rules';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { HealthCheckDraft } from '../../../shared/schemas/health-check';
import { newEncounterDoc } from '../encounter-docs';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { validationFailed } from '../residents/residents-service';

export class HealthChecksService {
  constructor(private readonly ctx: ClinicContext) {}

  private async resident(id: string): Promise<ResidentDoc> {
    const doc = await this.ctx.db.rx.residents.findOne(id).exec();
    if (!doc) throw new AppError('NOT_FOUND', { residentId: id });
    return doc.toJSON();
  }

  private async encounter(id: string): Promise<EncounterDoc> {
    const doc = await this.ctx.db.rx.encounters.findOne(id).exec();
    const e = doc?.toJSON();
    if (!e || e.type !== 'healthCheck') throw new AppError('NOT_FOUND', { id });
    return e;
  }

  /** Errors refuse the save; warnings come back (and must be confirmed to complete). */
  private judge(data: HealthCheckDraft, resident: ResidentDoc, mode: 'draft' | 'complete', confirmWarnings: boolean) {
    const findings = checkHealthCheck(data, { birthDate: resident.birthDate, today: clinicToday(this.ctx) }, mode);
    if (mode === 'complete') findings.warnings.push(...judgementWarnings(judgeHealthCheck(data, resident.birthDate, resident.sex)));
    if (findings.errors.length > 0) throw validationFailed(findings.errors);
    if (mode === 'complete' && findings.warnings.length > 0 && !confirmWarnings) {
      throw new AppError('VALIDATION_FAILED', { needsConfirmation: true }, 'VALIDATION_FAILED', findings.warnings);
    }
    return { computed: computeHealthCheck(data, resident.birthDate), warnings: findings.warnings };
  }

  private async amendmentsOf(id: string): Promise<EncounterDoc[]> {
    const docs = await this.ctx.db.rx.encounters.find({ selector: { amends: id } }).exec();
    return docs.map((d) => d.toJSON() as EncounterDoc).sort((a, b) => b.createdAt - a.createdAt);
  }

  private async view(root: EncounterDoc): Promise<HealthCheckView> {
    const amendments = await this.amendmentsOf(root.id);
    const shown = amendments[0] ?? root;
    const resident = await this.resident(root.residentId);
    const form = shown.data['form'] as HealthCheckDraft;
    const findings = checkHealthCheck(form, { birthDate: resident.birthDate, today: clinicToday(this.ctx) }, 'draft');
    return {
      id: root.id,
      residentId: root.residentId,
      status: shown.status,
      checkDate: shown.date,
      data: form,
      computed: computeHealthCheck(form, resident.birthDate),
      judgement: judgeHealthCheck(form, resident.birthDate, resident.sex),
      warnings: findings.warnings,
      amends: shown.amends,
      amendReason: shown.amendReason,
      amendedBy: amendments.map((a) => a.id),
      completedAt: shown.completedAt,
      updatedAt: shown.updatedAt,
    };
  }

  async get(id: string): Promise<HealthCheckView> {
    const e = await this.encounter(id);
    const root = e.amends ? await this.encounter(e.amends) : e;
    await this.ctx.audit.record({ action: 'open', collection: 'encounters', recordId: root.id, residentId: root.residentId });
    return this.view(root);
  }

  async forResident(residentId: string): Promise<HealthCheckView[]> {
    await this.resident(residentId);
    const docs = await this.ctx.db.rx.encounters.find({ selector: { residentId, type: 'healthCheck' } }).exec();
    const roots = docs.map((d) => d.toJSON() as EncounterDoc).filter((e) => !e.amends);
    const views = await Promise.all(roots.map((r) => this.view(r)));
    return views.sort((a, b) => b.checkDate.localeCompare(a.checkDate) || b.updatedAt - a.updatedAt);
  }

  async recent(since: string, limit: number): Promise<RecentCheck[]> {
    // The ['type', 'date'] index answers this as a range scan; amendments are folded into their originals.
    const docs = (await this.ctx.db.rx.encounters.find({ selector: { type: 'healthCheck', date: { $gte: since } }, sort: [{ date: 'desc' }] }).exec()).map(
      (d) => d.toJSON() as EncounterDoc,
    );
    const amended = new Map<string, EncounterDoc>();
    for (const d of docs) if (d.amends) amended.set(d.amends, d);
    const roots = docs
      .filter((d) => !d.amends)
      .sort((a, b) => (a.status === b.status ? b.date.localeCompare(a.date) : a.status === 'draft' ? -1 : 1))
      .slice(0, limit);
    const residents = await this.ctx.db.rx.residents.findByIds([...new Set(roots.map((r) => r.residentId))]).exec();
    return roots.map((r) => {
      const shown = amended.get(r.id) ?? r;
      const resident = residents.get(r.residentId);
      return { checkId: r.id, residentId: r.residentId, name: resident?.name ?? '', recordNo: resident?.recordNo ?? '', checkDate: shown.date, status: shown.status };
    });
  }

  async saveDraft(id: string | undefined, data: HealthCheckDraft): Promise<HealthCheckView> {
    const resident = await this.resident(data.residentId);
    const { computed } = this.judge(data, resident, 'draft', false);
    const now = this.ctx.clock.now();
    if (id) {
      const existing = await this.encounter(id);
      if (existing.status === 'completed') throw new AppError('ALREADY_COMPLETED', { id });
      if (existing.residentId !== data.residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
      const doc = await this.ctx.db.rx.encounters.findOne(id).exec();
      await doc?.incrementalPatch({ date: data.checkDate, data: { form: data, computed }, updatedAt: now });
      await this.ctx.audit.record({ action: 'update', collection: 'encounters', recordId: id, residentId: data.residentId });
      return this.view(await this.encounter(id));
    }
    const { id: newId } = await this.ctx.db.rx.encounters.insert(
      newEncounterDoc(this.ctx, { type: 'healthCheck', resident, date: data.checkDate, status: 'draft', data: { form: data, computed } }),
    );
    await this.ctx.audit.record({ action: 'insert', collection: 'encounters', recordId: newId, residentId: data.residentId });
    return this.view(await this.encounter(newId));
  }

  async complete(id: string, data: HealthCheckDraft, confirmWarnings: boolean): Promise<HealthCheckView> {
    const existing = await this.encounter(id);
    if (existing.status === 'completed') throw new AppError('ALREADY_COMPLETED', { id });
    if (existing.residentId !== data.residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
    const resident = await this.resident(data.residentId);
    const { computed } = this.judge(data, resident, 'complete', confirmWarnings);
    const now = this.ctx.clock.now();
    const doc = await this.ctx.db.rx.encounters.findOne(id).exec();
    await doc?.incrementalPatch({ date: data.checkDate, status: 'completed', data: { form: data, computed }, updatedAt: now, completedAt: now });
    await this.ctx.audit.record({ action: 'complete', collection: 'encounters', recordId: id, residentId: data.residentId });
    return this.view(await this.encounter(id));
  }

  async amend(id: string, data: HealthCheckDraft, reason: string, confirmWarnings: boolean): Promise<HealthCheckView> {
    const target = await this.encounter(id);
    const root = target.amends ? await this.encounter(target.amends) : target;
    if (root.status !== 'completed') throw validationFailed([{ path: 'id', message: 'validation.amendDraft' }]);
    if (root.residentId !== data.residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
    const resident = await this.resident(data.residentId);
    const { computed } = this.judge(data, resident, 'complete', confirmWarnings);
    const { id: amendmentId } = await this.ctx.db.rx.encounters.insert(
      newEncounterDoc(this.ctx, {
        type: 'healthCheck',
        resident,
        date: data.checkDate,
        status: 'completed',
        data: { form: data, computed },
        amends: { id: root.id, reason },
      }),
    );
    await this.ctx.audit.record({ action: 'amend', collection: 'encounters', recordId: amendmentId, residentId: data.residentId, detail: `amends ${root.id}: ${reason}` });
    return this.view(root);
  }
}
