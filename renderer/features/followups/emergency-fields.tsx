import { useTranslation } from 'react-i18next';
import type { EmergencyCriterion } from '../../../shared/domain/followup-emergency';

/** First emergency text per form path, for the red help under that field. */
export type EmergencyByPath = Map<string, EmergencyCriterion>;

/** Props that outline a field in red with its emergency text right under it (followups.md §4). */
export function useEmergencyProps(byPath: EmergencyByPath) {
  const { t } = useTranslation();
  return (path: string) => {
    const hit = byPath.get(path);
    return hit ? { status: 'error' as const, help: <span role="alert">{t(hit.messageKey, hit.params ?? {})}</span> } : {};
  };
}
