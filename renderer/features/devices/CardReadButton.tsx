import { App as AntApp, Button, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { openIdentity, setWaitingForCard } from './card-identity';

/**
 * 读卡: waits for the next card on the reader, then opens that resident (or a pre-filled 建档 form). A card that
 * is already lying on the reader is read again by the reader's polling within seconds.
 */
export function CardReadButton() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [isWaiting, setIsWaiting] = useState(false);

  useEffect(() => {
    if (!isWaiting) return undefined;
    setWaitingForCard(true);
    const off = subscribe('device.identity', (read) => {
      setIsWaiting(false);
      openIdentity(read.identity, read.photo).catch((e: unknown) => void message.error(errorText(e)));
    });
    return () => {
      off();
      setWaitingForCard(false);
    };
  }, [isWaiting, message]);

  return (
    <>
      <Button onClick={() => setIsWaiting(true)}>{t('devices.card.read')}</Button>
      <Modal open={isWaiting} title={t('devices.card.read')} footer={<Button onClick={() => setIsWaiting(false)}>{t('common.cancel')}</Button>} onCancel={() => setIsWaiting(false)} destroyOnHidden>
        <p data-testid="card-waiting">{t('devices.card.waiting')}</p>
      </Modal>
    </>
  );
}
