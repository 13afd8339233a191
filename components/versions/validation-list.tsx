'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { Validation } from '@/lib/mesh/types';

/** Problems with a service's routing, in words, errors first. */
export function ValidationList({ validations }: { validations: Validation[] }) {
  const { t } = useI18n();
  if (validations.length === 0) return null;
  const sorted = [...validations].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return (
    <ul className="space-y-1" data-testid="validations">
      {sorted.map((validation, index) => (
        <li
          key={index}
          className={`rounded-md px-3 py-2 text-sm ${validation.severity === 'error' ? 'bg-red-50 text-red-800' : 'bg-amber-50 text-amber-900'}`}
        >
          <span className="mr-2 font-semibold">{validation.severity === 'error' ? t('validation.error') : t('validation.warning')}</span>
          {t(`validation.${validation.code}`, { subject: validation.subject, kind: validation.kind ?? '' })}
          {validation.url && (
            <a href={validation.url} target="_blank" rel="noreferrer noopener" className="ml-2 underline">
              {t('validation.details')}
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}
