'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { formatNumber, formatShare } from './format';
import { successHealth } from './success-health';
import type { RowSuccess } from './use-services-success';

const TEXT = { ok: 'text-emerald-800', warn: 'text-amber-800', error: 'text-red-700', neutral: 'text-slate-500' } as const;
const SHAPE = { ok: '●', warn: '▲', error: '■', neutral: '○' } as const;

/**
 * A services-list cell: the success rate with its health band as colour and shape, or "–" with the reason it
 * is unknown (no requests, Prometheus unavailable or not configured) in the tooltip and the accessible name.
 */
export function SuccessCell({ success }: { success: RowSuccess }) {
  const { t, locale } = useI18n();
  if (success.state === 'loading') {
    return (
      <span data-testid="success-cell" data-state="loading" aria-busy="true" title={t('services.success.loading')} className="text-slate-500">
        <span aria-hidden="true">…</span>
        <span className="sr-only">{t('services.success.loading')}</span>
      </span>
    );
  }
  if (success.state === 'unknown') {
    const why =
      success.why === 'no-requests'
        ? t('services.success.noRequests', { window: success.window })
        : success.why === 'not-configured'
          ? t('services.success.notConfigured')
          : t('services.success.unavailable', { message: success.message });
    return (
      <span data-testid="success-cell" data-state="unknown" data-why={success.why} title={why} className="cursor-help text-slate-500">
        <span aria-hidden="true">{t('metrics.none')}</span>
        <span className="sr-only">{why}</span>
      </span>
    );
  }
  const { tone } = successHealth(success.successRate);
  const rate = formatShare(locale, success.successRate);
  const label = t('services.success.value', { rate, rps: formatNumber(locale, success.rps), window: success.window });
  return (
    <span data-testid="success-cell" data-state="ok" data-success-rate={success.successRate} title={label} className={`tabular-nums ${TEXT[tone]}`}>
      <span aria-hidden="true">
        <span className="mr-1 text-[0.6rem]">{SHAPE[tone]}</span>
        {rate}
      </span>
      {/* aria-label is not read on a plain span: the words go in as text only screen readers get. */}
      <span className="sr-only">{label}</span>
    </span>
  );
}
