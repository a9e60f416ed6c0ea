import { Card, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/api/session';
import { RecoverForm } from './RecoverForm';
import { SignInForm } from './SignInForm';

type Locked = Extract<SessionState, { state: 'locked' }>;

export function SignInScreen({ session, onSignedIn }: { session: Locked; onSignedIn: (s: SessionState) => void }) {
  const { t } = useTranslation();
  const [recovering, setRecovering] = useState(false);
  return (
    <div className="center-screen">
      <Card
        className="narrow-card"
        title={<h1 className="card-title">{recovering ? t('recover.title') : t('signIn.title')}</h1>}
      >
        <Typography.Paragraph strong>{session.clinic.name}</Typography.Paragraph>
        {recovering ? (
          <RecoverForm onDone={onSignedIn} onCancel={() => setRecovering(false)} />
        ) : (
          <SignInForm lastUsername={session.lastUsername} canRemember={session.canRemember} onSignedIn={onSignedIn} onRecover={() => setRecovering(true)} />
        )}
      </Card>
    </div>
  );
}
