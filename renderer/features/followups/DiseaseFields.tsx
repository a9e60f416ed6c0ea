/**
 * What each disease's form has of its own: symptoms and the emergency checklist (their codes differ), salt or staple
 * food, and for diabetes the glucose (mmol/L or mg/dL, the conversion shown as typed), foot pulse, HbA1c,
 * hypoglycaemia and insulin.
 */
import { Card, Checkbox, Col, Form, Input, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import { HTN_EMERGENCY_SIGNS, T2DM_EMERGENCY_SIGNS } from '../../../shared/domain/followup-emergency';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';
import { CodeRadio } from './CodeRadio';
import { DateInput } from './DateInput';
import type { EmergencyByPath } from './emergency-fields';
import { glucoseMmol, type VisitValues } from './followup-model';
import { NumberField } from './NumberField';

const SYMPTOMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export function DiseaseFields({ disease, values, emergency }: { disease: Disease; values: VisitValues; emergency: EmergencyByPath }) {
  const { t } = useTranslation();
  const own = disease === 'htn' ? values.htn : values.t2dm;
  const signs = disease === 'htn' ? HTN_EMERGENCY_SIGNS : T2DM_EMERGENCY_SIGNS;
  const glucoseHit = emergency.get('fastingGlucose');
  const g = values.t2dm;
  const converted = disease === 't2dm' ? glucoseMmol(g?.glucoseValue, g?.glucoseUnit) : null;
  return (
    <Card size="small" title={t(`followups.formTitle.${disease}`)} className="form-card" data-testid={`disease-${disease}`}>
      <Form.Item name={[disease, 'symptoms']} label={t('followups.form.symptoms')}>
        <Checkbox.Group options={SYMPTOMS.map((c) => ({ value: c, label: t(`followups.symptom.${disease}.${c}`) }))} />
      </Form.Item>
      {own?.symptoms?.includes(10) ? (
        <Form.Item name="symptomsOther" label={t('followups.form.symptomsOther')}>
          <Input maxLength={200} />
        </Form.Item>
      ) : null}
      <Form.Item name={[disease, 'emergencySigns']} label={t('followups.form.emergencySigns')} validateStatus={emergency.has('emergencySigns') ? 'error' : undefined}>
        <Checkbox.Group options={signs.map((s) => ({ value: s, label: t(`followup.emergency.sign.${s}`) }))} />
      </Form.Item>
      {disease === 'htn' ? (
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <CodeRadio name={['htn', 'saltIntake']} label={t('followups.form.salt')} codes={[1, 2, 3]} i18nPrefix="followups.salt" />
          </Col>
          <Col xs={24} md={12}>
            <CodeRadio name={['htn', 'targetSaltIntake']} label={t('followups.form.targetSalt')} codes={[1, 2, 3]} i18nPrefix="followups.salt" />
          </Col>
        </Row>
      ) : (
        <>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                label={t('followups.form.glucose')}
                validateStatus={glucoseHit ? 'error' : undefined}
                help={glucoseHit ? <span role="alert">{t(glucoseHit.messageKey, glucoseHit.params ?? {})}</span> : undefined}
                extra={
                  g?.glucoseUnit === 'mg/dL' && converted !== null ? (
                    <span data-testid="glucose-converted">{t('followups.form.glucoseConverted', { value: converted })}</span>
                  ) : undefined
                }
              >
                <Space.Compact>
                  <Form.Item name={['t2dm', 'glucoseValue']} noStyle rules={numberRules(t, { min: 0, max: g?.glucoseUnit === 'mg/dL' ? 2000 : 60, unit: g?.glucoseUnit ?? 'mmol/L' })}>
                    <NumberInput className="glucose-input" aria-label={t('followups.form.glucose')} data-testid="glucose" />
                  </Form.Item>
                  <Form.Item name={['t2dm', 'glucoseUnit']} noStyle>
                    <Select
                      aria-label={t('followups.form.glucoseUnit')}
                      className="unit-select"
                      options={[
                        { value: 'mmol/L', label: 'mmol/L' },
                        { value: 'mg/dL', label: 'mg/dL' },
                      ]}
                    />
                  </Form.Item>
                </Space.Compact>
              </Form.Item>
            </Col>
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
          </Row>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <CodeRadio name={['t2dm', 'dorsalisPedis']} label={t('followups.form.dorsalisPedis')} codes={[1, 2, 3]} i18nPrefix="followups.dorsalis" />
              {g?.dorsalisPedis === 2 || g?.dorsalisPedis === 3 ? (
                <Form.Item name={['t2dm', 'dorsalisPedisSide']} label={t('followups.form.side')}>
                  <Select options={(['both', 'left', 'right'] as const).map((s) => ({ value: s, label: t(`followups.side.${s}`) }))} />
                </Form.Item>
              ) : null}
            </Col>
            <Col xs={24} md={12}>
              <CodeRadio name={['t2dm', 'hypoglycemia']} label={t('followups.form.hypoglycemia')} codes={[1, 2, 3]} i18nPrefix="followups.hypo" />
            </Col>
          </Row>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <NumberField name={['t2dm', 'hba1c']} label={t('followups.form.hba1c')} unit="%" min={2} max={25} step={0.1} precision={1} />
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name={['t2dm', 'hba1cDate']} label={t('followups.form.hba1cDate')}>
                <DateInput />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name={['t2dm', 'insulinType']} label={t('followups.form.insulinType')}>
                <Input maxLength={60} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name={['t2dm', 'insulinUsage']} label={t('followups.form.insulinUsage')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
          </Row>
        </>
      )}
    </Card>
  );
}
