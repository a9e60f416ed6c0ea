/**
 * 指标口径: the three choices indicators.md leaves to the county (规范管理 rule, the 动态使用率 denominator, the
 * elderly age rule). They are pure inputs of computeIndicators; the clinic and the county pick the version in force
 * for a report with the same `rulesInForce`, over the same dated `indicatorRules` settings documents, so both agree.
 */
import { compareDates, type CalendarDate } from '../dates';

/**
 * 规范管理 (indicators.md §2): `ONE_PER_QUARTER` a face-to-face follow-up in every quarter under management;
 * `FOUR_PER_YEAR` as many face-to-face follow-ups anywhere in the window as quarters under management (4 in a whole
 * year). Both are pro-rated by the quarters under management (enrolled during the year, died or moved away).
 */
export const STANDARD_RULES = ['ONE_PER_QUARTER', 'FOUR_PER_YEAR'] as const;
export type StandardRule = (typeof STANDARD_RULES)[number];

/**
 * 动态使用率分母 (indicators.md §1): `records` 电子健康档案总份数, every record held during the window (those closed by
 * a death or move during it included); `persons` 建立电子健康档案人数, the residents with a record who still live in
 * the area on the window's end. The numerator is the dynamic records among the denominator's. The paper-era random
 * sample is not supported: a sample's numerator would have to be counted by hand on the same sample.
 */
export const DYNAMIC_USE_DENOMINATORS = ['records', 'persons'] as const;
export type DynamicUseDenominator = (typeof DYNAMIC_USE_DENOMINATORS)[number];

/** 老年人年龄 (indicators.md §4): `atPeriodEnd` 65 or older on the window's end; `turnsInYear` born on or before 31 Dec of year − 65. */
export const ELDERLY_AGE_RULES = ['atPeriodEnd', 'turnsInYear'] as const;
export type ElderlyAgeRule = (typeof ELDERLY_AGE_RULES)[number];

export interface IndicatorRules {
  standardRule: StandardRule;
  /** +ANNUAL_CHECK: a completed health check in the window is also required. */
  annualCheck: boolean;
  dynamicUseDenominator: DynamicUseDenominator;
  elderlyAgeRule: ElderlyAgeRule;
}

/** What the app computed before the choices existed: no report changes until someone sets a rule. */
export const DEFAULT_INDICATOR_RULES: IndicatorRules = Object.freeze({
  standardRule: 'ONE_PER_QUARTER',
  annualCheck: false,
  dynamicUseDenominator: 'records',
  elderlyAgeRule: 'atPeriodEnd',
});

/** The 规范管理 rule as indicators.md writes it: `ONE_PER_QUARTER+ANNUAL_CHECK`. */
export function standardRuleCode(r: IndicatorRules): string {
  return r.annualCheck ? `${r.standardRule}+ANNUAL_CHECK` : r.standardRule;
}

/** A stable key of the choices (caches keep facts per window and rules). */
export function rulesKey(r: IndicatorRules): string {
  return `${standardRuleCode(r)}/${r.dynamicUseDenominator}/${r.elderlyAgeRule}`;
}

/** One dated version, as stored in a `settings` document of type `indicatorRules`. */
export interface RulesVersion {
  id: string;
  /** In force for reports whose window ends on or after this date, until a later version. */
  from: CalendarDate;
  /** `county`: the county's policy, written by the platform; `clinic`: the clinic's own, used where the county set none. */
  issuedBy: 'clinic' | 'county';
  rules: IndicatorRules;
  enteredAt: number;
}

/** The rules a report dated `on` (its window's end) uses, and the version they come from (null: the defaults). */
export interface RulesInForce {
  rules: IndicatorRules;
  version: RulesVersion | null;
}

/**
 * The county's latest version with `from` ≤ `on` when there is one (one policy for the county), else the clinic's
 * own latest, else the defaults. Ties on a date: the later entry.
 */
export function rulesInForce(versions: readonly RulesVersion[], on: CalendarDate): RulesInForce {
  const latest = (issuedBy: RulesVersion['issuedBy']): RulesVersion | null => {
    let best: RulesVersion | null = null;
    for (const v of versions) {
      if (v.issuedBy !== issuedBy || compareDates(v.from, on) > 0) continue;
      if (!best || compareDates(v.from, best.from) > 0 || (v.from === best.from && v.enteredAt >= best.enteredAt)) best = v;
    }
    return best;
  };
  const version = latest('county') ?? latest('clinic');
  return version ? { rules: version.rules, version } : { rules: DEFAULT_INDICATOR_RULES, version: null };
}
