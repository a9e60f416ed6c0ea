/**
 * i18next for the renderer: Simplified Chinese first, English second, the choice kept in localStorage. Message
 * tables that other parts write in `shared/domain/*-messages.ts` (validation texts for FieldIssue keys, follow-up
 * texts) are merged in under their file's prefix (`validation-messages.ts` → `validation.*`) when they exist at
 * build time, so the renderer never duplicates them.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { FieldIssue } from '../../shared/api/errors';
import { en } from './en';
import { zhCN } from './zh-cn';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const LANGUAGE_KEY = 'cunyi.language';

type Messages = Record<string, unknown>;

function isMessages(v: unknown): v is Messages {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const sharedModules = import.meta.glob<Record<string, unknown>>(
  ['../../shared/domain/validation-messages.ts', '../../shared/domain/followup-messages.ts'],
  { eager: true },
);

/** `{ validation: { zh: {...}, en: {...} }, followup: {...} }` from whichever shared message files exist. */
export function sharedMessageTables(): Record<string, { zh: Messages; en: Messages }> {
  const tables: Record<string, { zh: Messages; en: Messages }> = {};
  for (const [path, mod] of Object.entries(sharedModules)) {
    const prefix = /([a-z]+)-messages\.ts$/.exec(path)?.[1];
    if (!prefix) continue;
    for (const value of Object.values(mod)) {
      if (isMessages(value) && isMessages(value.zh) && isMessages(value.en)) {
        tables[prefix] = { zh: value.zh, en: value.en };
        break;
      }
    }
  }
  return tables;
}

export function resources(): Record<Language, { translation: Messages }> {
  const zh: Messages = { ...zhCN };
  const english: Messages = { ...en };
  for (const [prefix, table] of Object.entries(sharedMessageTables())) {
    zh[prefix] = { ...(isMessages(zh[prefix]) ? zh[prefix] : {}), ...table.zh };
    english[prefix] = { ...(isMessages(english[prefix]) ? english[prefix] : {}), ...table.en };
  }
  return { 'zh-CN': { translation: zh }, en: { translation: english } };
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
