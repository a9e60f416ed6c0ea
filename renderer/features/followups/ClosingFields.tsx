import { Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import type { VisitValues } from './followup-model';
import { InsulinFields } from './InsulinFields';
import { MedicationList } from './MedicationList';

/** 用药调整意见 (tablets, and insulin for diabetes) and 转诊. A proposed referral (下一步 3 or 4) needs its reason and institution. */
export function ClosingFields({ values, diseases, referralNeeded }: { values: VisitValues; diseases: readonly Disease[]; referralNeeded: boolean }) {
  const { t } = useTranslation();
  const required = referralNeeded ? [{ required: true, whitespace: true, message: t('form.required') }] : undefined;
  return (
    <>
      <MedicationList name="medAdjustment" title={t('followups.form.medAdjustment')} />
      {diseases.includes('t2dm') ? <InsulinFields name="insulinAdjustment" label={t('followups.form.insulinAdjustment')} value={values.insulinAdjustment} /> : null}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="referralReason" label={t('followups.form.referralReason')} required={referralNeeded} rules={required}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="referralOrgDept" label={t('followups.form.referralOrg')} required={referralNeeded} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="referralContactPerson" label={t('followups.form.referralContact')}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="referralContactPhone" label={t('followups.form.referralPhone')}>
            <Input maxLength={20} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
