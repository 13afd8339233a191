'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { Said } from '@/lib/i18n/format';

/** A failed load, in the reader's language when the server said it as a code (any Error works). */
export function ErrorPanel({ error, onRetry }: { error: Said; onRetry?: () => void }) {
  const { t, describe } = useI18n();
  return (
    <div role="alert" className="m-6 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-semibold">{t('error.title')}</p>
      <p className="mt-1">{describe(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-3 rounded-md border border-red-300 bg-white px-3 py-1 font-medium hover:bg-red-100">
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
