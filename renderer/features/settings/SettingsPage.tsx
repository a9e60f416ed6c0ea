import { Alert, Button, Spin, Tabs } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/api/session';
import type { ClinicSettings } from '../../../shared/api/settings';
import { villagesVisibleTo } from '../../../shared/domain/access-scope';
import { api } from '../../api-client';
import { DenominatorsAdmin } from '../reports/DenominatorsAdmin';
import { IndicatorRulesAdmin } from '../reports/IndicatorRulesAdmin';
import { ImportPanel } from '../import/ImportPanel';
import { errorText } from '../../app/api-errors';
import { ChangePasswordForm } from './ChangePasswordForm';
import { ClinicSettingsForm } from './ClinicSettingsForm';
import { AuditLogPanel } from './AuditLogPanel';
import { UsersAdmin } from './UsersAdmin';
import { VillagesEditor } from './VillagesEditor';

type Unlocked = Extract<SessionState, { state: 'unlocked' }>;

/** 设置: clinic, villages, users (administrators) and one's own password. */
export function SettingsPage({ session }: { session: Unlocked }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<ClinicSettings | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const isAdmin = session.user.role === 'admin';

  const load = useCallback(async () => {
    setFailure(null);
    try {
      setSettings(await api.settings.get({}));
    } catch (e) {
      setFailure(e);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  let body;
  if (failure) {
    body = (
      <Alert
        type="error"
        showIcon
        title={errorText(failure)}
        action={<Button onClick={() => void load()}>{t('common.retry')}</Button>}
      />
    );
  } else if (!settings) {
    body = <Spin />;
  } else {
    const items = [
      {
        key: 'clinic',
        label: t('settings.tabs.clinic'),
        children: <ClinicSettingsForm settings={settings} canEdit={isAdmin} onSaved={setSettings} />,
      },
      {
        key: 'villages',
        label: t('settings.tabs.villages'),
        children: <VillagesEditor settings={settings} canEdit={isAdmin} onSaved={setSettings} />,
      },
      {
        key: 'denominators',
        label: t('reports.ui.denominators.tab'),
        children: <DenominatorsAdmin settings={settings} canEdit={isAdmin} />,
      },
      { key: 'indicatorRules', label: t('reports.ui.rules.tab'), children: <IndicatorRulesAdmin canEdit={isAdmin} /> },
      ...(isAdmin
        ? [
            { key: 'users', label: t('settings.tabs.users'), children: <UsersAdmin currentUserId={session.user.id} villages={settings.villages} /> },
            { key: 'import', label: t('import.tab'), children: <ImportPanel /> },
            { key: 'audit', label: t('settings.tabs.audit'), children: <AuditLogPanel /> },
          ]
        : []),
      { key: 'password', label: t('settings.tabs.password'), children: <ChangePasswordForm /> },
    ];
    const visible = villagesVisibleTo(session.user);
    const names = settings.villages.filter((v) => visible?.has(v.code)).map((v) => v.name);
    body = (
      <>
        {visible ? (
          <Alert
            className="scope-notice"
            type={names.length > 0 ? 'info' : 'warning'}
            showIcon
            data-testid="your-villages"
            title={names.length > 0 ? t('scope.yourVillages', { names: names.join('、') }) : t('scope.noVillages')}
          />
        ) : null}
        <Tabs items={items} />
      </>
    );
  }

  return (
    <section className="section" data-section="settings">
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      {body}
    </section>
  );
}
