import { Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { CodeRadio } from './CodeRadio';
import type { VisitValues } from './followup-model';

/** 服药依从性 and 药物不良反应: asked at every visit, so on the first screen; the drug list itself is folded. */
export function AdherenceFields({ values }: { values: VisitValues }) {
  const { t } = useTranslation();
  return (
    <Row gutter={16}>
      <Col xs={24} md={10}>
        <CodeRadio name="adherence" label={t('followups.form.adherence')} codes={[1, 2, 3]} i18nPrefix="followups.adherence" required testId="adherence" />
      </Col>
      <Col xs={24} md={6}>
        <CodeRadio name="adverseReaction" label={t('followups.form.adverseReaction')} codes={[1, 2]} i18nPrefix="followups.yesNo" required testId="adverse-reaction" />
      </Col>
      {values.adverseReaction === 2 ? (
        <Col xs={24} md={8}>
          <Form.Item name="adverseReactionText" label={t('followups.form.adverseReactionText')} required rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
      ) : null}
    </Row>
  );
}
