/** How a stored device source reads on screen and on paper: "左侧收缩压 146（诊室血压计，2026-03-02 09:50）". */
import type { TFunction } from 'i18next';
import type { DeviceSource, DeviceSources } from '../../../shared/schemas/device-source';

/** The device's own clock when it sent one, else when the reading arrived (local time). */
export function sourceTime(s: Pick<DeviceSource, 'measuredAt' | 'receivedAt'>): string {
  if (s.measuredAt) return s.measuredAt.replace('T', ' ').slice(0, 16);
  const d = new Date(s.receivedAt);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function deviceSourceLines(t: TFunction, sources: DeviceSources | undefined): string[] {
  return Object.entries(sources ?? {}).map(([path, s]) =>
    t('devices.offer.sourceLine', { field: t(`devices.offer.field.${path.replaceAll('.', '_')}`, { defaultValue: path }), value: s.value, device: s.deviceLabel, time: sourceTime(s) }),
  );
}
