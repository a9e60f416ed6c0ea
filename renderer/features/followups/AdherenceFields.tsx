import { Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import { CodeRadio } from './CodeRadio';
import { EmergencyQuestion } from './EmergencyQuestion';
import type { VisitValues } from './followup-model';

/**
 * 服药依从性, 药物不良反应 and 有无危急情况: asked at every visit, so on the first screen, in one row; the drug list
 * and the emergency checklist themselves are folded.
 */
export function AdherenceFields({ values, diseases }: { values: VisitValues; diseases: readonly Disease[] }) {
  const { t } = useTranslation();
  return (
    <Row gutter={16}>
      <Col xs={24} md={8}>
        <CodeRadio name="adherence" label={t('followups.form.adherence')} codes={[1, 2, 3]} i18nPrefix="followups.adherence" required testId="adherence" />
      </Col>
      <Col xs={12} md={5}>
        <CodeRadio name="adverseReaction" label={t('followups.form.adverseReaction')} codes={[1, 2]} i18nPrefix="followups.yesNo" required testId="adverse-reaction" />
      </Col>
      <Col xs={12} md={5}>
        <EmergencyQuestion diseases={diseases} />
      </Col>
      {values.adverseReaction === 2 ? (
        <Col xs={24} md={6}>
          <Form.Item name="adverseReactionText" label={t('followups.form.adverseReactionText')} required rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
      ) : null}
    </Row>
  );
}
