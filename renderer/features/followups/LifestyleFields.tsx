import { Col, Form, Input, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';
import { CodeRadio } from './CodeRadio';

function PairRow(props: { label: string; now: string; target: string; unit: string; max: number; precision?: number }) {
  const { t } = useTranslation();
  const rules = numberRules(t, { min: 0, max: props.max, precision: props.precision ?? 0, unit: props.unit });
  return (
    <Form.Item label={props.label}>
      <Space wrap>
        <Form.Item name={props.now} noStyle rules={rules}>
          <NumberInput className="pair-number" unit={props.unit} aria-label={`${props.label} ${t('followups.form.now')}`} />
        </Form.Item>
        <span>{t('followups.form.target')}</span>
        <Form.Item name={props.target} noStyle rules={rules}>
          <NumberInput className="pair-number" unit={props.unit} aria-label={`${props.label} ${t('followups.form.target')}`} />
        </Form.Item>
      </Space>
    </Form.Item>
  );
}

/** 生活方式指导: current values beside the targets agreed with the patient. */
export function LifestyleFields() {
  const { t } = useTranslation();
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <PairRow label={t('followups.form.cigarettes')} now="cigarettesPerDay" target="targetCigarettes" unit={t('followups.unit.cigarettes')} max={200} />
          <PairRow label={t('followups.form.alcohol')} now="alcoholLiang" target="targetAlcoholLiang" unit={t('followups.unit.liang')} max={100} precision={1} />
        </Col>
        <Col xs={24} md={12}>
          <PairRow label={t('followups.form.exerciseTimes')} now="exerciseTimesPerWeek" target="targetExerciseTimesPerWeek" unit={t('followups.unit.perWeek')} max={28} />
          <PairRow label={t('followups.form.exerciseMinutes')} now="exerciseMinutes" target="targetExerciseMinutes" unit={t('followups.unit.minutes')} max={600} />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <CodeRadio name="psychAdjustment" label={t('followups.form.psych')} codes={[1, 2, 3]} i18nPrefix="followups.level.good" />
        </Col>
        <Col xs={24} md={12}>
          <CodeRadio name="compliance" label={t('followups.form.compliance')} codes={[1, 2, 3]} i18nPrefix="followups.level.good" />
        </Col>
      </Row>
      <Form.Item name="auxExamText" label={t('followups.form.auxExam')}>
        <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
    </>
  );
}
