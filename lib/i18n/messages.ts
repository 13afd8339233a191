import { en, type Catalogue, type MessageKey } from './en';
import { formatMessage, type Coded, type MessageParams, type Said } from './format';
import { LOCALE_COOKIE, negotiateLocale, type Locale } from './locale';
import { zh } from './zh';

/*
 * The catalogues (English is the source; Simplified Chinese follows it key for key) for the server, which renders
 * server messages in English and hands the browser only the catalogue of its reader's language (app/layout.tsx).
 */
export { en, zh, LOCALE_COOKIE, negotiateLocale };
export type { Catalogue, Coded, Locale, MessageKey, MessageParams, Said };

export const LOCALES: Record<Locale, Catalogue> = { en, zh };

/** Whether the catalogue has a key (for keys built at run time, such as a provider's own description). */
export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return formatMessage(locale, LOCALES[locale][key] ?? en[key], params, (code) => (hasMessage(code) ? (LOCALES[locale][code] ?? en[code]) : undefined));
}

/** A server message by its code: the code and parameters for the reader's language, the English text for everyone else. */
export function say(code: MessageKey, params?: MessageParams): Said & { code: MessageKey } {
  return params ? { code, params, message: translate('en', code, params) } : { code, message: translate('en', code) };
}
