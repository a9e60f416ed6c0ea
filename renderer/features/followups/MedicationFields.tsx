import { Card, Checkbox, Col, Form, Input, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { CodeRadio } from './CodeRadio';
import type { VisitValues } from './followup-model';
import { MedicationList } from './MedicationList';

/** 用药情况: adherence, adverse reactions, the drugs taken, and the complication flag the classification reads. */
export function MedicationFields({ values }: { values: VisitValues }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('followups.form.medication')} className="form-card">
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <CodeRadio name="adherence" label={t('followups.form.adherence')} codes={[1, 2, 3]} i18nPrefix="followups.adherence" />
        </Col>
        <Col xs={24} md={12}>
          <CodeRadio name="adverseReaction" label={t('followups.form.adverseReaction')} codes={[1, 2]} i18nPrefix="followups.yesNo" />
          {values.adverseReaction === 2 ? (
            <Form.Item name="adverseReactionText" label={t('followups.form.adverseReactionText')}>
              <Input maxLength={200} />
            </Form.Item>
          ) : null}
        </Col>
      </Row>
      <MedicationList name="medications" title={t('followups.form.medications')} />
      <Space wrap>
        <Form.Item name="hasNewOrWorseComplication" valuePropName="checked" noStyle>
          <Checkbox>{t('followups.form.complication')}</Checkbox>
        </Form.Item>
        {values.adverseReaction === 2 ? (
          <Form.Item name="isAdverseHardToControl" valuePropName="checked" noStyle>
            <Checkbox>{t('followups.form.adverseHard')}</Checkbox>
          </Form.Item>
        ) : null}
      </Space>
    </Card>
  );
}
