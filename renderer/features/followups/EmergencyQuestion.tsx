import { Form, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import { emergencyAnswerIssue, type VisitValues } from './followup-model';

/**
 * 有无危急情况 无/有 on the first screen (issue 16): the checklist itself is folded, so this question makes the
 * doctor answer it at every visit. 有 opens the checklist (FollowupForm); completion needs an answer that agrees
 * with the ticks; a draft may leave it empty.
 */
export function EmergencyQuestion({ diseases }: { diseases: readonly Disease[] }) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="hasEmergency"
      label={t('followups.form.hasEmergency')}
      required
      dependencies={diseases.map((d) => [d, 'emergencySigns'])}
      rules={[
        { required: true, message: t('form.required') },
        ({ getFieldsValue }) => ({
          validator: () => {
            const issue = emergencyAnswerIssue(getFieldsValue(true) as VisitValues, diseases);
            return issue ? Promise.reject(new Error(t(`followups.form.emergencyIssue.${issue}`))) : Promise.resolve();
          },
        }),
      ]}
    >
      <Radio.Group
        optionType="button"
        data-testid="has-emergency"
        options={[1, 2].map((c) => ({ value: c, label: t(`followups.yesNo.${c}`) }))}
      />
    </Form.Item>
  );
}
