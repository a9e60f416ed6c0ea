import { Checkbox, Form, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import type { VisitValues } from './followup-model';
import { InsulinFields } from './InsulinFields';
import { MedicationList } from './MedicationList';

/** 用药情况: the drugs taken (carried from the same disease's last visit), insulin, and the flags the classification reads. */
export function MedicationFields({ values, diseases }: { values: VisitValues; diseases: readonly Disease[] }) {
  const { t } = useTranslation();
  // followups.md §3: a patient who takes medicine (规律 or 间断) has the drugs listed.
  const needsDrugs = values.adherence === 1 || values.adherence === 2;
  return (
    <>
      <MedicationList name="medications" title={t('followups.form.medications')} required={needsDrugs} />
      {diseases.includes('t2dm') ? <InsulinFields name={['t2dm', 'insulin']} label={t('followups.form.insulin')} value={values.t2dm?.insulin} /> : null}
      <Space wrap>
        <Form.Item name="hasNewOrWorseComplication" valuePropName="checked" noStyle>
          <Checkbox>{t('followups.form.complication')}</Checkbox>
        </Form.Item>
        {values.adverseReaction === 2 ? (
          <Form.Item name="isAdverseHardToControl" valuePropName="checked" noStyle>
            <Checkbox>{t('followups.form.adverseHard')}</Checkbox>
          </Form.Item>
        ) : null}
      </Space>
    </>
  );
}
