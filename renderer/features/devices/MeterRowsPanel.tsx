import { App as AntApp, Button, Checkbox, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceReading } from '../../../shared/api/devices';
import type { ResidentSummary } from '../../../shared/api/residents';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { ResidentPicker } from '../followups/ResidentPicker';
import { measurementText } from './measurement-text';
import { isFastingByMeter, isPatientRow } from '../../../shared/domain/meter-rows';

/**
 * 血糖仪下载: the rows of a glucometer's memory waiting on the 设备 screen. The doctor ticks the rows that are this
 * resident's, marks the fasting ones (only those count for screening; rows the meter flagged before-meal or fasting
 * start ticked), picks the resident and saves; rows stored by an earlier download are counted as duplicates.
 */
export function MeterRowsPanel(props: { rows: DeviceReading[]; onSaved: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [resident, setResident] = useState<ResidentSummary | null>(null);
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  /** The doctor's own 空腹 choices; a row without one follows the meter's meal flag. */
  const [fastingChoice, setFastingChoice] = useState<ReadonlyMap<string, boolean>>(new Map());
  const isFasting = (r: DeviceReading) => isPatientRow(r) && (fastingChoice.get(r.id) ?? isFastingByMeter(r));
  const [busy, setBusy] = useState(false);
  const chosen = props.rows.filter((r) => !unticked.has(r.id)).map((r) => r.id);

  const toggle = (set: Set<string>, id: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(id);
    else next.delete(id);
    return next;
  };

  const save = async () => {
    if (!resident || chosen.length === 0) return;
    setBusy(true);
    try {
      const r = await api.devices.saveMeterRows({ residentId: resident.id, readingIds: chosen, fastingIds: props.rows.filter((r) => chosen.includes(r.id) && isFasting(r)).map((r) => r.id) });
      void message.success(t('devices.meter.saved', { saved: r.saved, duplicates: r.duplicates, name: resident.name }));
      props.onSaved(chosen);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" className="full-width" data-testid="meter-rows">
      <Typography.Title level={4}>{t('devices.meter.title')}</Typography.Title>
      <Table<DeviceReading>
        rowKey="id"
        pagination={false}
        dataSource={props.rows}
        columns={[
          {
            title: t('devices.meter.use'),
            render: (_v, r) => <Checkbox aria-label={t('devices.meter.use')} checked={!unticked.has(r.id)} onChange={(e) => setUnticked((s) => toggle(s, r.id, !e.target.checked))} />,
          },
          {
            title: t('devices.readings.title'),
            render: (_v, r) => (
              <span>
                {measurementText(t, r.measurement)}
                {r.meal === 'before' || r.meal === 'after' || r.meal === 'fasting' ? <Tag style={{ marginLeft: 8 }}>{t(`devices.meter.meal.${r.meal}`)}</Tag> : null}
                {r.flags.map((f) => (
                  <Tag key={f} color="warning" style={{ marginLeft: 8 }}>
                    {t(`devices.meter.flag.${f}`, { defaultValue: f })}
                  </Tag>
                ))}
              </span>
            ),
          },
          { title: t('devices.readings.measuredAt'), dataIndex: 'measuredAt', render: (v: string | null) => (v ? v.replace('T', ' ') : '—') },
          { title: t('devices.meter.serial'), dataIndex: 'meterSerial' },
          {
            title: t('devices.meter.fasting'),
            render: (_v, r) => (
              <Checkbox aria-label={t('devices.meter.fasting')} disabled={!isPatientRow(r)} checked={isFasting(r)} onChange={(e) => setFastingChoice((m) => new Map(m).set(r.id, e.target.checked))} />
            ),
          },
        ]}
      />
      <Space wrap>
        <span>{t('devices.meter.resident')}</span>
        <div style={{ minWidth: 320 }}>
          <ResidentPicker value={resident?.id ?? null} onChange={setResident} />
        </div>
        <Button type="primary" disabled={!resident || chosen.length === 0} loading={busy} onClick={() => void save()}>
          {t('devices.meter.save', { count: chosen.length })}
        </Button>
      </Space>
    </Space>
  );
}
