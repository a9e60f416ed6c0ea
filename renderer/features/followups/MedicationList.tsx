import { Button, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';

/** 用药情况 / 用药调整意见: one row per drug (name, times a day, mg or another dose). */
export function MedicationList({ name, title, required }: { name: string; title: string; required?: boolean }) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <Form.Item label={title} required={required}>
          {fields.map((field, i) => (
            <Space key={field.key} wrap className="medication-row">
              <Form.Item name={[field.name, 'drugName']} noStyle rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
                <Input placeholder={t('followups.form.drugName')} aria-label={`${t('followups.form.drugName')} ${i + 1}`} maxLength={60} />
              </Form.Item>
              <Form.Item name={[field.name, 'timesPerDay']} noStyle rules={numberRules(t, { min: 1, max: 12, precision: 0, unit: t('followups.unit.timesPerDay') })}>
                <NumberInput className="pair-number" unit={t('followups.unit.timesPerDay')} aria-label={t('followups.form.timesPerDay')} />
              </Form.Item>
              <Form.Item name={[field.name, 'doseMg']} noStyle rules={numberRules(t, { min: 0, max: 100000, unit: t('followups.unit.mgPerTime') })}>
                <NumberInput className="pair-number" unit={t('followups.unit.mgPerTime')} aria-label={t('followups.form.doseMg')} />
              </Form.Item>
              <Form.Item name={[field.name, 'doseText']} noStyle>
                <Input placeholder={t('followups.form.doseText')} aria-label={t('followups.form.doseText')} maxLength={40} className="dose-text" />
              </Form.Item>
              <Button onClick={() => remove(field.name)}>{t('common.remove')}</Button>
            </Space>
          ))}
          <Button onClick={() => add({})}>{t('followups.form.addDrug')}</Button>
        </Form.Item>
      )}
    </Form.List>
  );
}
