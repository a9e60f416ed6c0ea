import { Alert, Button, Form, Input, Modal, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentDetail } from '../../../shared/api/residents';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';

export interface DuplicateInfo {
  existingId: string;
  name: string;
  recordNo: string;
}

/**
 * DUPLICATE_RESIDENT: this ID number already has a record. Opening it is always offered; when the record being
 * edited had no ID number (an earlier record made before the card was seen), merging it into the existing one is
 * offered too, with a reason for the audit log.
 */
export function DuplicateDialog(props: {
  duplicate: DuplicateInfo | null;
  /** The record being edited, when merging it into the existing one makes sense. */
  mergeFromId?: string;
  onOpenExisting: (id: string) => void;
  onMerged: (d: ResidentDetail) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const d = props.duplicate;

  const merge = async () => {
    if (!d || !props.mergeFromId) return;
    setBusy(true);
    setFailure(null);
    try {
      props.onMerged(await api.residents.merge({ keepId: d.existingId, mergeId: props.mergeFromId, reason: reason.trim() }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={d !== null}
      title={t('residents.duplicate.title')}
      onCancel={props.onClose}
      destroyOnHidden
      footer={
        <Space wrap>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button type="primary" autoFocus onClick={() => d && props.onOpenExisting(d.existingId)}>
            {t('residents.duplicate.open')}
          </Button>
        </Space>
      }
    >
      {d && (
        <div data-testid="duplicate-dialog">
          <p>{t('residents.duplicate.body', { name: d.name, recordNo: d.recordNo })}</p>
          {props.mergeFromId && (
            <Form layout="vertical" onFinish={() => void merge()}>
              <p>{t('residents.duplicate.mergeHint')}</p>
              <Form.Item label={t('residents.duplicate.reason')} required>
                <Input value={reason} maxLength={200} aria-label={t('residents.duplicate.reason')} onChange={(e) => setReason(e.target.value)} />
              </Form.Item>
              {failure !== null && <Alert type="error" showIcon title={errorText(failure)} className="form-alert" />}
              <Button danger htmlType="submit" loading={busy} disabled={reason.trim().length === 0}>
                {t('residents.duplicate.merge')}
              </Button>
            </Form>
          )}
        </div>
      )}
    </Modal>
  );
}
