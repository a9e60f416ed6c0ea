import { App as AntApp, Button, Form, Input, Modal, Radio, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReferralCheckView } from '../../../shared/api/followups';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { DateInput } from './DateInput';

interface CheckValues {
  checkedDate: string;
  result: 1 | 2;
  outcome: string;
}

/** 转诊追踪: the 2-week check on every referral (到位 / 不到位 and the outcome), followups.md §6. */
export function ReferralChecks(props: { checks: ReferralCheckView[]; today: string; focusSourceId?: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState<ReferralCheckView | null>(() => props.checks.find((c) => c.sourceId === props.focusSourceId && c.status === 'draft') ?? null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<CheckValues>();

  const save = async (v: CheckValues) => {
    if (!open) return;
    setBusy(true);
    try {
      await api.followups.completeReferralCheck({ id: open.id, checkedDate: v.checkedDate, result: v.result, outcome: v.outcome?.trim() ?? '' });
      void message.success(t('common.saved'));
      setOpen(null);
      props.onChanged();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Table<ReferralCheckView>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={props.checks}
        locale={{ emptyText: t('followups.referral.empty') }}
        columns={[
          { title: t('followups.history.disease'), key: 'd', render: (_v, r) => t(`followups.disease.${r.disease}`) },
          { title: t('followups.referral.due'), dataIndex: 'dueDate' },
          {
            title: t('followups.history.status'),
            key: 's',
            render: (_v, r) =>
              r.status === 'completed' ? (
                <Tag color="green">{`${r.checkedDate ?? ''} ${r.result ? t(`followups.referral.result.${r.result}`) : ''}`}</Tag>
              ) : (
                <Tag color={r.dueDate < props.today ? 'red' : 'gold'}>{t('followups.referral.open')}</Tag>
              ),
          },
          { title: t('followups.referral.outcome'), dataIndex: 'outcome' },
          {
            title: t('followups.history.actions'),
            key: 'a',
            render: (_v, r) =>
              r.status === 'draft' ? (
                <Button size="small" onClick={() => setOpen(r)}>
                  {t('followups.referral.record')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={open !== null}
        title={t('followups.referral.record')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setOpen(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ checkedDate: props.today }} onFinish={(v) => void save(v)}>
          <Form.Item name="checkedDate" label={t('followups.referral.checkedDate')} rules={[{ required: true, message: t('form.required') }]}>
            <DateInput max={props.today} />
          </Form.Item>
          <Form.Item name="result" label={t('followups.referral.resultLabel')} rules={[{ required: true, message: t('form.required') }]}>
            <Radio.Group optionType="button" options={[1, 2].map((c) => ({ value: c, label: t(`followups.referral.result.${c}`) }))} />
          </Form.Item>
          <Form.Item name="outcome" label={t('followups.referral.outcome')}>
            <Input.TextArea maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
