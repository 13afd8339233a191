/**
 * The mesh's services by FQDN: what a request can be addressed to and what a route can forward to. A
 * Kubernetes Service, or a host a ServiceEntry adds to the mesh (istio/service-entries.ts).
 */
import type { V1Service } from '@kubernetes/client-node';
import { serviceFqdn } from './hosts.ts';
import type { ServiceEntry } from './istio/types.ts';

/** A Kubernetes Service as a destination: its FQDN and the names the metric labels use. */
export interface KubernetesServiceRef {
  kind: 'Service';
  fqdn: string;
  name: string;
  namespace: string;
  service: V1Service;
}

/**
 * One host of a ServiceEntry as a destination. Istio's service attributes for it name the host itself
 * (`name` is the host) in the entry's namespace; the FQDN is the host as written, since istiod does not
 * qualify ServiceEntry hosts.
 */
export interface ServiceEntryRef {
  kind: 'ServiceEntry';
  fqdn: string;
  name: string;
  namespace: string;
  serviceEntry: ServiceEntry;
}

export type ServiceRef = KubernetesServiceRef | ServiceEntryRef;

export type ServiceIndex = ReadonlyMap<string, KubernetesServiceRef>;

/** Indexes Services by FQDN, in FQDN order so that the round robin over them is stable. */
export function indexServices(services: readonly V1Service[]): ServiceIndex {
  const refs = services.map((service): KubernetesServiceRef => {
    const name = service.metadata?.name ?? '';
    const namespace = service.metadata?.namespace ?? 'default';
    return { kind: 'Service', fqdn: serviceFqdn(name, namespace), name, namespace, service };
  });
  refs.sort((a, b) => a.fqdn.localeCompare(b.fqdn));
  return new Map(refs.map((ref) => [ref.fqdn, ref]));
}
