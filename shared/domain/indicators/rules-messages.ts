/**
 * The 口径 in words, zh first, en second: one line per choice, written on the 报表 screen, the .xlsx, the print
 * sheet and the county page alike ("规范管理口径：每季度至少1次面访").
 */
import type { IndicatorId } from './compute';
import { reportMessages } from './messages';
import type { DynamicUseDenominator, ElderlyAgeRule, IndicatorRules, StandardRule } from './rules';

type Lang = 'zh' | 'en';

interface RulesTexts {
  title: string;
  standardLabel: string;
  standard: Record<StandardRule, string>;
  annualCheck: string;
  dynamicLabel: string;
  dynamic: Record<DynamicUseDenominator, string>;
  elderlyLabel: string;
  elderly: Record<ElderlyAgeRule, string>;
  sampleNotSupported: string;
  sourceDefault: string;
  sourceCounty: string;
  sourceClinic: string;
}

export const rulesMessages: Record<Lang, RulesTexts> = {
  zh: {
    title: '指标口径',
    standardLabel: '规范管理口径',
    standard: { ONE_PER_QUARTER: '每季度至少1次面访', FOUR_PER_YEAR: '年内至少4次面访' },
    annualCheck: '，并完成年度健康体检',
    dynamicLabel: '动态使用率分母',
    dynamic: { records: '电子健康档案总份数', persons: '建立电子健康档案人数（期末仍在辖区）' },
    elderlyLabel: '老年人年龄口径',
    elderly: { atPeriodEnd: '报告期末满65周岁', turnsInYear: '当年内满65周岁（出生于当年减65年的12月31日及以前）' },
    sampleNotSupported: '纸质档案时期按随机抽查份数作分母的做法不支持：抽查样本的分子须在同一样本上人工核对。',
    sourceDefault: '默认口径',
    sourceCounty: '县级统一口径，{{from}}起',
    sourceClinic: '本院设置，{{from}}起',
  },
  en: {
    title: 'Indicator rules',
    standardLabel: 'Standardised management',
    standard: { ONE_PER_QUARTER: 'a face-to-face visit in every quarter', FOUR_PER_YEAR: 'at least 4 face-to-face visits in the year' },
    annualCheck: ', and the annual health check',
    dynamicLabel: 'Dynamic use denominator',
    dynamic: { records: 'all e-records', persons: 'residents with an e-record (still living in the area at the period end)' },
    elderlyLabel: 'Elderly age',
    elderly: { atPeriodEnd: '65 or older at the period end', turnsInYear: 'turns 65 during the year (born on or before 31 Dec of year − 65)' },
    sampleNotSupported: 'The paper-era random sample of records as denominator is not supported: its numerator would have to be checked by hand on the same sample.',
    sourceDefault: 'default rules',
    sourceCounty: 'county policy from {{from}}',
    sourceClinic: 'clinic setting from {{from}}',
  },
};

/** "规范管理口径：每季度至少1次面访" and the other two lines; pro-rating for patients enrolled during the year is implied. */
export function rulesLines(r: IndicatorRules, lang: Lang): string[] {
  const m = rulesMessages[lang];
  const sep = lang === 'zh' ? '：' : ': ';
  return [
    `${m.standardLabel}${sep}${m.standard[r.standardRule]}${r.annualCheck ? m.annualCheck : ''}`,
    `${m.dynamicLabel}${sep}${m.dynamic[r.dynamicUseDenominator]}`,
    `${m.elderlyLabel}${sep}${m.elderly[r.elderlyAgeRule]}`,
  ];
}

/** An indicator's denominator in words under the rules (the 动态使用率 one depends on them). */
export function denominatorLabel(id: IndicatorId, r: Pick<IndicatorRules, 'dynamicUseDenominator'>, lang: Lang): string {
  if (id === 'eRecordDynamicUseRate' && r.dynamicUseDenominator === 'persons') return rulesMessages[lang].dynamic.persons;
  return reportMessages[lang].denominator[id];
}

/** Where the rules come from: the defaults, the county's policy or the clinic's own setting, with its date. */
export function rulesSource(v: { issuedBy: 'clinic' | 'county' | null; from: string | null }, lang: Lang): string {
  const m = rulesMessages[lang];
  if (!v.issuedBy || !v.from) return m.sourceDefault;
  return (v.issuedBy === 'county' ? m.sourceCounty : m.sourceClinic).replace('{{from}}', v.from);
}
