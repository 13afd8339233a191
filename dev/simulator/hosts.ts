/**
 * Host names as the mesh resolves them: a short name is relative to the namespace of the object that names
 * it. The simulator keeps its own copy of this rule so that it cannot share a mistake with the console.
 */
const CLUSTER_SUFFIX = '.svc.cluster.local';

/** The FQDN of a host named in `namespace`: `hello`, `hello.demo` and `hello.demo.svc` all become `hello.demo.svc.cluster.local`. */
export function qualifyHost(host: string, namespace: string): string {
  if (host.includes('*') || host.endsWith(CLUSTER_SUFFIX)) return host;
  const labels = host.split('.');
  if (labels.length === 1) return `${host}.${namespace}${CLUSTER_SUFFIX}`;
  if (labels.length === 2) return `${host}${CLUSTER_SUFFIX}`;
  if (labels.length === 3 && labels[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

/** The FQDN of a cluster Service. */
export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}${CLUSTER_SUFFIX}`;
}

/** Name and namespace of the Service an FQDN names, or the host's first labels when it is no cluster Service. */
export function serviceOfHost(fqdn: string): { name: string; namespace: string } {
  const [name = fqdn, namespace = 'unknown'] = fqdn.endsWith(CLUSTER_SUFFIX) ? fqdn.slice(0, -CLUSTER_SUFFIX.length).split('.') : fqdn.split('.');
  return { name, namespace };
}
