import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease } from '../../../shared/api/followups';
import type { EmergencyCriterion } from '../../../shared/domain/followup-emergency';

/** Red, at the top of the decision: what triggered 紧急转诊 and what to do. */
export function EmergencyAlert({ criteria, disease }: { criteria: EmergencyCriterion[]; disease: Disease }) {
  const { t } = useTranslation();
  if (criteria.length === 0) return null;
  return (
    <div data-testid={`emergency-${disease}`} role="alert">
    <Alert
      type="error"
      showIcon
      className="emergency-alert"
      title={t('followups.emergency.title')}
      description={
        <>
          <ul>
            {criteria.map((c) => (
              <li key={`${c.code}-${c.path}-${String(c.params?.['sign'] ?? '')}`}>{t(c.messageKey, c.params ?? {})}</li>
            ))}
          </ul>
          <p>{t('followups.emergency.advice')}</p>
        </>
      }
    />
    </div>
  );
}
