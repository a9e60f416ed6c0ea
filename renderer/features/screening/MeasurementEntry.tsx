/** 门诊测量: one line, a few keystrokes (SBP Tab DBP Tab glucose Enter); refusals come back at the field with the range. */
import { Button, Form, InputNumber, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentScreening } from '../../../shared/api/screening';
import { api } from '../../api-client';
import { applyFieldErrors } from '../../app/api-errors';
import { DateInput } from '../followups/DateInput';

interface Values {
  date: string;
  sbp?: number | null;
  dbp?: number | null;
  fastingGlucose?: number | null;
}

export function MeasurementEntry({ residentId, today, onSaved }: { residentId: string; today: string; onSaved: (s: ResidentScreening) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  const save = async (v: Values) => {
    setSaving(true);
    try {
      const s = await api.measurements.record({
        residentId,
        date: v.date,
        ...(v.sbp != null ? { sbp: v.sbp } : {}),
        ...(v.dbp != null ? { dbp: v.dbp } : {}),
        ...(v.fastingGlucose != null ? { fastingGlucose: v.fastingGlucose } : {}),
      });
      form.setFieldsValue({ date: today, sbp: null, dbp: null, fastingGlucose: null });
      onSaved(s);
    } catch (e) {
      applyFieldErrors(form, e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form form={form} layout="inline" initialValues={{ date: today }} onFinish={(v) => void save(v)} className="screening-measure" aria-label={t('screening.measure.title')}>
      <Form.Item name="date" label={t('screening.measure.date')}>
        <DateInput max={today} aria-label={t('screening.measure.date')} />
      </Form.Item>
      <Form.Item name="sbp" label={t('screening.measure.sbp')}>
        <InputNumber aria-label={t('screening.measure.sbp')} suffix="mmHg" precision={0} autoFocus style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="dbp" label={t('screening.measure.dbp')}>
        <InputNumber aria-label={t('screening.measure.dbp')} suffix="mmHg" precision={0} style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="fastingGlucose" label={t('screening.measure.glucose')}>
        <InputNumber aria-label={t('screening.measure.glucose')} suffix="mmol/L" precision={1} step={0.1} style={{ width: 140 }} />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('screening.measure.save')}
        </Button>
      </Space>
    </Form>
  );
}
