import { App as AntApp, Button } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityRead } from '../../../shared/api/devices';
import { maskIdNumber } from '../../../shared/domain/id-number';
import { subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { isWaitingForCard, openIdentity } from './card-identity';

/** The same card lying on the reader is read again every few seconds: handled once a minute. */
const SAME_CARD_MS = 60_000;

/** Nothing is being typed: the work list, the residents list, the 设备 screen (no record or form open). */
function isIdle(hash: string): boolean {
  return /^(#\/?)?(worklist|residents|devices)?$/.test(hash);
}

/**
 * A card read while the app is idle opens its resident at once; while a record or form is open it only offers to,
 * so nothing the doctor is typing is lost. The 读卡 button (CardReadButton) handles its own card.
 */
export function CardIdentityWatcher() {
  const { t } = useTranslation();
  const { message, notification } = AntApp.useApp();
  const last = useRef<{ idNumber: string; at: number } | null>(null);

  useEffect(
    () =>
      subscribe('device.identity', (read: IdentityRead) => {
        if (isWaitingForCard()) return;
        const { idNumber } = read.identity;
        const now = Date.now();
        if (last.current && last.current.idNumber === idNumber && now - last.current.at < SAME_CARD_MS) return;
        last.current = { idNumber, at: now };
        const open = () => openIdentity(read.identity, read.photo).catch((e: unknown) => void message.error(errorText(e)));
        if (isIdle(window.location.hash)) {
          void open();
          return;
        }
        const key = `card-${now}`;
        notification.info({
          key,
          title: t('devices.card.readTitle'),
          description: t('devices.card.readText', { name: read.identity.name, idNumber: maskIdNumber(idNumber) }),
          actions: (
            <Button
              type="primary"
              onClick={() => {
                notification.destroy(key);
                void open();
              }}
            >
              {t('devices.card.open')}
            </Button>
          ),
        });
      }),
    [message, notification, t],
  );
  return null;
}
