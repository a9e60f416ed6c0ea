/**
 * 指标口径 in 设置: the rules in force today, the dated versions (the county's, pulled by sync, and the clinic's own)
 * and, for admins, a form to enter the clinic's own version from a date. The server refuses a clinic version the
 * county's policy would overrule (RULES_SET_BY_COUNTY), so nobody saves a setting that never counts.
 */
import { Alert, App, Button, Checkbox, DatePicker, Form, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { DEFAULT_INDICATOR_RULES, DYNAMIC_USE_DENOMINATORS, ELDERLY_AGE_RULES, rulesInForce, STANDARD_RULES, type IndicatorRules } from '../../../shared/domain/indicators/rules';
import { rulesLines, rulesSource } from '../../../shared/domain/indicators/rules-messages';
import { rulesVersion, type IndicatorRulesDoc } from '../../../shared/schemas/indicator-rules';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { RemoveButton } from '../../app/RemoveButton';
import { useLoad } from '../../app/use-load';
import { useClinicToday } from '../followups/use-clinic-today';

interface FormValues extends IndicatorRules {
  from: dayjs.Dayjs;
}

export function IndicatorRulesAdmin({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const { message } = App.useApp();
  const today = useClinicToday();
  const list = useLoad(() => api.indicatorRules.list({}), []);
  const rows = list.data;
  const [form] = Form.useForm<FormValues>();

  const onSave = async (v: FormValues) => {
    try {
      await api.indicatorRules.save({
        from: v.from.format('YYYY-MM-DD'),
        standardRule: v.standardRule,
        annualCheck: v.annualCheck,
        dynamicUseDenominator: v.dynamicUseDenominator,
        elderlyAgeRule: v.elderlyAgeRule,
      });
      void message.success(t('reports.ui.rules.saved'));
      await list.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const current = rulesInForce((rows ?? []).map(rulesVersion), today);
  const source = rulesSource({ issuedBy: current.version?.issuedBy ?? null, from: current.version?.from ?? null }, lang);

  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="indicator-rules-admin">
      <Alert type="info" showIcon title={t('reports.ui.rules.intro')} description={t('reports.rulesText.sampleNotSupported')} />
      {list.placeholder}
      <div data-testid="rules-in-force">
        <strong>{t('reports.ui.rules.inForce', { source })}</strong>
        <ul className="rules-lines">
          {rulesLines(current.rules, lang).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
      {canEdit ? (
        <Form<FormValues> form={form} layout="inline" onFinish={(v) => void onSave(v)} initialValues={{ ...DEFAULT_INDICATOR_RULES, from: dayjs(`${today.slice(0, 4)}-01-01`) }}>
          <Form.Item name="from" label={t('reports.ui.rules.from')} rules={[{ required: true, message: t('validation.required') }]}>
            <DatePicker allowClear={false} data-testid="rules-from" />
          </Form.Item>
          <Form.Item name="standardRule" label={t('reports.ui.rules.standardRule')}>
            <Select style={{ width: 240 }} data-testid="rules-standard" options={STANDARD_RULES.map((r) => ({ value: r, label: t(`reports.rulesText.standard.${r}`) }))} />
          </Form.Item>
          <Form.Item name="annualCheck" valuePropName="checked">
            <Checkbox data-testid="rules-annual-check">{t('reports.ui.rules.annualCheck')}</Checkbox>
          </Form.Item>
          <Form.Item name="dynamicUseDenominator" label={t('reports.ui.rules.dynamicUseDenominator')}>
            <Select style={{ width: 260 }} data-testid="rules-dynamic" options={DYNAMIC_USE_DENOMINATORS.map((r) => ({ value: r, label: t(`reports.rulesText.dynamic.${r}`) }))} />
          </Form.Item>
          <Form.Item name="elderlyAgeRule" label={t('reports.ui.rules.elderlyAgeRule')}>
            <Select style={{ width: 260 }} data-testid="rules-elderly" options={ELDERLY_AGE_RULES.map((r) => ({ value: r, label: t(`reports.rulesText.elderly.${r}`) }))} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" data-testid="rules-save">
              {t('reports.ui.rules.save')}
            </Button>
          </Form.Item>
        </Form>
      ) : null}
      {rows === null ? null : (
        <Table<IndicatorRulesDoc>
          size="small"
          rowKey="id"
          dataSource={rows}
          locale={{ emptyText: t('reports.ui.rules.none') }}
          pagination={false}
          data-testid="rules-versions"
          columns={[
            { title: t('reports.ui.rules.from'), dataIndex: 'from', key: 'from' },
            {
              title: t('reports.ui.rules.issuedBy'),
              key: 'by',
              render: (_v, d) => <Tag color={d.issuedBy === 'county' ? 'blue' : undefined}>{t(`reports.ui.rules.issuers.${d.issuedBy}`)}</Tag>,
            },
            {
              title: t('reports.rulesText.title'),
              key: 'rules',
              render: (_v, d) => rulesLines(rulesVersion(d).rules, lang).map((line) => <div key={line}>{line}</div>),
            },
            { title: t('reports.ui.rules.enteredBy'), dataIndex: 'enteredBy', key: 'enteredBy' },
            ...(canEdit
              ? [
                  {
                    title: '',
                    key: 'x',
                    render: (_v: unknown, d: IndicatorRulesDoc) =>
                      d.issuedBy === 'county' ? (
                        <span className="hint">{t('reports.ui.rules.countyLocked')}</span>
                      ) : (
                        <RemoveButton label={t('reports.ui.rules.remove')} remove={() => api.indicatorRules.remove({ id: d.id })} then={list.reload} />
                      ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </Space>
  );
}
