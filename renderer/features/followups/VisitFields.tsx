/**
 * The first line of the 随访服务记录表, typed once for both diseases: date, way and blood pressure. Emergency values
 * are outlined in red with their reason right under the field. The other signs are in SignsFields (folded).
 */
import { Col, Form, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { CodeRadio } from './CodeRadio';
import { DateInput } from './DateInput';
import { type EmergencyByPath, useEmergencyProps } from './emergency-fields';
import type { VisitValues } from './followup-model';
import { NumberField } from './NumberField';

export function VisitFields({ today, emergency, values }: { today: string; emergency: EmergencyByPath; values: VisitValues }) {
  const { t } = useTranslation();
  const em = useEmergencyProps(emergency);
  // followups.md §3: a face-to-face visit (门诊, 家庭) needs measured BP; a phone visit does not.
  const faceToFace = values.visitMode === 1 || values.visitMode === 2;
  return (
    <Row gutter={16}>
      <Col xs={12} md={6}>
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
      <Col xs={12} md={8}>
        <CodeRadio name="visitMode" label={t('followups.form.visitMode')} codes={[1, 2, 3]} i18nPrefix="followup.visitMode" required />
      </Col>
      <Col xs={12} md={5}>
        <NumberField name="sbp" label={t('followups.form.sbp')} unit="mmHg" min={40} max={300} precision={0} testId="sbp" required={faceToFace} {...em('sbp')} />
      </Col>
      <Col xs={12} md={5}>
        <NumberField name="dbp" label={t('followups.form.dbp')} unit="mmHg" min={20} max={200} precision={0} testId="dbp" required={faceToFace} {...em('dbp')} />
      </Col>
    </Row>
  );
}
