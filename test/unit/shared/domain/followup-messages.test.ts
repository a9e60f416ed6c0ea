import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  emergencyCriteria,
  HTN_EMERGENCY_SIGNS,
  T2DM_EMERGENCY_SIGNS,
} from '../../../../shared/domain/followup-emergency';
import { followupMessages } from '../../../../shared/domain/followup-messages';
import { validationMessages } from '../../../../shared/domain/validation-messages';

function flatten(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? flatten(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

const SOURCES = [
  'shared/domain/followup-emergency.ts',
  'shared/domain/followup-classification.ts',
  'shared/domain/worklist-rules.ts',
  'shared/domain/contract-rules.ts',
  'shared/schemas/followup.ts',
  'shared/schemas/contract.ts',
];
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const emitted = new Set(
  SOURCES.flatMap((f) =>
    [...readFileSync(root + f, 'utf8').matchAll(/'((?:followup|worklist|validation|contract)\.[A-Za-z0-9.]+)'/g)].map((m) => m[1] as string),
  ),
);
// Emergency keys are built from the criterion name: collect them by triggering every criterion.
const everything = { sbp: 200, dbp: 120, heartRate: 120, temperature: 40, isPregnantOrBreastfeeding: true, hasUnmanageableCondition: true };
for (const c of [
  ...emergencyCriteria({ disease: 'htn', ...everything, signs: HTN_EMERGENCY_SIGNS }),
  ...emergencyCriteria({ disease: 't2dm', ...everything, fastingGlucose: 20, signs: T2DM_EMERGENCY_SIGNS }),
  ...emergencyCriteria({ disease: 't2dm', fastingGlucose: 2 }),
]) {
  emitted.add(c.messageKey);
}

describe('followupMessages', () => {
  const zh = flatten(followupMessages.zh);
  const en = flatten(followupMessages.en);
  it('every emergency criterion is covered', () =>
    expect([...emitted].filter((k) => k.startsWith('followup.emergency.')).length).toBe(
      9 + new Set([...HTN_EMERGENCY_SIGNS, ...T2DM_EMERGENCY_SIGNS]).size,
    ));

  it('both languages have the same keys', () => expect(en.sort()).toEqual(zh.sort()));

  it.each([...emitted].sort().map((k) => [k]))('%s has a text', (key) => {
    if (key.startsWith('validation.') && !key.startsWith('validation.followup.') && !key.startsWith('validation.contract.')) {
      expect(Object.keys(validationMessages.zh)).toContain(key.slice('validation.'.length));
    } else {
      expect(zh).toContain(key);
    }
  });

  it('interpolation names match across languages', () => {
    const names = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const get = (o: object, k: string) => k.split('.').reduce<unknown>((acc, p) => (acc as Record<string, unknown>)[p], o) as string;
    for (const k of zh) expect(names(get(followupMessages.en, k)), k).toEqual(names(get(followupMessages.zh, k)));
  });
});
