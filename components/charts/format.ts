import type { Locale } from '@/lib/i18n/locale';

const TAGS: Record<Locale, string> = { en: 'en-US', zh: 'zh-CN' };

/** A share 0..1 as a percentage in the user's locale: 0.125 → "12.5%". */
export function formatShare(locale: Locale, share: number): string {
  return new Intl.NumberFormat(TAGS[locale], { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** A number with at most `digits` decimals in the user's locale. */
export function formatNumber(locale: Locale, value: number, digits = 1): string {
  return new Intl.NumberFormat(TAGS[locale], { maximumFractionDigits: digits }).format(value);
}

/** A chart tick: the time of day, to the minute. */
export function formatTime(locale: Locale, t: number): string {
  return new Intl.DateTimeFormat(TAGS[locale], { hour: '2-digit', minute: '2-digit' }).format(t);
}

/** A moment to the second in the user's locale, for "since 14:02:07". */
export function formatClock(locale: Locale, t: number): string {
  return new Intl.DateTimeFormat(TAGS[locale], { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(t);
}
