/**
 * Whether one HTTPRouteMatch holds for a request: path, method, headers and query parameters are AND'ed.
 * Header names are case-insensitive, their values case-sensitive; query parameter names are exact.
 */
import { pathAndQuery, type MeshRequest } from '../mesh-request.ts';
import { fullyMatches } from '../re2.ts';
import type { HttpPathMatch, HttpRouteMatch, HttpValueMatch } from './types.ts';

/** The match a rule without `matches`, or a match without `path`, stands for. */
export const MATCH_EVERYTHING: HttpPathMatch = { type: 'PathPrefix', value: '/' };

/** The path condition of a match with the API's defaults filled in. */
export function pathOf(match: HttpRouteMatch): Required<HttpPathMatch> {
  return { type: match.path?.type ?? 'PathPrefix', value: match.path?.value ?? '/' };
}

/** PathPrefix matches whole path segments: `/foo` matches `/foo` and `/foo/bar`, never `/foobar`; a trailing `/` is ignored. */
export function pathPrefixMatches(prefix: string, path: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' || path === trimmed || path.startsWith(`${trimmed}/`);
}

function pathMatches(condition: Required<HttpPathMatch>, path: string): boolean {
  if (condition.type === 'Exact') return path === condition.value;
  if (condition.type === 'PathPrefix') return pathPrefixMatches(condition.value, path);
  return fullyMatches(condition.value, path);
}

function valueMatches(condition: HttpValueMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  return condition.type === 'RegularExpression' ? fullyMatches(condition.value, value) : value === condition.value;
}

/** Only the first condition per name counts, as the API says: later duplicates are ignored. */
export function firstPerName(conditions: readonly HttpValueMatch[] | undefined, caseless: boolean): HttpValueMatch[] {
  const seen = new Set<string>();
  return (conditions ?? []).filter((condition) => {
    const name = caseless ? condition.name.toLowerCase() : condition.name;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** True when every condition of the match holds for the request. */
export function routeMatchHolds(match: HttpRouteMatch, request: MeshRequest): boolean {
  const { path, query } = pathAndQuery(request);
  if (!pathMatches(pathOf(match), path)) return false;
  if (match.method !== undefined && match.method !== (request.method ?? 'GET')) return false;
  if (!firstPerName(match.headers, true).every((condition) => valueMatches(condition, request.headers[condition.name.toLowerCase()]))) return false;
  return firstPerName(match.queryParams, false).every((condition) => valueMatches(condition, query.get(condition.name) ?? undefined));
}
