/** Test helpers that talk to the real sandbox API server as its admin. */
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { kubectl, SHARED_DIR, type Sandbox } from '../dev/sandbox/sandbox.ts';

export function adminApi(sandbox: Sandbox): KubernetesObjectApi {
  const config = new KubeConfig();
  config.loadFromFile(sandbox.kubeconfig);
  config.setCurrentContext('admin');
  return config.makeApiClient(KubernetesObjectApi);
}

export function adminConfig(sandbox: Sandbox): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(sandbox.kubeconfig);
  config.setCurrentContext('admin');
  return config;
}

export const sample = (file: string) => `${SHARED_DIR}/fixtures/istio-samples/${file}`;

/** A fresh namespace with Bookinfo's Deployments (ready, through kwok) and DestinationRules. */
export async function bookinfoNamespace(sandbox: Sandbox, namespace: string): Promise<void> {
  await kubectl(sandbox, ['create', 'namespace', namespace]);
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('bookinfo.yaml'), '-f', sample('destination-rule-all.yaml')]);
  await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

/**
 * What a change made through the console would move, per object of the kinds it writes (any provider's), in one
 * namespace: the spec's generation, or the resourceVersion of objects that have none. Status written by
 * controllers (istiod's analysis, a Deployment's ready count) does not count: it is not a change of the user's.
 */
export async function resourceVersions(sandbox: Sandbox, namespace: string): Promise<Record<string, string>> {
  const api = adminApi(sandbox);
  const versions: Record<string, string> = {};
  for (const [apiVersion, kind] of [
    ['networking.istio.io/v1', 'VirtualService'],
    ['networking.istio.io/v1', 'DestinationRule'],
    ['networking.istio.io/v1', 'WorkloadEntry'],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
    ['split.smi-spec.io/v1alpha2', 'TrafficSplit'],
    ['v1', 'Service'],
    ['apps/v1', 'Deployment'],
  ] as const) {
    const list = await api.list<KubernetesObject>(apiVersion, kind, namespace);
    for (const item of list.items) {
      const { generation, resourceVersion, labels, annotations } = item.metadata ?? {};
      versions[`${kind}/${item.metadata?.name}`] = generation ? `generation ${generation} ${JSON.stringify({ labels, annotations })}` : (resourceVersion ?? '');
    }
  }
  return versions;
}

/** One rule of a Role, as the access tests write them. */
export type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
export const READ = ['get', 'list', 'watch'];
export const rule = (group: string, resources: string[], verbs: string[]): Rule => ({ apiGroups: [group], resources, verbs });
