import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/api/session';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import { usernameRules } from '../../app/form-rules';
import { NewPasswordFields } from '../../app/NewPasswordFields';

interface Values {
  recoveryKey: string;
  username: string;
  newPassword: string;
  newPassword2: string;
}

/** 用恢复密钥找回: the printed key opens the data and sets a new password for one account. */
export function RecoverForm({ onDone, onCancel }: { onDone: (s: SessionState) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setFailure(null);
    try {
      onDone(await api.session.recover({ recoveryKey: v.recoveryKey.trim(), username: v.username.trim(), newPassword: v.newPassword }));
    } catch (e) {
      setBusy(false);
      setFailure(errorText(e));
      applyFieldErrors(form, e);
    }
  };

  return (
    <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} disabled={busy}>
      <Typography.Paragraph>{t('recover.intro')}</Typography.Paragraph>
      {failure && <Alert type="error" showIcon title={failure} className="form-alert" role="alert" />}
      <Form.Item
        name="recoveryKey"
        label={t('recover.recoveryKey')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }]}
      >
        <Input className="monospace" autoComplete="off" autoFocus spellCheck={false} />
      </Form.Item>
      <Form.Item name="username" label={t('recover.username')} rules={usernameRules(t)}>
        <Input autoComplete="username" />
      </Form.Item>
      <NewPasswordFields name="newPassword" repeatName="newPassword2" label={t('recover.newPassword')} repeatLabel={t('recover.newPassword2')} />
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('recover.submit')}
        </Button>
        <Button onClick={onCancel} disabled={busy}>
          {t('signIn.backToSignIn')}
        </Button>
      </Space>
    </Form>
  );
}
