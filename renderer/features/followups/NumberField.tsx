import { Form } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NumberInput } from '../../components/NumberInput';
import { numberRules } from '../../components/number-rules';
import type { NamePath } from './CodeRadio';

/**
 * A number with its unit after it. What is typed stays as typed: a value outside `min`–`max` or not a number is
 * marked here with the allowed range and blocks completion (issue 16). An emergency text shows under the field
 * beside any such mark.
 */
export function NumberField(props: {
  name: NamePath;
  label: ReactNode;
  unit?: string;
  min?: number;
  max?: number;
  step?: number;
  precision?: number;
  status?: 'error' | 'warning';
  help?: ReactNode;
  extra?: ReactNode;
  testId?: string;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const rules = [
    ...(props.required ? [{ required: true, message: t('form.required') }] : []),
    ...numberRules(t, { min: props.min, max: props.max, precision: props.precision, unit: props.unit }),
  ];
  return (
    <Form.Item name={props.name} label={props.label} rules={rules} validateStatus={props.status} extra={props.help ?? props.extra} required={props.required}>
      <NumberInput unit={props.unit} className="number-field" data-testid={props.testId} />
    </Form.Item>
  );
}
