/**
 * 报表: the clinic's indicators for a month, quarter or year (年内 up to the period end), for the clinic, a village
 * or a doctor team; a 12-period trend and the per-village comparison of one indicator; every count opens the
 * residents behind it. Exports: .xlsx (county layout) and the print sheet (print / save as PDF), both audited.
 */
import { Alert, App, Button, Card, Col, Row, Segmented, Select, Space, Spin, Statistic } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IndicatorId, ListSide, Report, ReportPeriodInput, ReportScope, TrendPoint } from '../../../shared/api/reports';
import type { SessionUser } from '../../../shared/api/session';
import type { ClinicSettings } from '../../../shared/api/settings';
import { villagesVisibleTo } from '../../../shared/domain/access-scope';
import { INDICATOR_IDS } from '../../../shared/domain/indicators/compute';
import { rulesLines, rulesSource } from '../../../shared/domain/indicators/rules-messages';
import type { DoctorTeam } from '../../../shared/schemas/contract';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { LoadFailure } from '../../app/LoadFailure';
import { useClinicToday } from '../followups/use-clinic-today';
import { saveExport, stampText } from './download';
import { EChart } from './EChart';
import { IndicatorTable } from './IndicatorTable';
import { ReportPrint } from './ReportPrint';
import { ResidentsBehind, type ListRequest } from './ResidentsBehind';
import './reports.css';

type Kind = ReportPeriodInput['kind'];
const MAX_INDEX: Record<Kind, number> = { month: 12, quarter: 4, year: 1 };

function indexFor(kind: Kind, month: number): number {
  return kind === 'month' ? month : kind === 'quarter' ? Math.floor((month - 1) / 3) + 1 : 1;
}

function scopeValue(s: ReportScope): string {
  return s.kind === 'clinic' ? 'clinic' : s.kind === 'village' ? `village:${s.villageCode}` : `team:${s.teamId}`;
}

function scopeFrom(v: string): ReportScope {
  if (v.startsWith('village:')) return { kind: 'village', villageCode: v.slice(8) };
  if (v.startsWith('team:')) return { kind: 'team', teamId: v.slice(5) };
  return { kind: 'clinic' };
}

const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

export function ReportsPage({ session }: { session?: { user: SessionUser } }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const { message } = App.useApp();
  const today = useClinicToday();
  const thisYear = Number(today.slice(0, 4));
  const thisMonth = Number(today.slice(5, 7));
  const [period, setPeriod] = useState<ReportPeriodInput>({ kind: 'month', year: thisYear, index: thisMonth });
  // A village doctor's reports are of the villages they serve only (issue 11: the whole clinic is refused).
  const visible = session ? villagesVisibleTo(session.user) : null;
  const [scope, setScope] = useState<ReportScope>(() => {
    const first = visible ? [...visible][0] : undefined;
    return first ? { kind: 'village', villageCode: first } : { kind: 'clinic' };
  });
  const [chartIndicator, setChartIndicator] = useState<IndicatorId>('htnControlRate');
  const [report, setReport] = useState<Report | null>(null);
  const [trend, setTrend] = useState<TrendPoint[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [settings, setSettings] = useState<ClinicSettings | null>(null);
  const [teams, setTeams] = useState<DoctorTeam[]>([]);
  const [list, setList] = useState<ListRequest | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.settings.get({}).then(setSettings).catch(() => undefined);
    api.teams.list({}).then(setTeams).catch(() => undefined);
  }, []);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [r, tr] = await Promise.all([api.reports.get({ period, scope }), api.reports.trend({ period, scope, count: 12 })]);
      setReport(r);
      setTrend(tr);
      setFailure(null);
    } catch (e) {
      setFailure(e);
    } finally {
      setLoading(false);
    }
  }, [period, scope]);

  useEffect(() => {
    void load();
  }, [load]);
  const retry = useCallback(() => void load(), [load]);

  const open = useCallback((indicator: IndicatorId, side: ListSide, s: ReportScope = scope) => setList({ period, scope: s, indicator, side }), [period, scope]);

  const periodLabel = (p: ReportPeriodInput) =>
    p.kind === 'month' ? t('reports.ui.month', { index: p.index }) : p.kind === 'quarter' ? t('reports.ui.quarter', { index: p.index }) : '';

  const trendOption = useMemo(() => {
    if (!trend) return null;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: trend.map((p) => p.key) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'line',
          name: t(`reports.indicator.${chartIndicator}`),
          connectNulls: false,
          data: trend.map((p) => pct(p.indicators.find((f) => f.id === chartIndicator)?.rate ?? null)),
        },
      ],
    };
  }, [trend, chartIndicator, t]);

  const villageOption = useMemo(() => {
    if (!report) return null;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: report.villages.map((v) => v.villageName), axisLabel: { interval: 0, rotate: report.villages.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [{ type: 'bar', name: t(`reports.indicator.${chartIndicator}`), data: report.villages.map((v) => pct(v.indicators.find((f) => f.id === chartIndicator)?.rate ?? null)) }],
    };
  }, [report, chartIndicator, t]);

  const exportXlsx = async () => {
    setBusy(true);
    try {
      const file = await api.reports.exportXlsx({ period, scope });
      saveExport(file);
      void message.success(t('reports.ui.exported', { file: file.fileName }));
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const print = async () => {
    try {
      await api.reports.notePrinted({ period, scope });
      window.print();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const isEmpty = report !== null && report.indicators.every((f) => f.numerator === 0);
  const years = Array.from({ length: 6 }, (_v, i) => thisYear - i);

  return (
    <section className="section" data-section="reports">
      <h1 tabIndex={-1}>{t('reports.ui.title')}</h1>
      <Space wrap className="report-controls">
        <Segmented<Kind>
          value={period.kind}
          options={(['month', 'quarter', 'year'] as const).map((k) => ({ value: k, label: t(`reports.ui.kind.${k}`) }))}
          onChange={(kind) => setPeriod({ kind, year: period.year, index: Math.min(MAX_INDEX[kind], indexFor(kind, period.year === thisYear ? thisMonth : 12)) })}
          data-testid="period-kind"
        />
        <Select<number>
          value={period.year}
          style={{ width: 110 }}
          aria-label={t('reports.period')}
          options={years.map((y) => ({ value: y, label: t('reports.ui.year', { year: y }) }))}
          onChange={(year) => setPeriod({ ...period, year })}
        />
        {period.kind !== 'year' ? (
          <Select<number>
            value={period.index}
            style={{ width: 120 }}
            aria-label={t('reports.period')}
            data-testid="period-index"
            options={Array.from({ length: MAX_INDEX[period.kind] }, (_v, i) => ({ value: i + 1, label: periodLabel({ ...period, index: i + 1 }) }))}
            onChange={(index) => setPeriod({ ...period, index })}
          />
        ) : null}
        <Select<string>
          value={scopeValue(scope)}
          style={{ width: 220 }}
          aria-label={t('reports.ui.scope')}
          data-testid="report-scope"
          options={[
            ...(visible ? [] : [{ value: 'clinic', label: t('reports.ui.wholeClinic') }]),
            ...(settings?.villages ?? [])
              .filter((v) => !visible || visible.has(v.code))
              .map((v) => ({ value: `village:${v.code}`, label: `${t('reports.ui.villagePrefix')}${v.name}` })),
            ...(visible ? [] : teams.map((tm) => ({ value: `team:${tm.teamId}`, label: `${t('reports.ui.teamPrefix')}${tm.teamName}` }))),
          ]}
          onChange={(v) => setScope(scopeFrom(v))}
        />
        <Button onClick={() => void exportXlsx()} loading={busy} disabled={!report} data-testid="export-xlsx">
          {t('reports.ui.exportXlsx')}
        </Button>
        <Button onClick={() => void print()} disabled={!report} data-testid="print-report">
          {t('reports.ui.print')}
        </Button>
      </Space>

      {failure ? <LoadFailure error={failure} onRetry={retry} /> : null}
      {!report && !failure ? <Spin /> : null}
      {report ? (
        <Spin spinning={loading}>
          <p className="report-window" data-testid="report-window">
            {report.scopeName} · {t('reports.ui.windowNote', { start: report.windowStart, end: report.windowEnd, pstart: report.periodStart, pend: report.periodEnd })} ·{' '}
            {t('reports.ui.madeBy', { name: report.generatedBy, at: stampText(report.generatedAt) })}
          </p>
          <p className="report-rules" data-testid="report-rules">
            {t('reports.rulesText.title')}（{rulesSource(report.rules, lang)}）：{rulesLines(report.rules, lang).join('；')}
          </p>
          {isEmpty ? <Alert type="info" showIcon title={t('reports.ui.zeroReason')} data-testid="report-empty" /> : null}
          <IndicatorTable indicators={report.indicators} rules={report.rules} onOpen={(id, side) => open(id, side)} />
          <Card size="small" title={t('reports.ui.activityTitle')} className="report-charts">
            <Row gutter={16}>
              {(['newRecords', 'followups', 'faceToFaceFollowups', 'healthChecks'] as const).map((k) => (
                <Col span={6} key={k}>
                  <Statistic title={t(`reports.${k}`)} value={report.activity[k]} />
                </Col>
              ))}
            </Row>
          </Card>
          <Space className="report-charts" wrap>
            <span>{t('reports.ui.chartIndicator')}</span>
            <Select<IndicatorId>
              value={chartIndicator}
              style={{ width: 280 }}
              aria-label={t('reports.ui.chartIndicator')}
              options={INDICATOR_IDS.map((id) => ({ value: id, label: t(`reports.indicator.${id}`) }))}
              onChange={setChartIndicator}
            />
          </Space>
          <Row gutter={16} className="report-charts">
            <Col span={12}>
              <Card size="small" title={t('reports.ui.trend')}>
                {trendOption ? <EChart option={trendOption} height={260} testId="trend-chart" ariaLabel={t('reports.ui.trend')} /> : null}
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title={t('reports.ui.perVillage')}>
                {villageOption ? (
                  <EChart
                    option={villageOption}
                    height={260}
                    testId="village-chart"
                    ariaLabel={t('reports.ui.perVillage')}
                    onPointClick={(_s, i) => {
                      const v = report.villages[i];
                      if (v) open(chartIndicator, 'numerator', { kind: 'village', villageCode: v.villageCode });
                    }}
                  />
                ) : null}
              </Card>
            </Col>
          </Row>
          <ReportPrint report={report} />
        </Spin>
      ) : null}
      <ResidentsBehind request={list} onClose={() => setList(null)} />
    </section>
  );
}
