import 'server-only';
import { KubernetesObjectApi, type KubeConfig, type V1APIResource } from '@kubernetes/client-node';
import { kindOfObject } from '@/lib/mesh/registry';

/**
 * The generic object client, told the resource of every kind the console knows from its registry: without
 * this it asks the API server (a discovery request) which plural a kind has before its first write.
 */
class KnownKindsObjectApi extends KubernetesObjectApi {
  override async resource(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    const info = kindOfObject({ apiVersion, kind });
    if (info) return { kind, name: info.plural, namespaced: info.namespaced, singularName: '', verbs: [] };
    return super.resource(apiVersion, kind);
  }
}

const apis = new WeakMap<KubeConfig, KubernetesObjectApi>();

/** The generic object client of an identity, one per KubeConfig: a write costs one request. */
export function objectApi(kubeConfig: KubeConfig): KubernetesObjectApi {
  let api = apis.get(kubeConfig);
  if (!api) apis.set(kubeConfig, (api = kubeConfig.makeApiClient(KnownKindsObjectApi)));
  return api;
}
