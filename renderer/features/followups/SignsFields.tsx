import { Checkbox, Col, Form, Input, Row } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type EmergencyByPath, useEmergencyProps } from './emergency-fields';
import { bmiOf, type VisitValues } from './followup-model';
import { NumberField } from './NumberField';

/** 体征 beyond blood pressure (heart rate, temperature, weight and BMI, other signs) and the special situations. */
export function SignsFields({ emergency, values }: { emergency: EmergencyByPath; values: VisitValues }) {
  const { t } = useTranslation();
  const em = useEmergencyProps(emergency);
  const bmi = bmiOf(values.weight, values.heightCm);
  const targetBmi = bmiOf(values.targetWeight, values.heightCm);
  const pregnant: { status?: 'error'; help?: ReactNode } = em('isPregnantOrBreastfeeding');
  return (
    <>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <NumberField name="heartRate" label={t('followups.form.heartRate')} unit={t('followups.unit.perMinute')} min={20} max={250} precision={0} {...em('heartRate')} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="temperature" label={t('followups.form.temperature')} unit="℃" min={30} max={45} step={0.1} precision={1} {...em('temperature')} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="weight" label={t('followups.form.weight')} unit="kg" min={2} max={300} precision={1} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="targetWeight" label={t('followups.form.targetWeight')} unit="kg" min={2} max={300} precision={1} />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <NumberField name="heightCm" label={t('followups.form.height')} unit="cm" min={50} max={250} precision={1} extra={t('followups.form.heightHint')} />
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('followups.form.bmi')}>
            <output className="computed" data-testid="bmi">
              {bmi ?? '—'} / {targetBmi ?? '—'} kg/m²
            </output>
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="signsOther" label={t('followups.form.signsOther')}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('followups.form.special')} validateStatus={pregnant.status} help={pregnant.help}>
        <Form.Item name="isPregnantOrBreastfeeding" valuePropName="checked" noStyle>
          <Checkbox>{t('followups.form.pregnant')}</Checkbox>
        </Form.Item>
        <Form.Item name="hasUnmanageableCondition" valuePropName="checked" noStyle>
          <Checkbox>{t('followups.form.unmanageable')}</Checkbox>
        </Form.Item>
      </Form.Item>
    </>
  );
}
