import type { ContentPolicy, MirrorView, StickyView } from '@/lib/mesh/types';
import { qualifyHost } from '@/lib/mesh/hosts';
import { cookieRegex } from '@/lib/mesh/intents';
import type { HTTPMatchRequest, HTTPRoute, HTTPRouteDestination } from './types';

/*
 * Edits of the parts of a VirtualService the console owns. Each takes a route and returns a new one; every
 * field it does not own (timeouts, retries, fault, mirror, headers, unknown fields) is spread through as is.
 */

/** The host string to write in new destinations: the one the route already uses, for a consistent style. */
export function hostSpelling(route: HTTPRoute | undefined, fallback: string): string {
  return route?.route?.[0]?.destination.host ?? fallback;
}

/**
 * Sets the weights of a catch-all route. Versions at 0 leave the route; new versions are appended; a lone
 * destination that had no weight keeps having none (Istio reads it as 100).
 */
export function withWeights(route: HTTPRoute, weights: Record<string, number>, host: string, namespace: string): HTTPRoute {
  const own = (entry: HTTPRouteDestination) => qualifyHost(entry.destination.host, namespace) === qualifyHost(host, namespace);
  const placed = new Set<string>();
  const kept: HTTPRouteDestination[] = [];
  for (const entry of route.route ?? []) {
    const subset = entry.destination.subset;
    if (!own(entry) || !subset) {
      kept.push(entry);
      continue;
    }
    const weight = weights[subset] ?? 0;
    if (weight === 0 || placed.has(subset)) continue;
    placed.add(subset);
    kept.push({ ...entry, weight });
  }
  for (const [subset, weight] of Object.entries(weights)) {
    if (weight > 0 && !placed.has(subset)) kept.push({ destination: { host, subset }, weight });
  }
  const original = route.route ?? [];
  if (kept.length === 1 && original.length === 1 && original[0]!.weight === undefined && kept[0]!.weight === 100) {
    const { weight: _dropped, ...rest } = kept[0]!;
    return { ...route, route: [rest as HTTPRouteDestination] };
  }
  return { ...route, route: kept };
}

/** Istio match blocks for a content policy: one block for "all", one block per condition for "any". */
export function matchesOf(policy: ContentPolicy): HTTPMatchRequest[] {
  const headerOf = (condition: ContentPolicy['conditions'][number]): [string, Record<string, string>] =>
    condition.on === 'cookie' ? ['cookie', { regex: condition.value }] : [condition.name, { [condition.operator]: condition.value }];
  if (policy.match === 'all') return [{ headers: Object.fromEntries(policy.conditions.map(headerOf)) }];
  return policy.conditions.map((condition) => ({ headers: Object.fromEntries([headerOf(condition)]) }));
}

/** A route sending matching requests to one version; `base` keeps the fields of the rule it replaces. */
export function contentRoute(policy: ContentPolicy, host: string, version: string, base?: HTTPRoute): HTTPRoute {
  const destination = base?.route?.[0] ? { ...base.route[0], destination: { ...base.route[0].destination, host, subset: version } } : { destination: { host, subset: version } };
  return { ...base, match: matchesOf(policy), route: [destination] };
}

interface MirrorDestination {
  host: string;
  subset?: string;
}

/**
 * The mirror of a route as one version of the service: Istio's `mirror` + `mirrorPercentage` (no percentage is
 * 100%), or a `mirrors` list of one. Undefined when there is none, or it is something the console cannot edit
 * (another host, no subset, several mirrors).
 */
export function mirrorOf(route: HTTPRoute | undefined, host: string, namespace: string): MirrorView | undefined {
  if (!route) return undefined;
  const own = (destination: MirrorDestination | undefined) => destination?.subset && qualifyHost(destination.host, namespace) === qualifyHost(host, namespace);
  const percentOf = (value: unknown) => (typeof value === 'number' ? value : 100);
  const mirrors = route.mirrors as { destination?: MirrorDestination; percentage?: { value?: number } }[] | undefined;
  if (mirrors?.length === 1 && !route.mirror && own(mirrors[0]!.destination)) return { version: mirrors[0]!.destination!.subset!, percent: percentOf(mirrors[0]!.percentage?.value) };
  const mirror = route.mirror as MirrorDestination | undefined;
  if (!mirrors && own(mirror)) return { version: mirror!.subset!, percent: percentOf((route.mirrorPercentage as { value?: number } | undefined)?.value) };
  return undefined;
}

/** The route copying `percent`% of its requests to `version` (as `mirror` + `mirrorPercentage`), or to none with null. */
export function withMirror(route: HTTPRoute, host: string, version: string | null, percent: number): HTTPRoute {
  const { mirror: _mirror, mirrorPercentage: _percentage, mirrors: _mirrors, ...rest } = route;
  if (version === null) return rest;
  return { ...rest, mirror: { host, subset: version }, ...(percent === 100 ? {} : { mirrorPercentage: { value: percent } }) };
}

/*
 * Session affinity, as Flagger does it on Istio: the gray destination's answers carry
 * `Set-Cookie: <name>=<version>; Max-Age=<s>; Path=/` (the destination's `headers.response.add`), and a rule
 * before the weighted route sends requests with that cookie to the version. A DestinationRule consistent hash
 * cannot do it: it picks an endpoint inside one subset, after the weighted choice of subset, which stays random.
 */

const STICKY_COOKIE = /^([A-Za-z0-9_-]{1,64})=([^;]+); Max-Age=(\d+); Path=\/$/;

type ResponseHeaders = { response?: { add?: Record<string, string>; [field: string]: unknown }; [field: string]: unknown };

function setCookieOf(entry: HTTPRouteDestination): [string, string] | undefined {
  const add = (entry.headers as ResponseHeaders | undefined)?.response?.add;
  return Object.entries(add ?? {}).find(([name]) => name.toLowerCase() === 'set-cookie');
}

/** The session affinity on a route: a destination of the service whose answers set `<cookie>=<its subset>` as the console writes it. */
export function stickyOf(route: HTTPRoute | undefined, host: string, namespace: string): StickyView | undefined {
  for (const entry of route?.route ?? []) {
    const subset = entry.destination.subset;
    const match = STICKY_COOKIE.exec(setCookieOf(entry)?.[1] ?? '');
    if (subset && match && match[2] === subset && qualifyHost(entry.destination.host, namespace) === qualifyHost(host, namespace)) {
      return { version: subset, cookie: match[1]!, maxAge: Number(match[3]) };
    }
  }
  return undefined;
}

/** The rule a sticky version gets: requests carrying its cookie. */
export function stickyPolicy(cookie: string, version: string): ContentPolicy {
  return { match: 'any', conditions: [{ on: 'cookie', operator: 'regex', value: cookieRegex(cookie, version) }] };
}

/** The route with the console's Set-Cookie removed from every destination, and put on `version`'s when a cookie is given. */
export function withSticky(route: HTTPRoute, version: string, cookie: { name: string; maxAge: number } | null): HTTPRoute {
  const entries = (route.route ?? []).map((entry) => {
    const own = setCookieOf(entry);
    const ours = own && STICKY_COOKIE.test(own[1]);
    if (!ours && !(cookie && entry.destination.subset === version)) return entry;
    const headers = { ...(entry.headers as ResponseHeaders | undefined) };
    const add = { ...headers.response?.add };
    if (ours) delete add[own[0]];
    if (cookie && entry.destination.subset === version) add['Set-Cookie'] = `${cookie.name}=${version}; Max-Age=${cookie.maxAge}; Path=/`;
    const response = { ...headers.response, add };
    if (Object.keys(add).length === 0) delete (response as ResponseHeaders['response'] & object).add;
    const nextHeaders: ResponseHeaders = { ...headers, response };
    if (Object.keys(response).length === 0) delete nextHeaders.response;
    const { headers: _headers, ...rest } = entry;
    return Object.keys(nextHeaders).length === 0 ? (rest as HTTPRouteDestination) : { ...rest, headers: nextHeaders };
  });
  return { ...route, route: entries };
}
