import { Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';
import type { NamePath } from './CodeRadio';
import type { InsulinValues } from './followup-model';

/**
 * 胰岛素 in one row: kind, units per injection, injections a day, and a free note (form version 2, issue 12). Numbers
 * without a kind are refused at the kind, so a dose is never stored without the insulin it belongs to.
 */
export function InsulinFields({ name, label, value }: { name: NamePath; label: string; value: InsulinValues | undefined }) {
  const { t } = useTranslation();
  const path = Array.isArray(name) ? name : [name];
  const hasNumbers = value?.doseUnits != null || value?.timesPerDay != null || (value?.usage ?? '').trim() !== '';
  return (
    <Form.Item label={label} required={hasNumbers}>
      <Space wrap className="insulin-row">
        <Form.Item
          name={[...path, 'kind']}
          noStyle
          rules={hasNumbers ? [{ required: true, whitespace: true, message: t('followups.form.insulinKindRequired') }] : undefined}
        >
          <Input placeholder={t('followups.form.insulinKind')} aria-label={`${label} ${t('followups.form.insulinKind')}`} maxLength={60} className="insulin-kind" />
        </Form.Item>
        <Form.Item name={[...path, 'doseUnits']} noStyle rules={numberRules(t, { min: 0, max: 200, unit: t('followups.unit.iuPerTime') })}>
          <NumberInput className="pair-number" unit={t('followups.unit.iuPerTime')} aria-label={`${label} ${t('followups.form.insulinDose')}`} />
        </Form.Item>
        <Form.Item name={[...path, 'timesPerDay']} noStyle rules={numberRules(t, { min: 1, max: 6, precision: 0, unit: t('followups.unit.timesPerDay') })}>
          <NumberInput className="pair-number" unit={t('followups.unit.timesPerDay')} aria-label={`${label} ${t('followups.form.timesPerDay')}`} />
        </Form.Item>
        <Form.Item name={[...path, 'usage']} noStyle>
          <Input placeholder={t('followups.form.insulinUsage')} aria-label={`${label} ${t('followups.form.insulinUsage')}`} maxLength={200} className="dose-text" />
        </Form.Item>
      </Space>
    </Form.Item>
  );
}
