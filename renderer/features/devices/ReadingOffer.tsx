import { App as AntApp, Button, Card, Form, Space, Tag, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceReading, Measurement } from '../../../shared/api/devices';
import { fillsFor, keepSourcesIn, sourcesFor, type ReadingTarget } from '../../../shared/domain/device-sources';
import type { DeviceSources } from '../../../shared/schemas/device-source';
import { api, subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { deviceSourceLines, sourceTime } from './device-source-text';
import { measurementText } from './measurement-text';

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/**
 * A live device reading offered to the open health check or follow-up (issue 14 §3): what, from which device and
 * when; 采用 fills the fields (which stay editable) and records the provenance in the form's `deviceSources`, 不用
 * discards it. Below, the values that still carry a device source, so the record shows device versus typed.
 * `storedForm` is the form as it would be saved: a value changed by hand no longer matches its source.
 */
export function ReadingOffer(props: {
  form: FormInstance;
  target: ReadingTarget;
  storedForm: () => unknown;
  /** Read-only (a completed record): no offers, only the sources. */
  disabled?: boolean;
  /** Kinds this form takes now (a follow-up without diabetes has no glucose field). */
  kinds?: readonly Measurement['kind'][];
  /** After fields were filled (setFieldValue does not raise the form's onValuesChange). */
  onApplied?: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { form, target, kinds, disabled } = props;
  const [readings, setReadings] = useState<DeviceReading[]>([]);
  // Re-render as the form changes, so a value typed over a device value loses its "from device" line at once.
  Form.useWatch([], { form, preserve: true });

  const fits = (r: DeviceReading) => (!kinds || kinds.includes(r.measurement.kind)) && fillsFor(target, r.measurement) !== null;

  useEffect(() => {
    if (disabled) return undefined;
    let isLive = true;
    api.devices
      .readings({})
      .then((rs) => isLive && setReadings(rs))
      // Without the list the live offers still arrive; the form itself is not affected.
      .catch(() => undefined);
    const off = subscribe('device.reading', (r) => setReadings((rs) => [r, ...rs.filter((x) => x.id !== r.id)]));
    return () => {
      isLive = false;
      off();
    };
  }, [disabled]);

  const accept = async (r: DeviceReading) => {
    try {
      const a = await api.devices.accept({ readingId: r.id });
      const fills = fillsFor(target, a.measurement, (path) => !isEmpty(form.getFieldValue(path.split('.'))));
      if (fills) {
        for (const f of fills) form.setFieldValue(f.formPath, f.formValue);
        const before = (form.getFieldValue('deviceSources') ?? {}) as DeviceSources;
        form.setFieldValue('deviceSources', { ...before, ...sourcesFor(fills, a.provenance) });
        props.onApplied?.();
        void message.success(t('devices.offer.filled', { value: measurementText(t, a.measurement) }));
      }
    } catch (e) {
      void message.error(errorText(e));
    }
    setReadings((rs) => rs.filter((x) => x.id !== r.id));
  };

  const discard = async (r: DeviceReading) => {
    try {
      await api.devices.discard({ readingId: r.id });
    } catch (e) {
      void message.error(errorText(e));
    }
    setReadings((rs) => rs.filter((x) => x.id !== r.id));
  };

  const offers = disabled ? [] : readings.filter(fits);
  const live = keepSourcesIn(props.storedForm(), form.getFieldValue('deviceSources') as DeviceSources | undefined);
  const lines = deviceSourceLines(t, live);
  if (offers.length === 0 && lines.length === 0) return null;
  return (
    <div className="reading-offer" style={{ marginBottom: 12 }}>
      {offers.map((r) => (
        <Card key={r.id} size="small" className="check-card" data-testid="reading-offer" title={t('devices.offer.title')}>
          <Space wrap>
            <strong data-testid="offer-value">{measurementText(t, r.measurement)}</strong>
            <Tag>{t('devices.offer.from', { device: r.deviceLabel, time: sourceTime(r) })}</Tag>
            <Button type="primary" onClick={() => void accept(r)}>
              {t('devices.offer.accept')}
            </Button>
            <Button onClick={() => void discard(r)}>{t('devices.offer.discard')}</Button>
          </Space>
        </Card>
      ))}
      {lines.length > 0 && (
        <div className="resident-muted" data-testid="device-sources">
          {t('devices.offer.sourcesTitle')}：{lines.join('；')}。{t('devices.offer.typedNote')}
        </div>
      )}
    </div>
  );
}
