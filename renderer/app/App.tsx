import { App as AntApp, Alert, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../shared/api/session';
import { RecoveryKeyScreen } from '../features/setup/RecoveryKeyScreen';
import { SetupWizard } from '../features/setup/SetupWizard';
import { SignInScreen } from '../features/sign-in/SignInScreen';
import { errorText } from './api-errors';
import { AppFrame } from './AppFrame';
import { useLargeText } from './preferences';
import { appTheme } from './theme';
import { cspNonce } from './csp-nonce';
import { useConnection } from './use-connection';
import { useSession } from './use-session';

const CSP = { nonce: cspNonce() };

export interface CreatedClinic {
  recoveryKey: string;
  clinicName: string;
  createdAt: number;
}

export function App() {
  const { i18n } = useTranslation();
  const [largeText, setLargeText] = useLargeText();
  const isEnglish = i18n.language === 'en';

  useEffect(() => {
    dayjs.locale(isEnglish ? 'en' : 'zh-cn');
  }, [isEnglish]);

  useEffect(() => {
    document.documentElement.classList.toggle('large-text', largeText);
  }, [largeText]);

  return (
    <ConfigProvider
      locale={isEnglish ? enUS : zhCN}
      theme={appTheme(largeText)}
      // antd spaces out two-character Chinese labels ("保 存"); screen readers and tests should read the real word.
      button={{ autoInsertSpace: false }}
      // The CSP allows only <style> elements carrying this page's nonce (main/host/csp.ts).
      csp={CSP}
    >
      <AntApp>
        <Screens largeText={largeText} setLargeText={setLargeText} />
      </AntApp>
    </ConfigProvider>
  );
}

function Screens({ largeText, setLargeText }: { largeText: boolean; setLargeText: (on: boolean) => void }) {
  const { t } = useTranslation();
  const connection = useConnection();
  const { session, error, setSession } = useSession();
  // The recovery key outlives the wizard's request: setup unlocks the clinic at once, but the key must be seen first.
  const [created, setCreated] = useState<CreatedClinic | null>(null);

  if (connection === 'noToken') {
    return <Result status="warning" title={t('noToken.title')} subTitle={t('noToken.body')} />;
  }

  const banner =
    connection === 'closed' || (connection === 'connecting' && session) ? (
      <Alert className="connection-banner" type="warning" showIcon banner title={t('app.disconnected')} role="alert" />
    ) : null;

  let screen;
  if (created) {
    screen = <RecoveryKeyScreen created={created} onDone={() => setCreated(null)} />;
  } else if (!session) {
    screen = error ? (
      <Result status="error" title={errorText(error)} />
    ) : (
      <div className="center-screen">
        <Spin size="large" />
        <span>{t('app.connecting')}</span>
      </div>
    );
  } else {
    screen = <SessionScreen session={session} setSession={setSession} onCreated={setCreated} largeText={largeText} setLargeText={setLargeText} />;
  }

  return (
    <>
      {banner}
      {screen}
    </>
  );
}

function SessionScreen(props: {
  session: SessionState;
  setSession: (s: SessionState) => void;
  onCreated: (c: CreatedClinic) => void;
  largeText: boolean;
  setLargeText: (on: boolean) => void;
}) {
  const { session, setSession } = props;
  switch (session.state) {
    case 'uninitialised':
      return (
        <SetupWizard
          onCreated={(c, state) => {
            props.onCreated(c);
            setSession(state);
          }}
        />
      );
    case 'locked':
      return <SignInScreen session={session} onSignedIn={setSession} />;
    case 'unlocked':
      // Keyed by user: signing in again (or as someone else) starts from empty state, so nothing cached survives a lock.
      return (
        <AppFrame
          key={session.user.id}
          session={session}
          onSession={setSession}
          largeText={props.largeText}
          setLargeText={props.setLargeText}
        />
      );
  }
}
