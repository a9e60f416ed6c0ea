import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';

/** The same limits as `shared/api/session.ts` (Username, NewPassword), checked before the request is sent. */
export function usernameRules(t: TFunction): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('form.required') },
    { min: 2, max: 32, message: t('form.usernameLength') },
    { pattern: /^[\p{L}\p{N}_.-]+$/u, message: t('form.usernameChars') },
  ];
}

export function passwordRules(t: TFunction): FormRule[] {
  return [
    { required: true, message: t('form.required') },
    { min: 8, message: t('form.passwordTooShort') },
  ];
}

export function repeatPasswordRules(t: TFunction, other: (string | number)[] | string): FormRule[] {
  return [
    { required: true, message: t('form.required') },
    ({ getFieldValue }) => ({
      validator: async (_rule, value: unknown) => {
        if (value && value !== getFieldValue(other)) throw new Error(t('form.passwordMismatch'));
      },
    }),
  ];
}
