import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MoveRequest } from '../../../shared/sync/moves';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';

interface Values {
  toVillageCode: string;
  reason?: string;
}

/**
 * 迁出申请: the resident moved to a village of another clinic of the county. The request syncs to the county platform,
 * which moves the record (it alone knows every village of the county, so the code is checked there). A village of this
 * clinic is an address edit instead (MOVE_WITHIN_CLINIC).
 */
export function MoveDialog(props: { open: boolean; residentId: string; onDone: (m: MoveRequest) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const save = async (v: Values) => {
    setBusy(true);
    setFailure(null);
    try {
      props.onDone(await api.residents.requestMove({ id: props.residentId, toVillageCode: v.toVillageCode.trim(), reason: v.reason?.trim() ?? '' }));
    } catch (e) {
      if (applyFieldErrors(form, e).length === 0) setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('residents.moveDialog.title')}
      okText={t('residents.moveDialog.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('residents.moveDialog.intro')}</Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setFailure(null)}>
        <Form.Item
          name="toVillageCode"
          label={t('residents.moveDialog.village')}
          extra={t('residents.moveDialog.villageHint')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: /^\d{12}$/, message: t('residents.moveDialog.villageHint') },
          ]}
        >
          <Input maxLength={12} inputMode="numeric" autoComplete="off" />
        </Form.Item>
        <Form.Item name="reason" label={t('residents.moveDialog.reason')}>
          <Input maxLength={200} />
        </Form.Item>
        {failure !== null && <Alert type="error" showIcon title={errorText(failure)} data-testid="move-error" />}
      </Form>
    </Modal>
  );
}
