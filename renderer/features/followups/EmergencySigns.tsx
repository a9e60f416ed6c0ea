import { Checkbox, Form } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import { HTN_EMERGENCY_SIGNS, T2DM_EMERGENCY_SIGNS } from '../../../shared/domain/followup-emergency';
import type { EmergencyByPath } from './emergency-fields';

/** The emergency checklist of each disease (followups.md §4): any tick means 紧急转诊. */
export function EmergencySigns({ diseases, emergency }: { diseases: readonly Disease[]; emergency: EmergencyByPath }) {
  const { t } = useTranslation();
  return (
    <div data-testid="emergency-signs">
      {diseases.map((d) => (
        <Form.Item
          key={d}
          name={[d, 'emergencySigns']}
          label={diseases.length > 1 ? `${t(`followups.diseaseShort.${d}`)}：${t('followups.form.emergencySigns')}` : t('followups.form.emergencySigns')}
          validateStatus={emergency.has('emergencySigns') ? 'error' : undefined}
        >
          <Checkbox.Group options={(d === 'htn' ? HTN_EMERGENCY_SIGNS : T2DM_EMERGENCY_SIGNS).map((s) => ({ value: s, label: t(`followup.emergency.sign.${s}`) }))} />
        </Form.Item>
      ))}
    </div>
  );
}
