import { qualifyHost } from '@/lib/mesh/hosts';
import type { HTTPMatchRequest, HTTPRoute, HTTPRouteDestination, StringMatch, VirtualService } from './types';

/** An HTTP request as a sidecar sees it: lower-case header names (the cookie header included) and a path. */
export interface MeshRequest {
  headers: Record<string, string>;
  /** The request path, optionally with a `?query`. */
  path: string;
  method?: string;
}

/** Where Istio would send a request: the route that matched and the destination it picked. */
export interface RouteDecision {
  routeIndex: number;
  route: HTTPRoute;
  /** Absent when the matched route has no destinations (a redirect or a direct response). */
  destination?: { host: string; subset?: string };
}

// Compiling a regex per request would dominate the simulator's cost; VirtualServices hold few of them.
const compiled = new Map<string, RegExp | null>();

/**
 * Envoy matches with RE2 against the whole value, so `gray=true` does not match `xgray=truex`. JavaScript
 * searches, so anchor the pattern. RE2's leading `(?i)` has no JavaScript spelling: turn it into the flag.
 */
function fullMatch(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex !== undefined) return regex;
  const caseless = pattern.startsWith('(?i)');
  try {
    regex = new RegExp(`^(?:${caseless ? pattern.slice(4) : pattern})$`, caseless ? 'i' : '');
  } catch {
    // Istio's validation rejects such a pattern; a condition that cannot compile never matches.
    regex = null;
  }
  compiled.set(pattern, regex);
  return regex;
}

function stringMatches(match: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  // An empty StringMatch only asks that the value be present.
  if (match.exact === undefined && match.prefix === undefined && match.regex === undefined) return true;
  const subject = ignoreCase ? value.toLowerCase() : value;
  if (match.exact !== undefined) return subject === (ignoreCase ? match.exact.toLowerCase() : match.exact);
  if (match.prefix !== undefined) return subject.startsWith(ignoreCase ? match.prefix.toLowerCase() : match.prefix);
  return fullMatch(match.regex!)?.test(value) ?? false;
}

function splitPath(path: string): { path: string; query: URLSearchParams } {
  const at = path.indexOf('?');
  return at < 0 ? { path, query: new URLSearchParams() } : { path: path.slice(0, at), query: new URLSearchParams(path.slice(at + 1)) };
}

const SUPPORTED = new Set(['name', 'headers', 'withoutHeaders', 'uri', 'ignoreUriCase', 'queryParams', 'method']);

/** True when every condition of one match block holds (the block is an AND; blocks are OR'ed). */
export function matchesRequest(match: HTTPMatchRequest, request: MeshRequest): boolean {
  // Conditions on things a synthetic request does not have (source labels, ports, gateways) never hold.
  if (Object.keys(match).some((key) => !SUPPORTED.has(key))) return false;
  const { path, query } = splitPath(request.path);
  // Envoy matches paths with the query string removed.
  if (match.uri && !stringMatches(match.uri, path, match.ignoreUriCase === true)) return false;
  if (match.method && !stringMatches(match.method as StringMatch, request.method ?? 'GET')) return false;
  for (const [name, condition] of Object.entries(match.headers ?? {})) {
    if (!stringMatches(condition, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, condition] of Object.entries((match.withoutHeaders ?? {}) as Record<string, StringMatch>)) {
    if (stringMatches(condition, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, condition] of Object.entries(match.queryParams ?? {})) {
    if (!stringMatches(condition, query.get(name) ?? undefined)) return false;
  }
  return true;
}

/** True when the route applies: it has no match blocks, or any one of them holds. */
export function routeMatches(route: HTTPRoute, request: MeshRequest): boolean {
  const matches = route.match ?? [];
  return matches.length === 0 || matches.some((match) => matchesRequest(match, request));
}

/**
 * Picks a destination by weight. `random` is in [0, 1); a lone destination without a weight gets all
 * traffic, as in Istio. Undefined when the weights add up to nothing.
 */
export function pickDestination(route: HTTPRoute, random: number): HTTPRouteDestination | undefined {
  const destinations = route.route ?? [];
  const weights = destinations.map((entry) => entry.weight ?? (destinations.length === 1 ? 100 : 0));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return undefined;
  let remaining = random * total;
  for (let index = 0; index < destinations.length; index += 1) {
    remaining -= weights[index]!;
    if (remaining < 0) return destinations[index];
  }
  // Rounding can leave a sliver at the top end: it belongs to the last destination with weight.
  return destinations[weights.findLastIndex((weight) => weight > 0)];
}

/**
 * The route and destination Istio's sidecar would choose for a request to this VirtualService: the first
 * `http` route that matches wins, then a destination by weight. Undefined when no route matches (Envoy's 404).
 */
export function evaluateRequest(vs: VirtualService, request: MeshRequest, random: number): RouteDecision | undefined {
  const namespace = vs.metadata?.namespace ?? 'default';
  const routes = vs.spec?.http ?? [];
  for (let routeIndex = 0; routeIndex < routes.length; routeIndex += 1) {
    const route = routes[routeIndex]!;
    if (!routeMatches(route, request)) continue;
    const picked = pickDestination(route, random);
    const destination = picked && { host: qualifyHost(picked.destination.host, namespace), subset: picked.destination.subset };
    return { routeIndex, route, destination };
  }
  return undefined;
}
