'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { versionColor } from './version-colors';

export interface SplitBarProps {
  /** Versions in display order with their weight in percent. */
  versions: { name: string; weight: number }[];
  className?: string;
}

/**
 * A thin stacked bar of a service's configured split for list rows. The split is also spelled out ("v1 90%,
 * v2 10%") in the accessible name and the tooltip, since colour alone names nothing.
 */
export function SplitBar({ versions, className = '' }: SplitBarProps) {
  const { t } = useI18n();
  const total = versions.reduce((sum, version) => sum + Math.max(version.weight, 0), 0);
  const split = versions.map((version) => `${version.name} ${version.weight}%`).join(', ');
  const label = total > 0 ? t('metrics.splitBar', { split }) : t('metrics.splitBarEmpty');
  return (
    <div
      role="img"
      aria-label={label}
      title={label}
      data-testid="split-bar"
      className={`flex h-1.5 w-full min-w-16 overflow-hidden rounded-full bg-slate-200 ${className}`}
    >
      {total > 0 &&
        versions.map((version, index) =>
          version.weight > 0 ? (
            <div
              key={version.name}
              data-version={version.name}
              className="h-full"
              style={{ width: `${(version.weight / total) * 100}%`, backgroundColor: versionColor(index) }}
            />
          ) : null,
        )}
    </div>
  );
}
