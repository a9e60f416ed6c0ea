/**
 * What each disease's form has of its own on the first screen: for diabetes the fasting glucose (mmol/L or mg/dL,
 * the conversion shown as typed), and the symptoms (their codes differ per disease). The rest of the disease's own
 * items are in DiseaseDetail (folded).
 */
import { Col, Checkbox, Form, Input, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';
import type { EmergencyByPath } from './emergency-fields';
import { glucoseMmol, type VisitValues } from './followup-model';

const SYMPTOMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export function DiseaseFields({ disease, values, emergency, showTitle }: { disease: Disease; values: VisitValues; emergency: EmergencyByPath; showTitle: boolean }) {
  const { t } = useTranslation();
  const own = disease === 'htn' ? values.htn : values.t2dm;
  const glucoseHit = emergency.get('fastingGlucose');
  const g = values.t2dm;
  const converted = disease === 't2dm' ? glucoseMmol(g?.glucoseValue, g?.glucoseUnit) : null;
  const faceToFace = values.visitMode === 1 || values.visitMode === 2;
  const symptomsLabel = showTitle ? `${t(`followups.diseaseShort.${disease}`)}${t('followups.form.symptoms')}` : t('followups.form.symptoms');
  const symptoms = (
    <Form.Item
      name={[disease, 'symptoms']}
      label={symptomsLabel}
      required
      rules={[{ required: true, type: 'array', min: 1, message: t('form.required') }]}
    >
      <Checkbox.Group data-testid={`symptoms-${disease}`} options={SYMPTOMS.map((c) => ({ value: c, label: t(`followups.symptom.${disease}.${c}`) }))} />
    </Form.Item>
  );
  return (
    <div data-testid={`disease-${disease}`}>
      {disease === 't2dm' ? (
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              label={t('followups.form.glucose')}
              required={faceToFace}
              validateStatus={glucoseHit ? 'error' : undefined}
              help={glucoseHit ? <span role="alert">{t(glucoseHit.messageKey, glucoseHit.params ?? {})}</span> : undefined}
              extra={
                g?.glucoseUnit === 'mg/dL' && converted !== null ? (
                  <span data-testid="glucose-converted">{t('followups.form.glucoseConverted', { value: converted })}</span>
                ) : undefined
              }
            >
              <Space.Compact>
                <Form.Item
                  name={['t2dm', 'glucoseValue']}
                  noStyle
                  rules={[
                    ...(faceToFace ? [{ required: true, message: t('form.required') }] : []),
                    ...numberRules(t, { min: 0, max: g?.glucoseUnit === 'mg/dL' ? 2000 : 60, unit: g?.glucoseUnit ?? 'mmol/L' }),
                  ]}
                >
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
          <Col xs={24} md={16}>
            {symptoms}
          </Col>
        </Row>
      ) : (
        symptoms
      )}
      {own?.symptoms?.includes(10) ? (
        <Form.Item name="symptomsOther" label={t('followups.form.symptomsOther')} required rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={200} />
        </Form.Item>
      ) : null}
    </div>
  );
}
