'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { StatusBadge } from '@/components/ui/status-badge';
import type { VersionMetrics } from '@/lib/metrics/service-metrics';
import { formatNumber, formatShare } from './format';
import { successHealth } from './success-health';
import { versionColor } from './version-colors';

interface VersionHealthTableProps {
  versions: string[];
  configured: Record<string, number>;
  latestShare: Record<string, number>;
  perVersion: Record<string, VersionMetrics>;
}

/** Per version: observed share against configured weight, requests/s, success rate and latency. */
export function VersionHealthTable({ versions, configured, latestShare, perVersion }: VersionHealthTableProps) {
  const { t, locale } = useI18n();
  const none = t('metrics.none');
  const ms = (value: number | null | undefined) => (value === null || value === undefined ? none : t('metrics.ms', { value: formatNumber(locale, value) }));
  return (
    <table className="mt-3 w-full text-left text-sm" data-testid="version-health-table">
      <thead className="text-xs uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 pr-3 font-medium">{t('metrics.column.version')}</th>
          <th className="py-1 pr-3 font-medium">{t('metrics.column.share')}</th>
          <th className="py-1 pr-3 font-medium">{t('metrics.column.configured')}</th>
          <th className="py-1 pr-3 font-medium">{t('metrics.column.rps')}</th>
          <th className="py-1 pr-3 font-medium">{t('metrics.column.success')}</th>
          <th className="py-1 pr-3 font-medium">{t('metrics.column.p50')}</th>
          <th className="py-1 font-medium">{t('metrics.column.p99')}</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {versions.map((version, index) => {
          const metrics = perVersion[version];
          const health = successHealth(metrics?.successRate ?? null);
          return (
            <tr key={version} data-version={version}>
              <td className="py-1.5 pr-3 font-medium">
                <span aria-hidden="true" className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ backgroundColor: versionColor(index) }} />
                {version}
              </td>
              <td className="py-1.5 pr-3 tabular-nums">{latestShare[version] === undefined ? none : formatShare(locale, latestShare[version]!)}</td>
              <td className="py-1.5 pr-3 tabular-nums">{configured[version] === undefined ? none : `${configured[version]}%`}</td>
              <td className="py-1.5 pr-3 tabular-nums">{metrics ? formatNumber(locale, metrics.rps) : none}</td>
              <td className="py-1.5 pr-3">
                <span className="mr-2 tabular-nums">{metrics?.successRate == null ? none : formatShare(locale, metrics.successRate)}</span>
                <StatusBadge tone={health.tone}>{t(health.label)}</StatusBadge>
              </td>
              <td className="py-1.5 pr-3 tabular-nums">{ms(metrics?.p50)}</td>
              <td className="py-1.5 tabular-nums">{ms(metrics?.p99)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
