'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import type { ServiceRef } from '@/components/services/use-release';
import type { ReleaseView } from '@/lib/mesh/types';
import { WizardShell } from './wizard-shell';

/** Delete a version: route entries → subset → workloads; refused (with a way out) while it gets traffic. */
export function DeleteVersionWizard({
  service,
  view,
  version,
  onClose,
  onMoveTrafficFirst,
}: {
  service: ServiceRef;
  view: ReleaseView;
  version: string;
  onClose: () => void;
  onMoveTrafficFirst: (to: string) => void;
}) {
  const { t } = useI18n();
  const [keepWorkload, setKeepWorkload] = useState(false);
  const [deleteUnmanagedVms, setDeleteUnmanagedVms] = useState(false);
  const target = view.versions.find((v) => v.name === version);
  const vms = target?.workloads.filter((workload) => workload.form === 'vm') ?? [];
  const managedVms = vms.filter((workload) => workload.managed).map((workload) => workload.name);
  const unmanagedVms = vms.filter((workload) => !workload.managed).map((workload) => workload.name);
  const inUse = Boolean(target && (target.weight > 0 || target.rules.length > 0));
  const heir = view.versions.filter((v) => v.name !== version).sort((a, b) => b.weight - a.weight)[0]?.name;
  return (
    <WizardShell
      title={t('delete.title', { version })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('delete.apply', { version })}
      build={() => ({ type: 'delete-version', expected: view.splitEtag, version, keepWorkload, ...(unmanagedVms.length > 0 && !keepWorkload ? { deleteUnmanagedVms } : {}) })}
    >
      {() => (
        <div className="space-y-3 text-sm text-slate-700">
          {inUse ? (
            <div className="rounded-md bg-amber-50 p-3 text-amber-900" data-testid="delete-in-use">
              <p>{target!.weight > 0 ? t('delete.inUseWeight', { version, weight: target!.weight }) : t('delete.inUseRule', { version })}</p>
              {heir && (
                <button type="button" className="mt-2 font-medium underline" onClick={() => onMoveTrafficFirst(heir)}>
                  {t('delete.moveFirst', { version: heir })}
                </button>
              )}
            </div>
          ) : (
            <p>{t('delete.intro', { version })}</p>
          )}
          <ul className="list-inside list-disc text-slate-600">
            {target?.workloads.map((workload) => (
              <li key={workload.name}>
                {workload.kind} {workload.name}
              </li>
            ))}
          </ul>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={keepWorkload} onChange={(event) => setKeepWorkload(event.target.checked)} />
            {t('delete.keepWorkload')}
          </label>
          {!keepWorkload && managedVms.length > 0 && <p data-testid="delete-managed-vms">{t('delete.managedVms', { count: managedVms.length, names: managedVms.join(', ') })}</p>}
          {!keepWorkload && unmanagedVms.length > 0 && (
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={deleteUnmanagedVms} onChange={(event) => setDeleteUnmanagedVms(event.target.checked)} />
              {t('delete.unmanagedVms', { count: unmanagedVms.length, names: unmanagedVms.join(', ') })}
            </label>
          )}
        </div>
      )}
    </WizardShell>
  );
}
