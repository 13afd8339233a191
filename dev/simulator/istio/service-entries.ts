/**
 * ServiceEntry hosts as destinations. Which of them get traffic is the simulator's choice (a VirtualService
 * must name them, as for Services); what a call to one meets is istiod's config. Checked against istiod's
 * push in the sandbox: an entry's HTTP port shares the `0.0.0.0_<port>` listener and the `<port>` route
 * configuration with the Services on that port, its virtual host is `<host>:<port>` with the domains
 * `<host>` and `<host>.` (and each address), and its clusters are `outbound|<port>|<subset>|<host>` with
 * the host exactly as written: istiod qualifies no ServiceEntry host, so a short `hello` stays `hello`
 * (and a VirtualService host `hello`, which Istio reads as `hello.<ns>.svc.cluster.local`, does not name it).
 */
import { oldestFirst } from '../object-order.ts';
import type { ServiceEntryRef, ServiceIndex } from '../services.ts';
import type { ServiceEntry } from './types.ts';

function namespaceOf(entry: ServiceEntry): string {
  return entry.metadata?.namespace ?? 'default';
}

/**
 * Whether the simulator can call an entry's hosts as it calls a Service: endpoints picked by a workload
 * selector (pods and WorkloadEntries of its namespace), inside the mesh, with static resolution.
 */
function callable(entry: ServiceEntry): boolean {
  const spec = entry.spec ?? {};
  return spec.workloadSelector !== undefined && (spec.location ?? 'MESH_INTERNAL') === 'MESH_INTERNAL' && (spec.resolution ?? 'STATIC') === 'STATIC';
}

/** One ref per (namespace, host) of `entries`, the oldest entry naming it first; none for a host a Kubernetes Service has. */
function refsOf(entries: readonly ServiceEntry[], services: ServiceIndex, keep: (entry: ServiceEntry, host: string) => boolean): ServiceEntryRef[] {
  const byKey = new Map<string, ServiceEntryRef>();
  for (const entry of [...entries].sort(oldestFirst)) {
    const namespace = namespaceOf(entry);
    for (const host of entry.spec?.hosts ?? []) {
      // A Kubernetes Service of the same FQDN wins over the entry.
      if (services.has(host) || !keep(entry, host)) continue;
      const key = `${namespace}/${host}`;
      if (!byKey.has(key)) byKey.set(key, { kind: 'ServiceEntry', fqdn: host, name: host, namespace, serviceEntry: entry });
    }
  }
  return [...byKey.values()].sort((a, b) => a.fqdn.localeCompare(b.fqdn) || a.namespace.localeCompare(b.namespace));
}

/** The hosts the simulator may send traffic to (when a VirtualService names them), in host order. */
export function serviceEntryTargets(entries: readonly ServiceEntry[], services: ServiceIndex): ServiceEntryRef[] {
  return refsOf(entries, services, (entry, host) => callable(entry) && !host.includes('*'));
}

/**
 * Every ServiceEntry host, for the metric labels of a cluster standing for one (Istio names the host and
 * the entry's namespace): the entry in the caller's namespace when there is one, else the oldest.
 */
export class ServiceEntryHosts {
  private readonly byHost = new Map<string, ServiceEntryRef[]>();

  constructor(entries: readonly ServiceEntry[], services: ServiceIndex) {
    for (const ref of refsOf(entries, services, () => true)) this.byHost.set(ref.fqdn, [...(this.byHost.get(ref.fqdn) ?? []), ref]);
    // refsOf sorts by host then namespace; the oldest entry should come first among namespaces.
    for (const refs of this.byHost.values()) refs.sort((a, b) => oldestFirst(a.serviceEntry, b.serviceEntry));
  }

  get(host: string, namespace: string): ServiceEntryRef | undefined {
    const refs = this.byHost.get(host);
    return refs?.find((ref) => ref.namespace === namespace) ?? refs?.[0];
  }
}
