import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../../shared/api/errors';
import { validationMessages } from '../../../../shared/domain/validation-messages';
import { resources } from '../../../../renderer/i18n';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function lookup(table: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined), table);
}

describe('renderer i18n resources', () => {
  const r = resources();
  const zh = r['zh-CN'].translation;
  const en = r.en.translation;

  it.each(ERROR_CODES.map((c) => [c]))('error.%s has a Chinese and an English message', (code) => {
    expect(lookup(zh, `error.${code}`)).toEqual(expect.stringMatching(/\S/));
    expect(lookup(en, `error.${code}`)).toEqual(expect.stringMatching(/\S/));
  });

  it('Chinese and English have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  it('loads the shared validation messages under validation.*', () => {
    for (const k of Object.keys(validationMessages.zh)) {
      expect(lookup(zh, `validation.${k}`)).toBe(validationMessages.zh[k as keyof typeof validationMessages.zh]);
      expect(lookup(en, `validation.${k}`)).toBe(validationMessages.en[k as keyof typeof validationMessages.en]);
    }
  });

  it('every Chinese text contains Chinese, so no English slipped into the default language', () => {
    const untranslated = keys(zh)
      .filter((k) => !k.startsWith('validation.') && !k.startsWith('followup.'))
      .filter((k) => k !== 'nav.shortcut')
      .filter((k) => !/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(String(lookup(zh, k))));
    expect(untranslated).toEqual([]);
  });
});
