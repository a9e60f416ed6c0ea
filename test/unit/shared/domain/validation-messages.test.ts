import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validationMessages } from '../../../../shared/domain/validation-messages';

const root = new URL('../../../../', import.meta.url);
const sources = [
  'shared/domain/id-number.ts',
  'shared/domain/health-check-rules.ts',
  'shared/schemas/resident.ts',
  'shared/schemas/household.ts',
  'shared/schemas/health-check.ts',
];

describe('validationMessages', () => {
  it('has the same keys in zh and en, none empty', () => {
    expect(Object.keys(validationMessages.en).sort()).toEqual(Object.keys(validationMessages.zh).sort());
    for (const text of [...Object.values(validationMessages.zh), ...Object.values(validationMessages.en)]) {
      expect(text.trim().length).toBeGreaterThan(0);
    }
  });

  it.each(sources)('has a message for every validation key used in %s', (file) => {
    const text = readFileSync(fileURLToPath(new URL(file, root)), 'utf8');
    const used = [...text.matchAll(/'validation\.([A-Za-z]+)'/g)].map((m) => m[1] ?? '');
    const missing = used.filter((k) => !Object.hasOwn(validationMessages.zh, k));
    expect(missing).toEqual([]);
  });

  it('uses only params the rules provide', () => {
    for (const text of Object.values(validationMessages.zh)) {
      for (const m of text.matchAll(/\{\{(\w+)\}\}/g)) expect(['min', 'max', 'unit', 'expected', 'code', 'row', 'detail']).toContain(m[1]);
    }
  });
});
