import { LockOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Layout, Segmented, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../shared/api/session';
import { api } from '../api-client';
import { type Language, setLanguage } from '../i18n';
import { errorText } from './api-errors';

type Unlocked = Extract<SessionState, { state: 'unlocked' }>;

export function AppHeader(props: {
  session: Unlocked;
  onSession: (s: SessionState) => void;
  largeText: boolean;
  setLargeText: (on: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const [locking, setLocking] = useState(false);

  const lock = async () => {
    setLocking(true);
    try {
      props.onSession(await api.session.lock({}));
    } catch (e) {
      void message.error(errorText(e));
      setLocking(false);
    }
  };

  return (
    <Layout.Header className="app-header">
      <Typography.Text strong className="clinic-name">
        {t('app.name')} · {props.session.clinic.name}
      </Typography.Text>
      <Space size="middle" wrap>
        <Segmented<Language>
          aria-label={t('header.language')}
          value={i18n.language === 'en' ? 'en' : 'zh-CN'}
          onChange={(v) => void setLanguage(v)}
          options={[
            { label: '中文', value: 'zh-CN' },
            { label: 'English', value: 'en' },
          ]}
        />
        <label className="large-text-toggle">
          <Switch checked={props.largeText} onChange={props.setLargeText} aria-label={t('header.largeText')} />
          <span>{t('header.largeText')}</span>
        </label>
        <Button icon={<LockOutlined />} loading={locking} onClick={() => void lock()}>
          {t('header.lock')}
        </Button>
      </Space>
    </Layout.Header>
  );
}
