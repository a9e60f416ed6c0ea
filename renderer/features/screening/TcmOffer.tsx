/**
 * The yearly 中医药健康管理 offered right after a 65+ health check is completed (tcm.md: once a year, usually with the
 * check): when the resident has no TCM assessment in the check's year, a dialog offers "进行中医药健康管理", which
 * opens the 33-item form in place. Nothing is shown when this year's assessment exists or cannot be read.
 */
import { App as AntApp, Button, Modal, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api-client';
import { TcmForm } from './TcmForm';
import './screening.css';

export function TcmOffer(props: { residentId: string; name: string; year: string; today: string; onClose: () => void }) {
  const { residentId, year, onClose } = props;
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [step, setStep] = useState<'checking' | 'offer' | 'form'>('checking');

  useEffect(() => {
    let alive = true;
    api.tcm
      .forResident({ residentId })
      .then((list) => {
        if (!alive) return;
        if (list.some((a) => a.date.startsWith(year))) onClose();
        else setStep('offer');
      })
      // The offer is a convenience: the 筛查与测量 tab still offers the assessment if this read fails.
      .catch(() => alive && onClose());
    return () => {
      alive = false;
    };
  }, [residentId, year, onClose]);

  if (step === 'checking') return null;
  return (
    <Modal
      open
      title={t('screening.tcm.offerDialog.title')}
      width={step === 'form' ? 960 : 520}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
    >
      {step === 'offer' ? (
        <div data-testid="tcm-offer">
          <p>{t('screening.tcm.offerDialog.text', { name: props.name })}</p>
          <Space>
            <Button type="primary" onClick={() => setStep('form')} autoFocus>
              {t('screening.tcm.offerDialog.start')}
            </Button>
            <Button onClick={onClose}>{t('screening.tcm.offerDialog.later')}</Button>
          </Space>
        </div>
      ) : (
        <TcmForm
          residentId={residentId}
          today={props.today}
          onSaved={() => {
            void message.success(t('screening.tcm.offerDialog.saved'));
            onClose();
          }}
        />
      )}
    </Modal>
  );
}
