/** An HTTP request as the client's sidecar sees it, before routing. */
export interface MeshRequest {
  /** Lower-case names; the cookie is just the `cookie` header. */
  headers: Record<string, string>;
  /** The request path, optionally with a `?query`. */
  path: string;
  method?: string;
  /** The class of caller it comes from (`gray`, `user`, ...): not sent, only counted by `/split`. */
  caller?: string;
}

/** The path without its query string (what path matches look at) and the parsed query parameters. */
export function pathAndQuery(request: MeshRequest): { path: string; query: URLSearchParams } {
  const at = request.path.indexOf('?');
  if (at < 0) return { path: request.path, query: new URLSearchParams() };
  return { path: request.path.slice(0, at), query: new URLSearchParams(request.path.slice(at + 1)) };
}
