/** 指标趋势 tab on the resident page (residents/resident-tabs.ts): BP, fasting glucose and weight over time. */
import { Alert, Card, Space, Spin } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeasurementPoint } from '../../../shared/api/reports';
import { BP_TARGET, FASTING_GLUCOSE_TARGET } from '../../../shared/domain/indicators/compute';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { ResidentTab, ResidentTabProps } from '../residents/resident-tabs';
import { EChart } from './EChart';

// Room on the right for the target line's label (140, 90, 7).
const GRID = { left: 48, right: 40, top: 32, bottom: 28 };

function line(name: string, points: MeasurementPoint[], pick: (p: MeasurementPoint) => number | null, target?: number) {
  return {
    type: 'line',
    name,
    connectNulls: true,
    data: points.map(pick),
    ...(target !== undefined ? { markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed' }, data: [{ yAxis: target }] } } : {}),
  };
}

function TrendTab({ residentId }: ResidentTabProps) {
  const { t } = useTranslation();
  const [points, setPoints] = useState<MeasurementPoint[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  useEffect(() => {
    let alive = true;
    api.reports
      .residentTrend({ residentId })
      .then((p) => alive && setPoints(p))
      .catch((e: unknown) => alive && setFailure(e));
    return () => {
      alive = false;
    };
  }, [residentId]);

  const charts = useMemo(() => {
    if (!points) return null;
    // One category per record date: a visit-by-visit view, readable even with a single visit (a time axis would show hours).
    const has = (pick: (p: MeasurementPoint) => number | null) => points.some((p) => pick(p) !== null);
    const base = (pick: (p: MeasurementPoint) => number | null, series: (rows: MeasurementPoint[]) => unknown[]) => {
      const rows = points.filter((p) => pick(p) !== null);
      return { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: GRID, xAxis: { type: 'category', data: rows.map((p) => p.date) }, yAxis: { type: 'value', scale: true }, series: series(rows) };
    };
    return {
      bp: has((p) => p.sbp)
        ? base(
            (p) => p.sbp,
            (rows) => [line(t('reports.ui.residentTrend.sbp'), rows, (p) => p.sbp, BP_TARGET.sbp), line(t('reports.ui.residentTrend.dbp'), rows, (p) => p.dbp, BP_TARGET.dbp)],
          )
        : null,
      glucose: has((p) => p.glucose) ? base((p) => p.glucose, (rows) => [line(t('reports.ui.residentTrend.glucose'), rows, (p) => p.glucose, FASTING_GLUCOSE_TARGET)]) : null,
      weight: has((p) => p.weight) ? base((p) => p.weight, (rows) => [line(t('reports.ui.residentTrend.weight'), rows, (p) => p.weight)]) : null,
    };
  }, [points, t]);

  if (failure) return <Alert type="error" showIcon title={errorText(failure)} />;
  if (!points || !charts) return <Spin />;
  if (!charts.bp && !charts.glucose && !charts.weight) return <Alert type="info" showIcon title={t('reports.ui.residentTrend.none')} data-testid="resident-trend-none" />;
  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="resident-trend-tab">
      {(['bp', 'glucose', 'weight'] as const).map((k) => {
        const option = charts[k];
        return option ? (
          <Card size="small" key={k} title={t(`reports.ui.residentTrend.${k}`)}>
            <EChart option={option} height={220} testId={`resident-trend-${k}`} ariaLabel={t(`reports.ui.residentTrend.${k}`)} />
          </Card>
        ) : null;
      })}
    </Space>
  );
}

export const residentTab: ResidentTab = {
  key: 'trends',
  order: 60,
  label: (t) => t('reports.ui.residentTrend.tab'),
  Component: TrendTab,
};
