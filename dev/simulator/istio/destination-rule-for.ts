/**
 * The DestinationRule that defines a host's subsets for a caller: Istio looks in the caller's namespace
 * first, then in the host's own namespace, then in the mesh's root namespace; within one the oldest wins.
 */
import { qualifyHost, serviceOfHost } from '../hosts.ts';
import { oldestFirst } from '../object-order.ts';
import type { DestinationRule } from './types.ts';

/** Istio's default root namespace, whose configuration applies mesh-wide. */
const ROOT_NAMESPACE = 'istio-system';

/** The DestinationRule for `fqdn` as a caller in `callerNamespace` sees it, if any. */
export function destinationRuleFor(fqdn: string, callerNamespace: string, rules: readonly DestinationRule[]): DestinationRule | undefined {
  const forHost = rules.filter((rule) => qualifyHost(rule.spec?.host ?? '', rule.metadata?.namespace ?? 'default') === fqdn).sort(oldestFirst);
  const inNamespace = (namespace: string) => forHost.find((rule) => rule.metadata?.namespace === namespace);
  return inNamespace(callerNamespace) ?? inNamespace(serviceOfHost(fqdn).namespace) ?? inNamespace(ROOT_NAMESPACE);
}
