'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { StatusBadge } from '@/components/ui/status-badge';
import type { ReleaseView, VersionView, WorkloadView } from '@/lib/mesh/types';

function ruleText(version: VersionView, t: ReturnType<typeof useI18n>['t']): string[] {
  return version.rules.map((rule) =>
    rule.policy.conditions
      .map((condition) =>
        condition.on === 'cookie'
          ? t('match.cookie', { operator: t('operator.regex'), value: condition.value })
          : t('match.header', { name: condition.name, operator: t(`operator.${condition.operator}`), value: condition.value }),
      )
      .join(rule.policy.match === 'all' ? ` ${t('route.and')} ` : ` ${t('route.or')} `),
  );
}

export interface VersionActions {
  onTakeOver: (version: string) => void;
  onDelete: (version: string) => void;
  /** Absent when the user may not change workloads. */
  onScale?: (version: string) => void;
}

/** The versions of a service: labels, workloads, readiness, weight and content rules, with per-version actions. */
export function VersionsTable({ view, actions }: { view: ReleaseView; actions?: VersionActions }) {
  const { t } = useI18n();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm" data-testid="versions-table">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">{t('versions.column.version')}</th>
            <th className="px-4 py-2 font-medium">{t('versions.column.labels')}</th>
            <th className="px-4 py-2 font-medium">{t('versions.column.workloads')}</th>
            <th className="px-4 py-2 font-medium">{t('versions.column.ready')}</th>
            <th className="px-4 py-2 font-medium">{t('versions.column.weight')}</th>
            <th className="px-4 py-2 font-medium">{t('versions.column.rules')}</th>
            {actions && <th className="px-4 py-2 font-medium">{t('versions.column.actions')}</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {view.versions.map((version) => (
            <tr key={version.name} data-testid={`version-row-${version.name}`} className="align-top">
              <td className="px-4 py-3">
                <div className="font-semibold">{version.name}</div>
                <StatusBadge tone={version.role === 'stable' ? 'info' : 'warn'}>{t(`versions.role.${version.role}`)}</StatusBadge>
              </td>
              <td className="px-4 py-3">
                {Object.entries(version.labels).map(([key, value]) => (
                  <code key={key} className="mr-1 rounded bg-slate-100 px-1 text-xs">
                    {key}={value}
                  </code>
                ))}
              </td>
              <td className="px-4 py-3 text-xs text-slate-600">
                {version.workloads.length === 0 && <span className="text-amber-700">{t('versions.noWorkload')}</span>}
                {version.workloads.map((workload) => (
                  <div key={`${workload.kind}/${workload.name}`}>
                    <span className="font-medium text-slate-800">{workload.name}</span>{' '}
                    <span className="text-slate-500">({t(workload.form === 'pods' ? 'versions.kind.deployment' : workload.kind === 'WorkloadGroup' ? 'versions.kind.vmGroup' : 'versions.kind.vm')})</span>
                    {workload.image && <div className="font-mono">{workload.image}</div>}
                    {workload.address && <div className="font-mono">{workload.address}</div>}
                    {workload.group && <div>{t('vm.group.registered', { group: workload.group })}</div>}
                    {workload.kind === 'WorkloadGroup' && <WorkloadGroupNote workload={workload} />}
                    {workload.health && <VmHealthBadge workload={workload} />}
                  </div>
                ))}
              </td>
              <td className="px-4 py-3">
                <StatusBadge tone={version.ready === 0 ? (version.weight > 0 || version.rules.length ? 'error' : 'neutral') : version.ready < version.desired ? 'warn' : 'ok'}>
                  {version.ready}/{version.desired}
                </StatusBadge>
              </td>
              <td className="px-4 py-3 font-semibold tabular-nums" data-testid={`weight-${version.name}`}>
                {version.weight}%
              </td>
              <td className="px-4 py-3 text-xs">
                {ruleText(version, t).map((text, index) => (
                  <div key={index} className="font-mono text-slate-700">
                    {text}
                  </div>
                ))}
              </td>
              {actions && (
                <td className="px-4 py-3">
                  <div className="flex flex-wrap gap-x-3 gap-y-1">
                    {version.weight < 100 && (
                      <button type="button" className="whitespace-nowrap text-sm font-medium text-brand-700 hover:underline" onClick={() => actions.onTakeOver(version.name)}>
                        {t('actions.takeOver')}
                      </button>
                    )}
                    {actions.onScale && version.workloads.some((workload) => workload.form === 'pods') && (
                      <button type="button" className="text-sm font-medium text-brand-700 hover:underline" onClick={() => actions.onScale!(version.name)}>
                        {t('actions.scale')}
                      </button>
                    )}
                    {view.versions.length > 1 && (
                      <button type="button" className="whitespace-nowrap text-sm font-medium text-red-700 hover:underline" onClick={() => actions.onDelete(version.name)}>
                        {t('actions.delete')}
                      </button>
                    )}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What a WorkloadGroup means for its version: VMs register from it, probed as it says (or not at all). */
function WorkloadGroupNote({ workload }: { workload: WorkloadView }) {
  const { t } = useI18n();
  const probe = workload.probe;
  const period = probe?.periodSeconds === undefined ? 'none' : String(probe.periodSeconds);
  return (
    <div data-testid={`vm-group-${workload.name}`} title={t('vm.group.intro')}>
      {probe ? t(`vm.probe.${probe.type}`, { path: probe.path ?? '/', port: probe.port ?? '?', command: probe.command ?? '', period }) : t('vm.probe.none')}
    </div>
  );
}

/** A VM's health as Istio's health checking reports it, and whether it gets traffic because of it. */
function VmHealthBadge({ workload }: { workload: WorkloadView }) {
  const { t } = useI18n();
  const tone = workload.health === 'healthy' ? 'bg-green-50 text-green-800' : workload.health === 'unhealthy' ? 'bg-red-50 text-red-800' : 'bg-slate-100 text-slate-700';
  const title = workload.health === 'not-probed' ? t(workload.probed ? 'vm.health.awaitingProbe' : 'vm.health.notChecked') : undefined;
  return (
    <span data-testid={`vm-health-${workload.name}`} data-health={workload.health} title={title} className={`mt-0.5 inline-block rounded px-1.5 py-0.5 text-xs font-medium ${tone}`}>
      {t(`vm.health.${workload.health!}`)}
    </span>
  );
}
