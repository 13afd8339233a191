/**
 * Whether a VirtualService `http` route applies to a request: its match blocks are OR'ed, the conditions
 * inside one block AND'ed, and a route without blocks applies to everything.
 */
import { pathAndQuery, type MeshRequest } from '../mesh-request.ts';
import { stringMatches } from './string-match.ts';
import type { HttpMatchRequest, VirtualServiceHttpRoute } from './types.ts';

/** Who sends the request: conditions on the source look at this. */
export interface Caller {
  namespace: string;
}

const UNDERSTOOD = new Set(['name', 'uri', 'ignoreUriCase', 'method', 'headers', 'withoutHeaders', 'queryParams', 'gateways', 'sourceNamespace']);

/** True when every condition of one match block holds for the request. */
export function blockMatches(block: HttpMatchRequest, request: MeshRequest, caller: Caller): boolean {
  // Conditions a synthetic request cannot meet (source labels, ports, authority) never hold, so a route that
  // needs them does not catch the simulator's callers.
  if (Object.keys(block).some((key) => !UNDERSTOOD.has(key))) return false;
  if (block.gateways && !block.gateways.includes('mesh')) return false;
  if (block.sourceNamespace !== undefined && block.sourceNamespace !== caller.namespace) return false;
  // Envoy matches the path with the query string removed.
  const { path, query } = pathAndQuery(request);
  if (block.uri && !stringMatches(block.uri, path, block.ignoreUriCase === true)) return false;
  if (block.method && !stringMatches(block.method, request.method ?? 'GET')) return false;
  for (const [name, condition] of Object.entries(block.headers ?? {})) {
    if (!stringMatches(condition, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, condition] of Object.entries(block.withoutHeaders ?? {})) {
    if (stringMatches(condition, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, condition] of Object.entries(block.queryParams ?? {})) {
    if (!stringMatches(condition, query.get(name) ?? undefined)) return false;
  }
  return true;
}

/** True when the route has no match blocks or any one of them holds. */
export function routeApplies(route: VirtualServiceHttpRoute, request: MeshRequest, caller: Caller): boolean {
  const blocks = route.match ?? [];
  return blocks.length === 0 || blocks.some((block) => blockMatches(block, request, caller));
}
