import { Form, Input } from 'antd';
import type { NamePath } from 'antd/es/form/interface';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordRules, repeatPasswordRules } from './form-rules';

/** A new password typed twice, with the length and "must match" rules; every form that sets a password uses it. */
export function NewPasswordFields(props: {
  name: string | (string | number)[];
  repeatName: string;
  label: string;
  repeatLabel: string;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const dependency: NamePath = props.name;
  return (
    <>
      <Form.Item name={props.name} label={props.label} extra={props.extra} rules={passwordRules(t)}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name={props.repeatName} label={props.repeatLabel} dependencies={[dependency]} rules={repeatPasswordRules(t, props.name)}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
