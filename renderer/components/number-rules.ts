import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { numberProblem, type NumberLimits } from './number-text';

/**
 * The form rule for a `NumberInput`: a malformed or out-of-range value is marked at the field with the allowed
 * range, and (as any rule) blocks completion. Empty is left to a `required` rule.
 */
export function numberRules(t: TFunction, limits: NumberLimits & { unit?: string }): FormRule[] {
  return [
    {
      validator: async (_rule, value: unknown) => {
        const problem = numberProblem(value, limits);
        if (!problem) return;
        const range = { min: limits.min, max: limits.max, unit: limits.unit ?? '' };
        switch (problem.code) {
          case 'malformed':
            throw new Error(limits.min !== undefined && limits.max !== undefined ? t('form.numberMalformedRange', range) : t('form.numberMalformed'));
          case 'outOfRange':
            throw new Error(t('form.numberRange', range));
          case 'belowMin':
            throw new Error(t('form.numberMin', range));
          case 'aboveMax':
            throw new Error(t('form.numberMax', range));
          case 'tooManyDecimals':
            throw new Error(problem.precision === 0 ? t('form.numberWhole') : t('form.numberDecimals', { precision: problem.precision }));
        }
      },
    },
  ];
}
