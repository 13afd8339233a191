'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { RouteDescription } from '@/components/routes/route-description';
import type { ReleaseView } from '@/lib/mesh/types';

/** Every rule of the service's routing object in order, marking the ones the console does not manage. */
export function RoutingInWords({ view }: { view: ReleaseView }) {
  const { t } = useI18n();
  const readOnly = new Set(view.otherRoutes.map((route) => route.index));
  if (view.routes.length === 0) return <p className="text-sm text-slate-500">{t('routing.none')}</p>;
  return (
    <ol className="space-y-2" data-testid="routing-in-words">
      {view.routes.map((route, index) => (
        <li key={index} className="flex items-start gap-3">
          <span className="mt-0.5 w-5 shrink-0 text-right text-xs text-slate-500">{index + 1}.</span>
          <div className="min-w-0 flex-1">
            <RouteDescription route={route} />
            {view.mirror && index === view.managedRouteIndex && (
              <p className="mt-1 text-xs text-slate-600" data-testid="routing-mirror">
                {t('routing.mirror', { percent: view.mirror.percent, version: view.mirror.version })}
              </p>
            )}
            {view.sticky && index === view.managedRouteIndex && (
              <p className="mt-1 text-xs text-slate-600" data-testid="routing-sticky">
                {t('routing.sticky', { version: view.sticky.version, cookie: view.sticky.cookie, maxAge: view.sticky.maxAge })}
              </p>
            )}
          </div>
          {readOnly.has(index) && <span className="shrink-0 text-xs text-slate-500">{t('routing.readOnly')}</span>}
        </li>
      ))}
    </ol>
  );
}
