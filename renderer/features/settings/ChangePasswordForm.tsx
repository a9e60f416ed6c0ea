import { App as AntApp, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import { NewPasswordFields } from '../../app/NewPasswordFields';

interface Values {
  oldPassword: string;
  newPassword: string;
  newPassword2: string;
}

export function ChangePasswordForm() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    try {
      await api.session.changePassword({ oldPassword: v.oldPassword, newPassword: v.newPassword });
      void message.success(t('settings.password.changed'));
      form.resetFields();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'WRONG_PASSWORD') {
        form.setFields([{ name: 'oldPassword', errors: [errorText(e)] }]);
      } else {
        void message.error(errorText(e));
        applyFieldErrors(form, e);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} disabled={busy} className="settings-form">
      <Form.Item name="oldPassword" label={t('settings.password.old')} rules={[{ required: true, message: t('form.required') }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <NewPasswordFields name="newPassword" repeatName="newPassword2" label={t('settings.password.new')} repeatLabel={t('settings.password.new2')} />
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('settings.password.submit')}
      </Button>
    </Form>
  );
}
