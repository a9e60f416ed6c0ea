/**
 * What a clinic's county report is computed from and how, with the shared/ functions the clinic uses: the clinic's
 * settings documents (packages, entered denominators, 口径 versions), its indicator records grouped per resident, and
 * the figures of one period for the clinic and each village. No I/O: report.ts reads and stores. This file and what it
 * imports for values are hashed into REPORT_SOURCES_SHA256 (report.ts), so a stored report made by other code is
 * computed again (test/unit/platform/report-version.test.ts).
 */
import { addContribution, emptyCounts, indicatorContributions, indicatorsFromCounts, INDICATOR_IDS, sumDenominators, type IndicatorCounts, type IndicatorFigureValue } from '../../shared/domain/indicators/compute';
import { contractRecordOf } from '../../shared/domain/indicators/from-documents';
import { indicatorWindow, periodDates, periodKey, type ReportPeriod } from '../../shared/domain/indicators/period';
import { rulesInForce, type RulesInForce, type RulesVersion } from '../../shared/domain/indicators/rules';
import type { ContractRecord, EncounterRecord, IndicatorInput, IndicatorWindow, ResidentGroup, ResidentRecord, ScopeDenominators } from '../../shared/domain/indicators/types';
import { DEFAULT_PACKAGES } from '../../shared/domain/service-packages';
import { ServicePackage } from '../../shared/schemas/contract';
import { Denominator } from '../../shared/schemas/denominator';
import { rulesVersionsOf } from '../../shared/schemas/indicator-rules';
import { contractsOf, encountersOf, residentsOf } from './facts-decode';
import type { VillageRecords } from './facts';

export interface CountyFigure {
  id: IndicatorFigureValue['id'];
  numerator: number;
  denominator: number | null;
  rate: number | null;
  reason: IndicatorFigureValue['reason'];
  enteredAsOf: string | null;
}

/** A report's figures for one period: what is stored per clinic and period (county_reports.report). */
export interface ReportFigures {
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  windowStart: string;
  windowEnd: string;
  indicators: CountyFigure[];
  villages: Array<{ code: string; name: string; indicators: CountyFigure[] }>;
  /** The 口径 computed with: the version in force on the window's end among the clinic's settings, as the clinic picks it. */
  rules: RulesInForce;
}

/** A clinic's settings as the indicators read them. */
export interface ClinicSettings {
  packages: ServicePackage[];
  denominators: Denominator[];
  rules: RulesVersion[];
}

export function clinicSettings(bodies: readonly string[]): ClinicSettings {
  const packages: ServicePackage[] = [];
  const denominators: Denominator[] = [];
  const docs = bodies.map((b) => JSON.parse(b) as Record<string, unknown>);
  for (const doc of docs) {
    if (doc['type'] === 'package') {
      const p = ServicePackage.safeParse(doc['data']);
      if (p.success) packages.push(p.data);
    } else if (doc['type'] === 'denominator') {
      const d = Denominator.safeParse(doc['data']);
      if (d.success) denominators.push(d.data);
    }
  }
  // A clinic that never changed its packages has the defaults, as the clinic itself does (teams-service.ts).
  const effective = packages.length > 0 ? packages : DEFAULT_PACKAGES.map((p) => ServicePackage.parse(p));
  effective.sort((a, b) => Number(b.isBasic) - Number(a.isBasic) || a.packageId.localeCompare(b.packageId));
  return { packages: effective, denominators, rules: rulesVersionsOf(docs) };
}

interface Group {
  resident: ResidentRecord | null;
  encounters: EncounterRecord[];
  contracts: ContractRecord[];
}

/**
 * Indicator records grouped per resident as villages of them are added (facts.ts clinicRecords): one village's, or
 * those of the residents whose records sit in several villages of the clinic (a move in progress), grouped over the
 * whole clinic, as the clinic itself groups them.
 */
export class FactsGroups {
  private readonly groups = new Map<string, Group>();
  /** Records added. */
  rows = 0;

  constructor(private readonly packages: readonly ServicePackage[]) {}

  private group(residentId: string): Group {
    let g = this.groups.get(residentId);
    if (!g) {
      g = { resident: null, encounters: [], contracts: [] };
      this.groups.set(residentId, g);
    }
    this.rows += 1;
    return g;
  }

  /** Adds one collection's records (a JSON array text of them, facts.ts clinicRecords). */
  add(part: Pick<VillageRecords, 'collection' | 'records'>): void {
    if (part.collection === 'encounters') {
      for (const e of encountersOf(part.records)) this.group(e.residentId).encounters.push(e);
    } else if (part.collection === 'residents') {
      for (const r of residentsOf(part.records)) this.group(r.id).resident = r;
    } else {
      for (const c of contractsOf(part.records)) this.group(c.residentId).contracts.push(contractRecordOf(c, this.packages));
    }
  }

  /** The input of the shared functions: every resident with a record, with their own encounters and contracts. */
  input(): IndicatorInput {
    const residents: ResidentRecord[] = [];
    const groups: ResidentGroup[] = [];
    for (const g of this.groups.values()) {
      if (g.resident === null) continue;
      residents.push(g.resident);
      groups.push({ resident: g.resident, encounters: g.encounters, contracts: g.contracts });
    }
    return { residents, encounters: [], contracts: [], groups };
  }
}

const figure = (v: IndicatorFigureValue): CountyFigure => ({ id: v.id, numerator: v.numerator, denominator: v.denominator, rate: v.rate, reason: v.reason, enteredAsOf: v.enteredAsOf });

/**
 * The clinic's and each village's 13 indicators for `period`, summed as groups of residents are added: each resident's
 * contribution worked out by the shared functions (indicatorContributions), summed per village and for the clinic, and
 * turned into figures by indicatorsFromCounts, the numbers computeIndicators gives without the lists of residents (the
 * county pages show no lists). A resident counts on their own records only, so the clinic can be added village by
 * village and no more than one village's records are held at once.
 */
export class ReportSum {
  private readonly window: IndicatorWindow;
  private readonly rules: RulesInForce;
  private readonly all = emptyCounts();
  private readonly perVillage: Map<string, IndicatorCounts>;

  constructor(
    private readonly settings: ClinicSettings,
    private readonly villages: ReadonlyArray<{ code: string; name: string }>,
    private readonly period: ReportPeriod,
  ) {
    this.window = indicatorWindow(period);
    this.rules = rulesInForce(settings.rules, this.window.end);
    this.perVillage = new Map(villages.map((v) => [v.code, emptyCounts()]));
  }

  add(input: IndicatorInput): void {
    for (const c of indicatorContributions(input, this.window, this.rules.rules)) {
      addContribution(this.all, c.mask);
      const v = this.perVillage.get(c.villageCode);
      if (v) addContribution(v, c.mask);
    }
  }

  figures(): ReportFigures {
    const w = this.window;
    const entered = (codes: readonly string[]): ScopeDenominators => {
      const of = (kind: Denominator['kind']) => sumDenominators(this.settings.denominators.filter((d) => d.kind === kind), codes, w.end);
      return { population: of('population'), htnPatients: of('htnPatients'), t2dmPatients: of('t2dmPatients') };
    };
    const figures = (counts: IndicatorCounts, codes: readonly string[]): CountyFigure[] => {
      const set = indicatorsFromCounts(counts, entered(codes));
      return INDICATOR_IDS.map((id) => figure(set[id]));
    };
    const dates = periodDates(this.period);
    return {
      periodKey: periodKey(this.period),
      periodStart: dates.start,
      periodEnd: dates.end,
      windowStart: w.start,
      windowEnd: w.end,
      indicators: figures(this.all, this.villages.map((v) => v.code)),
      villages: this.villages.map((v) => ({ code: v.code, name: v.name, indicators: figures(this.perVillage.get(v.code)!, [v.code]) })),
      rules: this.rules,
    };
  }
}
