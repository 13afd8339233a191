/**
 * Istio's outbound cluster names, `outbound|<port>|<subset>|<fqdn>`: the Service a cluster stands for, which
 * Istio reports as destination_service, and the subset, which labels a 503 when there is no endpoint.
 */
export interface ClusterService {
  fqdn: string;
  port: number;
  subset: string;
}

/** The Service behind an Istio outbound cluster; none for Envoy's own clusters (PassthroughCluster, ...). */
export function clusterService(name: string): ClusterService | undefined {
  const [direction, port, subset, fqdn] = name.split('|');
  if (direction !== 'outbound' || fqdn === undefined || !/^\d+$/.test(port ?? '')) return undefined;
  return { fqdn, port: Number(port), subset: subset ?? '' };
}
