/**
 * 健康体检表: a check is saved as a draft (editable, impossible values refused, implausible ones returned as
 * warnings), then completed (core fields required, the self-care assessment for residents aged 65+, warnings
 * confirmed by the doctor). A completed check never changes again: a correction is an amendment document with a
 * reason that points at the original (DESIGN.md §1), and readers show the newest amendment.
 */
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../shared/api/errors';
import type { HealthCheckView, RecentCheck } from '../../../shared/api/residents';
import { latestVersions, type Versions } from '../../../shared/domain/encounter-versions';
import { judgeHealthCheck, judgementWarnings } from '../../../shared/domain/health-check-judgement';
import { checkHealthCheck, computeHealthCheck } from '../../../shared/domain/health-check-rules';
import type { EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { upgradeForm } from '../../../shared/schemas/form-versions';
import type { HealthCheckDraft } from '../../../shared/schemas/health-check';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { EncounterLifecycle } from '../encounters/lifecycle';
import { validationFailed } from '../residents/residents-service';
import { checkDeviceSources, noAcceptedReadings, sourcesOf, type AcceptedLookup } from '../devices/source-check';

const TYPES = ['healthCheck'] as const;

export class HealthChecksService {
  private readonly lifecycle: EncounterLifecycle;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly accepted: AcceptedLookup = noAcceptedReadings,
  ) {
    this.lifecycle = new EncounterLifecycle(ctx);
  }

  /** Device values must come from readings accepted in this session (issue 14 §3); earlier versions' stay. */
  private checkSources(data: HealthCheckDraft, prior: readonly EncounterDoc[]): void {
    checkDeviceSources('healthCheck', data, prior.map(sourcesOf), this.accepted, this.ctx.user.id);
  }

  private async resident(id: string): Promise<ResidentDoc> {
    const doc = await this.ctx.db.rx.residents.findOne(id).exec();
    if (!doc) throw new AppError('NOT_FOUND', { residentId: id });
    return doc.toJSON();
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

  private viewOf(v: Versions<EncounterDoc>, resident: ResidentDoc): HealthCheckView {
    const { root, shown, amendments } = v;
    const form = upgradeForm('healthCheck', shown.data) as HealthCheckDraft;
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

  private async view(id: string): Promise<HealthCheckView> {
    const v = await this.lifecycle.versions(id, TYPES);
    return this.viewOf(v, await this.resident(v.root.residentId));
  }

  async get(id: string): Promise<HealthCheckView> {
    const v = await this.lifecycle.versions(id, TYPES);
    await this.ctx.audit.record({ action: 'open', collection: 'encounters', recordId: v.root.id, residentId: v.root.residentId });
    return this.viewOf(v, await this.resident(v.root.residentId));
  }

  async forResident(residentId: string): Promise<HealthCheckView[]> {
    const resident = await this.resident(residentId);
    const views = (await this.lifecycle.forResident(residentId, TYPES)).map((v) => this.viewOf(v, resident));
    return views.sort((a, b) => b.checkDate.localeCompare(a.checkDate) || b.updatedAt - a.updatedAt);
  }

  /** `visible`: the villages the caller may see (null: all); checks of other villages' residents are left out. */
  async recent(since: string, limit: number, visible: ReadonlySet<string> | null = null): Promise<RecentCheck[]> {
    // The ['type', 'date'] index answers this as a range scan. An amendment may have moved the date of a check
    // from before `since`: its original is read too, so the shown version decides, as everywhere else.
    const inRange = (await this.ctx.db.rx.encounters.find({ selector: { type: 'healthCheck', date: { $gte: since } } }).exec())
      .map((d) => d.toJSON() as EncounterDoc)
      .filter((d) => visible === null || visible.has(d.villageCode));
    const missingRoots = [...new Set(inRange.filter((d) => d.amends).map((d) => d.amends))].filter((id) => !inRange.some((d) => d.id === id));
    const roots = missingRoots.length > 0 ? [...(await this.ctx.db.rx.encounters.findByIds(missingRoots).exec()).values()].map((d) => d.toJSON() as EncounterDoc) : [];
    const rootIds = [...new Set([...inRange.filter((d) => !d.amends).map((d) => d.id), ...roots.map((d) => d.id)])];
    const amendments = rootIds.length > 0 ? (await this.ctx.db.rx.encounters.find({ selector: { amends: { $in: rootIds } } }).exec()).map((d) => d.toJSON() as EncounterDoc) : [];
    const byId = new Map([...inRange, ...roots, ...amendments].map((d) => [d.id, d]));
    const shown = latestVersions(byId.values())
      .map((v) => ({ root: v.root, shown: v.shown }))
      .filter((v) => v.shown.date >= since)
      .sort((a, b) => (a.shown.status === b.shown.status ? b.shown.date.localeCompare(a.shown.date) : a.shown.status === 'draft' ? -1 : 1))
      .slice(0, limit);
    const residents = await this.ctx.db.rx.residents.findByIds([...new Set(shown.map((v) => v.root.residentId))]).exec();
    return shown.map(({ root, shown: s }) => {
      const resident = residents.get(root.residentId);
      return { checkId: root.id, residentId: root.residentId, name: resident?.name ?? '', recordNo: resident?.recordNo ?? '', checkDate: s.date, status: s.status };
    });
  }

  /** A new draft gets `clientId` as its id, so a retried call returns the first result instead of a second draft. */
  async saveDraft(id: string | undefined, data: HealthCheckDraft, clientId?: string): Promise<HealthCheckView> {
    const resident = await this.resident(data.residentId);
    const { computed } = this.judge(data, resident, 'draft', false);
    const change = { date: data.checkDate, data: { form: data, computed } };
    const audit = { residentId: data.residentId };
    const savedId = this.ctx.uow.run((tx) => {
      const existing = id ? tx.get('encounters', id) : undefined;
      this.checkSources(data, existing ? [existing] : []);
      if (id) {
        this.sameResident(existing, data.residentId);
        return this.lifecycle.saveDraft(tx, id, 'healthCheck', change, { ...audit, action: 'update' }).id;
      }
      return this.lifecycle.create(tx, { id: clientId ?? uuidv7(), type: 'healthCheck', resident, status: 'draft', ...change }, { ...audit, action: 'insert' }).doc.id;
    });
    return this.view(savedId);
  }

  async complete(id: string, data: HealthCheckDraft, confirmWarnings: boolean): Promise<HealthCheckView> {
    const resident = await this.resident(data.residentId);
    const { computed } = this.judge(data, resident, 'complete', confirmWarnings);
    this.ctx.uow.run((tx) => {
      const existing = tx.get('encounters', id);
      this.checkSources(data, existing ? [existing] : []);
      this.sameResident(existing, data.residentId);
      this.lifecycle.complete(tx, id, 'healthCheck', { date: data.checkDate, data: { form: data, computed } }, { action: 'complete', residentId: data.residentId });
    });
    return this.view(id);
  }

  /** `basedOn`: the shown version the user corrected; a newer amendment saved meanwhile makes this a CONFLICT. */
  async amend(id: string, data: HealthCheckDraft, reason: string, confirmWarnings: boolean, basedOn?: string, clientId?: string): Promise<HealthCheckView> {
    const { root, amendments } = await this.lifecycle.versions(id, TYPES);
    if (root.status !== 'completed') throw validationFailed([{ path: 'id', message: 'validation.amendDraft' }]);
    if (root.residentId !== data.residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
    const resident = await this.resident(data.residentId);
    const { computed } = this.judge(data, resident, 'complete', confirmWarnings);
    this.checkSources(data, [root, ...amendments]);
    this.ctx.uow.run((tx) =>
      this.lifecycle.amend(
        tx,
        root,
        basedOn,
        { id: clientId ?? uuidv7(), type: 'healthCheck', resident, status: 'completed', date: data.checkDate, data: { form: data, computed }, reason },
        { action: 'amend', residentId: data.residentId, detail: `amends ${root.id}: ${reason}` },
      ),
    );
    return this.view(root.id);
  }

  private sameResident(e: { residentId: string } | undefined, residentId: string): void {
    if (e && e.residentId !== residentId) throw validationFailed([{ path: 'residentId', message: 'validation.residentChanged' }]);
  }
}
