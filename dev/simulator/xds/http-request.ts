/**
 * A request as Envoy's router sees it: header names lower-case, the pseudo-headers HTTP/2 style (`:authority`,
 * `:path`, `:method`, `:scheme`), and the path split from its query string for path and query matches.
 */
import { pathAndQuery, type MeshRequest } from '../mesh-request.ts';

export interface HttpRequest {
  headers: ReadonlyMap<string, string>;
  /** The path without query string or fragment: what prefix, path and regex matches look at. */
  path: string;
  query: URLSearchParams;
}

/** The request `request` becomes on the client's sidecar when sent to `authority`. */
export function httpRequest(request: MeshRequest, authority: string): HttpRequest {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), value);
  headers.set(':authority', authority);
  headers.set(':method', request.method ?? 'GET');
  headers.set(':path', request.path);
  headers.set(':scheme', 'http');
  // The connection manager sets this before routing, so a route may match on it.
  headers.set('x-forwarded-proto', 'http');
  const { path, query } = pathAndQuery(request);
  return { headers, path: path.split('#')[0] ?? path, query };
}

/** The value of cookie `name` in the `cookie` header, if it is there. */
export function cookieValue(request: HttpRequest, name: string): string | undefined {
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
