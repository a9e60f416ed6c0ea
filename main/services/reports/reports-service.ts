/**
 * 报表: the clinic's indicators for a period and scope, computed by the pure shared functions over arrays read
 * from the stored per-resident facts (indicator-facts.ts, over the indicator projection, mapped by
 * shared/domain/indicators/from-documents.ts). Exports are audited; the identifiable one needs a confirmation that
 * the door checks (`confirmed: true`).
 */
import type { IndicatorFigure, ListedResident, ListSide, MeasurementPoint, Report, ReportPeriodInput, ReportScope } from '../../../shared/api/reports';
import { AppError } from '../../../shared/api/errors';
import { compareDates } from '../../../shared/domain/dates';
import {
  computeIndicators,
  currentEvents,
  indicatorWindow,
  INDICATOR_IDS,
  latestVersions,
  periodDates,
  periodKey,
  sumDenominators,
  trailingPeriods,
  type IndicatorId,
  type IndicatorInput,
  type IndicatorScope,
  type IndicatorSet,
  type IndicatorValue,
  type ReportPeriod,
  type ScopeDenominators,
} from '../../../shared/domain/indicators';
import type { Denominator } from '../../../shared/schemas/denominator';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import type { TeamsService } from '../contracting/teams-service';
import { DenominatorsRepo } from './denominators-repo';
import { encounterRecord } from '../../../shared/domain/indicators/from-documents';
import { LiveIndicatorInput } from './live-indicator-input';
import { reportWorkbook, residentsWorkbook } from './report-xlsx';

export interface ResolvedScope {
  scope: IndicatorScope;
  name: string;
  villageCodes: string[];
}

const figure = (v: IndicatorValue): IndicatorFigure => ({
  id: v.id,
  numerator: v.numerator,
  denominator: v.denominator,
  rate: v.rate,
  reason: v.reason,
  denominatorSource: v.denominatorSource,
  enteredAsOf: v.enteredAsOf,
});
const figures = (set: IndicatorSet): IndicatorFigure[] => INDICATOR_IDS.map((id) => figure(set[id]));

export class ReportsService {
  readonly denominators: DenominatorsRepo;
  /** The input, read once and kept current from the change events: one screen asks for a report, its trend and lists in a row. */
  private readonly live: LiveIndicatorInput;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly teams: TeamsService,
  ) {
    this.denominators = new DenominatorsRepo(ctx);
    this.live = new LiveIndicatorInput(ctx.db, () => this.teams.listPackages());
  }

  /**
   * After sign-in: fills the stored per-resident facts if this build has not yet (after an upgrade), then preloads
   * the input and this month's facts, all in small slices. Resolves when done; never rejects.
   */
  warmUp(): Promise<void> {
    const today = clinicToday(this.ctx);
    const month: ReportPeriod = { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
    return this.live.warmUp(indicatorWindow(month)).catch(() => undefined);
  }

  stop(): void {
    this.live.stop();
  }

  async resolveScope(scope: ReportScope): Promise<ResolvedScope> {
    const villages = await villageNames(this.ctx);
    const clinic = await this.ctx.settings.clinic();
    switch (scope.kind) {
      case 'clinic':
        return { scope, name: clinic.clinicName, villageCodes: [...villages.keys()] };
      case 'village': {
        const name = villages.get(scope.villageCode);
        if (name === undefined) throw new AppError('OUT_OF_JURISDICTION', { villageCode: scope.villageCode });
        return { scope, name, villageCodes: [scope.villageCode] };
      }
      case 'team': {
        const team = await this.teams.findTeam(scope.teamId);
        if (!team) throw new AppError('NOT_FOUND', { teamId: scope.teamId });
        return { scope: { kind: 'team', teamId: team.teamId, villageCodes: team.villages }, name: team.teamName, villageCodes: [...team.villages] };
      }
    }
  }

  /** The input every report computes with (the stored facts, kept current); tests compare it with a from-scratch read. */
  indicatorInput(): Promise<IndicatorInput> {
    return this.live.get();
  }

  private denominatorsFor(entries: readonly Denominator[], villageCodes: readonly string[], on: string): ScopeDenominators {
    const of = (kind: Denominator['kind']) => sumDenominators(entries.filter((e) => e.kind === kind), villageCodes, on);
    return { population: of('population'), htnPatients: of('htnPatients'), t2dmPatients: of('t2dmPatients') };
  }

  async report(period: ReportPeriodInput, scope: ReportScope): Promise<Report> {
    const resolved = await this.resolveScope(scope);
    const [input, entries, villages, clinic] = await Promise.all([this.indicatorInput(), this.denominators.list(), villageNames(this.ctx), this.ctx.settings.clinic()]);
    const p: ReportPeriod = period;
    const w = indicatorWindow(p);
    const dates = periodDates(p);
    const indicators = computeIndicators(input, w, resolved.scope, this.denominatorsFor(entries, resolved.villageCodes, w.end));
    const perVillage = resolved.villageCodes.map((code) => ({
      villageCode: code,
      villageName: villages.get(code) ?? code,
      indicators: figures(computeIndicators(input, w, { kind: 'village', villageCode: code }, this.denominatorsFor(entries, [code], w.end))),
    }));
    return {
      period: { ...p, key: periodKey(p) },
      periodStart: dates.start,
      periodEnd: dates.end,
      windowStart: w.start,
      windowEnd: w.end,
      scope,
      scopeName: resolved.name,
      clinic: { code: clinic.clinicCode, name: clinic.clinicName },
      generatedAt: this.ctx.clock.now(),
      generatedBy: this.ctx.user.displayName || this.ctx.user.username,
      indicators: figures(indicators),
      villages: perVillage,
      activity: this.activity(input, new Set(indicators.recordCoverageRate.numeratorIds), dates),
    };
  }

  /** Counts of the period itself, for the residents of the scope (one pass over the events, the date tested first). */
  private activity(input: IndicatorInput, inScope: ReadonlySet<string>, dates: { start: string; end: string }): Report['activity'] {
    const within = (d: string) => compareDates(d, dates.start) >= 0 && compareDates(d, dates.end) <= 0;
    let followups = 0;
    let faceToFaceFollowups = 0;
    let healthChecks = 0;
    for (const e of currentEvents(input)) {
      if (!within(e.date) || !inScope.has(e.residentId)) continue;
      if (e.type === 'htnFollowup' || e.type === 't2dmFollowup') {
        followups += 1;
        if (e.visitMode === 1 || e.visitMode === 2) faceToFaceFollowups += 1;
      } else if (e.type === 'healthCheck') healthChecks += 1;
    }
    return {
      newRecords: input.residents.filter((r) => inScope.has(r.id) && within(r.createdDate)).length,
      followups,
      faceToFaceFollowups,
      healthChecks,
    };
  }

  async trend(period: ReportPeriodInput, scope: ReportScope, count: number): Promise<{ key: string; periodEnd: string; indicators: IndicatorFigure[] }[]> {
    const resolved = await this.resolveScope(scope);
    const [input, entries] = await Promise.all([this.indicatorInput(), this.denominators.list()]);
    return trailingPeriods(period, count).map((p) => {
      const w = indicatorWindow(p);
      return { key: periodKey(p), periodEnd: w.end, indicators: figures(computeIndicators(input, w, resolved.scope, this.denominatorsFor(entries, resolved.villageCodes, w.end))) };
    });
  }

  private async idsBehind(period: ReportPeriodInput, scope: ReportScope, indicator: IndicatorId, side: ListSide): Promise<string[]> {
    const resolved = await this.resolveScope(scope);
    const [input, entries] = await Promise.all([this.indicatorInput(), this.denominators.list()]);
    const w = indicatorWindow(period);
    const v = computeIndicators(input, w, resolved.scope, this.denominatorsFor(entries, resolved.villageCodes, w.end))[indicator];
    if (side === 'numerator') return v.numeratorIds;
    // An entered denominator (census, estimate) is a number, not a list of residents.
    if (!v.denominatorIds) throw new AppError('NOT_SUPPORTED', { indicator, side });
    if (side === 'denominator') return v.denominatorIds;
    const counted = new Set(v.numeratorIds);
    return v.denominatorIds.filter((id) => !counted.has(id));
  }

  private async listed(ids: readonly string[]): Promise<ListedResident[]> {
    const villages = await villageNames(this.ctx);
    const docs = await this.ctx.db.rx.residents.findByIds([...ids]).exec();
    return ids.flatMap((id) => {
      const d = docs.get(id)?.toJSON();
      if (!d) return [];
      return [{ id: d.id, recordNo: d.recordNo, name: d.name, sex: String(d.sex), birthDate: d.birthDate, villageCode: d.villageCode, villageName: villages.get(d.villageCode) ?? d.villageCode, status: d.status }];
    });
  }

  async residents(period: ReportPeriodInput, scope: ReportScope, indicator: IndicatorId, side: ListSide): Promise<{ total: number; rows: ListedResident[] }> {
    const rows = await this.listed(await this.idsBehind(period, scope, indicator, side));
    rows.sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.recordNo.localeCompare(b.recordNo));
    return { total: rows.length, rows };
  }

  async residentTrend(residentId: string): Promise<MeasurementPoint[]> {
    const resident = await this.ctx.db.rx.residents.findOne(residentId).exec();
    if (!resident) throw new AppError('NOT_FOUND', { residentId });
    const docs = await this.ctx.db.rx.encounters.find({ selector: { residentId }, sort: [{ date: 'asc' }] }).exec();
    const events = latestVersions(docs.map((d) => encounterRecord(d.toJSON() as Parameters<typeof encounterRecord>[0])));
    return events
      .filter((e) => e.sbp != null || e.fastingGlucose != null || e.weight != null)
      .sort((a, b) => compareDates(a.date, b.date) || (a.completedAt ?? 0) - (b.completedAt ?? 0))
      .map((e) => ({ date: e.date, source: e.type, sbp: e.sbp ?? null, dbp: e.dbp ?? null, glucose: e.fastingGlucose ?? null, weight: e.weight ?? null }));
  }

  async exportXlsx(period: ReportPeriodInput, scope: ReportScope): Promise<{ fileName: string; mimeType: string; base64: string }> {
    const report = await this.report(period, scope);
    const buffer = await reportWorkbook(report);
    const fileName = `${report.clinic.code}-报表-${report.period.key}.xlsx`;
    await this.ctx.audit.record({ action: 'export', collection: 'reports', recordId: report.period.key, detail: `report xlsx ${report.period.key} ${JSON.stringify(scope)}` });
    return { fileName, mimeType: XLSX_MIME, base64: buffer.toString('base64') };
  }

  async exportResidents(period: ReportPeriodInput, scope: ReportScope, indicator: IndicatorId, side: ListSide): Promise<{ fileName: string; mimeType: string; base64: string }> {
    const ids = await this.idsBehind(period, scope, indicator, side);
    const villages = await villageNames(this.ctx);
    const docs = await this.ctx.db.rx.residents.findByIds([...ids]).exec();
    const rows = ids.flatMap((id) => {
      const d = docs.get(id)?.toJSON();
      return d ? [{ ...d, villageName: villages.get(d.villageCode) ?? d.villageCode }] : [];
    });
    const key = periodKey(period);
    const buffer = await residentsWorkbook({ rows, indicator, side, periodKey: key, generatedAt: this.ctx.clock.now(), generatedBy: this.ctx.user.displayName || this.ctx.user.username });
    await this.ctx.audit.record({ action: 'export', collection: 'residents', recordId: key, detail: `identifiable list ${indicator}/${side} ${key}: ${rows.length} residents` });
    return { fileName: `${indicator}-${side}-${key}.xlsx`, mimeType: XLSX_MIME, base64: buffer.toString('base64') };
  }

  async notePrinted(period: ReportPeriodInput, scope: ReportScope): Promise<void> {
    await this.resolveScope(scope);
    await this.ctx.audit.record({ action: 'print', collection: 'reports', recordId: periodKey(period), detail: `report print ${periodKey(period)} ${JSON.stringify(scope)}` });
  }
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
