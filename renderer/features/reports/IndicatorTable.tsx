/** The report's indicators: numerator, denominator and rate, each count opening the residents behind it. */
import { Button, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { IndicatorFigure, ListSide } from '../../../shared/api/reports';
import { formatRate } from '../../../shared/domain/indicators/messages';
import type { IndicatorRules } from '../../../shared/domain/indicators/rules';
import { denominatorLabel } from '../../../shared/domain/indicators/rules-messages';

export interface IndicatorTableProps {
  indicators: IndicatorFigure[];
  onOpen: (indicator: IndicatorFigure['id'], side: ListSide) => void;
  /** The report's 口径: the 动态使用率 denominator is named by it. */
  rules: Pick<IndicatorRules, 'dynamicUseDenominator'>;
}

export function IndicatorTable({ indicators, onOpen, rules }: IndicatorTableProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const count = (f: IndicatorFigure, side: ListSide, n: number) => (
    <Button type="link" size="small" className="report-count" data-testid={`open-${f.id}-${side}`} aria-label={`${t(`reports.indicator.${f.id}`)} · ${t(`reports.ui.side.${side}`)}: ${n}`} onClick={() => onOpen(f.id, side)}>
      {n}
    </Button>
  );
  return (
    <Table<IndicatorFigure>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={indicators}
      data-testid="indicator-table"
      columns={[
        {
          title: t('reports.name'),
          key: 'name',
          render: (_v, f) => (
            <div>
              <div className="report-indicator-name">{t(`reports.indicator.${f.id}`)}</div>
              <Typography.Text type="secondary" className="report-indicator-def">
                {t(`reports.numerator.${f.id}`)} / {denominatorLabel(f.id, rules, lang)}
              </Typography.Text>
            </div>
          ),
        },
        { title: t('reports.num'), key: 'num', align: 'right', render: (_v, f) => count(f, 'numerator', f.numerator) },
        {
          title: t('reports.den'),
          key: 'den',
          align: 'right',
          render: (_v, f) =>
            f.denominatorSource === 'records' ? (
              count(f, 'denominator', f.denominator ?? 0)
            ) : (
              <span data-testid={`den-${f.id}`}>
                {f.denominator ?? '—'}
                {f.enteredAsOf ? (
                  <Tag className="report-entered" color="blue">
                    {t('reports.ui.enteredNote', { date: f.enteredAsOf })}
                  </Tag>
                ) : null}
              </span>
            ),
        },
        {
          title: t('reports.ui.side.gap'),
          key: 'gap',
          align: 'right',
          render: (_v, f) => (f.denominatorSource === 'records' && f.denominator !== null ? count(f, 'gap', f.denominator - f.numerator) : '—'),
        },
        {
          title: t('reports.rate'),
          key: 'rate',
          align: 'right',
          render: (_v, f) => (
            <strong data-testid={`rate-${f.id}`}>{f.rate === null ? t('reports.ui.noRate') : `${formatRate(f.rate)}%`}</strong>
          ),
        },
        {
          title: t('reports.note'),
          key: 'note',
          render: (_v, f) =>
            f.reason === 'noDenominator' ? t('reports.reasonNoDenominator') : f.reason === 'denominatorNotEntered' ? t('reports.reasonDenominatorNotEntered') : '',
        },
      ]}
    />
  );
}
