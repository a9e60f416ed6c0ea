/** One line of text for a measurement; glucose arrives in mg/dL and is shown in mmol/L (÷ 18, one decimal). */
import type { TFunction } from 'i18next';
import type { Measurement } from '../../../shared/api/devices';

export function measurementText(t: TFunction, m: Measurement): string {
  switch (m.kind) {
    case 'bloodPressure':
      return [t('devices.measurement.bloodPressure', { systolic: m.systolic, diastolic: m.diastolic }), m.pulse !== null ? t('devices.measurement.pulse', { pulse: m.pulse }) : ''].filter(Boolean).join('，');
    case 'glucose':
      return m.mgdl === null ? t('devices.measurement.glucoseHigh') : t('devices.measurement.glucose', { mmol: (m.mgdl / 18).toFixed(1) });
    case 'weight':
      return t('devices.measurement.weight', { kg: m.kg });
    case 'temperature':
      return t('devices.measurement.temperature', { celsius: m.celsius });
    case 'spo2':
      return t('devices.measurement.spo2', { percent: m.percent });
    case 'identifier':
      return t('devices.measurement.identifier', { code: m.code });
  }
}
