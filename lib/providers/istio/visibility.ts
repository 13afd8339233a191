import { qualifyHost } from '@/lib/mesh/hosts';
import { oldestFirst } from '@/lib/mesh/objects';
import type { VirtualService } from './types';

/*
 * Which VirtualServices a sidecar in a namespace uses, the way istiod picks them: those of its own namespace
 * exported only to it ("private") first, then those other namespaces export to it by name, then the public
 * ones (exportTo "*", the default) from any namespace; oldest first within each. For one host, the first
 * of that order routes; the others are ignored (Istio's analysis calls it IST0109).
 */

export type Visibility = 'private' | 'exported' | 'public' | 'hidden';

const ORDER: Record<Visibility, number> = { private: 0, exported: 1, public: 2, hidden: 3 };

/** Whether a VirtualService applies to sidecars (no gateways, or the `mesh` gateway among them). */
export function bindsToMesh(vs: VirtualService): boolean {
  const gateways = vs.spec?.gateways ?? [];
  return gateways.length === 0 || gateways.includes('mesh');
}

/** How sidecars in `namespace` see a VirtualService. */
export function visibilityIn(vs: VirtualService, namespace: string): Visibility {
  const own = vs.metadata?.namespace ?? namespace;
  const exportTo = (vs.spec?.exportTo as string[] | undefined) ?? [];
  if (!bindsToMesh(vs)) return 'hidden';
  if (exportTo.length === 0 || exportTo.includes('*')) return 'public';
  if (exportTo.includes('~')) return 'hidden';
  if (own === namespace && (exportTo.includes('.') || exportTo.includes(namespace))) return 'private';
  return exportTo.includes(namespace) ? 'exported' : 'hidden';
}

/** Whether a VirtualService host (short, FQDN or `*.suffix`, resolved in the object's namespace) covers `fqdn`. */
export function hostCovers(vsHost: string, vsNamespace: string, fqdn: string): boolean {
  if (vsHost === '*') return true;
  if (vsHost.startsWith('*.')) return fqdn.endsWith(vsHost.slice(1));
  return qualifyHost(vsHost, vsNamespace) === fqdn;
}

/** The VirtualServices naming a host in istiod's order for sidecars of `namespace`, and those they do not see. */
export function virtualServicesOfHost(all: VirtualService[], fqdn: string, namespace: string): { visible: VirtualService[]; hidden: VirtualService[] } {
  const naming = all.filter((vs) => (vs.spec?.hosts ?? []).some((host) => hostCovers(host, vs.metadata?.namespace ?? namespace, fqdn)));
  const ranked = naming
    .map((vs) => ({ vs, visibility: visibilityIn(vs, namespace) }))
    .sort((a, b) => ORDER[a.visibility] - ORDER[b.visibility] || oldestFirst(a.vs, b.vs) || (a.vs.metadata?.namespace ?? '').localeCompare(b.vs.metadata?.namespace ?? ''));
  return { visible: ranked.filter((r) => r.visibility !== 'hidden').map((r) => r.vs), hidden: ranked.filter((r) => r.visibility === 'hidden').map((r) => r.vs) };
}
