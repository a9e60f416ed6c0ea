import type { FormInstance } from 'antd';
import i18next from 'i18next';
import { fieldIssueText } from '../i18n';
import { ApiError } from '../api-client';

/** One plain sentence for any failure: the code's message, with the wait time for TOO_MANY_ATTEMPTS. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return i18next.t('error.INTERNAL');
  if (e.isDisconnected) return i18next.t('app.disconnected');
  if (e.code === 'TOO_MANY_ATTEMPTS' && typeof e.details.retryAfterMs === 'number') {
    return i18next.t('signIn.wait', { seconds: Math.max(1, Math.ceil(e.details.retryAfterMs / 1000)) });
  }
  if (e.code === 'CONFLICT' && typeof e.details.by === 'string' && typeof e.details.at === 'number' && e.details.at > 0) {
    // A lost race names who got there first and when, so the user knows to reload rather than retry.
    const at = new Date(e.details.at).toLocaleString(i18next.language, { dateStyle: 'short', timeStyle: 'short' });
    return i18next.t(e.details.reason === 'amended' ? 'conflict.amended' : 'conflict.completed', { by: e.details.by, at });
  }
  if (e.code === 'DATA_UPDATING' && typeof e.details.percent === 'number') {
    // The same words as the 工作台's progress (DataUpdateNotice), with how far it has come.
    return i18next.t('dataUpdate.retryLater', { percent: e.details.percent });
  }
  if (e.code === 'FORBIDDEN' && (e.details.reason === 'village' || e.details.reason === 'clinicWide')) {
    // Out of the villages the user serves (issue 11): say why, and who can change it.
    return i18next.t(`scope.forbidden.${e.details.reason}`);
  }
  return i18next.t(`error.${e.code}`);
}

/**
 * Puts the API's field errors next to the fields (`admin.password` → name path ['admin', 'password'],
 * `villages.0.code` → ['villages', 0, 'code']). Returns the paths it placed, so a caller can jump to their step.
 */
export function applyFieldErrors(form: FormInstance, e: unknown, prefix: (string | number)[] = []): string[] {
  if (!(e instanceof ApiError) || e.fields.length === 0) return [];
  form.setFields(
    e.fields.map((issue) => ({
      name: [...prefix, ...issue.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
      errors: [fieldIssueText(issue)],
    })),
  );
  return e.fields.map((f) => f.path);
}
