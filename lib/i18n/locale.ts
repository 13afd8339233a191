/** The console's languages, and how a request picks one. No catalogue here: this module goes to every client. */
export const LOCALE_NAMES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALE_NAMES)[number];
export const LOCALE_COOKIE = 'weir-locale';

/** Picks the locale from a saved choice first, then the browser's Accept-Language. */
export function negotiateLocale(saved: string | undefined, acceptLanguage: string | null): Locale {
  if (saved === 'en' || saved === 'zh') return saved;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh' : 'en';
}
