/**
 * The county view's pages: plain server-rendered HTML, no script at all, one stylesheet with the bundled Noto Sans
 * SC. Chinese first; `?lang=en` shows the English texts. Every value written into a page goes through `esc`.
 */
import { reportMessages } from '../../shared/domain/indicators/messages';
import { denominatorLabel, rulesLines, rulesMessages, rulesSource } from '../../shared/domain/indicators/rules-messages';
import type { PeriodKind } from '../../shared/domain/indicators/period';
import type { ClinicReport, ClinicSync, CountyFigure } from './report';
import { countyMessages, type CountyLang } from './messages';

export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The indicators of the overview table: the ones the county compares clinics by. */
const OVERVIEW: CountyFigure['id'][] = ['htnStandardManagementRate', 'htnControlRate', 't2dmStandardManagementRate', 't2dmControlRate', 'elderlyManagementRate', 'contractCoverageRate'];

export interface PeriodChoice {
  kind: PeriodKind;
  year: number;
  index: number;
}

function layout(lang: CountyLang, title: string, body: string, operator?: string, period?: PeriodChoice): string {
  const m = countyMessages[lang];
  const other: CountyLang = lang === 'zh' ? 'en' : 'zh';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(m.product)}</title>
<link rel="stylesheet" href="/county/assets/county.css">
</head>
<body>
<header class="top">
  <span class="brand">${esc(m.product)}</span>
  <nav>
    <a href="?${period ? query(other, period) : `lang=${other}`}">${esc(countyMessages[other].languageName)}</a>
    ${operator ? `<span class="who">${esc(operator)}</span><form method="post" action="/county/logout?lang=${lang}"><button type="submit">${esc(m.signOut)}</button></form>` : ''}
  </nav>
</header>
<main>
${body}
</main>
</body>
</html>`;
}

export function loginPage(lang: CountyLang, problem: 'wrong' | 'throttled' | 'expired' | null, username = ''): string {
  const m = countyMessages[lang];
  const message = problem === 'wrong' ? m.wrongPassword : problem === 'throttled' ? m.throttled : problem === 'expired' ? m.signInAgain : '';
  return layout(
    lang,
    m.signInTitle,
    `<section class="login">
  <h1>${esc(m.signInTitle)}</h1>
  <p class="hint">${esc(m.signInHint)}</p>
  ${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
  <form method="post" action="/county/login?lang=${lang}">
    <label>${esc(m.username)}<input name="username" autocomplete="username" required maxlength="64" value="${esc(username)}"></label>
    <label>${esc(m.password)}<input name="password" type="password" autocomplete="current-password" required maxlength="200"></label>
    <button type="submit">${esc(m.signIn)}</button>
  </form>
</section>`,
  );
}

function percent(f: CountyFigure, lang: CountyLang): string {
  if (f.rate === null) {
    const r = reportMessages[lang];
    return `<span class="none" title="${esc(f.reason === 'denominatorNotEntered' ? r.reasonDenominatorNotEntered : r.reasonNoDenominator)}">—</span>`;
  }
  return `${(f.rate * 100).toFixed(1)}%`;
}

function when(at: number | null, lang: CountyLang, timeZone: string): string {
  if (at === null) return `<span class="none">${esc(countyMessages[lang].never)}</span>`;
  return esc(new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(at));
}

function periodForm(lang: CountyLang, p: PeriodChoice, action: string): string {
  const m = countyMessages[lang];
  const kinds: PeriodKind[] = ['month', 'quarter', 'year'];
  return `<form class="period" method="get" action="${esc(action)}">
  <input type="hidden" name="lang" value="${lang}">
  <label>${esc(m.periodKind)}<select name="kind">${kinds.map((k) => `<option value="${k}"${k === p.kind ? ' selected' : ''}>${esc(m.kinds[k])}</option>`).join('')}</select></label>
  <label>${esc(m.year)}<input name="year" type="number" min="2000" max="2100" value="${p.year}"></label>
  <label>${esc(m.index)}<input name="index" type="number" min="1" max="12" value="${p.index}"></label>
  <button type="submit">${esc(m.show)}</button>
</form>`;
}

const query = (lang: CountyLang, p: PeriodChoice): string => `lang=${lang}&kind=${p.kind}&year=${p.year}&index=${p.index}`;

export function overviewPage(
  lang: CountyLang,
  operator: string,
  p: PeriodChoice,
  rows: Array<{ sync: ClinicSync; report: ClinicReport | null }>,
  timeZone: string,
): string {
  const m = countyMessages[lang];
  const names = reportMessages[lang].indicator;
  const key = rows[0]?.report?.periodKey ?? '';
  const body = `<h1>${esc(m.overviewTitle)}</h1>
${periodForm(lang, p, '/county/')}
<p class="hint">${esc(m.computedHere)}${key ? ` · ${esc(m.period)} ${esc(key)}` : ''}</p>
<table class="grid" aria-label="${esc(m.overviewTitle)}">
<thead><tr>
  <th>${esc(m.clinic)}</th><th>${esc(m.lastSync)}</th><th>${esc(m.pending)}</th><th>${esc(m.residents)}</th>
  ${OVERVIEW.map((id) => `<th>${esc(names[id])}</th>`).join('')}
</tr></thead>
<tbody>
${rows
  .map(({ sync, report }) => {
    const f = (id: CountyFigure['id']) => report?.indicators.find((x) => x.id === id);
    const records = f('recordCoverageRate')?.numerator ?? 0;
    return `<tr data-clinic="${esc(sync.code)}">
  <td><a href="/county/clinic/${esc(sync.code)}?${query(lang, p)}">${esc(sync.name)}</a><div class="code">${esc(sync.code)}</div></td>
  <td>${when(sync.lastContactAt, lang, timeZone)}</td>
  <td>${sync.pending === null ? '<span class="none">—</span>' : esc(sync.pending)}</td>
  <td class="num">${esc(records)}</td>
  ${OVERVIEW.map((id) => {
    const x = f(id);
    return `<td class="num" data-indicator="${id}">${x ? `${percent(x, lang)}<div class="frac">${esc(x.numerator)}/${esc(x.denominator ?? '—')}</div>` : '—'}</td>`;
  }).join('')}
</tr>`;
  })
  .join('\n')}
</tbody>
</table>
${rows.length === 0 ? `<p class="empty">${esc(m.noClinics)}</p>` : ''}`;
  return layout(lang, m.overviewTitle, body, operator, p);
}

function indicatorTable(lang: CountyLang, figures: readonly CountyFigure[], label: string, rules: ClinicReport['rules']['rules']): string {
  const r = reportMessages[lang];
  return `<table class="grid" aria-label="${esc(label)}">
<thead><tr><th>${esc(r.name)}</th><th>${esc(r.num)}</th><th>${esc(r.den)}</th><th>${esc(r.rate)}</th></tr></thead>
<tbody>
${figures
  .map(
    (f) => `<tr data-indicator="${f.id}">
  <td>${esc(r.indicator[f.id])}<div class="frac">${esc(r.numerator[f.id])} / ${esc(denominatorLabel(f.id, rules, lang))}</div></td>
  <td class="num">${esc(f.numerator)}</td>
  <td class="num">${f.denominator === null ? '<span class="none">—</span>' : esc(f.denominator)}${f.enteredAsOf ? `<div class="frac">${esc(r.sourceEntered.replace('{{date}}', f.enteredAsOf))}</div>` : ''}</td>
  <td class="num">${percent(f, lang)}${f.rate === null ? `<div class="frac">${esc(f.reason === 'denominatorNotEntered' ? r.reasonDenominatorNotEntered : r.reasonNoDenominator)}</div>` : ''}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>`;
}

export function clinicPage(lang: CountyLang, operator: string, p: PeriodChoice, sync: ClinicSync, report: ClinicReport, timeZone: string): string {
  const m = countyMessages[lang];
  const r = reportMessages[lang];
  const body = `<p><a href="/county/?${query(lang, p)}">← ${esc(m.overviewTitle)}</a></p>
<h1>${esc(report.clinic.name)} <span class="code">${esc(report.clinic.code)}</span></h1>
${periodForm(lang, p, `/county/clinic/${report.clinic.code}`)}
<dl class="facts">
  <dt>${esc(m.period)}</dt><dd>${esc(report.periodKey)} (${esc(report.periodStart)} – ${esc(report.periodEnd)})</dd>
  <dt>${esc(r.window)}</dt><dd>${esc(report.windowStart)} – ${esc(report.windowEnd)}</dd>
  <dt>${esc(m.lastSync)}</dt><dd>${when(sync.lastContactAt, lang, timeZone)}</dd>
  <dt>${esc(m.pending)}</dt><dd>${sync.pending === null ? '—' : esc(sync.pending)}</dd>
  <dt>${esc(m.ackedUpTo)}</dt><dd>${when(sync.ackedUpTo, lang, timeZone)}</dd>
  <dt>${esc(m.devices)}</dt><dd>${esc(sync.devices)}</dd>
  <dt>${esc(m.documents)}</dt><dd>${esc(sync.documents)}</dd>
  <dt>${esc(rulesMessages[lang].title)}</dt><dd data-testid="county-rules">${esc(rulesSource({ issuedBy: report.rules.version?.issuedBy ?? null, from: report.rules.version?.from ?? null }, lang))}<br>${rulesLines(report.rules.rules, lang).map(esc).join('<br>')}</dd>
</dl>
<h2>${esc(m.clinicIndicators)}</h2>
${indicatorTable(lang, report.indicators, m.clinicIndicators, report.rules.rules)}
${report.villages
  .map((v) => `<h2>${esc(r.village)}：${esc(v.name)} <span class="code">${esc(v.code)}</span></h2>\n${indicatorTable(lang, v.indicators, v.name, report.rules.rules)}`)
  .join('\n')}`;
  return layout(lang, report.clinic.name, body, operator, p);
}

export function notFoundPage(lang: CountyLang, operator?: string): string {
  const m = countyMessages[lang];
  return layout(lang, m.notFound, `<h1>${esc(m.notFound)}</h1><p><a href="/county/?lang=${lang}">${esc(m.overviewTitle)}</a></p>`, operator);
}

export const COUNTY_CSS = `
body { margin: 0; font-family: 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; font-size: 14px; color: #1f2933; background: #f5f7fa; }
.top { display: flex; justify-content: space-between; align-items: center; padding: 10px 24px; background: #1d4f91; color: #fff; }
.top a, .top button { color: #fff; background: none; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: 3px 10px; font: inherit; cursor: pointer; text-decoration: none; }
.top nav { display: flex; gap: 12px; align-items: center; }
.top form { margin: 0; }
.brand { font-size: 16px; font-weight: 700; }
main { padding: 16px 24px 40px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
.code { color: #52606d; font-size: 12px; font-weight: 400; }
.hint { color: #52606d; }
.error { color: #b42318; background: #fef3f2; border: 1px solid #fda29b; padding: 8px 12px; border-radius: 4px; }
.none { color: #7b8794; }
.login { max-width: 380px; margin: 48px auto; background: #fff; padding: 24px 28px; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
.login form { display: flex; flex-direction: column; gap: 12px; }
label { display: flex; flex-direction: column; gap: 4px; font-size: 14px; }
input, select { font: inherit; padding: 6px 8px; border: 1px solid #cbd2d9; border-radius: 4px; }
button { font: inherit; padding: 6px 16px; border-radius: 4px; border: 1px solid #1d4f91; background: #1d4f91; color: #fff; cursor: pointer; }
.period { display: flex; gap: 12px; align-items: flex-end; margin-bottom: 8px; }
.period label { flex-direction: row; align-items: center; gap: 6px; }
.period input { width: 80px; }
table.grid { border-collapse: collapse; background: #fff; width: 100%; }
.grid th, .grid td { border: 1px solid #d9e2ec; padding: 6px 10px; text-align: left; vertical-align: top; }
.grid th { background: #eef2f7; font-weight: 700; font-size: 13px; }
.grid td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.frac { color: #52606d; font-size: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; padding: 12px 16px; border-radius: 6px; }
.facts dt { color: #52606d; }
.facts dd { margin: 0; }
.empty { color: #52606d; }
`;
