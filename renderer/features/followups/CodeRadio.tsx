import { Form, Radio } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A form field name: one key or a path into nested values. */
export type NamePath = (string | number)[] | string;

/**
 * A coded answer (1 良好, 2 一般 …) as a row of radio buttons labelled from `i18nPrefix.<code>`. `required` marks it
 * and refuses completion without an answer (a draft may leave it empty).
 */
export function CodeRadio(props: { name: NamePath; label: ReactNode; codes: readonly number[]; i18nPrefix: string; required?: boolean; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item name={props.name} label={props.label} rules={props.required ? [{ required: true, message: t('form.required') }] : undefined} required={props.required}>
      <Radio.Group optionType="button" data-testid={props.testId} options={props.codes.map((c) => ({ value: c, label: t(`${props.i18nPrefix}.${c}`) }))} />
    </Form.Item>
  );
}
