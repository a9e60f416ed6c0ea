import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/api/session';
import { ApiError, api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import type { CreatedClinic } from '../../app/App';
import { usernameRules } from '../../app/form-rules';
import { NewPasswordFields } from '../../app/NewPasswordFields';
import { SetupSteps } from './SetupSteps';
import { VillageRows } from './VillageRows';

interface SetupValues {
  clinicCode: string;
  clinicName: string;
  villages?: { code: string; name: string }[];
  admin: { username: string; displayName: string; password: string };
  adminPassword2: string;
}

/** Which step holds a field the services rejected, so the wizard can go back and show it. */
function stepOfPath(path: string): number {
  if (path.startsWith('villages')) return 1;
  if (path.startsWith('admin')) return 2;
  return 0;
}

/** 首次设置: clinic, villages, administrator; one `session.setup` call at the end. */
export function SetupWizard({ onCreated }: { onCreated: (c: CreatedClinic, state: SessionState) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SetupValues>();
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async () => {
    if (step < 2) {
      setStep(step + 1);
      return;
    }
    // Values of steps no longer on screen stay in the form store (preserve), so read them all.
    const v = form.getFieldsValue(true) as SetupValues;
    setBusy(true);
    setFailure(null);
    try {
      const r = await api.session.setup({
        clinicCode: v.clinicCode.trim(),
        clinicName: v.clinicName.trim(),
        villages: (v.villages ?? []).map((x) => ({ code: x.code.trim(), name: x.name.trim() })),
        admin: { username: v.admin.username.trim(), displayName: v.admin.displayName.trim(), password: v.admin.password },
      });
      onCreated({ recoveryKey: r.recoveryKey, clinicName: v.clinicName.trim(), createdAt: Date.now() }, r.state);
    } catch (e) {
      setBusy(false);
      setFailure(errorText(e));
      const first = e instanceof ApiError ? e.fields[0] : undefined;
      if (first) {
        setStep(stepOfPath(first.path));
        // The step's fields mount on the next render; errors are placed once they exist.
        setTimeout(() => applyFieldErrors(form, e), 0);
      }
    }
  };

  return (
    <div className="center-screen">
      <Card className="wide-card" title={<h1 className="card-title">{t('setup.title')}</h1>}>
        <SetupSteps current={step} />
        <Typography.Paragraph>{t('setup.intro')}</Typography.Paragraph>
        {failure && <Alert type="error" showIcon title={failure} className="form-alert" role="alert" />}
        <Form form={form} layout="vertical" onFinish={() => void submit()} requiredMark={false} disabled={busy}>
          {step === 0 && (
            <>
              <Form.Item
                name="clinicCode"
                label={t('setup.clinicCode')}
                extra={t('setup.clinicCodeHelp')}
                rules={[
                  { required: true, message: t('form.required') },
                  { pattern: /^(\d{9}|\d{12})$/, message: t('validation.clinicCode') },
                ]}
              >
                <Input inputMode="numeric" maxLength={12} autoFocus autoComplete="off" />
              </Form.Item>
              <Form.Item
                name="clinicName"
                label={t('setup.clinicName')}
                rules={[
                  { required: true, whitespace: true, message: t('form.required') },
                  { min: 2, max: 60, message: t('form.clinicNameLength') },
                ]}
              >
                <Input placeholder={t('setup.clinicNamePlaceholder')} maxLength={60} />
              </Form.Item>
            </>
          )}
          {step === 1 && (
            <>
              <Typography.Paragraph type="secondary">{t('setup.villagesHelp')}</Typography.Paragraph>
              <VillageRows />
            </>
          )}
          {step === 2 && (
            <>
              <Form.Item name={['admin', 'username']} label={t('setup.username')} extra={t('setup.usernameHelp')} rules={usernameRules(t)}>
                <Input autoFocus autoComplete="username" maxLength={32} />
              </Form.Item>
              <Form.Item
                name={['admin', 'displayName']}
                label={t('setup.displayName')}
                rules={[{ required: true, whitespace: true, message: t('form.required') }]}
              >
                <Input placeholder={t('setup.displayNamePlaceholder')} maxLength={40} />
              </Form.Item>
              <NewPasswordFields
                name={['admin', 'password']}
                repeatName="adminPassword2"
                label={t('setup.password')}
                repeatLabel={t('setup.password2')}
                extra={t('setup.passwordHelp')}
              />
            </>
          )}
          <Space>
            {step > 0 && (
              <Button onClick={() => setStep(step - 1)} disabled={busy}>
                {t('common.back')}
              </Button>
            )}
            <Button type="primary" htmlType="submit" loading={busy}>
              {step < 2 ? t('common.next') : t('setup.create')}
            </Button>
          </Space>
          {busy && <Typography.Paragraph type="secondary">{t('setup.creating')}</Typography.Paragraph>}
        </Form>
      </Card>
    </div>
  );
}
