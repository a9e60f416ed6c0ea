import { Alert, App as AntApp, Button, Empty, Form, Input, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BAUD_RATES, DEVICE_PROTOCOLS, type DeviceBinding, type DeviceReading, type DeviceStatus, type PortInfo } from '../../../shared/api/devices';
import { api, subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { SectionPageProps } from '../../app/section-pages';
import { HealthCardPatternTab } from './HealthCardPatternTab';
import { measurementText } from './measurement-text';
import { MeterRowsPanel } from './MeterRowsPanel';

/** Rows of a glucometer's memory: stored for a resident (MeterRowsPanel), not accepted into an open form. */
const isMeterRow = (r: DeviceReading) => r.measurement.kind === 'glucose' && r.meterSerial !== null;

const STATE_COLOR: Record<DeviceStatus['state'], string> = { connecting: 'processing', connected: 'success', retrying: 'warning', disabled: 'default', stopped: 'default' };

/** 设备: live status and readings waiting to be confirmed, bindings (administrators), the line-pattern tester. */
export function DevicesPage({ session }: SectionPageProps) {
  const { t } = useTranslation();
  const isAdmin = session.user.role === 'admin';
  return (
    <div className="devices-page">
      <h1 tabIndex={-1}>{t('devices.title')}</h1>
      <Tabs
        items={[
          { key: 'status', label: t('devices.tabs.status'), children: <StatusTab /> },
          { key: 'bindings', label: t('devices.tabs.bindings'), children: <BindingsTab canEdit={isAdmin} /> },
          { key: 'tester', label: t('devices.tabs.tester'), children: <PatternTester /> },
          { key: 'healthCard', label: t('devices.tabs.healthCard'), children: <HealthCardPatternTab canEdit={isAdmin} /> },
        ]}
      />
    </div>
  );
}

function StatusTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [statuses, setStatuses] = useState<DeviceStatus[]>([]);
  const [readings, setReadings] = useState<DeviceReading[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setStatuses(await api.devices.status({}));
      setReadings(await api.devices.readings({}));
    } catch (e) {
      setFailure(e);
    }
  }, []);
  useEffect(() => {
    void load();
    const offStatus = subscribe('device.status', (p) => setStatuses(p.devices));
    const offReading = subscribe('device.reading', (r) => setReadings((rs) => [r, ...rs.filter((x) => x.id !== r.id)]));
    return () => {
      offStatus();
      offReading();
    };
  }, [load]);

  const decide = async (r: DeviceReading, accept: boolean) => {
    try {
      if (accept) {
        const a = await api.devices.accept({ readingId: r.id });
        void message.success(t('devices.readings.accepted', { value: measurementText(t, a.measurement) }));
      } else {
        await api.devices.discard({ readingId: r.id });
        void message.info(t('devices.readings.discarded'));
      }
      setReadings((rs) => rs.filter((x) => x.id !== r.id));
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Space orientation="vertical" size="large" className="full-width">
      {failure ? <Alert type="error" showIcon title={errorText(failure)} /> : null}
      <Table<DeviceStatus>
        rowKey="bindingId"
        pagination={false}
        dataSource={statuses}
        locale={{ emptyText: <Empty description={t('devices.status.none')} /> }}
        columns={[
          { title: t('devices.status.label'), dataIndex: 'label' },
          { title: t('devices.status.protocol'), dataIndex: 'protocol', render: (p: string) => t(`devices.protocol.${p}`) },
          { title: t('devices.status.path'), dataIndex: 'path', render: (p: string | null) => p ?? '—' },
          { title: t('devices.status.state'), dataIndex: 'state', render: (s: DeviceStatus['state']) => <Tag color={STATE_COLOR[s]}>{t(`devices.state.${s}`)}</Tag> },
          { title: t('devices.status.problem'), dataIndex: 'problem', render: (p: DeviceStatus['problem']) => (p ? `${p.kind}: ${p.message}` : '—') },
        ]}
      />
      {readings.some(isMeterRow) ? <MeterRowsPanel rows={readings.filter(isMeterRow)} onSaved={(ids) => setReadings((rs) => rs.filter((x) => !ids.includes(x.id)))} /> : null}
      <Typography.Title level={4}>{t('devices.readings.title')}</Typography.Title>
      <Table<DeviceReading>
        rowKey="id"
        pagination={false}
        dataSource={readings.filter((r) => !isMeterRow(r))}
        locale={{ emptyText: t('devices.readings.none') }}
        columns={[
          { title: t('devices.readings.title'), render: (_v, r) => <span data-testid="reading-value">{measurementText(t, r.measurement)}{r.measurement.isFlagged ? <Tag color="warning" style={{ marginLeft: 8 }}>{t('devices.readings.flagged')}</Tag> : null}</span> },
          { title: t('devices.readings.source'), dataIndex: 'deviceLabel' },
          { title: t('devices.readings.measuredAt'), dataIndex: 'measuredAt', render: (v: string | null) => (v ? v.replace('T', ' ') : '—') },
          { title: t('devices.readings.receivedAt'), dataIndex: 'receivedAt', render: (v: number) => new Date(v).toLocaleTimeString() },
          {
            title: '',
            render: (_v, r) => (
              <Space>
                <Button type="primary" onClick={() => void decide(r, true)}>{t('devices.readings.accept')}</Button>
                <Button onClick={() => void decide(r, false)}>{t('devices.readings.discard')}</Button>
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}

interface BindingForm {
  label: string;
  protocol: DeviceBinding['protocol'];
  path: string;
  baudRate: number;
  isEnabled: boolean;
}

function BindingsTab({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<BindingForm>();
  const [bindings, setBindings] = useState<DeviceBinding[]>([]);
  const [ports, setPorts] = useState<{ isDiscoveryAvailable: boolean; ports: PortInfo[] } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setBindings(await api.devices.bindings({}));
      setPorts(await api.devices.ports({}));
    } catch (e) {
      setFailure(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const save = async (v: BindingForm) => {
    try {
      await api.devices.saveBinding({ label: v.label, protocol: v.protocol, match: { kind: 'path', path: v.path }, baudRate: v.baudRate, isEnabled: v.isEnabled });
      void message.success(t('devices.bindings.saved'));
      form.resetFields();
      await load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const remove = async (id: string) => {
    try {
      await api.devices.removeBinding({ id });
      await load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Space orientation="vertical" size="large" className="full-width">
      {failure ? <Alert type="error" showIcon title={errorText(failure)} /> : null}
      <Table<DeviceBinding>
        rowKey="id"
        pagination={false}
        dataSource={bindings}
        locale={{ emptyText: t('devices.status.none') }}
        columns={[
          { title: t('devices.bindings.label'), dataIndex: 'label' },
          { title: t('devices.bindings.protocol'), dataIndex: 'protocol', render: (p: string) => t(`devices.protocol.${p}`) },
          { title: t('devices.bindings.port'), render: (_v, b) => (b.match.kind === 'path' ? b.match.path : `USB ${b.match.vendorId}:${b.match.productId}`) },
          { title: t('devices.bindings.baud'), dataIndex: 'baudRate' },
          {
            title: '',
            render: (_v, b) =>
              canEdit ? (
                <Popconfirm title={t('devices.bindings.removeConfirm')} onConfirm={() => void remove(b.id)}>
                  <Button danger>{t('devices.bindings.remove')}</Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      {canEdit ? (
        <Form<BindingForm> form={form} layout="vertical" style={{ maxWidth: 520 }} initialValues={{ protocol: 'line', baudRate: 9600, isEnabled: true }} onFinish={(v) => void save(v)}>
          <Typography.Title level={4}>{t('devices.bindings.add')}</Typography.Title>
          {ports && !ports.isDiscoveryAvailable ? <Alert type="info" showIcon title={t('devices.bindings.discoveryUnavailable')} style={{ marginBottom: 16 }} /> : null}
          <Form.Item name="label" label={t('devices.bindings.label')} rules={[{ required: true, max: 40 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="protocol" label={t('devices.bindings.protocol')} rules={[{ required: true }]}>
            <Select options={DEVICE_PROTOCOLS.map((p) => ({ value: p, label: t(`devices.protocol.${p}`) }))} />
          </Form.Item>
          <Form.Item name="path" label={t('devices.bindings.port')} extra={t('devices.bindings.portHelp')} rules={[{ required: true, max: 200 }]}>
            <Input list="cunyi-discovered-ports" />
          </Form.Item>
          <datalist id="cunyi-discovered-ports">
            {(ports?.ports ?? []).map((p) => (
              <option key={p.path} value={p.path}>{[p.manufacturer, p.vendorId && `${p.vendorId}:${p.productId ?? ''}`].filter(Boolean).join(' ')}</option>
            ))}
          </datalist>
          <Form.Item name="baudRate" label={t('devices.bindings.baud')}>
            <Select options={BAUD_RATES.map((b) => ({ value: b, label: String(b) }))} />
          </Form.Item>
          <Form.Item name="isEnabled" label={t('devices.bindings.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Button type="primary" htmlType="submit">{t('devices.bindings.save')}</Button>
        </Form>
      ) : (
        <Alert type="info" showIcon title={t('devices.bindings.adminOnly')} />
      )}
    </Space>
  );
}

const OMRON_EXAMPLE = JSON.stringify(
  {
    name: 'omron-hbp9030',
    fields: { systolic: ',(\\d{3}),[ \\d]{3},[ \\d]{3},\\d$', diastolic: ',(\\d{3}),[ \\d]{3},\\d$', pulse: ',(\\d{3}),\\d$', error: '^(?:[^,]*,){5}.{20},(\\d),' },
  },
  null,
  2,
);

function PatternTester() {
  const { t } = useTranslation();
  const [pattern, setPattern] = useState(OMRON_EXAMPLE);
  const [sample, setSample] = useState('2024,03,15,08,30,A0000000000000000001,0,128,082,071,0');
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const run = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(pattern);
    } catch {
      setResult({ type: 'error', text: t('devices.tester.invalidJson') });
      return;
    }
    try {
      const r = await api.devices.testPattern({ pattern: parsed as Parameters<typeof api.devices.testPattern>[0]['pattern'], sample });
      setResult(r.ok ? { type: 'success', text: `${t('devices.tester.ok')}：${r.measurements.map((m) => measurementText(t, m)).join('；')}` } : { type: 'error', text: t('devices.tester.failed', { message: r.message }) });
    } catch (e) {
      setResult({ type: 'error', text: errorText(e) });
    }
  };
  return (
    <Space orientation="vertical" className="full-width" style={{ maxWidth: 720 }}>
      <Typography.Text strong>{t('devices.tester.pattern')}</Typography.Text>
      <Input.TextArea value={pattern} onChange={(e) => setPattern(e.target.value)} autoSize={{ minRows: 6, maxRows: 14 }} className="monospace" />
      <Typography.Text strong>{t('devices.tester.sample')}</Typography.Text>
      <Input value={sample} onChange={(e) => setSample(e.target.value)} className="monospace" />
      <Button type="primary" onClick={() => void run()}>{t('devices.tester.run')}</Button>
      {result ? <Alert type={result.type} showIcon title={result.text} /> : null}
    </Space>
  );
}
