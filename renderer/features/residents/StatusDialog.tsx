import { Alert, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentDetail } from '../../../shared/api/residents';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';

interface Values {
  status: 'died' | 'movedOut' | 'active';
  date: string;
  reason?: string;
}

/** 标记死亡 / 迁出 (or back to 在册): the record is kept, only its status changes, with a date and a reason. */
export function StatusDialog(props: { open: boolean; residentId: string; today: string; current: string; onDone: (d: ResidentDetail) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const save = async (v: Values) => {
    setBusy(true);
    setFailure(null);
    try {
      props.onDone(await api.residents.setStatus({ id: props.residentId, status: v.status, date: v.date.trim(), reason: v.reason?.trim() ?? '' }));
    } catch (e) {
      setFailure(e);
      applyFieldErrors(form, e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('residents.statusDialog.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ status: props.current === 'active' ? 'died' : 'active', date: props.today }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="status" label={t('residents.statusDialog.status')}>
          <Select
            options={(['died', 'movedOut', 'active'] as const).map((s) => ({ value: s, label: t(`residents.status.${s}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="date"
          label={t('residents.statusDialog.date')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('validation.date') },
          ]}
        >
          <Input maxLength={10} />
        </Form.Item>
        <Form.Item name="reason" label={t('residents.statusDialog.reason')}>
          <Input maxLength={200} />
        </Form.Item>
        {failure !== null && <Alert type="error" showIcon title={errorText(failure)} />}
      </Form>
    </Modal>
  );
}
