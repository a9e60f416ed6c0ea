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
  // A clinic that never reached the platform is simply not connected to it yet: said calmly, without the red dot.
  const neverConnected = socketUp && !online && lastSyncAt === null;
  const networkClass = online ? 'status-online' : neverConnected ? 'status-idle' : 'status-offline';
  const networkText = !socketUp ? t('status.socketDown') : online ? t('status.online') : neverConnected ? t('status.noPlatform') : t('status.offline');

  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span data-testid="status-network" className={networkClass}>
        <span className="dot" aria-hidden="true" />
        {networkText}
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
