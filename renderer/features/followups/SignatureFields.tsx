import { Col, Form, Input, Row } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SignaturePad } from '../contracts/SignaturePad';

/** 随访医生签名 (the signed-in doctor's name by default), 居民（家属）签名 drawn on the pad as on the contract, 备注. */
export function SignatureFields() {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  // The pad draws what a draft already holds once; after that the pad is the source and writes into the form.
  const [initial] = useState(() => (form.getFieldValue('residentSignatureImage') as string | null | undefined) ?? null);
  return (
    <Row gutter={16}>
      <Col xs={24} md={8}>
        <Form.Item name="doctorSignature" label={t('followups.form.doctorSignature')} required rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="remark" label={t('followups.form.remark')}>
          <Input maxLength={500} />
        </Form.Item>
      </Col>
      <Col xs={24} md={16}>
        <Form.Item label={t('followups.form.residentSignature')}>
          <SignaturePad label={t('followups.form.residentSignature')} testId="resident-signature" initial={initial} onChange={(png) => form.setFieldValue('residentSignatureImage', png)} />
        </Form.Item>
      </Col>
    </Row>
  );
}
