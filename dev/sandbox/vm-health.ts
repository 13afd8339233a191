/**
 * `node dev/sandbox/vm-health.ts NS/ENTRY healthy|unhealthy|unknown [SANDBOX_DIR]` plays Istio's health checker
 * for a VM in the sandbox: it writes the `Healthy` condition on the WorkloadEntry's status subresource, as istiod
 * does from the probe results the VM's istio-agent reports (`unknown` removes the condition: not probed).
 * The console reads the condition for the VM's readiness, and the traffic simulator answers 503 from a VM that is
 * not ready. SANDBOX_DIR defaults to $WEIR_SANDBOX_DIR, else the one `./weir start` runs (.cache/sandbox).
 */
import { join, resolve } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { REPO_ROOT } from './sandbox.ts';

export type VmHealthState = 'healthy' | 'unhealthy' | 'unknown';

interface Condition {
  type?: string;
  status?: string;
  [field: string]: unknown;
}

const WORKLOAD_ENTRY = { group: 'networking.istio.io', version: 'v1', plural: 'workloadentries' };

/** Writes (or, for `unknown`, removes) the Healthy condition of a WorkloadEntry, as the sandbox's admin. */
export async function setVmHealth(kubeconfigPath: string, namespace: string, name: string, state: VmHealthState): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  config.setCurrentContext('admin');
  const api = config.makeApiClient(CustomObjectsApi);
  const entry = (await api.getNamespacedCustomObjectStatus({ ...WORKLOAD_ENTRY, namespace, name })) as { status?: { conditions?: Condition[] } };
  const others = (entry.status?.conditions ?? []).filter((condition) => condition.type !== 'Healthy');
  const now = new Date().toISOString();
  const previous = entry.status?.conditions?.find((condition) => condition.type === 'Healthy');
  const status = state === 'healthy' ? 'True' : 'False';
  const healthy: Condition[] =
    state === 'unknown'
      ? []
      : [
          {
            type: 'Healthy',
            status,
            lastProbeTime: now,
            lastTransitionTime: previous?.status === status ? (previous.lastTransitionTime ?? now) : now,
            ...(state === 'unhealthy' ? { reason: 'ProbeFailed', message: 'set unhealthy by dev/sandbox/vm-health.ts' } : {}),
          },
        ];
  const body = { ...entry, status: { ...entry.status, conditions: [...others, ...healthy] } };
  await api.replaceNamespacedCustomObjectStatus({ ...WORKLOAD_ENTRY, namespace, name, body });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(REPO_ROOT, 'dev/sandbox/vm-health.ts')) {
  const [target, state, dir = process.env.WEIR_SANDBOX_DIR ?? join(REPO_ROOT, '.cache/sandbox')] = process.argv.slice(2);
  const [namespace, name] = (target ?? '').split('/');
  if (!namespace || !name || (state !== 'healthy' && state !== 'unhealthy' && state !== 'unknown')) {
    process.stderr.write('usage: node dev/sandbox/vm-health.ts NAMESPACE/WORKLOADENTRY healthy|unhealthy|unknown [SANDBOX_DIR]\n');
    process.exit(2);
  }
  await setVmHealth(join(dir, 'kubeconfig'), namespace, name, state);
  process.stdout.write(`${namespace}/${name}: ${state}\n`);
}
