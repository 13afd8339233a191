/**
 * Istio resolves a short host name against the namespace of the object that names it. These helpers turn
 * `reviews`, `reviews.default` and `reviews.default.svc.cluster.local` into one comparable form.
 */
const CLUSTER_SUFFIX = '.svc.cluster.local';

/** Fully qualified form of a host named in `namespace` (`reviews` → `reviews.default.svc.cluster.local`). */
export function qualifyHost(host: string, namespace: string): string {
  if (host.includes('*')) return host;
  if (host.endsWith(CLUSTER_SUFFIX)) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}${CLUSTER_SUFFIX}`;
  if (parts.length === 2) return `${host}${CLUSTER_SUFFIX}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

/** The Kubernetes Service a host names, when it is one of the cluster's own (not an external host). */
export function serviceOfHost(host: string, namespace: string): { name: string; namespace: string } | undefined {
  const qualified = qualifyHost(host, namespace);
  if (!qualified.endsWith(CLUSTER_SUFFIX)) return undefined;
  const [name, serviceNamespace] = qualified.slice(0, -CLUSTER_SUFFIX.length).split('.');
  return name && serviceNamespace ? { name, namespace: serviceNamespace } : undefined;
}

/** The short form the console shows: `reviews.default`. */
export function displayHost(host: string, namespace: string): string {
  const service = serviceOfHost(host, namespace);
  return service ? `${service.name}.${service.namespace}` : host;
}
