import { useTranslation } from 'react-i18next';
import type { CodeItem } from '../../../shared/domain/code-sets';

export type Lang = 'zh' | 'en';

/** The code sets carry their own zh/en labels (shared/domain/code-sets.ts); this picks the UI's language. */
export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh';
}

export function codeOptions(set: readonly CodeItem[], lang: Lang): { value: string; label: string }[] {
  return set.map((c) => ({ value: c.code, label: c[lang] }));
}

export function codeLabel(set: readonly CodeItem[], code: string | undefined, lang: Lang): string {
  if (code === undefined) return '';
  return set.find((c) => c.code === code)?.[lang] ?? code;
}

/**
 * records.md §2: code 1 (无, 无症状, 未发现, 未见异常) excludes every other code. Ticking 无 clears the rest; ticking
 * anything else clears 无, so the selection is always one the rules accept.
 */
export function exclusiveNoneChange(previous: readonly string[], next: readonly string[], noneCode = '1'): string[] {
  const added = next.filter((c) => !previous.includes(c));
  if (added.includes(noneCode)) return [noneCode];
  if (added.length > 0) return next.filter((c) => c !== noneCode);
  return [...next];
}
