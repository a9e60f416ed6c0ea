/**
 * The shared part of the 随访服务记录表, typed once for both diseases: visit, measurements and special situations.
 * Emergency values are outlined in red with their reason right under the field.
 */
import { Card, Checkbox, Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { CodeRadio } from './CodeRadio';
import { DateInput } from './DateInput';
import { type EmergencyByPath, useEmergencyProps } from './emergency-fields';
import { bmiOf, type VisitValues } from './followup-model';
import { NumberField } from './NumberField';

export function VisitFields({ today, emergency, values }: { today: string; emergency: EmergencyByPath; values: VisitValues }) {
  const { t } = useTranslation();
  const em = useEmergencyProps(emergency);
  const bmi = bmiOf(values.weight, values.heightCm);
  const targetBmi = bmiOf(values.targetWeight, values.heightCm);
  // followups.md §3: a face-to-face visit (门诊, 家庭) needs measured BP; a phone visit does not.
  const faceToFace = values.visitMode === 1 || values.visitMode === 2;
  return (
    <Card size="small" title={t('followups.form.visit')} className="form-card">
      <Row gutter={16}>
        <Col xs={24} md={8}>
          {/* A future date is refused at the field, not reverted to today (issue 16). */}
          <Form.Item
            name="visitDate"
            label={t('followups.form.visitDate')}
            rules={[
              { required: true, message: t('form.required') },
              { validator: async (_r, v: unknown) => { if (typeof v === 'string' && v > today) throw new Error(t('form.dateAfterToday', { today })); } },
            ]}
          >
            <DateInput />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <CodeRadio name="visitMode" label={t('followups.form.visitMode')} codes={[1, 2, 3]} i18nPrefix="followup.visitMode" />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <NumberField name="sbp" label={t('followups.form.sbp')} unit="mmHg" min={40} max={300} precision={0} testId="sbp" required={faceToFace} {...em('sbp')} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="dbp" label={t('followups.form.dbp')} unit="mmHg" min={20} max={200} precision={0} testId="dbp" required={faceToFace} {...em('dbp')} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="heartRate" label={t('followups.form.heartRate')} unit={t('followups.unit.perMinute')} min={20} max={250} precision={0} {...em('heartRate')} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="temperature" label={t('followups.form.temperature')} unit="℃" min={30} max={45} step={0.1} precision={1} {...em('temperature')} />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <NumberField name="heightCm" label={t('followups.form.height')} unit="cm" min={50} max={250} precision={1} extra={t('followups.form.heightHint')} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="weight" label={t('followups.form.weight')} unit="kg" min={2} max={300} precision={1} />
        </Col>
        <Col xs={12} md={6}>
          <NumberField name="targetWeight" label={t('followups.form.targetWeight')} unit="kg" min={2} max={300} precision={1} />
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t('followups.form.bmi')}>
            <output className="computed" data-testid="bmi">
              {bmi ?? '—'} / {targetBmi ?? '—'} kg/m²
            </output>
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="signsOther" label={t('followups.form.signsOther')}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="isPregnantOrBreastfeeding" valuePropName="checked" label={t('followups.form.special')} {...em('isPregnantOrBreastfeeding')}>
            <Checkbox>{t('followups.form.pregnant')}</Checkbox>
          </Form.Item>
          <Form.Item name="hasUnmanageableCondition" valuePropName="checked" noStyle>
            <Checkbox>{t('followups.form.unmanageable')}</Checkbox>
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}
