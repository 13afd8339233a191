/** The cluster's Services by FQDN: what a request can be addressed to and what a route can forward to. */
import type { V1Service } from '@kubernetes/client-node';
import { serviceFqdn } from './hosts.ts';

/** A Kubernetes Service as a destination: its FQDN and the names the metric labels use. */
export interface ServiceRef {
  fqdn: string;
  name: string;
  namespace: string;
  service: V1Service;
}

export type ServiceIndex = ReadonlyMap<string, ServiceRef>;

/** Indexes Services by FQDN, in FQDN order so that the round robin over them is stable. */
export function indexServices(services: readonly V1Service[]): ServiceIndex {
  const refs = services.map((service): ServiceRef => {
    const name = service.metadata?.name ?? '';
    const namespace = service.metadata?.namespace ?? 'default';
    return { fqdn: serviceFqdn(name, namespace), name, namespace, service };
  });
  refs.sort((a, b) => a.fqdn.localeCompare(b.fqdn));
  return new Map(refs.map((ref) => [ref.fqdn, ref]));
}
