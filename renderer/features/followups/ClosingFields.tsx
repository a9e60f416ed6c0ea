import { Card, Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { MedicationList } from './MedicationList';

/** 用药调整意见, 转诊 and the doctor's signature. */
export function ClosingFields() {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('followups.form.closing')} className="form-card">
      <MedicationList name="medAdjustment" title={t('followups.form.medAdjustment')} />
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="referralReason" label={t('followups.form.referralReason')}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="referralOrgDept" label={t('followups.form.referralOrg')}>
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
        <Col xs={12} md={6}>
          <Form.Item name="doctorSignature" label={t('followups.form.doctorSignature')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="remark" label={t('followups.form.remark')}>
            <Input maxLength={500} />
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}
