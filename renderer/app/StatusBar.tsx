import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../shared/api/session';
import { useConnection } from './use-connection';
import { useStatus } from './use-status';

type Unlocked = Extract<SessionState, { state: 'unlocked' }>;

export function StatusBar({ session }: { session: Unlocked }) {
  const { t } = useTranslation();
  const connection = useConnection();
  const status = useStatus();

  const socketUp = connection === 'open';
  const online = socketUp && status?.online === true;
  const devices = (status?.devices ?? []).filter((d) => d.connected);
  const lastSyncAt = status?.lastSyncAt ?? null;

  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span data-testid="status-network" className={online ? 'status-online' : 'status-offline'}>
        <span className="dot" aria-hidden="true" />
        {socketUp ? (online ? t('status.online') : t('status.offline')) : t('status.socketDown')}
      </span>
      <span data-testid="status-sync">
        {lastSyncAt === null
          ? t('status.neverSynced')
          : t('status.lastSync', { when: dayjs(lastSyncAt).format('YYYY-MM-DD HH:mm') })}
      </span>
      <span data-testid="status-devices">
        {devices.length === 0 ? t('status.noDevices') : t('status.devices', { list: devices.map((d) => d.label).join('、') })}
      </span>
      <span data-testid="status-user" className="status-user">
        {t('status.user', { name: session.user.displayName, role: t(`role.${session.user.role}`) })}
      </span>
    </footer>
  );
}
