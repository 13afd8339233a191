'use client';

import Link from 'next/link';
import { useState } from 'react';
import { TrafficSplitChart } from '@/components/charts/traffic-split-chart';
import { useI18n } from '@/components/i18n/i18n-provider';
import { ErrorPanel } from '@/components/ui/error-panel';
import { Button } from '@/components/ui/field';
import { StatusBadge } from '@/components/ui/status-badge';
import { TableSkeleton } from '@/components/ui/table-skeleton';
import { RoutingInWords } from '@/components/versions/routing-in-words';
import { ReleaseHistory } from '@/components/versions/release-history';
import { ValidationList } from '@/components/versions/validation-list';
import { VersionsTable } from '@/components/versions/versions-table';
import { AddVersionWizard } from '@/components/wizards/add-version-wizard';
import { CreateRoutingWizard } from '@/components/wizards/create-routing-wizard';
import { DeleteVersionWizard } from '@/components/wizards/delete-version-wizard';
import { EditPolicyWizard } from '@/components/wizards/edit-policy-wizard';
import { ScaleVersionWizard } from '@/components/wizards/scale-version-wizard';
import { TakeOverWizard } from '@/components/wizards/take-over-wizard';
import { UpdateVersionWizard } from '@/components/wizards/update-version-wizard';
import { useSessionUser } from '@/components/auth/session-context';
import { ProgressiveWizard } from '@/components/releases/progressive-wizard';
import { ReleasePanel } from '@/components/releases/release-panel';
import { isActive, type SplitSnapshot } from '@/lib/release/model';
import { RestoreSplitWizard } from '@/components/wizards/restore-split-wizard';
import { OwnerWarning } from './owner-warning';
import { useRelease, type ServiceRef } from './use-release';

type OpenWizard =
  | { name: 'add' }
  | { name: 'edit'; tab?: 'weights' | 'content' }
  | { name: 'take-over'; version: string }
  | { name: 'delete'; version: string }
  | { name: 'scale'; version: string }
  | { name: 'update'; version: string }
  | { name: 'create' }
  | { name: 'progressive' }
  | { name: 'restore'; split: SplitSnapshot }
  | null;

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="space-y-3" data-testid={testId}>
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">{title}</h2>
      {children}
    </section>
  );
}

/** The service page: versions, routing in words, live split, validations, YAML, and the wizards. */
export function ServiceDetail({ service }: { service: ServiceRef }) {
  const { t } = useI18n();
  const user = useSessionUser();
  const { data, error, isPending, refetch } = useRelease(service);
  const [wizard, setWizard] = useState<OpenWizard>(null);

  if (isPending) return <TableSkeleton />;
  if (error) return <ErrorPanel error={error} onRetry={() => void refetch()} />;

  const { view, yaml, permissions } = data;
  const routed = view.routed;
  // After a rollback the gray version, left at 0 pods, is offered a fixed image (and its pods back) before a new release.
  const rolledBackGray =
    data.release?.status.phase === 'RolledBack'
      ? view.versions.find((v) => v.name === data.release?.spec.grayVersion && v.desired === 0 && v.workloads.some((w) => w.form === 'pods'))
      : undefined;
  const progressive = data.release?.spec.strategy === 'progressive' && isActive(data.release.status);
  const mayEdit = permissions?.editRouting !== false;
  // While a progressive release runs, its controller owns the split: manual changes wait until it ends.
  const canEdit = mayEdit && !progressive;
  const readOnlyReason = !mayEdit
    ? t('auth.readOnly', { user: user.username, namespace: view.namespace })
    : progressive
      ? t('release.manualBlocked', { gray: data.release?.spec.grayVersion ?? '' })
      : undefined;
  const close = () => setWizard(null);
  const configured = Object.fromEntries(view.versions.map((version) => [version.name, version.weight]));

  return (
    <div className="space-y-8 p-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link href="/services" className="text-xs text-slate-500 hover:underline">
            ← {t('nav.services')}
          </Link>
          <h1 className="text-xl font-semibold" data-testid="service-title">
            {view.host}
          </h1>
          <p className="flex flex-wrap items-center gap-x-2 text-sm text-slate-500" data-testid="routing-objects">
            <span>{t('detail.where', { cluster: view.cluster, namespace: view.namespace })}</span>
            {routed && <StatusBadge tone="info">{view.provider.name}</StatusBadge>}
            {view.objects.map((object) => (
              <span key={`${object.kind}/${object.name}`}>
                · {object.kind} {object.name}
              </span>
            ))}
          </p>
          {view.gitOps && (
            <div className="mt-2">
              <StatusBadge tone="warn">{t('detail.gitOps', { tool: t(`gitops.${view.gitOps}`) })}</StatusBadge>
            </div>
          )}
          {view.owner && <OwnerWarning owner={view.owner} />}
        </div>
        <div className="flex flex-col items-end gap-1">
          <div className="flex gap-2">
            {routed ? (
              <>
                <Button onClick={() => setWizard({ name: 'add' })} disabled={!canEdit} title={readOnlyReason}>
                  {t('actions.addVersion')}
                </Button>
                <Button tone="secondary" onClick={() => setWizard({ name: 'edit' })} disabled={!canEdit} title={readOnlyReason}>
                  {t('actions.editPolicy')}
                </Button>
              </>
            ) : (
              <Button onClick={() => setWizard({ name: 'create' })} disabled={!canEdit || view.discoveredVersions.length === 0} title={readOnlyReason}>
                {t('actions.createRouting')}
              </Button>
            )}
          </div>
          {readOnlyReason && (
            <p className="text-xs text-slate-500" data-testid="read-only-reason">
              {readOnlyReason}
            </p>
          )}
        </div>
      </div>

      <ValidationList validations={view.validations} />

      <Section title={t('detail.versions')}>
        {view.versions.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t('detail.noVersions')}</p>
        ) : (
          <VersionsTable
            view={view}
            actions={
              routed && canEdit
                ? {
                    onTakeOver: (version) => setWizard({ name: 'take-over', version }),
                    onDelete: (version) => setWizard({ name: 'delete', version }),
                    onScale: permissions?.manageWorkloads !== false ? (version) => setWizard({ name: 'scale', version }) : undefined,
                  }
                : undefined
            }
          />
        )}
      </Section>

      {routed && (
        <Section title={t('detail.release')} testId="release-section">
          <ReleasePanel
            service={service}
            release={data.release}
            canManage={permissions?.manageReleases !== false}
            onStart={() => setWizard({ name: 'progressive' })}
            fixImage={rolledBackGray && permissions?.manageWorkloads !== false ? { version: rolledBackGray.name, desired: rolledBackGray.desired, open: () => setWizard({ name: 'update', version: rolledBackGray.name }) } : undefined}
          />
        </Section>
      )}

      <Section title={t('detail.routing')}>
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <RoutingInWords view={view} />
        </div>
      </Section>

      {routed && (
        <Section title={t('detail.liveTraffic')}>
          <TrafficSplitChart cluster={view.cluster} namespace={view.namespace} service={view.service} configured={configured} history={data.history} mirror={view.mirror} />
        </Section>
      )}

      <Section title={t('detail.history')}>
        <ReleaseHistory history={data.history} view={view} onRestore={routed && canEdit ? (split) => setWizard({ name: 'restore', split }) : undefined} />
      </Section>

      <Section title={t('detail.yaml')}>
        {yaml.length === 0 && <p className="text-sm text-slate-500">{t('detail.noObjects')}</p>}
        {data.withheld && (
          <p className="text-sm text-slate-500" data-testid="withheld">
            {t('detail.withheld', { items: data.withheld.join('; ') })}
          </p>
        )}
        {yaml.map((object) => (
          <details key={`${object.kind}/${object.name}`} className="rounded-lg border border-slate-200 bg-white">
            <summary className="cursor-pointer px-4 py-2 text-sm font-medium">
              {object.kind} {object.name}
              {object.role === 'version' && <span className="ml-2 text-xs font-normal text-slate-500">{t('detail.versionObject')}</span>}
            </summary>
            <pre className="overflow-x-auto border-t border-slate-200 bg-slate-50 p-4 text-xs" data-testid={`yaml-${object.kind}-${object.name}`}>
              {object.yaml}
            </pre>
          </details>
        ))}
      </Section>

      {wizard?.name === 'add' && <AddVersionWizard service={service} view={view} onClose={close} />}
      {wizard?.name === 'edit' && <EditPolicyWizard service={service} view={view} onClose={close} initialTab={wizard.tab} />}
      {wizard?.name === 'restore' && <RestoreSplitWizard service={service} view={view} split={wizard.split} onClose={close} />}
      {wizard?.name === 'progressive' && <ProgressiveWizard service={service} view={view} spec={data.release?.spec} onClose={close} />}
      {wizard?.name === 'create' && <CreateRoutingWizard service={service} view={view} providers={data.routingProviders} onClose={close} />}
      {wizard?.name === 'scale' && <ScaleVersionWizard service={service} view={view} version={wizard.version} onClose={close} />}
      {wizard?.name === 'update' && <UpdateVersionWizard service={service} view={view} version={wizard.version} onClose={close} />}
      {wizard?.name === 'take-over' && <TakeOverWizard service={service} view={view} version={wizard.version} onClose={close} />}
      {wizard?.name === 'delete' && (
        <DeleteVersionWizard service={service} view={view} version={wizard.version} onClose={close} onMoveTrafficFirst={(to) => setWizard({ name: 'take-over', version: to })} />
      )}
    </div>
  );
}
