/**
 * The headers Envoy's router adds to the answer of a request it forwarded, from the route's config: the chosen
 * weighted cluster's `response_headers_to_add`, then the route's (Envoy's default order, most specific first,
 * so a less specific level's overwrite wins). istiod writes no virtual host or route configuration level for
 * Istio's `headers.response`, so none is read. The simulated workloads send no headers of their own: the
 * levels apply to an empty answer.
 */
import type { HeaderToAdd } from './snapshot.ts';

/** Response headers in order, names lower-cased as Envoy sends them. */
export type ResponseHeader = [name: string, value: string];

/**
 * One level, as Envoy's HeaderParser evaluates it: the conditions of `addIfAbsent` and `overwriteIfExists`
 * look at the headers before this level; then the overwrites replace every value of their name, then the
 * appends are added.
 */
function applyLevel(headers: ResponseHeader[], level: readonly HeaderToAdd[]): ResponseHeader[] {
  const present = (name: string) => headers.some(([existing]) => existing === name);
  const appends: ResponseHeader[] = [];
  const overwrites: ResponseHeader[] = [];
  for (const { name: raw, value, action } of level) {
    const name = raw.toLowerCase();
    if (!action) appends.push([name, value]);
    else if (action === 'addIfAbsent') {
      if (!present(name)) appends.push([name, value]);
    } else if (action === 'overwriteIfExistsOrAdd' || present(name)) overwrites.push([name, value]);
  }
  let result = headers;
  for (const [name, value] of overwrites) result = [...result.filter(([existing]) => existing !== name), [name, value]];
  return [...result, ...appends];
}

/** The headers the levels add, from the most specific (a weighted cluster's) to the least (the route's). */
export function responseHeadersAdded(levels: readonly (readonly HeaderToAdd[] | undefined)[]): ResponseHeader[] {
  return levels.reduce<ResponseHeader[]>((headers, level) => (level?.length ? applyLevel(headers, level) : headers), []);
}
