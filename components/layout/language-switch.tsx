'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { Locale } from '@/lib/i18n/locale';

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      <span className="sr-only">{t('language.label')}</span>
      <select
        aria-label={t('language.label')}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        value={locale}
        onChange={(event) => setLocale(event.target.value as Locale)}
      >
        <option value="en">English</option>
        <option value="zh">简体中文</option>
      </select>
    </label>
  );
}
