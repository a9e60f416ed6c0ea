/**
 * 报表分母 in 设置: figures the records cannot know, per village, kind and date, typed in or imported from a CSV the
 * county sends (parsed here with papaparse, validated by the server like a typed entry). Admins edit; others read.
 */
import { Alert, App, Button, DatePicker, Form, InputNumber, Select, Space, Table, Upload } from 'antd';
import dayjs from 'dayjs';
import Papa from 'papaparse';
import { useTranslation } from 'react-i18next';
import type { ClinicSettings } from '../../../shared/api/settings';
import { DENOMINATOR_KINDS, type Denominator, type DenominatorInput } from '../../../shared/schemas/denominator';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { RemoveButton } from '../../app/RemoveButton';
import { useLoad } from '../../app/use-load';

const SOURCES = ['census', 'county', 'estimate', 'import'] as const;

interface FormValues {
  villageCode: string;
  kind: DenominatorInput['kind'];
  value: number;
  asOf: dayjs.Dayjs;
  source: DenominatorInput['source'];
}

/** Rows of `village code, kind, number, date[, source]`; a header row is skipped. Returns entries or the bad row. */
export function parseDenominatorCsv(text: string): { entries: DenominatorInput[]; badRow: number | null } {
  const rows = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true }).data;
  const entries: DenominatorInput[] = [];
  for (const [i, row] of rows.entries()) {
    const [village = '', kind = '', value = '', asOf = '', source = 'import'] = row.map((c) => c.trim());
    if (i === 0 && !/^\d{12}$/.test(village)) continue;
    const n = Number(value);
    if (!/^\d{12}$/.test(village) || !(DENOMINATOR_KINDS as readonly string[]).includes(kind) || !Number.isInteger(n) || n < 0 || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
      return { entries: [], badRow: i + 1 };
    }
    const src = (SOURCES as readonly string[]).includes(source) ? (source as DenominatorInput['source']) : 'import';
    entries.push({ villageCode: village as DenominatorInput['villageCode'], kind: kind as DenominatorInput['kind'], value: n, asOf, source: src });
  }
  return { entries, badRow: null };
}

export function DenominatorsAdmin({ settings, canEdit }: { settings: ClinicSettings; canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useLoad(() => api.denominators.list({}), []);
  const [form] = Form.useForm<FormValues>();
  const names = new Map(settings.villages.map((v) => [v.code, v.name]));

  const save = async (entries: DenominatorInput[]) => {
    try {
      await api.denominators.save({ entries });
      void message.success(t('reports.ui.denominators.saved'));
      await list.reload();
      return true;
    } catch (e) {
      void message.error(errorText(e));
      return false;
    }
  };

  const onAdd = async (v: FormValues) => {
    const ok = await save([{ villageCode: v.villageCode as DenominatorInput['villageCode'], kind: v.kind, value: v.value, asOf: v.asOf.format('YYYY-MM-DD'), source: v.source }]);
    if (ok) form.resetFields(['value']);
  };

  const onCsv = async (file: File) => {
    const parsed = parseDenominatorCsv(await file.text());
    if (parsed.badRow !== null) void message.error(t('reports.ui.denominators.importBad', { row: parsed.badRow }));
    else if (parsed.entries.length > 0) await save(parsed.entries);
    return false;
  };

  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="denominators-admin">
      <Alert type="info" showIcon title={t('reports.ui.denominators.intro')} />
      {list.placeholder}
      {canEdit ? (
        <Form<FormValues> form={form} layout="inline" onFinish={(v) => void onAdd(v)} initialValues={{ kind: 'population', source: 'census', asOf: dayjs() }}>
          <Form.Item name="villageCode" label={t('reports.ui.denominators.village')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select style={{ width: 160 }} options={settings.villages.map((v) => ({ value: v.code, label: v.name }))} />
          </Form.Item>
          <Form.Item name="kind" label={t('reports.ui.denominators.kind')}>
            <Select style={{ width: 180 }} options={DENOMINATOR_KINDS.map((k) => ({ value: k, label: t(`reports.ui.denominators.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="value" label={t('reports.ui.denominators.value')} rules={[{ required: true, message: t('validation.required') }]}>
            <InputNumber min={0} max={10_000_000} precision={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="asOf" label={t('reports.ui.denominators.asOf')} rules={[{ required: true, message: t('validation.required') }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="source" label={t('reports.ui.denominators.source')}>
            <Select style={{ width: 120 }} options={SOURCES.map((s) => ({ value: s, label: t(`reports.ui.denominators.sources.${s}`) }))} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('reports.ui.denominators.add')}
            </Button>
          </Form.Item>
        </Form>
      ) : null}
      {canEdit ? (
        <Space>
          <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(f) => onCsv(f)}>
            <Button>{t('reports.ui.denominators.importCsv')}</Button>
          </Upload>
          <span className="hint">{t('reports.ui.denominators.importHint')}</span>
        </Space>
      ) : null}
      {list.data === null ? null : (
        <Table<Denominator>
          size="small"
          rowKey="id"
          dataSource={list.data}
          locale={{ emptyText: t('reports.ui.denominators.none') }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          columns={[
            { title: t('reports.ui.denominators.village'), key: 'v', render: (_v, d) => names.get(d.villageCode) ?? d.villageCode },
            { title: t('reports.ui.denominators.kind'), key: 'k', render: (_v, d) => t(`reports.ui.denominators.kinds.${d.kind}`) },
            { title: t('reports.ui.denominators.value'), dataIndex: 'value', key: 'value', align: 'right' },
            { title: t('reports.ui.denominators.asOf'), dataIndex: 'asOf', key: 'asOf' },
            { title: t('reports.ui.denominators.source'), key: 's', render: (_v, d) => t(`reports.ui.denominators.sources.${d.source}`) },
            { title: t('reports.ui.denominators.enteredBy'), dataIndex: 'enteredBy', key: 'by' },
            ...(canEdit
              ? [
                  {
                    title: '',
                    key: 'x',
                    render: (_v: unknown, d: Denominator) => (
                      <RemoveButton label={t('reports.ui.denominators.remove')} remove={() => api.denominators.remove({ id: d.id })} then={list.reload} />
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
