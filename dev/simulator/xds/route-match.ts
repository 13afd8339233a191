/**
 * Whether an Envoy route's match holds for a request: the path specifier, then every header, query
 * parameter and cookie matcher (all must hold). Envoy's semantics, not Istio's or Gateway API's: istiod
 * has already translated those into these.
 */
import { fullyMatches } from '../re2.ts';
import { cookieValue, type HttpRequest } from './http-request.ts';
import type { HeaderMatch, PathMatch, QueryMatch, RouteMatch } from './snapshot.ts';
import { stringMatcherHolds } from './string-matcher.ts';

function pathHolds(match: PathMatch | undefined, caseSensitive: boolean, request: HttpRequest): boolean {
  if (!match) return true;
  if (match.kind === 'connect') return request.headers.get(':method') === 'CONNECT';
  // case_sensitive does not apply to regular expressions.
  if (match.kind === 'safeRegex') return fullyMatches(match.value ?? '', request.path);
  const path = caseSensitive ? request.path : request.path.toLowerCase();
  const value = caseSensitive ? (match.value ?? '') : (match.value ?? '').toLowerCase();
  switch (match.kind) {
    case 'prefix':
      return path.startsWith(value);
    case 'path':
      return path === value;
    case 'pathSeparatedPrefix':
      return path === value || path.startsWith(`${value}/`);
  }
}

/**
 * Envoy's HeaderMatcher: an absent header fails every matcher except "present: false" (and, inverted,
 * "present: true"), unless treat_missing_header_as_empty makes it an empty value; otherwise the match
 * result is flipped by invert_match.
 */
export function headerHolds(match: HeaderMatch, request: HttpRequest): boolean {
  if (match.unsupported) return false;
  const header = request.headers.get(match.name.toLowerCase());
  if (header === undefined && !match.treatMissingAsEmpty) {
    const present = match.present;
    return match.invert ? present === true : present === false;
  }
  const value = header ?? '';
  let holds: boolean;
  if (match.string) holds = stringMatcherHolds(match.string, value);
  else if (match.range) holds = /^-?\d+$/.test(value) && Number(value) >= match.range.start && Number(value) < match.range.end;
  else holds = match.present ?? true;
  return holds !== (match.invert ?? false);
}

function queryHolds(match: QueryMatch, request: HttpRequest): boolean {
  if (match.unsupported) return false;
  const value = request.query.get(match.name);
  if (value === null) return false;
  return match.string ? stringMatcherHolds(match.string, value) : true;
}

/** True when every condition of the route's match holds. */
export function routeMatches(match: RouteMatch, request: HttpRequest): boolean {
  if ((match.unsupported ?? []).length > 0) return false;
  if (!pathHolds(match.path, match.caseSensitive, request)) return false;
  if (!(match.headers ?? []).every((header) => headerHolds(header, request))) return false;
  if (!(match.queryParameters ?? []).every((query) => queryHolds(query, request))) return false;
  return (match.cookies ?? []).every((cookie) => {
    const value = cookieValue(request, cookie.name);
    // An absent cookie fails the match, so invert_match makes it succeed.
    const holds = value !== undefined && stringMatcherHolds(cookie.string, value);
    return holds !== (cookie.invert ?? false);
  });
}
