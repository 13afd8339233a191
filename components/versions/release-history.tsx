'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { HistoryEntry, SplitSnapshot } from '@/lib/release/history';
import type { ReleaseView } from '@/lib/mesh/types';

/** A split in words: `v1 80% / v2 20% + 1 content rules`. */
export function splitText(split: SplitSnapshot, t: ReturnType<typeof useI18n>['t']): string {
  const weights = Object.entries(split.weights).map(([name, weight]) => `${name} ${weight}%`).join(' / ') || '—';
  return split.rules.length ? `${weights} ${t('history.withRules', { count: split.rules.length })}` : weights;
}

/** The service's recorded changes, newest first, each with "restore this split" when it still can be. */
export function ReleaseHistory({ history, view, onRestore }: { history: HistoryEntry[]; view: ReleaseView; onRestore?: (split: SplitSnapshot) => void }) {
  const { t, locale, describe } = useI18n();
  if (history.length === 0) return <p className="text-sm text-slate-500">{t('history.empty')}</p>;
  const versions = new Set(view.versions.map((version) => version.name));
  return (
    <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="release-history">
      {history.map((entry, index) => {
        const named = [...Object.keys(entry.to.weights), ...entry.to.rules.map((rule) => rule.version)];
        const restorable = Object.keys(entry.to.weights).length > 0 && named.every((name) => versions.has(name));
        return (
          <li key={`${entry.time}-${index}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2 text-sm" data-testid="history-entry">
            <time dateTime={entry.time} className="w-40 shrink-0 text-xs text-slate-500">
              {new Date(entry.time).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en')}
            </time>
            <span className="w-32 shrink-0 truncate font-medium" title={entry.user}>
              {entry.user}
            </span>
            <span className="w-40 shrink-0">{t(`history.action.${entry.action}` as 'history.action.set-weights')}</span>
            <span className="min-w-0 flex-1 font-mono text-xs text-slate-700">
              {splitText(entry.from, t)} → {splitText(entry.to, t)}
              {entry.reason && (
                <span className="block font-sans text-slate-500" data-testid="history-reason">
                  {describe({ ...entry.why, message: entry.reason })}
                </span>
              )}
            </span>
            {onRestore && (
              <button
                type="button"
                disabled={!restorable}
                title={restorable ? undefined : t('history.notRestorable')}
                onClick={() => onRestore(entry.to)}
                className="text-xs font-medium text-brand-700 hover:underline disabled:text-slate-400 disabled:no-underline"
              >
                {t('history.restore')}
              </button>
            )}
          </li>
        );
      })}
    </ol>
  );
}
