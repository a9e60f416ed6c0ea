import { Form, InputNumber } from 'antd';
import type { ReactNode } from 'react';
import type { NamePath } from './CodeRadio';

/** A number with its unit after it. */
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
}) {
  return (
    <Form.Item name={props.name} label={props.label} validateStatus={props.status} help={props.help} extra={props.extra}>
      <InputNumber
        min={props.min}
        max={props.max}
        step={props.step}
        precision={props.precision}
        suffix={props.unit}
        className="number-field"
        data-testid={props.testId}
      />
    </Form.Item>
  );
}
