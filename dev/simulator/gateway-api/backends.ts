/**
 * Where a matched HTTPRoute rule sends a request: a RequestRedirect answers itself; otherwise a backendRef
 * by weight (default 1, 0 gets nothing). The API says 500 for what cannot be forwarded (no backends, all
 * weights 0, a backend that is not a Service, is missing, or lies in another namespace without a
 * ReferenceGrant); a valid backend without ready endpoints is left to the caller's 503.
 */
import { serviceFqdn } from '../hosts.ts';
import type { RouteOutcome } from '../router.ts';
import type { ServiceIndex } from '../services.ts';
import { pickByWeight } from '../weighted-pick.ts';
import type { HttpBackendRef, HttpRoute, HttpRouteRule, ReferenceGrant } from './types.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** True when a ReferenceGrant in `namespace` lets HTTPRoutes of `fromNamespace` name the Service `name`. */
export function referenceGranted(fromNamespace: string, namespace: string, name: string, grants: readonly ReferenceGrant[]): boolean {
  return grants.some(
    (grant) =>
      grant.metadata?.namespace === namespace &&
      (grant.spec?.from ?? []).some((from) => from.group === GATEWAY_GROUP && from.kind === 'HTTPRoute' && from.namespace === fromNamespace) &&
      (grant.spec?.to ?? []).some((to) => to.group === '' && to.kind === 'Service' && (to.name === undefined || to.name === '' || to.name === name)),
  );
}

/** Everything a rule's backends are resolved against. */
export interface BackendContext {
  route: HttpRoute;
  /** FQDN of the parent the request was addressed to, which answers when no backend can. */
  parentHost: string;
  services: ServiceIndex;
  referenceGrants: readonly ReferenceGrant[];
}

function toBackend(ref: HttpBackendRef, context: BackendContext): RouteOutcome {
  const routeNamespace = context.route.metadata?.namespace ?? 'default';
  const namespace = ref.namespace ?? routeNamespace;
  const host = serviceFqdn(ref.name, namespace);
  const invalid: RouteOutcome = { kind: 'answer', status: 500, host, version: 'unknown' };
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return invalid;
  if (namespace !== routeNamespace && !referenceGranted(routeNamespace, namespace, ref.name, context.referenceGrants)) return invalid;
  const backend = context.services.get(host);
  return backend ? { kind: 'forward', backend } : invalid;
}

/** The outcome of a request that matched `rule`; `random` in [0, 1) picks the backend. */
export function ruleOutcome(rule: HttpRouteRule, context: BackendContext, random: number): RouteOutcome {
  const redirect = (rule.filters ?? []).find((filter) => filter.type === 'RequestRedirect');
  if (redirect) return { kind: 'answer', status: redirect.requestRedirect?.statusCode ?? 302, host: context.parentHost, version: 'unknown' };
  const picked = pickByWeight(rule.backendRefs ?? [], (ref) => ref.weight ?? 1, random);
  if (!picked) return { kind: 'answer', status: 500, host: context.parentHost, version: 'unknown' };
  return toBackend(picked, context);
}
