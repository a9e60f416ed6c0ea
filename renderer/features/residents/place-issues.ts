import type { FormInstance } from 'antd';
import type { FieldIssue } from '../../../shared/api/errors';
import { fieldIssueText } from '../../i18n';

/**
 * Puts rule findings next to their fields: `errors` block the save, `warnings` ask for confirmation. Fields that had
 * a finding last time and have none now are cleared, so a corrected value loses its message at once.
 */
export function placeIssues<T>(
  form: FormInstance<T>,
  findings: { errors: readonly FieldIssue[]; warnings?: readonly FieldIssue[] },
  toName: (path: string) => (string | number)[] | null,
  previous: Set<string>,
): Set<string> {
  const byField = new Map<string, { name: (string | number)[]; errors: string[]; warnings: string[] }>();
  const entry = (issue: FieldIssue) => {
    const name = toName(issue.path);
    if (!name) return null;
    const key = JSON.stringify(name);
    const e = byField.get(key) ?? { name, errors: [], warnings: [] };
    byField.set(key, e);
    return e;
  };
  for (const issue of findings.errors) entry(issue)?.errors.push(fieldIssueText(issue));
  for (const issue of findings.warnings ?? []) entry(issue)?.warnings.push(fieldIssueText(issue));
  const cleared = [...previous].filter((k) => !byField.has(k)).map((k) => ({ name: JSON.parse(k) as (string | number)[], errors: [], warnings: [] }));
  form.setFields([...cleared, ...byField.values()] as Parameters<FormInstance<T>['setFields']>[0]);
  return new Set(byField.keys());
}
