import type { KubernetesObject } from '@kubernetes/client-node';
import { conflict } from '@/lib/mesh/errors';
import type { addVersionIntent, deleteVersionIntent } from '@/lib/mesh/intents';
import { MANAGED_BY, VERSION_LABEL, type Input } from '@/lib/mesh/plan-common';
import type { PlanStep, VersionView } from '@/lib/mesh/types';
import { say } from '@/lib/i18n/messages';
import { HEALTH_CHECKS_ANNOTATION, HEALTHY_CONDITION } from './health';
import { WORKLOAD_ENTRIES } from './kinds';
import type { IstioObjects } from './read';
import type { WorkloadEntry } from './types';

/*
 * VM versions: a version served by WorkloadEntries (VM addresses) instead of a Deployment. Added in the same
 * safety order as pods: the entries first, then (when they are health-checked and will get traffic) a wait until
 * each reports Healthy, then the subset, then the route. Entries Weir creates carry its managed-by label, so
 * deleting the version removes them; others are removed only when the user says so.
 */

const API_VERSION = 'networking.istio.io/v1';

/** The WorkloadEntries of a new VM version: the service's selector, the version's subset labels, each VM's own labels. */
export function vmVersionEntries(objects: IstioObjects, subsetLabels: Record<string, string>, intent: Input<typeof addVersionIntent>): WorkloadEntry[] {
  const vms = intent.vms ?? [];
  const selector = objects.service?.spec?.selector ?? objects.serviceEntry?.spec?.workloadSelector?.labels ?? {};
  const base = `${objects.serviceName}-${intent.version}`;
  return vms.map((vm, index) => {
    const name = vms.length === 1 ? base : `${base}-${index + 1}`;
    if (objects.workloadEntries.some((entry) => entry.metadata?.name === name)) throw conflict(say('server.objectExists', { kind: WORKLOAD_ENTRIES.kind, name }));
    const spec: NonNullable<WorkloadEntry['spec']> = {
      address: vm.address,
      labels: { ...selector, ...subsetLabels, ...vm.labels, [VERSION_LABEL]: intent.version },
      ...(Object.keys(vm.ports).length > 0 ? { ports: vm.ports } : {}),
      ...(vm.serviceAccount ? { serviceAccount: vm.serviceAccount } : {}),
      ...(vm.network ? { network: vm.network } : {}),
    };
    return {
      apiVersion: API_VERSION,
      kind: WORKLOAD_ENTRIES.kind,
      metadata: {
        name,
        namespace: objects.namespace,
        labels: { ...MANAGED_BY, [VERSION_LABEL]: intent.version },
        ...(intent.healthChecked ? { annotations: { [HEALTH_CHECKS_ANNOTATION]: 'true' } } : {}),
      },
      spec,
    };
  });
}

/** Create every entry; when they are health-checked and get traffic at once, wait until each reports Healthy. */
export function vmVersionSteps(entries: WorkloadEntry[], healthChecked: boolean | undefined, getsTraffic: boolean): PlanStep[] {
  const waits: PlanStep[] =
    healthChecked && getsTraffic
      ? entries.map((entry) => ({
          action: 'wait-condition',
          object: { apiVersion: API_VERSION, kind: WORKLOAD_ENTRIES.kind, metadata: { namespace: entry.metadata!.namespace!, name: entry.metadata!.name! } },
          condition: HEALTHY_CONDITION,
        }))
      : [];
  return [...entries.map((object): PlanStep => ({ action: 'create', object })), ...waits];
}

/** Deletes of a version's WorkloadEntries: those Weir created, and the others only when asked. */
export function vmDeletes(objects: IstioObjects, version: VersionView, intent: Input<typeof deleteVersionIntent>): PlanStep[] {
  if (intent.keepWorkload) return [];
  return version.workloads.flatMap((workload): PlanStep[] => {
    if (workload.form !== 'vm' || (!workload.managed && !intent.deleteUnmanagedVms)) return [];
    const entry = objects.workloadEntries.find((e) => e.metadata?.name === workload.name);
    return entry ? [{ action: 'delete', object: { ...entry, apiVersion: API_VERSION, kind: WORKLOAD_ENTRIES.kind } as KubernetesObject }] : [];
  });
}
