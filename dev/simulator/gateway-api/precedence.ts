/**
 * Gateway API's match precedence, across all rules of all routes attached to one parent: Exact path, then
 * the longest PathPrefix, then a method match, then the most header matches, then the most query
 * parameter matches; ties go to the oldest route, then `namespace/name`, then the first rule in the route.
 * The API leaves RegularExpression paths to the implementation: as in Istio, they rank below every
 * PathPrefix (the catch-all "/" included), and a prefix's length is counted without its trailing `/`.
 */
import type { MeshRequest } from '../mesh-request.ts';
import { oldestFirst } from '../object-order.ts';
import { MATCH_EVERYTHING, firstPerName, pathOf, routeMatchHolds } from './route-match.ts';
import type { HttpRoute, HttpRouteMatch, HttpRouteRule } from './types.ts';

/** One match of one rule of one route: the unit precedence orders. */
export interface RankedMatch {
  route: HttpRoute;
  rule: HttpRouteRule;
  ruleIndex: number;
  match: HttpRouteMatch;
}

const PATH_RANK = { Exact: 3, PathPrefix: 2, RegularExpression: 1 } as const;

function pathLength({ type, value }: { type: string; value: string }): number {
  return type === 'PathPrefix' && value !== '/' ? value.replace(/\/+$/, '').length : value.length;
}

function compareMatches(a: RankedMatch, b: RankedMatch): number {
  const [pathA, pathB] = [pathOf(a.match), pathOf(b.match)];
  return (
    PATH_RANK[pathB.type] - PATH_RANK[pathA.type] ||
    pathLength(pathB) - pathLength(pathA) ||
    Number(b.match.method !== undefined) - Number(a.match.method !== undefined) ||
    firstPerName(b.match.headers, true).length - firstPerName(a.match.headers, true).length ||
    firstPerName(b.match.queryParams, false).length - firstPerName(a.match.queryParams, false).length ||
    oldestFirst(a.route, b.route) ||
    a.ruleIndex - b.ruleIndex
  );
}

/** Every match of the routes' rules, highest precedence first; a rule without matches matches everything. */
export function rankMatches(routes: readonly HttpRoute[]): RankedMatch[] {
  const ranked: RankedMatch[] = [];
  for (const route of routes) {
    // The API server defaults absent rules to one catch-all rule without backends.
    (route.spec?.rules ?? [{}]).forEach((rule, ruleIndex) => {
      const matches = rule.matches?.length ? rule.matches : [{ path: MATCH_EVERYTHING }];
      for (const match of matches) ranked.push({ route, rule, ruleIndex, match });
    });
  }
  // Array.prototype.sort is stable, so matches of one rule keep their order on a full tie.
  return ranked.sort(compareMatches);
}

/** The highest-precedence match that holds for the request, if any. */
export function winningMatch(ranked: readonly RankedMatch[], request: MeshRequest): RankedMatch | undefined {
  return ranked.find((candidate) => routeMatchHolds(candidate.match, request));
}
