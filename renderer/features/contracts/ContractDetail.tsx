import { App as AntApp, Button, Card, Descriptions, Form, Input, Modal, Progress, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContractView } from '../../../shared/api/contracting';
import { TERMINATION_REASONS, type TerminationReason } from '../../../shared/domain/contract-rules';
import { SERVICE_CODES, type ServiceCode } from '../../../shared/domain/service-packages';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { DateInput } from '../followups/DateInput';
import { AgreementPrint } from './AgreementPrint';
import { nameSignature, SignaturePad } from './SignaturePad';

const STATUS_COLOR: Record<string, string> = { active: 'green', signed: 'blue', expired: 'default', renewed: 'purple', terminated: 'red', draft: 'gold' };

/** Services the doctor records by hand (the rest are counted from follow-ups and checks). */
const MANUAL: ServiceCode[] = SERVICE_CODES.filter(
  (c) => !['htnFollowup', 't2dmFollowup', 'fastingGlucoseTest', 'healthCheck', 'elderlySelfCareAssessment', 'healthRecordMaintenance'].includes(c),
);

type Dialog = 'renew' | 'terminate' | 'service' | null;

/** One agreement: status, 履约 per item, renewal, termination, a delivered service, and the printable 协议. */
export function ContractDetail(props: { view: ContractView; today: string; openRenew?: boolean; onChanged: (v: ContractView) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const v = props.view;
  const c = v.contract;
  const [dialog, setDialog] = useState<Dialog>(props.openRenew && v.canRenew ? 'renew' : null);
  const [busy, setBusy] = useState(false);
  const [signature, setSignature] = useState<string | null>(null);
  const [termForm] = Form.useForm<{ terminatedDate: string; reason: TerminationReason; note?: string }>();
  const [serviceForm] = Form.useForm<{ serviceCode: ServiceCode; date: string; note?: string }>();
  const f = v.fulfilment;
  const percent = f.promisedItems === 0 ? 100 : Math.round((f.deliveredItems / f.promisedItems) * 100);

  const act = async (run: () => Promise<ContractView>, done: string) => {
    setBusy(true);
    try {
      const next = await run();
      void message.success(done);
      setDialog(null);
      setSignature(null);
      props.onChanged(next);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const renew = () => {
    const doctorSig = nameSignature(v.doctorName);
    if (!signature || !doctorSig) {
      void message.error(t('contracts.sign.needSignature'));
      return;
    }
    void act(() => api.contracts.renew({ id: v.id, residentSignature: signature, doctorSignature: doctorSig, signDate: props.today }), t('contracts.detail.renewed'));
  };

  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="contract-detail">
      <Card
        size="small"
        title={
          <span>
            {t('contracts.detail.title', { name: v.resident.name })}{' '}
            <Tag color={STATUS_COLOR[v.status]} data-testid="contract-status">
              {t(`contract.status.${v.status}`)}
            </Tag>
          </span>
        }
        extra={
          <Space wrap>
            <Button onClick={() => window.print()}>{t('contracts.detail.print')}</Button>
            <Button disabled={!v.canRenew} onClick={() => setDialog('renew')}>
              {t('contracts.detail.renew')}
            </Button>
            <Button disabled={v.status !== 'active' && v.status !== 'signed'} onClick={() => setDialog('service')}>
              {t('contracts.detail.recordService')}
            </Button>
            <Button danger disabled={v.status !== 'active' && v.status !== 'signed'} onClick={() => setDialog('terminate')}>
              {t('contracts.detail.terminate')}
            </Button>
          </Space>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'no', label: t('contracts.print.no'), children: c.contractNo },
            { key: 'team', label: t('contracts.sign.team'), children: v.team?.teamName ?? '—' },
            { key: 'doctor', label: t('contracts.sign.doctor'), children: v.doctorName },
            { key: 'period', label: t('contracts.print.period'), children: `${c.startDate} — ${c.endDate}` },
            { key: 'fee', label: t('contracts.sign.feeTotal'), children: `¥${c.feeTotal}` },
            { key: 'type', label: t('contracts.detail.type'), children: t(`contracts.type.${c.contractType}`) },
            ...(c.termination
              ? [
                  {
                    key: 'term',
                    label: t('contracts.detail.terminated'),
                    children: `${c.termination.terminatedDate} ${t(`contract.terminationReason.${c.termination.reason}`)} ${c.termination.note ?? ''}`,
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Card size="small" title={t('contracts.detail.fulfilment')} data-testid="fulfilment">
        <Space align="center" className="form-alert">
          <Progress type="circle" size={64} percent={percent} />
          <span data-testid="fulfilment-count">{t('contracts.detail.fulfilmentCount', { delivered: f.deliveredItems, promised: f.promisedItems })}</span>
        </Space>
        <Table
          size="small"
          pagination={false}
          rowKey={(i) => `${i.packageId}-${i.serviceCode}`}
          dataSource={f.items}
          columns={[
            { title: t('contracts.print.item'), key: 'name', render: (_x, i) => i.name[lang] },
            { title: t('contracts.detail.required'), dataIndex: 'required' },
            { title: t('contracts.detail.delivered'), dataIndex: 'delivered' },
            { title: t('contracts.detail.outstanding'), dataIndex: 'outstanding' },
            {
              title: t('followups.history.status'),
              key: 'met',
              render: (_x, i) => <Tag color={i.isMet ? 'green' : 'orange'}>{t(i.isMet ? 'contracts.detail.met' : 'contracts.detail.notMet')}</Tag>,
            },
          ]}
        />
      </Card>
      <AgreementPrint view={v} />

      <Modal
        open={dialog === 'renew'}
        title={t('contracts.detail.renew')}
        okText={t('contracts.detail.renew')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        okButtonProps={{ disabled: !signature }}
        onOk={renew}
        onCancel={() => setDialog(null)}
        destroyOnHidden
        width={560}
      >
        <p>{t('contracts.detail.renewHint', { end: c.endDate })}</p>
        <SignaturePad onChange={setSignature} label={t('contracts.sign.residentSignature')} testId="renew-signature" />
      </Modal>
      <Modal
        open={dialog === 'terminate'}
        title={t('contracts.detail.terminate')}
        okText={t('contracts.detail.terminate')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => termForm.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Form
          form={termForm}
          layout="vertical"
          initialValues={{ terminatedDate: props.today }}
          onFinish={(x) =>
            void act(
              () => api.contracts.terminate({ id: v.id, terminatedDate: x.terminatedDate, reason: x.reason, ...(x.note?.trim() ? { note: x.note.trim() } : {}) }),
              t('contracts.detail.terminatedDone'),
            )
          }
        >
          <Form.Item name="terminatedDate" label={t('contracts.detail.terminatedDate')} rules={[{ required: true, message: t('form.required') }]}>
            <DateInput max={props.today} min={c.startDate} />
          </Form.Item>
          <Form.Item name="reason" label={t('contracts.detail.reason')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={TERMINATION_REASONS.map((r) => ({ value: r, label: t(`contract.terminationReason.${r}`) }))} />
          </Form.Item>
          <Form.Item name="note" label={t('contracts.detail.note')}>
            <Input.TextArea maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={dialog === 'service'}
        title={t('contracts.detail.recordService')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => serviceForm.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Form
          form={serviceForm}
          layout="vertical"
          initialValues={{ date: props.today }}
          onFinish={(x) => void act(() => api.contracts.recordService({ id: v.id, serviceCode: x.serviceCode, date: x.date, note: x.note?.trim() ?? '' }), t('common.saved'))}
        >
          <Form.Item name="serviceCode" label={t('contracts.detail.service')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={MANUAL.map((s) => ({ value: s, label: t(`contracts.service.${s}`) }))} />
          </Form.Item>
          <Form.Item name="date" label={t('contracts.detail.serviceDate')} rules={[{ required: true, message: t('form.required') }]}>
            <DateInput max={props.today} min={c.startDate} />
          </Form.Item>
          <Form.Item name="note" label={t('contracts.detail.note')}>
            <Input.TextArea maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
