import { Alert, Button, Checkbox, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/api/session';
import { ApiError, api } from '../../api-client';
import { errorText } from '../../app/api-errors';

interface Values {
  username: string;
  password: string;
  remember?: boolean;
}

export function SignInForm(props: {
  lastUsername: string | undefined;
  /** The OS keystore can keep a "remember on this computer" slot (the desktop app with a real keyring). */
  canRemember: boolean;
  onSignedIn: (s: SessionState) => void;
  onRecover: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  // Count the TOO_MANY_ATTEMPTS wait down on screen rather than letting the user guess.
  useEffect(() => {
    if (waitUntil <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(timer);
  }, [waitUntil, now]);

  const waiting = waitUntil > now;

  const submit = async (v: Values) => {
    if (Date.now() < waitUntil) return;
    setBusy(true);
    setFailure(null);
    try {
      props.onSignedIn(await api.session.signIn({ username: v.username.trim(), password: v.password, remember: props.canRemember && v.remember === true }));
    } catch (e) {
      setBusy(false);
      setFailure(e);
      form.setFieldValue('password', '');
      if (e instanceof ApiError && e.code === 'TOO_MANY_ATTEMPTS' && typeof e.details.retryAfterMs === 'number') {
        setWaitUntil(Date.now() + e.details.retryAfterMs);
        setNow(Date.now());
      }
    }
  };

  // A remembered user signs in without typing; when the keyring no longer opens the slot, the password form stays.
  const signInRemembered = async () => {
    if (!props.lastUsername) return;
    setBusy(true);
    setFailure(null);
    try {
      props.onSignedIn(await api.session.signInRemembered({ username: props.lastUsername }));
    } catch (e) {
      setBusy(false);
      setFailure(e instanceof ApiError && e.code === 'NOT_FOUND' ? null : e);
    }
  };

  // Once the wait is over, the throttle message has nothing left to say.
  const throttled = failure instanceof ApiError && failure.code === 'TOO_MANY_ATTEMPTS';
  const message = waiting
    ? t('signIn.wait', { seconds: Math.ceil((waitUntil - now) / 1000) })
    : failure && !throttled
      ? errorText(failure)
      : null;

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ username: props.lastUsername ?? '' }}
      onFinish={(v) => void submit(v)}
      disabled={busy}
    >
      {message && <Alert type="error" showIcon title={message} className="form-alert" role="alert" data-testid="sign-in-error" />}
      <Form.Item name="username" label={t('signIn.username')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
        <Input autoComplete="username" autoFocus={!props.lastUsername} />
      </Form.Item>
      <Form.Item name="password" label={t('signIn.password')} rules={[{ required: true, message: t('form.required') }]}>
        <Input.Password autoComplete="current-password" autoFocus={Boolean(props.lastUsername)} />
      </Form.Item>
      {props.canRemember && (
        <Form.Item name="remember" valuePropName="checked">
          <Checkbox>{t('signIn.remember')}</Checkbox>
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" block size="large" loading={busy} disabled={waiting}>
        {busy ? t('signIn.signingIn') : t('signIn.submit')}
      </Button>
      {props.canRemember && props.lastUsername && (
        <Button block onClick={() => void signInRemembered()} className="remembered-sign-in">
          {t('signIn.remembered', { username: props.lastUsername })}
        </Button>
      )}
      <Button type="link" onClick={props.onRecover} className="recover-link" disabled={false}>
        {t('signIn.forgot')}
      </Button>
    </Form>
  );
}
