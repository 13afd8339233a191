/**
 * Which VirtualService a sidecar in a Service's namespace applies to calls to that Service. Istio merges
 * VirtualServices only at gateways: for sidecars, the oldest one naming the host wins, and a host named
 * exactly beats one a wildcard covers (Envoy's virtual host domains, most specific first).
 */
import { qualifyHost } from '../hosts.ts';
import { oldestFirst } from '../object-order.ts';
import type { ServiceRef } from '../services.ts';
import type { VirtualService } from './types.ts';

/** How specifically a VirtualService host names the FQDN: exact beats the longest wildcard suffix; 0 is no match. */
function specificity(host: string, namespace: string, fqdn: string): number {
  if (host === '*') return 1;
  if (host.startsWith('*.')) return fqdn.endsWith(host.slice(1)) ? 1 + host.length : 0;
  return qualifyHost(host, namespace) === fqdn ? Number.POSITIVE_INFINITY : 0;
}

function boundToSidecars(vs: VirtualService): boolean {
  const gateways = vs.spec?.gateways ?? [];
  return gateways.length === 0 || gateways.includes('mesh');
}

/** The VirtualService that routes mesh calls to `service`, if any. */
export function virtualServiceFor(service: ServiceRef, virtualServices: readonly VirtualService[]): VirtualService | undefined {
  let best: { vs: VirtualService; specificity: number } | undefined;
  for (const vs of virtualServices) {
    const namespace = vs.metadata?.namespace ?? 'default';
    if (namespace !== service.namespace || !boundToSidecars(vs)) continue;
    const score = Math.max(0, ...(vs.spec?.hosts ?? []).map((host) => specificity(host, namespace, service.fqdn)));
    if (score === 0) continue;
    if (!best || score > best.specificity || (score === best.specificity && oldestFirst(vs, best.vs) < 0)) best = { vs, specificity: score };
  }
  return best?.vs;
}
