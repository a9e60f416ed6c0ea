/**
 * 报表: the clinic's indicators for a period and scope, computed by the pure shared functions over arrays read
 * from the stored per-resident facts (indicator-facts.ts, over the indicator projection, mapped by
 * shared/domain/indicators/from-documents.ts). Exports are audited; the identifiable one needs a confirmation that
 * the door checks (`confirmed: true`).
 */
import type { IndicatorFigure, ListedResident, ListSide, MeasurementPoint, Report, ReportPeriodInput, ReportRules, ReportScope } from '../../../shared/api/reports';
import { AppError } from '../../../shared/api/errors';
import { compareDates } from '../../../shared/domain/dates';
import {
  COUNTS,
  emptyCounts,
  indicatorsFromCounts,
  INDICATOR_PARTS,
  indicatorWindow,
  INDICATOR_IDS,
  latestVersions,
  periodDates,
  rulesInForce,
  periodKey,
  sumDenominators,
  trailingPeriods,
  type IndicatorCounts,
  type IndicatorId,
  type IndicatorInput,
  type IndicatorScope,
  type IndicatorSet,
  type IndicatorFigureValue,
  type ReportPeriod,
  type RulesInForce,
  type ScopeDenominators,
} from '../../../shared/domain/indicators';
import type { Denominator } from '../../../shared/schemas/denominator';
import { rulesVersion } from '../../../shared/schemas/indicator-rules';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import type { TeamsService } from '../contracting/teams-service';
import { DenominatorsRepo } from './denominators-repo';
import { IndicatorRulesRepo } from './indicator-rules-repo';
import { encounterRecord } from '../../../shared/domain/indicators/from-documents';
import { IndicatorContributions, type ContributionKey, type PeriodActivity, type VillageSums } from './indicator-contributions';
import { LiveIndicatorInput } from './live-indicator-input';
import { idleOf } from '../user-activity';
import { reportWorkbook, residentsWorkbook } from './report-xlsx';

/** Points of the trend the 报表 screen asks with a report (renderer/features/reports/ReportsPage.tsx). */
const TREND_POINTS = 12;

export interface ResolvedScope {
  scope: IndicatorScope;
  name: string;
  villageCodes: string[];
}

const figure = (v: Omit<IndicatorFigureValue, 'denominatorFromRecords'>): IndicatorFigure => ({
  id: v.id,
  numerator: v.numerator,
  denominator: v.denominator,
  rate: v.rate,
  reason: v.reason,
  denominatorSource: v.denominatorSource,
  enteredAsOf: v.enteredAsOf,
});
const figures = (set: IndicatorSet | Record<IndicatorId, IndicatorFigureValue>): IndicatorFigure[] => INDICATOR_IDS.map((id) => figure(set[id]));

/** The sums of the villages in `codes` (null: every resident of the clinic, whatever their village). */
function sumOver(sums: ReadonlyMap<string, VillageSums>, codes: readonly string[] | null): VillageSums {
  const counts: IndicatorCounts = emptyCounts();
  const activity: PeriodActivity = { newRecords: 0, followups: 0, faceToFaceFollowups: 0, healthChecks: 0 };
  for (const [code, v] of sums) {
    if (codes !== null && !codes.includes(code)) continue;
    for (const c of COUNTS) counts[c] += v.counts[c];
    activity.newRecords += v.activity.newRecords;
    activity.followups += v.activity.followups;
    activity.faceToFaceFollowups += v.activity.faceToFaceFollowups;
    activity.healthChecks += v.activity.healthChecks;
  }
  return { counts, activity };
}

/** The villages whose residents a scope counts; null for the clinic (every resident, as the shared inScope). */
const scopeVillages = (r: ResolvedScope): readonly string[] | null => (r.scope.kind === 'clinic' ? null : r.scope.kind === 'village' ? [r.scope.villageCode] : r.scope.villageCodes);
const reportRules = ({ rules, version }: RulesInForce): ReportRules => ({ ...rules, versionId: version?.id ?? null, from: version?.from ?? null, issuedBy: version?.issuedBy ?? null });

export class ReportsService {
  readonly denominators: DenominatorsRepo;
  /** 指标口径: the version in force for a report's window end is passed to every computation of it. */
  readonly rules: IndicatorRulesRepo;
  /** The input, read once and kept current from the change events: one screen asks for a report, its trend and lists in a row. */
  private readonly live: LiveIndicatorInput;
  /** What each resident counts towards per period, stored: a report and the lists behind it sum these rows. */
  private readonly contributions: IndicatorContributions;
  /** Background steps wait here for a gap between the user's calls (user-activity.ts). */
  private readonly idle: (unless?: () => boolean) => Promise<void>;
  private stopped = false;

  constructor(
    private readonly ctx: ClinicContext,
    private readonly teams: TeamsService,
  ) {
    this.denominators = new DenominatorsRepo(ctx);
    this.rules = new IndicatorRulesRepo(ctx);
    this.idle = idleOf(ctx.activity);
    this.live = new LiveIndicatorInput(ctx.db, () => this.teams.listPackages(), { idle: this.idle });
    this.contributions = new IndicatorContributions(ctx.db.sql, (range) => this.live.current(range));
  }

  /**
   * After sign-in: fills the stored per-resident facts if this build has not yet (after an upgrade), then preloads
   * the input and this month's facts, all in small slices. Resolves when done; never rejects.
   */
  warmUp(): Promise<void> {
    const today = clinicToday(this.ctx);
    const month: ReportPeriod = { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
    const window = indicatorWindow(month);
    // With the 口径 in force for this month, so the facts it keeps are the ones the month's report asks for.
    return this.rules
      .inForce(window.end)
      .then(async (inForce) => {
        await this.live.warmUp(window, inForce.rules);
        // A clinic too large to preload pays for its input only when it asks for a report (PRELOAD_LIMIT).
        if (!this.live.isHeld()) return;
        // This month's contributions, stored for the next session too, and next month's: no indicator depends on
        // "today" (the window runs to the period's end) and writes mark both sets, so the report asked on the 1st is
        // already stored. Then the rest of the 12-month trend the 报表 screen asks with this month's report, in one
        // pass (stored once, those past months only have written residents to recompute in later sessions). Each
        // step waits for a gap between the user's calls, as the preload's slices do, and none starts after the lock.
        const stopped = () => this.stopped;
        await this.idle(stopped);
        if (this.stopped) return;
        await this.contributions.ensure(await this.contributionKey(month, inForce.rules));
        const next: ReportPeriod = month.index === 12 ? { kind: 'month', year: month.year + 1, index: 1 } : { ...month, index: month.index + 1 };
        await this.idle(stopped);
        if (this.stopped) return;
        await this.contributions.ensure(await this.contributionKey(next, (await this.rules.inForce(indicatorWindow(next).end)).rules));
        await this.idle(stopped);
        if (this.stopped) return;
        await this.contributions.ensureAll(await this.trendKeys(month, TREND_POINTS));
      })
      .catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    // A report answered just before the lock has its rows stored now, not computed again next session.
    this.contributions.flush();
    this.live.stop();
  }

  /** Resolves when the rows of every report answered so far are stored (they are stored after the answer). */
  whenStored(): Promise<void> {
    return this.contributions.whenStored();
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

  private async contributionKey(p: ReportPeriod, rules: RulesInForce['rules']): Promise<ContributionKey> {
    return { window: indicatorWindow(p), dates: periodDates(p), rules, packages: await this.teams.listPackages() };
  }

  /** True when `period`'s contributions under the 口径 in force are stored, once those being stored are (the bench reports which case it timed). */
  async isStored(period: ReportPeriodInput): Promise<boolean> {
    await this.contributions.whenStored();
    const inForce = await this.rules.inForce(indicatorWindow(period).end);
    return this.contributions.isStored(await this.contributionKey(period, inForce.rules));
  }

  async report(period: ReportPeriodInput, scope: ReportScope): Promise<Report> {
    const resolved = await this.resolveScope(scope);
    const p: ReportPeriod = period;
    const w = indicatorWindow(p);
    const [entries, villages, clinic, inForce] = await Promise.all([this.denominators.list(), villageNames(this.ctx), this.ctx.settings.clinic(), this.rules.inForce(w.end)]);
    const dates = periodDates(p);
    // The stored contributions summed per village: the same numbers computeIndicators gives (indicator-contributions.test.ts).
    const sums = await this.contributions.sums(await this.contributionKey(p, inForce.rules));
    const inScope = sumOver(sums, scopeVillages(resolved));
    const perVillage = resolved.villageCodes.map((code) => ({
      villageCode: code,
      villageName: villages.get(code) ?? code,
      indicators: figures(indicatorsFromCounts(sumOver(sums, [code]).counts, this.denominatorsFor(entries, [code], w.end))),
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
      indicators: figures(indicatorsFromCounts(inScope.counts, this.denominatorsFor(entries, resolved.villageCodes, w.end))),
      villages: perVillage,
      rules: reportRules(inForce),
      activity: inScope.activity,
    };
  }

  /** The contribution keys of the `count` periods ending with `period`, each under the 口径 in force for its window end. */
  private async trendKeys(period: ReportPeriod, count: number): Promise<ContributionKey[]> {
    const [versions, packages] = await Promise.all([this.rules.list(), this.teams.listPackages()]);
    return trailingPeriods(period, count).map((p) => {
      const window = indicatorWindow(p);
      return { window, dates: periodDates(p), rules: rulesInForce(versions.map(rulesVersion), window.end).rules, packages };
    });
  }

  /**
   * The indicators of `count` periods ending with `period`, each as its own report gives them: from the periods'
   * stored contributions, the missing ones computed together in one pass.
   */
  async trend(period: ReportPeriodInput, scope: ReportScope, count: number): Promise<{ key: string; periodEnd: string; indicators: IndicatorFigure[] }[]> {
    const resolved = await this.resolveScope(scope);
    const [keys, entries] = await Promise.all([this.trendKeys(period, count), this.denominators.list()]);
    const sums = await this.contributions.sumsOf(keys);
    return trailingPeriods(period, count).map((p, i) => {
      const end = indicatorWindow(p).end;
      const counts = sumOver(sums[i] as Map<string, VillageSums>, scopeVillages(resolved)).counts;
      return { key: periodKey(p), periodEnd: end, indicators: figures(indicatorsFromCounts(counts, this.denominatorsFor(entries, resolved.villageCodes, end))) };
    });
  }

  /** The residents behind a number, from the stored contributions of the period (in id order). */
  private async idsBehind(period: ReportPeriodInput, scope: ReportScope, indicator: IndicatorId, side: ListSide): Promise<string[]> {
    const resolved = await this.resolveScope(scope);
    const w = indicatorWindow(period);
    const [entries, inForce] = await Promise.all([this.denominators.list(), this.rules.inForce(w.end)]);
    const key = await this.contributionKey(period, inForce.rules);
    const parts = INDICATOR_PARTS[indicator];
    if (side === 'numerator') return this.contributions.ids(key, scopeVillages(resolved), parts.numerator);
    // An entered denominator (census, estimate) is a number, not a list of residents.
    const denominator = indicatorsFromCounts(emptyCounts(), this.denominatorsFor(entries, resolved.villageCodes, w.end))[indicator].denominatorFromRecords;
    if (denominator === null) throw new AppError('NOT_SUPPORTED', { indicator, side });
    if (side === 'denominator') return this.contributions.ids(key, scopeVillages(resolved), denominator);
    return this.contributions.ids(key, scopeVillages(resolved), denominator, parts.numerator);
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
    await this.ctx.audit.record({ action: 'export', collection: 'reports', recordId: report.period.key, detail: `report xlsx ${report.period.key} ${JSON.stringify(scope)} 口径 ${report.rules.versionId ?? 'default'}` });
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
