/**
 * i18next for the renderer: Simplified Chinese first, English second, the choice kept in localStorage. The rules'
 * texts in `shared/domain/*-messages.ts` (validation messages for FieldIssue keys, follow-up texts) are merged in,
 * so the renderer never duplicates them.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { FieldIssue } from '../../shared/api/errors';
import { followupMessages } from '../../shared/domain/followup-messages';
import { validationMessages } from '../../shared/domain/validation-messages';
import { en } from './en';
import { zhCN } from './zh-cn';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const LANGUAGE_KEY = 'cunyi.language';

type Messages = Record<string, unknown>;

function isMessages(v: unknown): v is Messages {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Later tables win key by key; nested objects merge. */
function deepMerge(...tables: Messages[]): Messages {
  const out: Messages = {};
  for (const table of tables) {
    for (const [k, v] of Object.entries(table)) {
      const prev = out[k];
      out[k] = isMessages(prev) && isMessages(v) ? deepMerge(prev, v) : v;
    }
  }
  return out;
}

/**
 * Each feature folder may keep its texts beside its components in `messages.ts`
 * (`export const messages = { zh: {...}, en: {...} }`), merged under the folder's name: `features/residents` →
 * `residents.*`. Features then never edit these shared tables.
 */
const featureModules = import.meta.glob<{ messages?: { zh: Messages; en: Messages } }>('../features/*/messages.ts', { eager: true });

export function featureMessageTables(): Record<string, { zh: Messages; en: Messages }> {
  const tables: Record<string, { zh: Messages; en: Messages }> = {};
  for (const [path, mod] of Object.entries(featureModules)) {
    const folder = /features\/([^/]+)\/messages\.ts$/.exec(path)?.[1];
    if (folder && mod.messages) tables[folder] = mod.messages;
  }
  return tables;
}

/**
 * The renderer's tables, then the rules' texts from shared/: `validation-messages.ts` under `validation.*`
 * (its keys are bare), `followup-messages.ts` at the root (it names its own namespaces), then feature tables.
 */
export function resources(): Record<Language, { translation: Messages }> {
  const features = Object.entries(featureMessageTables());
  const build = (lang: 'zh' | 'en', base: Messages) =>
    deepMerge(
      base,
      { validation: validationMessages[lang] },
      followupMessages[lang],
      ...features.map(([folder, table]) => ({ [folder]: table[lang] })),
    );
  return { 'zh-CN': { translation: build('zh', zhCN) }, en: { translation: build('en', en) } };
}

export function storedLanguage(): Language {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  return saved === 'en' ? 'en' : 'zh-CN';
}

export function initI18n(): I18n {
  void i18next.use(initReactI18next).init({
    resources: resources(),
    lng: storedLanguage(),
    fallbackLng: 'zh-CN',
    initAsync: false,
    // React escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export async function setLanguage(lng: Language): Promise<void> {
  localStorage.setItem(LANGUAGE_KEY, lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

/** A FieldIssue's text: its i18n key with params when we have it, otherwise a generic "invalid". */
export function fieldIssueText(issue: FieldIssue): string {
  if (i18next.exists(issue.message)) return i18next.t(issue.message, issue.params ?? {});
  return i18next.exists('validation.invalid') ? i18next.t('validation.invalid') : i18next.t('error.BAD_REQUEST');
}
