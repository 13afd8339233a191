'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { MatchCondition, RouteSummary } from '@/lib/mesh/types';
import type { MessageKey } from '@/lib/i18n/en';

function ConditionText({ condition }: { condition: MatchCondition }) {
  const { t } = useI18n();
  return (
    <code className="rounded bg-slate-100 px-1 py-0.5 text-xs text-slate-800">
      {t(`match.${condition.on}` as MessageKey, {
        name: condition.name ?? '',
        operator: t(`operator.${condition.operator}` as MessageKey),
        value: condition.value,
      })}
    </code>
  );
}

/** One route in words: its conditions, then where it sends traffic and with what weight. */
export function RouteDescription({ route }: { route: RouteSummary }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm" data-testid="route">
      {route.matches.length === 0 ? (
        <span className="text-slate-500">{t('route.default')}</span>
      ) : (
        <span className="flex flex-wrap items-center gap-1 text-slate-500">
          {t('route.when')}
          {route.matches.map((alternative, index) => (
            <span key={index} className="flex flex-wrap items-center gap-1">
              {index > 0 && <span>{t('route.or')}</span>}
              {alternative.map((condition, conditionIndex) => (
                <span key={conditionIndex} className="flex items-center gap-1">
                  {conditionIndex > 0 && <span>{t('route.and')}</span>}
                  <ConditionText condition={condition} />
                </span>
              ))}
            </span>
          ))}
        </span>
      )}
      <span aria-hidden="true" className="text-slate-400">
        →
      </span>
      {route.destinations.length === 0 ? (
        <span className="text-slate-500">{t('route.noDestination')}</span>
      ) : (
        route.destinations.map((destination, index) => (
          <span
            key={index}
            data-testid="destination"
            className="rounded-full border border-brand-100 bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700"
          >
            {destination.target}
            {destination.version ? ` ${destination.version}` : ''} {destination.weight}%
          </span>
        ))
      )}
      {route.extras.length > 0 && (
        <span className="text-xs text-slate-500">{t('route.extras', { fields: route.extras.join(', ') })}</span>
      )}
    </div>
  );
}
