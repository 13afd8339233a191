'use client';

import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import type { Catalogue, MessageKey } from '@/lib/i18n/en';
import { formatMessage, type MessageParams, type Said } from '@/lib/i18n/format';
import { LOCALE_COOKIE, type Locale } from '@/lib/i18n/locale';

interface I18nContextValue {
  locale: Locale;
  t: (key: MessageKey, params?: MessageParams) => string;
  /** Whether the catalogue has a key built at run time. */
  has: (key: string) => key is MessageKey;
  /** A server message (an error, a field problem, a release's status) in the reader's language. */
  describe: (said: Said) => string;
  setLocale: (locale: Locale) => void;
}

const I18nContext = createContext<I18nContextValue | null>(null);

/** The reader's locale and its catalogue only: the server layout passes the one language this reader sees. */
export function I18nProvider({ locale, messages, children }: { locale: Locale; messages: Catalogue; children: ReactNode }) {
  const router = useRouter();
  const setLocale = useCallback(
    (next: Locale) => {
      document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=strict`;
      router.refresh();
    },
    [router],
  );
  const value = useMemo<I18nContextValue>(() => {
    const has = (key: string): key is MessageKey => Object.hasOwn(messages, key);
    const t = (key: MessageKey, params?: MessageParams) => formatMessage(locale, messages[key] ?? key, params, (code) => (has(code) ? messages[code] : undefined));
    // The code when the catalogue has it (the server's English is the same text); else the words as they came.
    const describe = (said: Said) => (said.code && has(said.code) ? t(said.code, said.params) : said.message);
    return { locale, t, has, describe, setLocale };
  }, [locale, messages, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current locale's translate function and a way to switch locale. */
export function useI18n(): I18nContextValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside I18nProvider');
  return value;
}
