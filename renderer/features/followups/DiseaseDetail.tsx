/**
 * The disease's own items beyond the first screen: salt intake (hypertension); staple food, dorsalis pedis pulse,
 * hypoglycaemia and HbA1c (diabetes).
 */
import { Col, Form, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';
import { CodeRadio } from './CodeRadio';
import { DateInput } from './DateInput';
import type { VisitValues } from './followup-model';
import { NumberField } from './NumberField';

export function DiseaseDetail({ disease, values }: { disease: Disease; values: VisitValues }) {
  const { t } = useTranslation();
  const g = values.t2dm;
  if (disease === 'htn') {
    return (
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <CodeRadio name={['htn', 'saltIntake']} label={t('followups.form.salt')} codes={[1, 2, 3]} i18nPrefix="followups.salt" />
        </Col>
        <Col xs={24} md={12}>
          <CodeRadio name={['htn', 'targetSaltIntake']} label={t('followups.form.targetSalt')} codes={[1, 2, 3]} i18nPrefix="followups.salt" />
        </Col>
      </Row>
    );
  }
  const sided = g?.dorsalisPedis === 2 || g?.dorsalisPedis === 3;
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item label={t('followups.form.staple')}>
            <Space wrap>
              <Form.Item name={['t2dm', 'stapleGramsPerDay']} noStyle rules={numberRules(t, { min: 0, max: 2000, precision: 0, unit: t('followups.unit.gramsPerDay') })}>
                <NumberInput className="pair-number" unit={t('followups.unit.gramsPerDay')} aria-label={t('followups.form.staple')} />
              </Form.Item>
              <span>{t('followups.form.target')}</span>
              <Form.Item name={['t2dm', 'targetStapleGramsPerDay']} noStyle rules={numberRules(t, { min: 0, max: 2000, precision: 0, unit: t('followups.unit.gramsPerDay') })}>
                <NumberInput className="pair-number" unit={t('followups.unit.gramsPerDay')} aria-label={`${t('followups.form.staple')} ${t('followups.form.target')}`} />
              </Form.Item>
            </Space>
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <CodeRadio name={['t2dm', 'hypoglycemia']} label={t('followups.form.hypoglycemia')} codes={[1, 2, 3]} i18nPrefix="followups.hypo" />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <CodeRadio name={['t2dm', 'dorsalisPedis']} label={t('followups.form.dorsalisPedis')} codes={[1, 2, 3]} i18nPrefix="followups.dorsalis" />
        </Col>
        <Col xs={24} md={12}>
          {sided ? (
            <Form.Item name={['t2dm', 'dorsalisPedisSide']} label={t('followups.form.side')} required rules={[{ required: true, message: t('form.required') }]}>
              <Select options={(['both', 'left', 'right'] as const).map((s) => ({ value: s, label: t(`followups.side.${s}`) }))} />
            </Form.Item>
          ) : null}
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <NumberField name={['t2dm', 'hba1c']} label={t('followups.form.hba1c')} unit="%" min={2} max={25} step={0.1} precision={1} />
        </Col>
        <Col xs={12} md={6}>
          <Form.Item
            name={['t2dm', 'hba1cDate']}
            label={t('followups.form.hba1cDate')}
            required={g?.hba1c != null}
            rules={g?.hba1c != null ? [{ required: true, message: t('form.required') }] : undefined}
          >
            <DateInput />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
