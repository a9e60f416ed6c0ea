/**
 * The report as printed (or saved as PDF from the print dialog): title, clinic, period, window, who made it and
 * when, the indicator table and the period's work counts. Hidden on screen. It is placed directly in <body> so the
 * print rule can take the app itself out of the layout: hidden but laid-out screens would add blank pages.
 */
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { Report } from '../../../shared/api/reports';
import { formatRate } from '../../../shared/domain/indicators/messages';
import { denominatorLabel, rulesLines, rulesSource } from '../../../shared/domain/indicators/rules-messages';
import { stampText } from './download';

export function ReportPrint({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  return createPortal(
    <article className="report-print print-only-area" data-testid="report-print">
      <h2 className="report-print-title">
        {report.clinic.name} {t('reports.title')}（{report.period.key}）
      </h2>
      <p className="report-print-meta">
        {t('reports.scope')}：{report.scopeName}{'\u3000'}{t('reports.period')}：{report.periodStart} ~ {report.periodEnd}{'\u3000'}{t('reports.window')}：{report.windowStart} ~ {report.windowEnd}
      </p>
      <table className="report-print-table">
        <thead>
          <tr>
            <th>{t('reports.no')}</th>
            <th>{t('reports.name')}</th>
            <th>{t('reports.num')}</th>
            <th>{t('reports.den')}</th>
            <th>{t('reports.rate')}</th>
            <th>{t('reports.note')}</th>
          </tr>
        </thead>
        <tbody>
          {report.indicators.map((f, i) => (
            <tr key={f.id}>
              <td>{i + 1}</td>
              <td>{t(`reports.indicator.${f.id}`)}</td>
              <td>
                {f.numerator}
                <div className="report-print-def">{t(`reports.numerator.${f.id}`)}</div>
              </td>
              <td>
                {f.denominator ?? '—'}
                <div className="report-print-def">
                  {denominatorLabel(f.id, report.rules, lang)}
                  {f.enteredAsOf ? `（${t('reports.sourceEntered', { date: f.enteredAsOf })}）` : ''}
                </div>
              </td>
              <td>{f.rate === null ? '—' : formatRate(f.rate)}</td>
              <td>{f.reason === 'noDenominator' ? t('reports.reasonNoDenominator') : f.reason === 'denominatorNotEntered' ? t('reports.reasonDenominatorNotEntered') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="report-print-meta">
        {t('reports.activity')}：{t('reports.newRecords')} {report.activity.newRecords}{'\u3000'}{t('reports.followups')} {report.activity.followups}（
        {t('reports.faceToFaceFollowups')} {report.activity.faceToFaceFollowups}）{'\u3000'}{t('reports.healthChecks')} {report.activity.healthChecks}
      </p>
      <p className="report-print-conventions">{t('reports.conventions')}</p>
      <p className="report-print-conventions" data-testid="report-print-rules">
        {t('reports.rulesText.title')}（{rulesSource(report.rules, lang)}{report.rules.versionId ? ` · ${report.rules.versionId}` : ''}）：{rulesLines(report.rules, lang).join('；')}
      </p>
      <p className="report-print-sign">
        {t('reports.madeBy')}：{report.generatedBy}{'\u3000'}{t('reports.madeAt')}：{stampText(report.generatedAt)}
      </p>
    </article>,
    document.body,
  );
}
